/**
 * Dark mode (a toggle, remembered across reloads, no serious axe violation on the main views)
 * and the organisation switcher (accept an invitation to a second organisation, switch to it
 * and back with one click, no password), the users tab's role change, in a real browser against
 * `polder serve` with the demo fleet.
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
  until,
  watchErrors,
} from './browser.js';

describe('dark mode and organisations', () => {
  let polder: DemoPolder;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    await ensureDashboardBuilt();
    [polder, browser] = await Promise.all([serveDemo(), launch()]);
    page = await (await browser.newContext({ viewport: { width: 1280, height: 860 } })).newPage();
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
  const scheme = () =>
    page.evaluate(() =>
      (
        globalThis as unknown as { document: { documentElement: { getAttribute(n: string): string | null } } }
      ).document.documentElement.getAttribute('data-mantine-color-scheme'),
    );

  it('switches to dark mode, remembers it across a reload, and passes axe on the main views', async () => {
    await until(
      async () => (await page.locator('[data-device^="demo-"] [data-state=online]').count()) >= 3,
      60_000,
      'demo boards online',
    );
    const before = await scheme();
    expect(before).toBe('light');
    await page.getByRole('button', { name: 'Toggle dark mode' }).click();
    await expect.poll(scheme).toBe('dark');
    await page.reload();
    await page.locator('[data-device^="demo-"]').first().waitFor();
    expect(await scheme()).toBe('dark');
    await page.getByRole('tab').nth(1).click();
    await page.getByTestId('building-cards').waitFor();
    await axe('dark fleet');
    await page.screenshot({ path: screenshotPath('fleet-dark'), fullPage: true });

    await page.getByRole('link', { name: 'demo-00001' }).click();
    await page.waitForURL(/\/devices\//);
    await page.getByTestId('order-history').waitFor();
    await axe('dark device');
    await page.screenshot({ path: screenshotPath('device-dark'), fullPage: true });

    const views: [string, () => Promise<unknown>][] = [
      ['/alerts', () => page.getByTestId('alert-stats').waitFor()],
      ['/explore', () => page.getByRole('heading', { name: 'Data explorer' }).waitFor()],
      ['/map', () => page.getByTestId('map').waitFor()],
      ['/pipelines', () => page.getByRole('button', { name: 'Create pipeline' }).waitFor()],
      ['/traces', () => page.getByRole('heading', { name: 'Traces' }).waitFor()],
      ['/workers', () => page.locator('.cm-content').waitFor()],
      ['/operations', () => page.getByTestId('operations').getByText('Uptime').waitFor()],
      ['/settings?tab=places', () => page.getByTestId('locations').waitFor()],
      ['/settings?tab=types', () => page.getByTestId('device-types').waitFor()],
      ['/settings?tab=users', () => page.getByTestId('users').locator('[data-member="admin"]').waitFor()],
      ['/settings?tab=webhooks', () => page.getByTestId('webhooks').waitFor()],
    ];
    for (const [path, ready] of views) {
      await page.goto(`${polder.url}${path}`);
      await ready();
      await axe(`dark ${path}`);
    }
    await page.goto(`${polder.url}/alerts`);
    await page.getByTestId('alert-stats').waitFor();
    await page.screenshot({ path: screenshotPath('alerts-dark'), fullPage: true });
    // Back to light for the rest (and to show the toggle works both ways).
    await page.getByRole('button', { name: 'Toggle dark mode' }).click();
    await expect.poll(scheme).toBe('light');
  }, 120_000);

  it("accepts an invitation to a second organisation, switches to it and back with one click, and changes a member's role", async () => {
    const created = await pageApi(page, 'POST', '/api/organisations', { slug: 'lab', name: 'Lab' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const invitation = await pageApi<{ token: string }>(page, 'POST', '/api/organisations/lab/invitations', {
      role: 'admin',
      username: 'admin',
    });
    expect(invitation.status).toBe(201);
    await page.goto(`${polder.url}/invitations/${encodeURIComponent(invitation.body.token)}`);
    await page.getByRole('button', { name: 'Accept invitation' }).click();
    await page.getByTestId('invitation-accepted').getByText('You joined Lab as admin').waitFor();

    // One click: no password asked.
    await page.getByRole('button', { name: 'Organisation' }).click();
    await page.getByRole('menuitem', { name: /^Lab/ }).click();
    await page.waitForURL(/\/fleet/);
    await expect.poll(() => page.getByTestId('organisation').innerText()).toMatch(/^Lab/);
    const me = await pageApi<{ organisation: { slug: string }; role: string }>(page, 'GET', '/api/auth/me');
    expect(me.body).toMatchObject({ organisation: { slug: 'lab' }, role: 'admin' });
    // The Lab has no devices: the demo fleet of the default organisation is not shown.
    await page.getByTestId('device-count').getByText('0 of 0 devices').waitFor();
    expect(await page.locator('[data-device^="demo-"]').count()).toBe(0);
    await page.screenshot({ path: screenshotPath('org-switched'), fullPage: true });

    // Users tab of the Lab: a member's role changes in place; the last admin cannot be demoted.
    const user = await pageApi<{ id: string }>(page, 'POST', '/api/organisations/lab/users', {
      username: 'lab-viewer',
      password: 'lab-viewer-password',
      role: 'viewer',
    });
    expect(user.status, JSON.stringify(user.body)).toBe(201);
    await page.goto(`${polder.url}/settings?tab=users`);
    const users = page.getByTestId('users');
    await users.getByLabel('Role of lab-viewer').click();
    await page.getByRole('option', { name: 'editor' }).click();
    await expect
      .poll(async () => {
        const list = await pageApi<{ data: { username: string; role: string }[] }>(page, 'GET', '/api/organisations/lab/users');
        return list.body.data.find((m) => m.username === 'lab-viewer')?.role;
      })
      .toBe('editor');
    await expect.poll(() => users.getByLabel('Role of lab-viewer').inputValue()).toBe('editor');
    await users.getByLabel('Role of admin').click();
    await page.getByRole('option', { name: 'viewer' }).click();
    await users.getByTestId('api-error').getByText('LAST_ADMIN').waitFor();
    await expect.poll(() => users.getByLabel('Role of admin').inputValue()).toBe('admin');
    await axe('users with role change refused');

    await page.getByRole('button', { name: 'Organisation' }).click();
    await page.getByRole('menuitem', { name: /^Default/ }).click();
    await expect
      .poll(async () => (await pageApi<{ organisation: { slug: string } }>(page, 'GET', '/api/auth/me')).body.organisation.slug)
      .toBe('default');
    await expect.poll(() => page.getByTestId('organisation').innerText()).toMatch(/^Default/);
    await page.locator('[data-device^="demo-"]').first().waitFor();
  }, 90_000);

  it('had no console error but the refused role change (409)', () => {
    expect(errors).toEqual([expect.stringMatching(/status of 409/)]);
  });
});
