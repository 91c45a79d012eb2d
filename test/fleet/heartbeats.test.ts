import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokerModes, connectMqtt, eventually, type LivePolder, startLivePolder } from '../support/mqtt.js';
import { ADMIN_TOKEN } from '../support/polder.js';

/**
 * Heartbeats: a status on `<base>/device` records lastSeenAt, lastStatus (as sent) and the
 * online state. Two boards share room u4/301 (told apart by unitID when the broker does not
 * say who published); a third has a deep hand-set base topic, which an external broker must
 * be subscribed to as well. The status follows the firmware's device module
 * (test/fixtures/reference/neocampus.md §3).
 */
const status = (unitID: string, heap: number) => ({
  frequency: 1800,
  time: '2024-01-22 10:15:00 +0100',
  status: 'running',
  modules: 3,
  heap,
  hardware: 'esp32',
  firmware: '6cf00f0',
  board: 'neOSensor-airquality',
  board_rev: 1,
  unitID,
});

describe.each(brokerModes())('heartbeats on the %s broker', (mode) => {
  let t: LivePolder;
  const boards: Record<string, MqttClient> = {};
  const api = (method: string, url: string, payload?: unknown) =>
    t.call(ADMIN_TOKEN, { method: method as 'GET', url, ...(payload !== undefined && { payload: payload as object }) });

  async function board(code: string, mac: string, extra: Record<string, unknown>) {
    const created = await api('POST', '/api/devices', { code, type: 'esp32', identity: { kind: 'mac', value: mac }, ...extra });
    expect(created.statusCode, created.body).toBe(201);
    const c = (await t.call(undefined, { url: `/device/credentials?mac=${mac}` })).json();
    boards[code] = await connectMqtt(t.brokerUrl, { username: c.login, password: c.password });
    return c.base_topic as string;
  }

  beforeAll(async () => {
    t = await startLivePolder(mode);
    expect((await api('POST', '/api/buildings', { slug: 'u4', name: 'U4' })).statusCode).toBe(201);
    expect((await api('POST', '/api/rooms', { building: 'u4', slug: '301', name: '301' })).statusCode).toBe(201);
    await board('front', '24:0a:c4:00:00:01', { location: { building: 'u4', room: '301' } });
    await board('back', '24:0a:c4:00:00:02', { location: { building: 'u4', room: '301' } });
    await board('lab', '24:0a:c4:00:00:03', { baseTopic: 'lab/deep/bench/3/left' });
  });
  afterAll(async () => {
    for (const b of Object.values(boards)) b.end(true);
    await t?.close();
  });

  const deviceOf = async (code: string) => (await api('GET', `/api/devices/${code}`)).json();

  it('records each board status as sent, and the board online', async () => {
    expect((await deviceOf('front')).state).toBe('unknown');
    await boards.front?.publishAsync('u4/301/device', JSON.stringify(status('auto_0001', 31000)), { qos: 1 });
    await boards.back?.publishAsync('u4/301/device', JSON.stringify(status('auto_0002', 42000)), { qos: 1 });
    await boards.lab?.publishAsync('lab/deep/bench/3/left/device', JSON.stringify(status('bench-left', 50000)), { qos: 1 });
    for (const [code, unit, heap] of [
      ['front', 'auto_0001', 31000],
      ['back', 'auto_0002', 42000],
      ['lab', 'bench-left', 50000],
    ] as const) {
      const d = await eventually(`${code} seen`, async () => {
        const got = await deviceOf(code);
        return got.lastStatus ? got : undefined;
      });
      expect(d.lastStatus).toEqual(status(unit, heap));
      expect(d.state).toBe('online');
      expect(Date.parse(d.lastSeenAt)).toBeGreaterThan(Date.now() - 60_000);
    }
  });

  it('keeps the last status per board when they share a base topic', async () => {
    await boards.back?.publishAsync('u4/301/device', JSON.stringify(status('auto_0002', 39000)), { qos: 1 });
    await eventually('back to report its new heap', async () => (await deviceOf('back')).lastStatus?.heap === 39000);
    expect((await deviceOf('front')).lastStatus.heap).toBe(31000);
  });

  it.runIf(mode === 'embedded')('counts any message of a device as a sign of life (the session names it)', async () => {
    const before = Date.parse((await deviceOf('lab')).lastSeenAt);
    // The next sign of life must carry a later time than the last one.
    await eventually('the clock to move on', () => Date.now() > before);
    await boards.lab?.publishAsync('lab/deep/bench/3/left/temperature', '{"value":21.375,"value_units":"celsius","subID":"l"}', {
      qos: 1,
    });
    await eventually('lab seen again', async () => Date.parse((await deviceOf('lab')).lastSeenAt) > before);
    expect((await deviceOf('lab')).lastStatus.heap).toBe(50000);
  });
});
