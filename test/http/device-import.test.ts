import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devicesFromCsv, devicesToCsv } from '../../src/devices/device-csv.js';
import type { ImportDevice } from '../../src/devices/device-schemas.js';
import { availableDialects } from '../support/databases.js';
import { FLEET_BUILDINGS, generateFleet, NEOSENSOR_TYPE, ROOMS_PER_BUILDING, roomSlug } from '../support/fleet.js';
import { ADMIN_TOKEN, startTestPolder, type TestPolder } from '../support/polder.js';

const dialects = await availableDialects();
const N = 10_000;

/** A device as the registry holds it: every default applied, sensors in code order. */
function canonical(d: Record<string, unknown>) {
  const x = d as ImportDevice;
  return {
    code: x.code,
    type: x.type,
    identity: x.identity ?? null,
    description: x.description ?? null,
    location: { site: 'main', ...(x.location ?? {}) },
    baseTopic: x.baseTopic ?? null,
    latitude: x.latitude ?? null,
    longitude: x.longitude ?? null,
    altitude: x.altitude ?? null,
    locationDescription: x.locationDescription ?? null,
    properties: x.properties ?? {},
    config: x.config ?? {},
    enabled: x.enabled ?? true,
    offlineAfter: x.offlineAfter ?? 1800,
    sensors: (x.sensors ?? [])
      .map((s) => ({
        code: s.code,
        externalId: s.externalId ?? s.code,
        brand: s.brand ?? null,
        model: s.model ?? null,
        description: s.description ?? null,
        properties: s.properties ?? {},
        archiveDays: s.archiveDays ?? null,
      }))
      .sort((a, b) => (a.code < b.code ? -1 : 1)),
  };
}
const fromCsv = (text: string) => {
  const { devices, problems } = devicesFromCsv(text);
  expect(problems).toEqual([]);
  return devices.map((d) => canonical(d.device));
};

