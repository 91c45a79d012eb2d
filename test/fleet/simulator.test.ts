import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpFleetAdmin } from '../../src/simulate/neocampus/fleet-admin.js';
import { type RunningSimulation, runNeocampusSimulation } from '../../src/simulate/neocampus/simulator.js';
import { eventually, type LivePolder, startLivePolder } from '../support/mqtt.js';
import { ADMIN_TOKEN } from '../support/polder.js';

/**
 * `polder simulate neocampus` against a running Polder, through its API only: the boards are
 * created, provision themselves over HTTP (credentials by MAC, config with Basic auth), connect,
 * publish data and status, and obey orders; a second run reuses the same devices.
 */
describe('simulated neOCampus fleet', () => {
  let t: LivePolder;
  let sim: RunningSimulation;
  let watcher: MqttClient;
  const messages: { topic: string; body: Record<string, unknown> }[] = [];
  /** The orders each board obeyed (board code, order), in the order they came. */
  const obeyed: [string, string][] = [];
  const api = (method: string, url: string, payload?: unknown) =>
    t.call(ADMIN_TOKEN, { method: method as 'GET', url, ...(payload !== undefined && { payload: payload as object }) });
  const run = () =>
    runNeocampusSimulation({
      devices: 8,
      baseUrl: t.httpUrl,
      admin: httpFleetAdmin(t.httpUrl, ADMIN_TOKEN),
      intervalS: 3600,
      statusEveryS: 3600,
      qos: 1,
      perRoom: 4,
      onEvent: (code, e) => {
        if (e.kind === 'order') obeyed.push([code, e.order]);
      },
    });

  beforeAll(async () => {
    t = await startLivePolder('embedded', { POLDER_PROVISIONING_RATE_LIMIT: '1000' });
    watcher = await t.superuser();
    await watcher.subscribeAsync('sim-b1/#', { qos: 1 });
    watcher.on('message', (topic, payload) => messages.push({ topic, body: JSON.parse(payload.toString()) }));
    sim = await run();
  });
  afterAll(async () => {
    await sim?.stop();
    await watcher?.endAsync();
    await t?.close();
  });

  it('creates the boards, which provision themselves, connect and report their status', async () => {
    expect(sim.stats()).toMatchObject({ devices: 8, connected: 8, errors: 0 });
    const list = (await api('GET', '/api/devices?q=sim-&limit=100')).json().data;
    expect(list.map((d: { code: string }) => d.code)).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((i) => `sim-0000${i}`));
    expect(list[5]).toMatchObject({
      identity: { kind: 'mac', value: '02:53:49:00:00:05' },
      baseTopic: 'sim-b1/r2',
      mqtt: { login: 'sim-00006', passwordDelivered: true },
    });
    await eventually('every board online with its status', async () => {
      const s = (await api('GET', '/api/sites/main/summary')).json();
      return s.counts.online === 8;
    });
    const dev = (await api('GET', '/api/devices/sim-00006')).json();
    expect(dev.lastStatus).toMatchObject({ status: 'starting', unitID: 'auto_0005', hardware: 'esp32' });
  });

  it('publishes neOCampus readings on <base>/<module> when asked to acquire, and answers status orders', async () => {
    const sentAt = messages.length;
    const ordersAt = obeyed.length;
    await api('POST', '/api/devices/sim-00006/commands', { module: 'temperature', order: 'acquire' });
    const reading = await eventually('a temperature reading', () =>
      messages.slice(sentAt).find((m) => m.topic === 'sim-b1/r2/temperature' && m.body.unitID === 'auto_0005'),
    );
    expect(Object.keys(reading.body).sort()).toEqual(['subID', 'unitID', 'value', 'value_units']);
    expect(reading.body).toMatchObject({ value_units: 'celsius', subID: 'ouest', value: expect.any(Number) });
    // Another board of the same room ignores an order addressed to auto_0005 (its own readings, each
    // at a random time of its interval, may come meanwhile: the boards' record of obeyed orders tells).
    expect(obeyed.slice(ordersAt)).toEqual([['sim-00006', 'acquire']]);
    // The reading went through the organisation's neocampus pipeline into a measurement of the board.
    const stored = await eventually('the reading stored', async () => {
      const latest = (await api('GET', '/api/devices/sim-00006/latest')).json().data as Record<string, unknown>[];
      return latest.find((l) => l.observedProperty === 'temperature' && l.value === reading.body.value);
    });
    expect(stored).toMatchObject({ unit: 'Cel' });
    const streams = (await api('GET', '/api/datastreams?device=sim-00006')).json().data as Record<string, unknown>[];
    expect(streams.find((d) => d.id === stored.datastream)).toMatchObject({ sensor: 'ouest', observedProperty: 'temperature' });

    const before = messages.filter((m) => m.topic === 'sim-b1/r2/device').length;
    await api('POST', '/api/devices/sim-00006/commands', { order: 'status' });
    const answered = await eventually('a status answer', () => {
      const all = messages.filter((m) => m.topic === 'sim-b1/r2/device');
      return all.length > before ? all.at(-1) : undefined;
    });
    expect(answered.body).toMatchObject({ status: 'running', unitID: 'auto_0005' });
    expect(sim.stats().orders).toBeGreaterThanOrEqual(2);
  });

  it('runs again on the same devices: their credentials are reset, they provision anew', async () => {
    await sim.stop();
    sim = await run();
    expect(sim.stats()).toMatchObject({ connected: 8, errors: 0 });
    expect((await api('GET', '/api/devices?q=sim-&count=true')).json().total).toBe(8);
  });
});
