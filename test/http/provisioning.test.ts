import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Device, ModuleEntry } from '../../src/devices/devices.js';
import { availableDialects } from '../support/databases.js';
import { ADMIN_TOKEN, startTestPolder, type TestPolder } from '../support/polder.js';

/**
 * The boot sequence of a neOCampus device, played exactly as its firmware does it
 * (neosensor/libraries/neocampus/sensocampus.cpp): GET /device/credentials?mac=<%02x:…> without
 * authentication, then GET /device/config with HTTP Basic (login, password), reading topics[0]
 * as the base topic and zones[0].modules as the modules' configuration.
 */
const sample = JSON.parse(
  readFileSync(new URL('../fixtures/neocampus/sensocampus-config-aug20.json', import.meta.url), 'utf8'),
) as { topics: string[]; zones: { topic: string; modules: ModuleEntry[] }[] };

const MAC_FIRMWARE = '24:0a:c4:02:8b:60';
const basic = (login: string, password: string) => `Basic ${Buffer.from(`${login}:${password}`).toString('base64')}`;

const dialects = await availableDialects();

describe.each(dialects)('neOCampus device provisioning on %s', (dialect) => {
  let t: TestPolder;
  let deviceId: string;
  const resets: Device[] = [];
  const api = (method: string, url: string, payload?: unknown) =>
    t.call(ADMIN_TOKEN, { method: method as 'GET', url, ...(payload !== undefined && { payload: payload as object }) });
  const firmware = {
    credentials: (mac: string) => t.call(undefined, { url: `/device/credentials?mac=${encodeURIComponent(mac)}` }),
    config: (login: string, password: string) =>
      t.call(undefined, { url: '/device/config', headers: { authorization: basic(login, password) } }),
  };

  beforeAll(async () => {
    t = await startTestPolder(dialect, { POLDER_MQTT_PUBLIC_HOST: 'neocampus.example.org', POLDER_MQTT_PUBLIC_PORT: '8883' });
    t.polder.registry.events.on('credentialsReset', (d) => {
      resets.push(d);
    });
    // UT3 is neOCampus's default site: its devices publish under <building>/<room>.
    expect((await api('POST', '/api/sites', { slug: 'ut3', name: 'UT3 Paul Sabatier', isDefault: true })).statusCode).toBe(201);
    expect((await api('POST', '/api/buildings', { slug: 'irit2', name: 'IRIT 2' })).statusCode).toBe(201);
    expect((await api('POST', '/api/rooms', { building: 'irit2', slug: '366', name: 'Room 366' })).statusCode).toBe(201);
    const type = await api('POST', '/api/device-types', {
      name: 'neosensor-airquality',
      connectivity: 'mqtt',
      configSchema: {
        type: 'object',
        properties: { frequency: { type: 'integer', minimum: 5, maximum: 3600 }, modules: { type: 'array' } },
      },
      modules: sample.zones[0]?.modules,
    });
    expect(type.statusCode, type.body).toBe(201);
    const device = await api('POST', '/api/devices', {
      code: 'neosensor-irit2-366',
      identity: { kind: 'mac', value: '24-0A-C4-02-8B-60' },
      type: 'neosensor-airquality',
      location: { building: 'irit2', room: '366' },
      config: { frequency: 60 },
    });
    expect(device.statusCode, device.body).toBe(201);
    deviceId = device.json().id;
    expect(device.json()).toMatchObject({
      identity: { kind: 'mac', value: MAC_FIRMWARE },
      baseTopic: 'irit2/366',
      mqtt: { login: 'neosensor-irit2-366', passwordDelivered: false },
    });
  });
  afterAll(() => t.close());

  it('boots like the firmware: credentials by MAC, then config with Basic auth', async () => {
    const creds = await firmware.credentials(MAC_FIRMWARE);
    expect(creds.statusCode, creds.body).toBe(200);
    const c = creds.json();
    expect(c).toEqual({
      login: 'neosensor-irit2-366',
      password: expect.any(String),
      server: 'neocampus.example.org',
      port: 8883,
      base_topic: 'irit2/366',
    });
    // The firmware reads the answer into a 1024-byte buffer and the password into 64 bytes.
    expect(creds.rawPayload.length).toBeLessThan(1024);
    expect(c.password.length).toBeGreaterThanOrEqual(20);
    expect(c.password.length).toBeLessThan(64);
    expect(creds.headers['cache-control']).toBe('no-store');

    const config = await firmware.config(c.login, c.password);
    expect(config.statusCode, config.body).toBe(200);
    const body = config.json();
    // Exactly the topics and zones the sensOCampus server sent (the firmware's own sample).
    expect({ topics: body.topics, zones: body.zones }).toEqual(sample);
    expect(body.topics[0]).toBe('irit2/366');
    expect(body.config).toEqual({ frequency: 60 });
    const modules = body.zones[0].modules.filter((m: ModuleEntry) => m.module === 'airquality');
    expect(modules.map((m: ModuleEntry) => m.params?.[0]?.value)).toEqual(['NO2', 'CO', 'CH20', 'NO2_alt']);

    expect(await t.polder.registry.provisioning.verifyMqttCredentials(c.login, c.password)).toMatchObject({ id: deviceId });
    const listed = await api('GET', `/api/devices/${deviceId}`);
    expect(listed.json().mqtt).toEqual({ login: 'neosensor-irit2-366', passwordDelivered: true });
    expect(listed.body).not.toContain(c.password);
  });

  it('omits the password on the next calls, whatever the MAC notation', async () => {
    for (const mac of [MAC_FIRMWARE, '24:0A:C4:02:8B:60', '240ac4028b60']) {
      const again = await firmware.credentials(mac);
      expect(again.statusCode).toBe(200);
      expect(again.json()).toEqual({
        login: 'neosensor-irit2-366',
        server: 'neocampus.example.org',
        port: 8883,
        base_topic: 'irit2/366',
      });
    }
  });

  it('refuses the config without or with wrong credentials (401, Basic challenge)', async () => {
    const none = await t.call(undefined, { url: '/device/config' });
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Basic /);
    expect(none.json().error.code).toBe('UNAUTHENTICATED');
    const wrong = await firmware.config('neosensor-irit2-366', 'not-the-password');
    expect(wrong.statusCode).toBe(401);
    const unknown = await firmware.config('nobody', 'x');
    expect(unknown.statusCode).toBe(401);
  });

  it('after an admin reset the old password fails at once and the next call brings a new one', async () => {
    // A fresh device so that this test knows its first password.
    const d = await api('POST', '/api/devices', {
      code: 'neosensor-u4-302',
      identity: { kind: 'mac', value: '24:0a:c4:02:8b:61' },
      type: 'neosensor-airquality',
      location: { building: 'irit2', room: '366' },
    });
    expect(d.statusCode).toBe(201);
    const first = (await firmware.credentials('24:0a:c4:02:8b:61')).json();
    expect((await firmware.config(first.login, first.password)).statusCode).toBe(200);

    const editor = await api('POST', '/api/organisations/default/api-keys', { name: 'editor', scopes: ['devices:write'] });
    const denied = await t.call(editor.json().secret, { method: 'POST', url: `/api/devices/${d.json().id}/credentials/reset` });
    expect(denied.statusCode).toBe(403);

    const reset = await api('POST', `/api/devices/${d.json().id}/credentials/reset`);
    expect(reset.statusCode, reset.body).toBe(200);
    expect(reset.json().mqtt).toEqual({ login: first.login, passwordDelivered: false });
    expect(resets.map((x) => x.code)).toEqual(['neosensor-u4-302']);

    expect((await firmware.config(first.login, first.password)).statusCode).toBe(401);
    expect(await t.polder.registry.provisioning.verifyMqttCredentials(first.login, first.password)).toBeUndefined();

    const second = (await firmware.credentials('24:0a:c4:02:8b:61')).json();
    expect(second.login).toBe(first.login);
    expect(second.password).toEqual(expect.any(String));
    expect(second.password).not.toBe(first.password);
    expect((await firmware.config(second.login, second.password)).statusCode).toBe(200);
    expect((await firmware.credentials('24:0a:c4:02:8b:61')).json().password).toBeUndefined();
  });

  it("serves a device's own modules instead of its type's", async () => {
    const own = [{ module: 'temperature', unit: 'mcp9808', frequency: 30, params: [{ param: 'subIDs', value: 'ouest' }] }];
    const d = await api('POST', '/api/devices', {
      code: 'neosensor-own-modules',
      identity: { kind: 'mac', value: '24:0a:c4:02:8b:62' },
      type: 'neosensor-airquality',
      location: { outdoor: 'ambient' },
      config: { frequency: 30, modules: own },
    });
    expect(d.statusCode, d.body).toBe(201);
    const c = (await firmware.credentials('24:0a:c4:02:8b:62')).json();
    expect(c.base_topic).toBe('outside/ambient');
    const config = (await firmware.config(c.login, c.password)).json();
    expect(config).toEqual({
      topics: ['outside/ambient'],
      zones: [{ topic: 'outside/ambient', modules: own }],
      config: { frequency: 30, modules: own },
    });
  });

  it('answers 404 for an unknown MAC, 400 for a malformed one, 403 for a disabled device', async () => {
    const unknown = await firmware.credentials('24:0a:c4:ff:ff:ff');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('DEVICE_NOT_FOUND');
    const malformed = await firmware.credentials('24:0a:c4');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.details.field).toBe('mac');
    const both = await t.call(undefined, { url: '/device/credentials?mac=240ac4028b60&serial=x' });
    expect(both.statusCode).toBe(400);

    const first = (await firmware.credentials('24:0a:c4:02:8b:62')).json();
    expect(first.password).toBeUndefined();
    const d = await api('PATCH', '/api/devices/neosensor-own-modules', { enabled: false });
    expect(d.json()).toMatchObject({ enabled: false, state: 'disabled' });
    const creds = await firmware.credentials('24:0a:c4:02:8b:62');
    expect(creds.statusCode).toBe(403);
    expect(creds.json().error.code).toBe('DEVICE_DISABLED');
  });

  it('finds a LoRaWAN device by its DevEUI in any notation and refuses it MQTT credentials (409)', async () => {
    const d = await api('POST', '/api/devices', {
      code: 'lora-0530',
      identity: { kind: 'deveui', value: '00-04-a3-0b-00-1c-05-30' },
      type: 'lorawan-node',
    });
    expect(d.statusCode, d.body).toBe(201);
    expect(d.json()).toMatchObject({
      identity: { kind: 'deveui', value: '0004A30B001C0530' },
      connectivity: 'lorawan',
      mqtt: null,
    });
    for (const notation of ['0004A30B001C0530', '0004a30b001c0530', 'deveui:00:04:A3:0B:00:1C:05:30']) {
      const found = await api('GET', `/api/devices?identity=${encodeURIComponent(notation)}`);
      expect(
        found.json().data.map((x: { code: string }) => x.code),
        notation,
      ).toEqual(['lora-0530']);
    }
    expect(await t.polder.registry.devices.findByIdentity(t.polder.bootstrap.org.id, 'deveui', '0004a30b001c0530')).toMatchObject(
      {
        code: 'lora-0530',
      },
    );
    const creds = await t.call(undefined, { url: '/device/credentials?deveui=0004a30b001c0530' });
    expect(creds.statusCode).toBe(409);
    expect(creds.json().error).toMatchObject({ code: 'DEVICE_NOT_MQTT', details: { connectivity: 'lorawan' } });
    expect(creds.json().error.message).toMatch(/lorawan/);
    const reset = await api('POST', '/api/devices/lora-0530/credentials/reset');
    expect(reset.statusCode).toBe(409);
  });

  it("refuses another organisation's copy of the MAC (409 identity), so the board still provisions", async () => {
    expect((await api('POST', '/api/organisations', { slug: 'other', name: 'Other' })).statusCode).toBe(201);
    const key = (await api('POST', '/api/organisations/other/api-keys', { name: 'k', scopes: ['devices:write'] })).json().secret;
    const twin = await t.call(key, {
      method: 'POST',
      url: '/api/devices',
      payload: { code: 'twin', identity: { kind: 'mac', value: MAC_FIRMWARE }, type: 'esp32' },
    });
    expect(twin.statusCode, twin.body).toBe(409);
    expect(twin.json().error).toMatchObject({ code: 'CONFLICT', details: { field: 'identity' } });
    expect(twin.body).not.toContain('neosensor-irit2-366');
    const creds = await firmware.credentials(MAC_FIRMWARE);
    expect(creds.statusCode, creds.body).toBe(200);
    expect(creds.json().login).toBe('neosensor-irit2-366');
  });
});

