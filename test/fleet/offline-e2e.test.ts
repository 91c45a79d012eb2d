import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpFleetAdmin } from '../../src/simulate/neocampus/fleet-admin.js';
import { type RunningSimulation, runNeocampusSimulation } from '../../src/simulate/neocampus/simulator.js';
import { eventually, type LivePolder, startLivePolder } from '../support/mqtt.js';
import { ADMIN_TOKEN } from '../support/polder.js';

/**
 * Offline detection end to end, in real time: a simulated board with offlineAfter = 10 s (the
 * registry's minimum) goes silent; the sweep (every second here) raises one device_offline
 * alert; the board speaks again and the alert resolves. A real HTTP server receives both
 * webhook deliveries.
 */
describe('a silent device, end to end', () => {
  let t: LivePolder;
  let sim: RunningSimulation;
  const hooks: { event: string; alert: { status: string; subject: { id: string; name: string } } }[] = [];
  const receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      hooks.push(JSON.parse(body));
      res.statusCode = 204;
      res.end();
    });
  });
  const api = (method: string, url: string, payload?: unknown) =>
    t.call(ADMIN_TOKEN, { method: method as 'GET', url, ...(payload !== undefined && { payload: payload as object }) });
  const offlineAlerts = async () =>
    (await api('GET', '/api/alerts?kind=device_offline&status=firing,acknowledged,resolved')).json().data as {
      status: string;
      subject: { name: string };
    }[];

  beforeAll(async () => {
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    t = await startLivePolder('embedded', { POLDER_FLEET_SWEEP_SECONDS: '1' });
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/polder`;
    expect((await api('POST', '/api/webhooks', { name: 'on-call', url })).statusCode).toBe(201);
    sim = await runNeocampusSimulation({
      devices: 1,
      baseUrl: t.httpUrl,
      admin: httpFleetAdmin(t.httpUrl, ADMIN_TOKEN),
      prefix: 'quiet-',
      offlineAfter: 10,
      // It says "starting" once when it connects, then nothing for an hour.
      intervalS: 3600,
      statusEveryS: 3600,
    });
  });
  afterAll(async () => {
    await sim?.stop();
    await t?.close();
    receiver.close();
  });

  it('raises one alert when it goes silent, resolves it when it speaks again; the webhook gets both', async () => {
    await eventually('the board online', async () => (await api('GET', '/api/devices/quiet-00001')).json().state === 'online');
    const opened = await eventually(
      'the offline alert',
      async () => (await offlineAlerts()).find((a) => a.subject.name === 'quiet-00001' && a.status === 'firing'),
      30_000,
    );
    expect(opened).toBeTruthy();
    expect((await api('GET', '/api/devices/quiet-00001')).json().state).toBe('offline');
    await eventually('the opened webhook', () => hooks.some((h) => h.event === 'alert.opened'), 10_000);

    sim.devices.get('quiet-00001')?.publishStatus();
    await eventually('the alert resolved', async () => (await offlineAlerts()).every((a) => a.status === 'resolved'), 10_000);
    expect((await api('GET', '/api/devices/quiet-00001')).json().state).toBe('online');
    await eventually('the resolved webhook', () => hooks.some((h) => h.event === 'alert.resolved'), 10_000);

    expect(await offlineAlerts()).toHaveLength(1);
    expect(hooks.map((h) => [h.event, h.alert.status, h.alert.subject.name])).toEqual([
      ['alert.opened', 'firing', 'quiet-00001'],
      ['alert.resolved', 'resolved', 'quiet-00001'],
    ]);
  });
});