describe.each(dialects)('device import and export on %s', (dialect) => {
  let t: TestPolder;
  const fleet = generateFleet(N);
  const csv = devicesToCsv(fleet);
  const api = (method: string, url: string, payload?: unknown, headers: Record<string, string> = {}) =>
    t.call(ADMIN_TOKEN, {
      method: method as 'GET',
      url,
      headers,
      ...(payload !== undefined && { payload: payload as string }),
    });
  const importCsv = (text: string, dryRun: boolean) =>
    api('POST', `/api/devices/import?dryRun=${dryRun}`, text, { 'content-type': 'text/csv' });
  const count = async () => (await api('GET', '/api/devices?limit=1&count=true')).json().total as number;

  beforeAll(async () => {
    t = await startTestPolder(dialect);
    expect((await t.call(ADMIN_TOKEN, { method: 'POST', url: '/api/device-types', payload: NEOSENSOR_TYPE })).statusCode).toBe(
      201,
    );
    const org = t.polder.bootstrap.org.id;
    for (const building of FLEET_BUILDINGS) {
      await t.polder.registry.locations.createBuilding(org, { slug: building, name: building.toUpperCase() });
      for (let r = 0; r < ROOMS_PER_BUILDING; r++)
        await t.polder.registry.locations.createRoom(org, { building, slug: roomSlug(r), name: `Room ${roomSlug(r)}` });
    }
  });
  afterAll(() => t.close());

  it(`passes the dry run of ${N} CSV devices, imports them, and exports them back equal`, { timeout: 180_000 }, async () => {
    expect(csv.length).toBeGreaterThan(1_000_000);
    const dry = await importCsv(csv, true);
    expect(dry.statusCode, dry.body.slice(0, 500)).toBe(200);
    expect(dry.json()).toEqual({ dryRun: true, total: N, created: N, updated: 0, errors: [] });
    expect(await count()).toBe(0);

    const real = await importCsv(csv, false);
    expect(real.statusCode, real.body.slice(0, 500)).toBe(200);
    expect(real.json()).toEqual({ dryRun: false, total: N, created: N, updated: 0, errors: [] });
    expect(await count()).toBe(N);

    const exported = await api('GET', '/api/devices/export?format=csv');
    expect(exported.statusCode).toBe(200);
    expect(exported.headers['content-type']).toMatch(/^text\/csv/);
    expect(fromCsv(exported.body)).toEqual(fleet.map((d) => canonical(d as unknown as Record<string, unknown>)));

    // What export gives, import takes: unchanged devices, and the same export again.
    const again = await importCsv(exported.body, false);
    expect(again.json()).toMatchObject({ created: 0, updated: N, errors: [] });
    expect((await api('GET', '/api/devices/export?format=csv')).body).toBe(exported.body);
  });

  it('re-imports idempotently: same ids, logins and delivered passwords', { timeout: 120_000 }, async () => {
    const before = (await api('GET', '/api/devices/dev-000001')).json();
    const creds = await t.call(undefined, { url: `/device/credentials?mac=${before.identity.value}` });
    const { login, password } = creds.json();
    expect(password).toEqual(expect.any(String));
    expect(login).toBe('dev-000001');
    const res = await importCsv(csv, false);
    expect(res.json()).toMatchObject({ created: 0, updated: N });
    const after = (await api('GET', '/api/devices/dev-000001')).json();
    expect(after.id).toBe(before.id);
    expect(after.mqtt).toEqual({ login: 'dev-000001', passwordDelivered: true });
    expect(await t.polder.registry.provisioning.verifyMqttCredentials(login, password)).toMatchObject({ id: before.id });
    const sensors = (await api('GET', `/api/devices/${before.id}/sensors`)).json().data;
    expect(sensors.map((s: { code: string; externalId: string }) => `${s.code}=${s.externalId}`)).toEqual([
      'lux=3',
      'ouest=ouest',
    ]);
  });

  it('exports JSON with filters, and imports JSON in the same shape', async () => {
    const res = await api('GET', '/api/devices/export?format=json&building=u4&room=101');
    expect(res.statusCode).toBe(200);
    const devices = res.json() as ImportDevice[];
    expect(devices.length).toBeGreaterThan(0);
    expect(devices.every((d) => d.location?.building === 'u4' && d.location.room === '101')).toBe(true);
    const changed = devices.map((d, i) => ({
      ...d,
      description: 'moved to JSON',
      enabled: i !== 1,
      sensors: [{ code: 'co2', externalId: 'co2' }],
    }));
    const disabled: string[] = [];
    const stop = t.polder.registry.events.on('deviceDisabled', (d) => {
      disabled.push(d.code);
    });
    const imported = await api('POST', '/api/devices/import', { devices: changed });
    stop();
    expect(imported.json()).toMatchObject({ created: 0, updated: devices.length, errors: [] });
    expect(disabled).toEqual([devices[1]?.code]);
    expect((await api('GET', `/api/devices/${devices[1]?.code}`)).json()).toMatchObject({ enabled: false, state: 'disabled' });
    const first = devices[0] as ImportDevice;
    const back = (
      await api('GET', `/api/devices/export?format=json&identity=${encodeURIComponent(`mac:${first.identity?.value}`)}`)
    ).json();
    expect(back).toHaveLength(1);
    expect(back[0].description).toBe('moved to JSON');
    // Sensors the file does not list stay: import adds and updates, it never deletes.
    expect(back[0].sensors.map((s: { code: string }) => s.code)).toEqual(['co2', 'lux', 'ouest']);
  });

  it('reports every bad row with its field in a dry run, and imports nothing when any row is bad', async () => {
    const good = generateFleet(3).map((d) => ({ ...d, code: `new-${d.code}` }));
    good[0] = { ...(good[0] as ImportDevice), identity: { kind: 'mac', value: '24:0a:c4:ff:00:01' } };
    good[1] = { ...(good[1] as ImportDevice), identity: { kind: 'mac', value: '24:0a:c4:ff:00:02' } };
    good[2] = { ...(good[2] as ImportDevice), identity: { kind: 'mac', value: '24:0a:c4:ff:00:03' } };
    const bad = [
      { ...good[0], type: 'nope' },
      { ...good[1], identity: { kind: 'mac', value: '24:0a' } },
      { ...good[2], config: { frequency: 5 } },
      { ...good[0], code: 'dup', location: { building: 'u4', room: '999' }, identity: null },
      { ...good[0], code: 'dup', identity: null },
      { ...good[0], code: 'steal', identity: { kind: 'mac', value: '24:0a:c4:00:00:01' } },
      {
        ...good[0],
        code: 'sensors',
        identity: null,
        sensors: [
          { code: 'a', externalId: 'x' },
          { code: 'b', externalId: 'x' },
        ],
      },
      { ...good[0], code: 'has space', identity: null },
    ] as ImportDevice[];
    const text = `${devicesToCsv(bad).trimEnd()}\r\nbroken,neosensor,,,,,,,,,,,,,yes please,,,,\r\n`;
    const before = await count();
    const dry = await importCsv(text, true);
    expect(dry.statusCode).toBe(200);
    const errors = dry.json().errors as { row: number; field: string }[];
    expect(errors.map((e) => `${e.row}:${e.field}`)).toEqual([
      '1:type',
      '2:identity.value',
      '3:config/frequency',
      '4:location.room',
      '5:code',
      '6:identity',
      '7:sensors.1.externalId',
      '8:code',
      '9:enabled',
    ]);
    const real = await importCsv(text, false);
    expect(real.statusCode).toBe(400);
    expect(real.json().error).toMatchObject({ code: 'VALIDATION_FAILED', details: { row: 1, field: 'type' } });
    expect(real.json().error.details.errors).toHaveLength(9);
    expect(await count()).toBe(before);

    const header = await importCsv('code,colour\nx,red\n', true);
    expect(header.json().errors).toEqual([
      { row: 0, field: 'colour', message: expect.stringContaining('unknown column') },
      { row: 0, field: 'type', message: 'the header has no type column' },
    ]);
    const notCsv = await importCsv('code,type\n"unclosed,neosensor\n', true);
    expect(notCsv.json().errors[0]).toMatchObject({ field: 'csv' });
    const json = await api('POST', '/api/devices/import?dryRun=true', [{ code: 'x', type: 'neosensor', colour: 'red' }]);
    expect(json.json().errors).toEqual([{ row: 1, field: 'colour', message: 'colour is not a device field' }]);
    expect((await api('POST', '/api/devices/import?dryRun=maybe', [])).statusCode).toBe(400);
    const scoped = (await api('POST', '/api/organisations/default/api-keys', { name: 'r', scopes: ['devices:read'] })).json()
      .secret;
    expect((await t.call(scoped, { method: 'POST', url: '/api/devices/import', payload: [] })).statusCode).toBe(403);
  });
});