describe('provisioning rate limit', () => {
  let t: TestPolder;
  beforeAll(async () => {
    t = await startTestPolder('sqlite', { POLDER_PROVISIONING_RATE_LIMIT: '3' });
  });
  afterAll(() => t.close());

  it('answers 429 RATE_LIMITED past the configured requests per minute per address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await t.call(undefined, { url: '/device/credentials?mac=020000000001' })).statusCode);
    expect(statuses).toEqual([404, 404, 404, 429]);
    const limited = await t.call(undefined, { url: '/device/config' });
    expect(limited.statusCode).toBe(401);
    const again = await t.call(undefined, { url: '/device/credentials?mac=020000000001' });
    expect(again.json().error.code).toBe('RATE_LIMITED');
    expect(again.headers['retry-after']).toBeDefined();
    const other = await t.call(undefined, { url: '/device/credentials?mac=020000000001', remoteAddress: '192.0.2.7' });
    expect(other.statusCode).toBe(404);
  });

  it('tells devices the host name they called and POLDER_MQTT_PORT when no public address is set', async () => {
    const d = await t.call(ADMIN_TOKEN, {
      method: 'POST',
      url: '/api/devices',
      payload: { code: 'plain', type: 'esp32', identity: { kind: 'mac', value: '02:00:00:00:00:02' } },
    });
    expect(d.statusCode).toBe(201);
    const creds = await t.call(undefined, {
      url: '/device/credentials?mac=02:00:00:00:00:02',
      headers: { host: 'sensocampus.example.org:8080' },
      remoteAddress: '192.0.2.8',
    });
    expect(creds.json()).toMatchObject({ server: 'sensocampus.example.org', port: t.polder.config.mqttPort, base_topic: null });
  });
});
