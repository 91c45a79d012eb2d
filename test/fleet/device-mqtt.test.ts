import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokerModes, connectMqtt, eventually, type LivePolder, startLivePolder } from '../support/mqtt.js';
import { ADMIN_TOKEN } from '../support/polder.js';

/**
 * A device created through the API, on each broker Polder can run with: the embedded one, and
 * an external Mosquitto whose dynamic-security accounts Polder keeps in step. The device
 * fetches its credentials like the firmware does, connects with the delivered password, may
 * publish only under its base topic, and cannot connect once disabled, reset or deleted.
 */
describe.each(brokerModes())('a device on the %s broker', (mode) => {
  let t: LivePolder;
  let watcher: MqttClient;
  const seen: string[] = [];
  const api = (method: string, url: string, payload?: unknown) =>
    t.call(ADMIN_TOKEN, { method: method as 'GET', url, ...(payload !== undefined && { payload: payload as object }) });
  const credentials = async (mac: string) => {
    const res = await t.call(undefined, { url: `/device/credentials?mac=${mac}` });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { login: string; password?: string; server: string; port: number; base_topic: string };
  };
  // MQTT 5 where the broker speaks it: Mosquitto then answers a refused publish with PUBACK 0x87.
  const device = (login: string, password: string) =>
    connectMqtt(t.brokerUrl, { username: login, password, ...(mode === 'dynsec' && { protocolVersion: 5 }) });

  beforeAll(async () => {
    t = await startLivePolder(mode);
    expect((await api('POST', '/api/buildings', { slug: 'u4', name: 'U4' })).statusCode).toBe(201);
    for (const room of ['301', '302'])
      expect((await api('POST', '/api/rooms', { building: 'u4', slug: room, name: room })).statusCode).toBe(201);
    watcher = await t.superuser();
    await watcher.subscribeAsync('u4/#', { qos: 1 });
    watcher.on('message', (topic) => seen.push(topic));
  });
  afterAll(async () => {
    await watcher?.endAsync();
    await t?.close();
  });

  it('connects with the delivered password and publishes only under its base topic', async () => {
    const created = await api('POST', '/api/devices', {
      code: 'rpi3-u4-301',
      type: 'rpi3',
      identity: { kind: 'mac', value: '24:0a:c4:00:03:01' },
      location: { building: 'u4', room: '301' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const c = await credentials('24:0a:c4:00:03:01');
    expect(c).toMatchObject({ login: 'rpi3-u4-301', server: '127.0.0.1', base_topic: 'u4/301' });
    expect(`mqtt://${c.server}:${c.port}`).toBe(t.brokerUrl);
    await expect(device(c.login, 'not-the-password')).rejects.toThrow();

    const dev = await device(c.login, c.password as string);
    await dev.publishAsync('u4/301/temperature', '{"value":21.5,"value_units":"celsius","subID":"ouest"}', { qos: 1 });
    expect((await dev.subscribeAsync('u4/301/+/command', { qos: 1 }))[0]?.qos).toBe(1);
    await eventually('the watcher to get u4/301/temperature', () => seen.includes('u4/301/temperature'));

    // Outside its base topic: the embedded broker closes the connection, Mosquitto answers 0x87.
    const closed = new Promise<void>((r) => dev.once('close', () => r()));
    const outside = dev.publishAsync('u4/302/temperature', '{"value":99}', { qos: 1 });
    if (mode === 'embedded') await closed;
    else await expect(outside).rejects.toThrow();
    outside.catch(() => {});
    dev.end(true);
    // Messages from one client arrive in order: once the marker is in, the refused one never comes.
    const again = await device(c.login, c.password as string);
    await again.publishAsync('u4/301/marker', 'x', { qos: 1 });
    await eventually('the marker', () => seen.includes('u4/301/marker'));
    expect(seen).not.toContain('u4/302/temperature');
    await expect(again.subscribeAsync('u4/#')).rejects.toThrow();
    await again.endAsync(true);
  });

  it('is disconnected and refused once disabled, and connects again once enabled', async () => {
    const created = await api('POST', '/api/devices', {
      code: 'esp32-u4-302',
      type: 'esp32',
      identity: { kind: 'mac', value: '24:0a:c4:00:03:02' },
      location: { building: 'u4', room: '302' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const c = await credentials('24:0a:c4:00:03:02');
    const dev = await device(c.login, c.password as string);
    const closed = new Promise<void>((r) => dev.once('close', () => r()));
    expect((await api('PATCH', '/api/devices/esp32-u4-302', { enabled: false })).statusCode).toBe(200);
    await closed;
    dev.end(true);
    await expect(device(c.login, c.password as string)).rejects.toThrow();
    expect((await api('PATCH', '/api/devices/esp32-u4-302', { enabled: true })).statusCode).toBe(200);
    (await device(c.login, c.password as string)).end(true);
  });

  it('loses its session on a credentials reset, and connects with the new password', async () => {
    const c = { login: 'esp32-u4-302' };
    const old = await credentials('24:0a:c4:00:03:02');
    expect(old.password).toBeUndefined();
    const reset = await api('POST', '/api/devices/esp32-u4-302/credentials/reset');
    expect(reset.statusCode, reset.body).toBe(200);
    const fresh = await credentials('24:0a:c4:00:03:02');
    expect(fresh.password).toEqual(expect.any(String));
    const dev = await device(c.login, fresh.password as string);
    const closed = new Promise<void>((r) => dev.once('close', () => r()));
    expect((await api('POST', '/api/devices/esp32-u4-302/credentials/reset')).statusCode).toBe(200);
    await closed;
    dev.end(true);
    await expect(device(c.login, fresh.password as string)).rejects.toThrow();
  });

  it('loses its session when moved to another room, and when deleted', async () => {
    const c = await credentials('24:0a:c4:00:03:02');
    expect(c.password).toEqual(expect.any(String));
    const dev = await device(c.login, c.password as string);
    let closed = new Promise<void>((r) => dev.once('close', () => r()));
    const moved = await api('PATCH', '/api/devices/esp32-u4-302', { location: { building: 'u4', room: '301' } });
    expect(moved.json().baseTopic).toBe('u4/301');
    await closed;
    dev.end(true);
    const there = await device(c.login, c.password as string);
    await there.publishAsync('u4/301/moved', 'x', { qos: 1 });
    await eventually('the moved device to publish in u4/301', () => seen.includes('u4/301/moved'));
    closed = new Promise<void>((r) => there.once('close', () => r()));
    expect((await api('DELETE', '/api/devices/esp32-u4-302')).statusCode).toBe(204);
    await closed;
    there.end(true);
    await expect(device(c.login, c.password as string)).rejects.toThrow();
  });
});
