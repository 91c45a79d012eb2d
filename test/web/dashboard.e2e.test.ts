/**
 * The dashboard in a real browser (Debian's Chromium) against a real `polder serve` with the
 * demo fleet: the flows an operator walks every day. Screenshots go to docs/img/.
 */
import mqtt from 'mqtt';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readingOf, ttnUplink } from '../support/uplinks.js';
import {
  type DemoPolder,
  ensureDashboardBuilt,
  launch,
  pageApi,
  screenshotPath,
  seriousViolations,
  serveDemo,
  until,
  watchErrors,
} from './browser.js';

describe('dashboard in a browser', () => {
  let polder: DemoPolder;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    await ensureDashboardBuilt();
    [polder, browser] = await Promise.all([serveDemo(), launch()]);
    context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
    errors = watchErrors(page);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await polder?.stop();
  });

  async function axe(where: string) {
    expect(await seriousViolations(page, where)).toEqual([]);
  }

  it('serves the app with caching headers and falls back to it on client routes', async () => {
    const index = await fetch(`${polder.url}/fleet`);
    expect(index.status).toBe(200);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const html = await index.text();
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeDefined();
    const js = await fetch(`${polder.url}${asset}`);
    expect(js.headers.get('cache-control')).toContain('immutable');
    expect(js.headers.get('content-encoding')).toBe('gzip');
    const missing = await fetch(`${polder.url}/api/nothing-here`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    expect(await (await fetch(`${polder.url}/api/ui-config`)).json()).toEqual({ mapTiles: 'off' });
  });

  it('rejects a wrong password with the message, then signs in and lands on the fleet', async () => {
    await page.goto(`${polder.url}/`);
    await page.waitForURL(/\/login/);
    await expect.poll(() => page.getAttribute('input[name=username]', 'autocomplete')).toBe('username');
    expect(await page.getAttribute('input[name=password]', 'autocomplete')).toBe('current-password');
    await axe('login');
    await page.fill('input[name=username]', 'admin');
    await page.fill('input[name=password]', 'not the password');
    await page.click('button[type=submit]');
    await page.getByTestId('api-error').waitFor();
    expect(await page.getByTestId('api-error').innerText()).toMatch(/UNAUTHENTICATED|password/i);
    await page.screenshot({ path: screenshotPath('login') });
    await page.fill('input[name=password]', polder.password);
    await page.click('button[type=submit]');
    await page.waitForURL(/\/fleet/);
  });

  it('shows the demo boards online in the fleet table', async () => {
    // The demo boards provision and publish within seconds of start.
    await until(
      async () => (await page.locator('[data-device^="demo-"] [data-state=online]').count()) >= 3,
      60_000,
      'demo boards online',
    );
    // The demo boards live in the default site, the first after "All sites".
    await page.getByRole('tab').nth(1).click();
    await page.getByTestId('building-cards').waitFor();
    await page.getByLabel('Search').fill('demo-');
    await expect.poll(() => page.getByTestId('device-count').innerText()).toMatch(/^\d+ of \d+ devices$/);
    await axe('fleet');
    await page.screenshot({ path: screenshotPath('fleet'), fullPage: true });
  });

  it('refuses a cookie-authenticated unsafe request without the CSRF header', async () => {
    // Its own page: the refusal logs a console error that the error watch of `page` must not see.
    const other = await context.newPage();
    await other.goto(`${polder.url}/fleet`);
    const post = (withToken: boolean) =>
      other.evaluate(async (withToken) => {
        const token =
          /polder_csrf=([^;]+)/.exec((globalThis as unknown as { document: { cookie: string } }).document.cookie)?.[1] ?? '';
        const res = await fetch('/api/sites', {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(withToken && { 'x-csrf-token': decodeURIComponent(token) }) },
          body: JSON.stringify({ name: 'CSRF probe', slug: 'csrf-probe' }),
        });
        return { status: res.status, body: (await res.json()) as { error: { details: { field: string } } } };
      }, withToken);
    const refused = await post(false);
    expect(refused.status).toBe(403);
    expect(refused.body.error.details.field).toBe('x-csrf-token');
    expect((await post(true)).status).toBe(201);
    await other.close();
  });

  it('opens a device, refuses a config outside its schema, saves a valid one, sends an order seen on MQTT', async () => {
    const found = await pageApi<{ data: { id: string; typeId: string; baseTopic: string }[] }>(
      page,
      'GET',
      '/api/devices?q=demo-00001',
    );
    const device = found.body.data[0]!;
    // Give the demo boards' type a config schema with a bound to break.
    const schema = {
      type: 'object',
      properties: {
        frequency: { type: 'integer', minimum: 10, title: 'Frequency (s)' },
        label: { type: 'string', title: 'Label' },
      },
    };
    const typed = await pageApi(page, 'PATCH', `/api/device-types/${device.typeId}`, { configSchema: schema });
    expect(typed.status, JSON.stringify(typed.body)).toBe(200);
    const key = await pageApi<{ secret: string }>(page, 'POST', '/api/organisations/default/api-keys', {
      name: 'e2e-mqtt',
      scopes: ['admin:write'],
    });
    expect(key.status).toBe(201);
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${polder.mqttPort}`, {
      username: 'e2e-watcher',
      password: key.body.secret,
      reconnectPeriod: 0,
    });
    const seen: { topic: string; payload: string }[] = [];
    client.on('message', (topic, payload) => seen.push({ topic, payload: payload.toString() }));
    await client.subscribeAsync(`${device.baseTopic}/#`);
    try {
      await page.getByRole('link', { name: 'demo-00001' }).click();
      await page.waitForURL(/\/devices\//);
      const frequency = page.getByLabel('Frequency (s)');
      await frequency.fill('5');
      await page.getByText(/must be >= 10/).waitFor();
      await frequency.fill('60');
      await page.getByRole('button', { name: 'Save config' }).click();
      await page.getByText('Config saved.').waitFor();
      const saved = await pageApi<{ config: { frequency?: number } }>(page, 'GET', `/api/devices/${device.id}`);
      expect(saved.body.config.frequency).toBe(60);

      await page.getByRole('textbox', { name: /^Order\b/ }).fill('frequency');
      await page.getByLabel('Value', { exact: true }).fill('120');
      await page.getByRole('button', { name: 'Send', exact: true }).click();
      const order = await until(
        () => seen.find((m) => m.topic.endsWith('/command') && m.payload.includes('frequency')),
        10_000,
        'the order on MQTT',
      );
      expect(JSON.parse(order.payload)).toMatchObject({ order: 'frequency', value: 120 });
      await page.getByTestId('order-history').getByText(order.topic).waitFor();
      await axe('device');
      await page.screenshot({ path: screenshotPath('device'), fullPage: true });
    } finally {
      await client.endAsync();
    }
  });

  it('creates a pipeline from a vendor codec, tests it, takes an uplink and shows its trace and chart', async () => {
    await page.getByRole('link', { name: 'Pipelines' }).click();
    await page.getByLabel('Name', { exact: true }).fill('e2e-lpp');
    await page.getByRole('textbox', { name: /^Envelope/ }).click();
    await page.getByRole('option', { name: 'ttn-v3', exact: true }).click();
    await page.getByRole('textbox', { name: /^Decoder/ }).click();
    await page.getByRole('option', { name: 'cayenne-lpp', exact: true }).click();
    await page.getByRole('button', { name: 'Create pipeline' }).click();
    await page.waitForURL(/\/pipelines\/[0-9a-f-]{36}$/);
    const pipelineId = page.url().split('/').pop()!;

    const uplink = ttnUplink('70B3D57ED0E2E001', 1, Date.now(), readingOf(7));
    await page.getByLabel('Sample payload').fill(JSON.stringify(uplink));
    await page.getByRole('button', { name: 'Run test' }).click();
    await expect.poll(() => page.getByTestId('test-step').count()).toBe(2);
    const summary = await page
      .getByTestId('test-measurements')
      .getByText(/would be stored/)
      .innerText();
    expect(Number(/(\d+)$/.exec(summary)?.[1])).toBeGreaterThanOrEqual(3);
    await axe('pipeline');
    await page.screenshot({ path: screenshotPath('pipeline-test'), fullPage: true });

    await page.getByRole('button', { name: /ingest token/ }).click();
    const token = await page.getByTestId('ingest-token').innerText();
    const sent = await fetch(`${polder.url}/api/uplinks/${pipelineId}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(ttnUplink('70B3D57ED0E2E001', 2, Date.now(), readingOf(8))),
    });
    expect(sent.status).toBe(202);
    const { traceId } = (await sent.json()) as { traceId: string };

    await page.goto(`${polder.url}/traces?pipeline=${pipelineId}`);
    const row = page.locator(`[data-trace="${traceId}"]`);
    const settled = await until(
      async () => {
        const t = await pageApi<{ status: string }>(page, 'GET', `/api/traces/${traceId}`);
        return t.status === 200 && t.body.status !== 'retrying' && t.body;
      },
      30_000,
      'the trace',
    );
    expect(settled).toMatchObject({ status: 'stored' });
    await until(
      async () => (await row.count()) > 0 && ((await row.textContent()) ?? '').includes('stored'),
      15_000,
      'the stored trace row',
    );
    await row.getByRole('button').click();
    await page.getByTestId('trace-detail').getByText('cayenne-lpp').waitFor();
    await axe('traces');
    await page.screenshot({ path: screenshotPath('traces'), fullPage: true });

    const trace = await pageApi<{ deviceId: string }>(page, 'GET', `/api/traces/${traceId}`);
    const latest = await pageApi<{ data: { datastream: number }[] }>(page, 'GET', `/api/devices/${trace.body.deviceId}/latest`);
    expect(latest.body.data.length).toBeGreaterThanOrEqual(3);
    const ds = latest.body.data
      .slice(0, 2)
      .map((l) => `ds=${l.datastream}`)
      .join('&');
    await page.goto(`${polder.url}/explore?${ds}`);
    await page.locator('[data-testid=chart] canvas').waitFor();
    await expect.poll(() => page.getByText(/^\d+ points/).innerText()).toMatch(/^[1-9]\d* points/);
    await axe('explorer');
    await page.screenshot({ path: screenshotPath('explorer'), fullPage: true });
  }, 90_000);

  it('shows alerts, the map without tiles, workers with the script editor, and operations figures', async () => {
    await page.goto(`${polder.url}/alerts`);
    await page.getByTestId('alerts').waitFor();
    await axe('alerts');
    // Place the default site, so the map has a marker (the demo boards have no coordinates).
    const sites = await pageApi<{ data: { id: string }[] }>(page, 'GET', '/api/sites');
    const placed = await pageApi(page, 'PATCH', `/api/sites/${sites.body.data[0]!.id}`, { latitude: 43.5617, longitude: 1.4683 });
    expect(placed.status, JSON.stringify(placed.body)).toBe(200);
    await page.goto(`${polder.url}/map`);
    await page.locator('[data-testid=map] .leaflet-interactive').first().waitFor();
    expect(await page.locator('[data-testid=map] .leaflet-tile').count()).toBe(0);
    await page.goto(`${polder.url}/workers`);
    await page.locator('.cm-content').waitFor();
    await page.goto(`${polder.url}/settings?tab=keys`);
    await page.getByRole('button', { name: 'Create key' }).waitFor();
    await axe('settings');
    await page.goto(`${polder.url}/operations`);
    await page.getByTestId('operations').getByText('Uptime').waitFor();
    await axe('operations');
    await page.screenshot({ path: screenshotPath('operations') });
  });

  it('works at phone width (one column, menu behind a button)', async () => {
    const phone = await context.newPage();
    await phone.setViewportSize({ width: 390, height: 800 });
    await phone.goto(`${polder.url}/fleet`);
    // The organisation menu stays in the header at phone width.
    await phone.getByRole('button', { name: 'Organisation' }).click();
    await phone.getByRole('menuitem', { name: 'No other organisation' }).waitFor();
    await phone.keyboard.press('Escape');
    await phone.getByRole('button', { name: 'Menu' }).click();
    await phone.getByRole('link', { name: 'Alerts' }).click();
    await phone.waitForURL(/\/alerts/);
    await phone.screenshot({ path: screenshotPath('phone') });
    await phone.close();
  });

  it('had no uncaught error or console error', () => {
    expect(errors).toEqual([]);
  });
});
