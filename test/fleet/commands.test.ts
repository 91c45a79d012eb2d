import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokerModes, connectMqtt, eventually, type LivePolder, startLivePolder } from '../support/mqtt.js';
import { ADMIN_TOKEN } from '../support/polder.js';

/**
 * Orders reach a subscribed device client on `<base>/<module>/command` with exactly
 * `{"dest","order","value"}` (neOCampus §4: dest is "all" or a unitID), are logged with who
 * sent them, and `reinstall` makes the device fetch new credentials.
 */
describe.each(brokerModes())('orders on the %s broker', (mode) => {
  let t: LivePolder;
  let board: MqttClient;
  let password: string;
  const received: { topic: string; payload: string }[] = [];
  const api = (method: string, url: string, payload?: unknown, token = ADMIN_TOKEN) =>
    t.call(token, { method: method as 'GET', url, ...(payload !== undefined && { payload: payload as object }) });
  const credentials = async () => (await t.call(undefined, { url: '/device/credentials?mac=24:0a:c4:00:03:01' })).json();
  const connectBoard = async (pw: string) => {
    const c = await connectMqtt(t.brokerUrl, { username: 'rpi3-u4-301', password: pw });
    await c.subscribeAsync('u4/301/+/command', { qos: 1 });
    c.on('message', (topic, payload) => received.push({ topic, payload: payload.toString() }));
    return c;
  };
  const next = async (n: number) => {
    await eventually(`order #${n}`, () => received.length >= n);
    return received[n - 1];
  };

  beforeAll(async () => {
    t = await startLivePolder(mode, {}, { reinstallGraceMs: 300 });
    expect((await api('POST', '/api/buildings', { slug: 'u4', name: 'U4' })).statusCode).toBe(201);
    expect((await api('POST', '/api/rooms', { building: 'u4', slug: '301', name: '301' })).statusCode).toBe(201);
    const created = await api('POST', '/api/devices', {
      code: 'rpi3-u4-301',
      type: 'rpi3',
      identity: { kind: 'mac', value: '24:0a:c4:00:03:01' },
      location: { building: 'u4', room: '301' },
    });
    expect(created.statusCode, created.body).toBe(201);
    password = (await credentials()).password;
    board = await connectBoard(password);
  });
  afterAll(async () => {
    board?.end(true);
    await t?.close();
  });

  it('publishes the exact topic and payload; dest is all until a status names the unit', async () => {
    const res = await api('POST', '/api/devices/rpi3-u4-301/commands', { module: 'shutter', order: 'up' });
    expect(res.statusCode, res.body).toBe(201);
    expect(await next(1)).toEqual({ topic: 'u4/301/shutter/command', payload: '{"dest":"all","order":"up"}' });
    expect(res.json()).toMatchObject({
      module: 'shutter',
      order: 'up',
      dest: 'all',
      topic: 'u4/301/shutter/command',
      payload: '{"dest":"all","order":"up"}',
      status: 'sent',
      sentBy: { kind: 'apiKey', name: expect.any(String) },
    });

    await board.publishAsync('u4/301/device', JSON.stringify({ status: 'running', unitID: 'auto_0301' }), { qos: 1 });
    await eventually('the status', async () => (await api('GET', '/api/devices/rpi3-u4-301')).json().lastStatus);
    await api('POST', '/api/devices/rpi3-u4-301/commands', { module: 'temperature', order: 'frequency', value: 60 });
    expect(await next(2)).toEqual({
      topic: 'u4/301/temperature/command',
      payload: '{"dest":"auto_0301","order":"frequency","value":60}',
    });
    // Built-in orders go to the board's own module when none is named; dest may be given.
    await api('POST', '/api/devices/rpi3-u4-301/commands', { order: 'status', dest: 'all' });
    expect(await next(3)).toEqual({ topic: 'u4/301/device/command', payload: '{"dest":"all","order":"status"}' });
  });

  it('lists the orders newest first, with who sent them', async () => {
    const list = await api('GET', '/api/devices/rpi3-u4-301/commands?limit=2');
    expect(list.statusCode).toBe(200);
    expect(list.json().data.map((c: { order: string }) => c.order)).toEqual(['status', 'frequency']);
    expect(list.json().data[1]).toMatchObject({ value: 60, dest: 'auto_0301' });
    const rest = await t.call(ADMIN_TOKEN, {
      url: new URL(list.json().links.next).pathname + new URL(list.json().links.next).search,
    });
    expect(rest.json().data.map((c: { order: string }) => c.order)).toEqual(['up']);
  });

  it('refuses bad orders with the field at fault, and orders for devices that cannot take them', async () => {
    const bad = await api('POST', '/api/devices/rpi3-u4-301/commands', { module: 'shutter/front', order: 'up' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.field).toBe('body.module');
    const none = await api('POST', '/api/devices/rpi3-u4-301/commands', { module: 'shutter' });
    expect(none.json().error.details.field).toBe('body.order');
    expect((await api('POST', '/api/devices/nope/commands', { order: 'up' })).statusCode).toBe(404);
    await api('POST', '/api/devices', { code: 'lora-1', type: 'lorawan-node', location: { building: 'u4', room: '301' } });
    expect((await api('POST', '/api/devices/lora-1/commands', { order: 'up' })).json().error.code).toBe('DEVICE_NOT_MQTT');
    await api('POST', '/api/devices', { code: 'nowhere', type: 'esp32' });
    const nowhere = await api('POST', '/api/devices/nowhere/commands', { order: 'status' });
    expect([nowhere.statusCode, nowhere.json().error.code]).toEqual([409, 'DEVICE_NO_BASE_TOPIC']);
    const key = await api('POST', '/api/organisations/default/api-keys', { name: 'reader', scopes: ['devices:read'] });
    const reader = key.json().secret as string;
    expect((await api('POST', '/api/devices/rpi3-u4-301/commands', { order: 'up' }, reader)).statusCode).toBe(403);
    expect((await api('GET', '/api/devices/rpi3-u4-301/commands', undefined, reader)).statusCode).toBe(200);
  });

  it('reinstall: the order reaches the board, whose next credentials call brings a new password', async () => {
    const before = received.length;
    const res = await api('POST', '/api/devices/rpi3-u4-301/commands', { order: 'reinstall' });
    expect(res.statusCode, res.body).toBe(201);
    expect(await next(before + 1)).toEqual({
      topic: 'u4/301/device/command',
      payload: '{"dest":"auto_0301","order":"reinstall"}',
    });
    const fresh = await credentials();
    expect(fresh.password).toEqual(expect.any(String));
    expect(fresh.password).not.toBe(password);
    const again = await connectBoard(fresh.password);
    // The board re-provisioned within the grace: its new session stays, the old password is gone.
    await new Promise((r) => setTimeout(r, 600));
    expect(again.connected).toBe(true);
    await expect(connectMqtt(t.brokerUrl, { username: 'rpi3-u4-301', password })).rejects.toThrow();
    board.end(true);
    board = again;
  });

  it('reinstall: a board that does not obey loses its session after the grace', async () => {
    const closed = new Promise<void>((r) => board.once('close', () => r()));
    expect((await api('POST', '/api/devices/rpi3-u4-301/commands', { order: 'reinstall' })).statusCode).toBe(201);
    await closed;
  });
});
