/**
 * Settings in a real browser against a real `polder serve`: places, device types with their
 * schema, CSV import, users and invitations, webhooks, retention. Each change is checked
 * through the API, and every tab passes axe.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DemoPolder,
  ensureDashboardBuilt,
  launch,
  pageApi,
  screenshotPath,
  seriousViolations,
  serveDemo,
  signIn,
  watchErrors,
} from './browser.js';

describe('settings in a browser', () => {
  let polder: DemoPolder;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    await ensureDashboardBuilt();
    [polder, browser] = await Promise.all([serveDemo({ POLDER_DEMO: '0' }), launch()]);
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.setDefaultTimeout(20_000);
    errors = watchErrors(page);
    await signIn(page, polder);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await polder?.stop();
  });

  async function axe(where: string) {
    expect(await seriousViolations(page, where)).toEqual([]);
  }

  const openTab = async (tab: string) => {
    await page.goto(`${polder.url}/settings?tab=${tab}`);
    await page.getByRole('tab', { selected: true }).waitFor();
  };

  it('adds a building and a room, renames the room, deletes it', async () => {
    await openTab('places');
    const places = page.getByTestId('locations');
    await places.getByLabel('Building slug').fill('e2e-hall');
    await places.getByLabel('Building name').fill('E2E hall');
    await places.getByRole('button', { name: 'Add building' }).click();
    await places.locator('[data-building-row="e2e-hall"]').waitFor();
    await places.getByRole('textbox', { name: 'In building' }).click();
    await page.getByRole('option', { name: 'E2E hall' }).click();
    await places.getByLabel('Room slug').fill('r101');
    await places.getByLabel('Room name').fill('Room 101');
    await places.getByRole('button', { name: 'Add room' }).click();
    await places.locator('[data-room-row="r101"]').getByText('Room 101').waitFor();
    await places.getByRole('button', { name: 'Rename room r101' }).click();
    await places.getByLabel('New name of room r101').fill('Lecture room 101');
    await places.getByRole('button', { name: 'Save' }).click();
    await places.locator('[data-room-row="r101"]').getByText('Lecture room 101').waitFor();
    const rooms = await pageApi<{ data: { slug: string; name: string }[] }>(page, 'GET', '/api/rooms?building=e2e-hall');
    expect(rooms.body.data).toMatchObject([{ slug: 'r101', name: 'Lecture room 101' }]);
    await axe('settings/places');
    await places.getByRole('button', { name: 'Delete room r101' }).click();
    await expect.poll(() => places.locator('[data-room-row="r101"]').count()).toBe(0);
    expect((await pageApi<{ data: unknown[] }>(page, 'GET', '/api/rooms?building=e2e-hall')).body.data).toEqual([]);
  });

  it('creates a device type and edits its config schema: refused while invalid, previewed, saved', async () => {
    await openTab('types');
    const types = page.getByTestId('device-types');
    await types.getByLabel('New type name').fill('e2e-type');
    await types.getByRole('button', { name: 'Add type' }).click();
    const editor = types.getByLabel('Config schema (JSON Schema 2020-12)');
    await editor.waitFor();
    await editor.fill('{"type":"object","properties":{"period":{"type":"integer","minimum":"ten"}}}');
    await types.getByText(/not a valid JSON Schema/).waitFor();
    expect(await types.getByRole('button', { name: 'Save schema' }).isDisabled()).toBe(true);
    await editor.fill('{"type":"object","properties":{"period":{"type":"integer","minimum":10,"title":"Period (s)"}}}');
    await page.getByTestId('schema-preview').getByLabel('Period (s)').waitFor();
    await page.getByTestId('schema-preview').getByLabel('Period (s)').fill('3');
    await page
      .getByTestId('schema-preview')
      .getByText(/must be >= 10/)
      .waitFor();
    await axe('settings/types');
    await page.screenshot({ path: screenshotPath('settings-types'), fullPage: true });
    await types.getByRole('button', { name: 'Save schema' }).click();
    await types.getByText('Schema saved.').waitFor();
    const list = await pageApi<{ data: { name: string; configSchema: { properties?: { period?: { minimum?: number } } } }[] }>(
      page,
      'GET',
      '/api/device-types?limit=1000',
    );
    expect(list.body.data.find((t) => t.name === 'e2e-type')?.configSchema.properties?.period?.minimum).toBe(10);
  });

  it('imports devices from CSV: previews the row errors, imports once they are fixed', async () => {
    await openTab('import');
    const box = page.getByTestId('device-import');
    const header = 'code,type,building,offline_after,sensors';
    await box
      .getByLabel('CSV text')
      .fill(`${header}\ncsv-001,e2e-type,e2e-hall,600,"[{""code"":""t1""}]"\ncsv-002,e2e-type,e2e-hall,not-a-number,`);
    await box.getByRole('button', { name: 'Check' }).click();
    const problems = box.getByTestId('import-errors');
    await problems.waitFor();
    expect(await problems.locator('tbody tr').count()).toBe(1);
    expect(await problems.locator('tbody tr').innerText()).toMatch(/^2\s+offlineAfter\s/);
    expect(await box.getByRole('button', { name: /^Import/ }).isDisabled()).toBe(true);
    await axe('settings/import');
    await page.screenshot({ path: screenshotPath('settings-import'), fullPage: true });
    await box
      .getByLabel('CSV text')
      .fill(`${header}\ncsv-001,e2e-type,e2e-hall,600,"[{""code"":""t1""}]"\ncsv-002,e2e-type,e2e-hall,900,`);
    await box.getByRole('button', { name: 'Check' }).click();
    await box.getByText('2 rows: 2 to create, 0 to update, 0 errors').waitFor();
    await box.getByRole('button', { name: 'Import 2 devices' }).click();
    await box.getByTestId('import-done').getByText('2 created').waitFor();
    const found = await pageApi<{ data: { code: string; offlineAfter: number }[] }>(page, 'GET', '/api/devices?q=csv-');
    expect(found.body.data.map((d) => [d.code, d.offlineAfter]).sort()).toEqual([
      ['csv-001', 600],
      ['csv-002', 900],
    ]);
  });

  it('invites someone, lists and revokes the invitation, removes a member', async () => {
    const added = await pageApi(page, 'POST', '/api/organisations/default/users', {
      username: 'carol',
      password: 'carol-password-1',
      role: 'viewer',
    });
    expect(added.status).toBe(201);
    await openTab('users');
    const users = page.getByTestId('users');
    await users.locator('[data-member="carol"]').waitFor();
    await users.getByLabel('Username (optional)').fill('bob');
    await users.getByRole('textbox', { name: 'Role', exact: true }).click();
    await page.getByRole('option', { name: 'editor' }).click();
    await users.getByRole('button', { name: 'Invite' }).click();
    expect(await users.getByTestId('invitation-link').innerText()).toMatch(/\/invitations\/[^/]+$/);
    await users.getByTestId('invitations').getByText('bob').waitFor();
    await axe('settings/users');
    const invitations = await pageApi<{ data: { username: string; role: string; revokedAt: string | null }[] }>(
      page,
      'GET',
      '/api/organisations/default/invitations',
    );
    expect(invitations.body.data).toMatchObject([{ username: 'bob', role: 'editor', revokedAt: null }]);
    await users.getByTestId('invitations').getByRole('button', { name: 'Revoke' }).click();
    await expect.poll(() => users.getByTestId('invitations').count()).toBe(0);
    await users.getByRole('button', { name: 'Remove carol' }).click();
    await expect.poll(() => users.locator('[data-member="carol"]').count()).toBe(0);
    const members = await pageApi<{ data: { username: string }[] }>(page, 'GET', '/api/organisations/default/users');
    expect(members.body.data.map((m) => m.username)).toEqual(['admin']);
  });

  it('adds a webhook, disables it, shows its deliveries, test-sends it, deletes it', async () => {
    await openTab('webhooks');
    const box = page.getByTestId('webhooks');
    await box.getByLabel('Webhook name').fill('on-call');
    await box.getByLabel('URL').fill('http://127.0.0.1:9/hook');
    await box.getByRole('button', { name: 'Add webhook' }).click();
    await box.locator('[data-webhook="on-call"]').waitFor();
    await box.getByRole('switch', { name: 'on-call enabled' }).click({ force: true });
    await expect
      .poll(async () => (await pageApi<{ data: { enabled: boolean }[] }>(page, 'GET', '/api/webhooks')).body.data[0]?.enabled)
      .toBe(false);
    await box.getByRole('button', { name: 'Deliveries' }).click();
    await box.getByText('No deliveries yet.').waitFor();
    // The test send goes out now and says what happened (nothing listens on port 9: refused).
    await box.getByRole('button', { name: 'Test' }).click();
    await box.getByRole('status').filter({ hasText: 'Test send to on-call: not delivered' }).waitFor();
    await axe('settings/webhooks');
    await box.getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => box.locator('[data-webhook="on-call"]').count()).toBe(0);
  });

  it("sets the organisation's retention and a sensor's", async () => {
    await openTab('retention');
    const box = page.getByTestId('retention');
    await box.getByLabel('Organisation default (days)').fill('90');
    await box.getByRole('button', { name: 'Save default' }).click();
    await box.getByText('Saved.').waitFor();
    expect((await pageApi<{ archiveDays: number }>(page, 'GET', '/api/organisations/default')).body.archiveDays).toBe(90);
    await box.getByRole('textbox', { name: 'Sensors of device' }).click();
    await box.getByRole('textbox', { name: 'Sensors of device' }).fill('csv-001');
    await page.getByRole('option', { name: 'csv-001' }).click();
    await box.getByLabel('Retention of t1 in days').fill('30');
    await box.locator('[data-sensor="t1"]').getByRole('button', { name: 'Save' }).click();
    await box.locator('[data-sensor="t1"]').getByText('Saved.').waitFor();
    await axe('settings/retention');
    const device = await pageApi<{ data: { id: string }[] }>(page, 'GET', '/api/devices?q=csv-001');
    const sensors = await pageApi<{ data: { code: string; archiveDays: number | null }[] }>(
      page,
      'GET',
      `/api/devices/${device.body.data[0]?.id}/sensors`,
    );
    expect(sensors.body.data).toMatchObject([{ code: 't1', archiveDays: 30 }]);
  });

  it('had no uncaught error or console error', () => {
    expect(errors).toEqual([]);
  });
});
