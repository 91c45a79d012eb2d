/**
 * The fleet view follows the fleet live (GET /api/fleet/activity, server-sent events): a board
 * that goes silent turns red and its building's offline count rises, with no reload.
 */

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpFleetAdmin } from '../../src/simulate/neocampus/fleet-admin.js';
import { type RunningSimulation, runNeocampusSimulation } from '../../src/simulate/neocampus/simulator.js';
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

describe('fleet view, live', () => {
  let polder: DemoPolder;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let sim: RunningSimulation | undefined;

  beforeAll(async () => {
    await ensureDashboardBuilt();
    // No demo fleet; the offline sweep every second so a silent board is marked within seconds.
    [polder, browser] = await Promise.all([serveDemo({ POLDER_DEMO: '0', POLDER_FLEET_SWEEP_SECONDS: '1' }), launch()]);
    page = await (await browser.newContext({ viewport: { width: 1280, height: 860 } })).newPage();
    page.setDefaultTimeout(20_000);
    errors = watchErrors(page);
  }, 180_000);

  afterAll(async () => {
    await sim?.stop();
    await browser?.close();
    await polder?.stop();
  });

  async function axe(where: string) {
    expect(await seriousViolations(page, where)).toEqual([]);
  }

  it('turns a board that goes silent red and counts it offline in its building, without a reload', async () => {
    await signIn(page, polder);
    const key = await pageApi<{ secret: string }>(page, 'POST', '/api/organisations/default/api-keys', {
      name: 'e2e-sim',
      scopes: ['devices:write', 'admin:write'],
    });
    expect(key.status).toBe(201);
    // One board that speaks once when it connects; offline after an hour until it has been seen online
    // (a loaded machine may take longer than 10 s to show it).
    sim = await runNeocampusSimulation({
      devices: 1,
      baseUrl: polder.url,
      admin: httpFleetAdmin(polder.url, key.body.secret),
      mqttUrl: `mqtt://127.0.0.1:${polder.mqttPort}`,
      prefix: 'quiet-',
      offlineAfter: 3600,
      intervalS: 3600,
      statusEveryS: 3600,
    });
    await page.getByTestId('live').getByText('live').waitFor();
    // A marker: were the page reloaded, it would be gone.
    await page.evaluate(() => {
      (globalThis as unknown as { notReloaded: boolean }).notReloaded = true;
    });
    const row = page.locator('[data-device="quiet-00001"]');
    await until(async () => (await row.locator('[data-state=online]').count()) === 1, 30_000, 'the board online');
    await page.getByRole('tab').nth(1).click();
    const offline = page.locator('[data-building="quiet-b1"] [data-count=offline]');
    await expect.poll(() => offline.textContent()).toBe('0 offline');

    // It says nothing more: offline after 10 s (the registry's minimum), the sweep marks it offline and the stream says so.
    expect((await pageApi(page, 'PATCH', '/api/devices/quiet-00001', { offlineAfter: 10 })).status).toBe(200);
    await until(async () => (await row.locator('[data-state=offline]').count()) === 1, 30_000, 'the board offline');
    expect(await row.locator('[data-stale=true]').count()).toBe(1);
    expect(
      await row
        .locator('[data-stale=true]')
        .evaluate(
          (e) => (globalThis as unknown as { getComputedStyle(e: unknown): { color: string } }).getComputedStyle(e).color,
        ),
    ).toMatch(/^rgb\((1[5-9]\d|2\d\d), \d{1,2}, \d{1,2}\)$/);
    await expect.poll(() => offline.textContent(), { timeout: 15_000 }).toBe('1 offline');
    expect(await page.evaluate(() => (globalThis as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
  }, 120_000);

  it('acknowledges the offline alert with a comment and counts it in the charts from /api/alerts/stats', async () => {
    await page.getByRole('link', { name: 'Alerts' }).click();
    const row = page.locator('[data-alert="quiet-00001"]');
    await row.waitFor();
    expect(await row.innerText()).toMatch(/firing/);
    await page.getByTestId('alert-stats').getByLabel('device_offline: 1').waitFor();
    await row.getByRole('button', { name: 'Acknowledge' }).click();
    const dialog = page.getByRole('dialog', { name: /^Acknowledge: quiet-00001/ });
    await dialog.getByLabel('Comment').fill('Board unplugged for the move, back on Monday');
    await axe('acknowledge dialog');
    await dialog.getByRole('button', { name: 'Acknowledge' }).click();
    await dialog.waitFor({ state: 'detached' });
    const alerts = await pageApi<{ data: { status: string; acknowledgedComment: string | null; acknowledgedBy: string }[] }>(
      page,
      'GET',
      '/api/alerts?kind=device_offline&device=quiet-00001&status=firing,acknowledged,resolved',
    );
    expect(alerts.body.data, JSON.stringify(alerts.body)).toMatchObject([
      { status: 'acknowledged', acknowledgedBy: 'admin', acknowledgedComment: 'Board unplugged for the move, back on Monday' },
    ]);
    await expect.poll(() => row.innerText()).toMatch(/acknowledged/);
    await row.click();
    await row.getByText(/Board unplugged for the move/).waitFor();
    await axe('alerts');
    await page.screenshot({ path: screenshotPath('alerts'), fullPage: true });
  });

  it('had no uncaught error or console error', () => {
    expect(errors).toEqual([]);
  });
});
