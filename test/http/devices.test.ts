import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects } from '../support/databases.js';
import { ADMIN_TOKEN, startTestPolder, type TestPolder } from '../support/polder.js';

const dialects = await availableDialects();

describe.each(dialects)('devices, sensors and datastreams API on %s', (dialect) => {
  let t: TestPolder;
  const api = (method: string, url: string, payload?: unknown, token = ADMIN_TOKEN) =>
    t.call(token, { method: method as 'GET', url, ...(payload !== undefined && { payload: payload as object }) });
  const codes = async (query: string) => {
    const r = await api('GET', `/api/devices?${query}`);
    expect(r.statusCode, r.body).toBe(200);
    return r.json().data.map((d: { code: string }) => d.code);
  };

  beforeAll(async () => {
    t = await startTestPolder(dialect);
    const type = await api('POST', '/api/device-types', {
      name: 'rpi3-shutter',
      connectivity: 'mqtt',
      configSchema: {
        type: 'object',
        properties: {
          frequency: { type: 'integer', minimum: 10, maximum: 3600 },
          shutters: { type: 'array', items: { enum: ['front', 'center', 'back'] } },
          contact: { type: 'string', format: 'email' },
        },
        required: ['frequency'],
        additionalProperties: false,
      },
    });
    expect(type.statusCode, type.body).toBe(201);
    await api('POST', '/api/buildings', { slug: 'u4', name: 'U4' });
    for (const room of ['301', '302']) await api('POST', '/api/rooms', { building: 'u4', slug: room, name: room });
  });
  afterAll(() => t.close());

  it('registers a device as the issue shows it, normalising its identity', async () => {
    const r = await api('POST', '/api/devices', {
      code: 'rpi3-u4-301',
      identity: { kind: 'mac', value: '24-0A-C4-02-8B-60' },
      type: 'rpi3-shutter',
      location: { site: 'main', building: 'u4', room: '301' },
      config: { frequency: 60, shutters: ['front', 'back'] },
      description: 'Light and shutters of room U4/301',
      latitude: 43.5617,
      longitude: 1.4686,
      altitude: 150,
      locationDescription: 'above the door',
      properties: { floor: 3, vendor: 'piface' },
    });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toMatchObject({
      code: 'rpi3-u4-301',
      identity: { kind: 'mac', value: '24:0a:c4:02:8b:60' },
      type: 'rpi3-shutter',
      connectivity: 'mqtt',
      location: { site: 'main', building: 'u4', room: '301', outdoor: null },
      baseTopic: 'u4/301',
      baseTopicOverride: false,
      enabled: true,
      offlineAfter: 1800,
      state: 'unknown',
      mqtt: { login: 'rpi3-u4-301', passwordDelivered: false },
      lastSeenAt: null,
    });
    expect(r.json().id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await api('GET', `/api/devices/${r.json().id}`)).json()).toEqual(r.json());
    expect((await api('GET', '/api/devices/rpi3-u4-301')).json()).toEqual(r.json());
  });

  it('refuses an invalid config naming the JSON pointer and the rule, and writes nothing', async () => {
    const before = (await api('GET', '/api/devices?count=true')).json().total;
    const cases: [unknown, string, string][] = [
      [{ frequency: 5000 }, '/frequency', 'maximum'],
      [{}, '/frequency', 'required'],
      [{ frequency: 60, shutters: ['front', 'roof'] }, '/shutters/1', 'enum'],
      [{ frequency: 60, contact: 'not-an-email' }, '/contact', 'format'],
      [{ frequency: 60, colour: 'red' }, '/colour', 'additionalProperties'],
    ];
    for (const [config, field, rule] of cases) {
      const r = await api('POST', '/api/devices', { code: 'bad-config', type: 'rpi3-shutter', config });
      expect(r.statusCode, JSON.stringify(config)).toBe(400);
      expect(r.json().error).toMatchObject({ code: 'VALIDATION_FAILED', details: { field, rule } });
    }
    expect((await api('GET', '/api/devices/bad-config')).statusCode).toBe(404);
    expect((await api('GET', '/api/devices?count=true')).json().total).toBe(before);

    const patch = await api('PATCH', '/api/devices/rpi3-u4-301', { config: { frequency: 1 }, description: 'changed' });
    expect(patch.statusCode).toBe(400);
    expect(patch.json().error.details).toMatchObject({ field: '/frequency', rule: 'minimum' });
    const unchanged = (await api('GET', '/api/devices/rpi3-u4-301')).json();
    expect(unchanged.config).toEqual({ frequency: 60, shutters: ['front', 'back'] });
    expect(unchanged.description).toBe('Light and shutters of room U4/301');
  });

  it('refuses a type whose configSchema is not a JSON Schema', async () => {
    const r = await api('POST', '/api/device-types', {
      name: 'broken',
      connectivity: 'mqtt',
      configSchema: { type: 'nonsense' },
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.details.field).toBe('configSchema');
  });

  it('applies a changed type schema to the next config change', async () => {
    const t1 = await api('POST', '/api/device-types', { name: 'esp-tight', connectivity: 'mqtt' });
    expect(t1.statusCode).toBe(201);
    expect((await api('POST', '/api/devices', { code: 'esp-1', type: 'esp-tight', config: { frequency: 1 } })).statusCode).toBe(
      201,
    );
    await api('PATCH', '/api/device-types/esp-tight', {
      configSchema: { type: 'object', properties: { frequency: { type: 'integer', minimum: 10 } } },
    });
    // Other fields still change; a config change meets the new schema at once (no stale cached validator).
    expect((await api('PATCH', '/api/devices/esp-1', { description: 'ok' })).statusCode).toBe(200);
    const r = await api('PATCH', '/api/devices/esp-1', { config: { frequency: 2 } });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.details).toMatchObject({ field: '/frequency', rule: 'minimum' });
    const c = await api('PATCH', '/api/device-types/esp-tight', { connectivity: 'lorawan' });
    expect(c.statusCode).toBe(409);
    expect((await api('DELETE', '/api/device-types/esp-tight')).statusCode).toBe(409);
  });

  it('keeps codes and identities unique in the organisation (409 naming the field)', async () => {
    const code = await api('POST', '/api/devices', { code: 'rpi3-u4-301', type: 'esp32' });
    expect(code.statusCode).toBe(409);
    expect(code.json().error.details.field).toBe('code');
    const mac = await api('POST', '/api/devices', {
      code: 'other',
      type: 'esp32',
      identity: { kind: 'mac', value: '240a.c402.8b60' },
    });
    expect(mac.statusCode).toBe(409);
    expect(mac.json().error.details.field).toBe('identity');
    const bad = await api('POST', '/api/devices', { code: 'other', type: 'esp32', identity: { kind: 'mac', value: '24:0a' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.field).toBe('identity.value');
    const badType = await api('POST', '/api/devices', { code: 'other', type: 'nope' });
    expect(badType.json().error.details.field).toBe('type');
  });

  it('gives a long code a login that fits the firmware (31 characters) and switches MQTT with the type', async () => {
    const code = `neosensor-${'x'.repeat(40)}`;
    const r = await api('POST', '/api/devices', { code, type: 'esp32' });
    expect(r.statusCode).toBe(201);
    expect(r.json().mqtt.login.length).toBeLessThanOrEqual(31);
    expect(r.json().mqtt.login.startsWith('neosensor-xxxx')).toBe(true);
    const lora = await api('PATCH', `/api/devices/${code}`, { type: 'lorawan-node' });
    expect(lora.json()).toMatchObject({ connectivity: 'lorawan', mqtt: null });
    const back = await api('PATCH', `/api/devices/${code}`, { type: 'esp32' });
    expect(back.json().mqtt).toMatchObject({ passwordDelivered: false });
  });

  it('lists with filters, sort and cursor pagination', async () => {
    const add = async (body: Record<string, unknown>) => {
      const r = await api('POST', '/api/devices', { type: 'esp32', ...body });
      expect(r.statusCode, r.body).toBe(201);
    };
    await add({
      code: 'f-302-a',
      location: { building: 'u4', room: '302' },
      properties: { floor: 3 },
      latitude: 43.5617,
      longitude: 1.4686,
    });
    await add({
      code: 'f-302-b',
      location: { building: 'u4', room: '302' },
      description: 'CO2 sensor',
      latitude: 43.6045,
      longitude: 1.444,
    });
    await add({
      code: 'f-lora',
      type: 'lorawan-node',
      identity: { kind: 'deveui', value: '70b3d57ba0003bb8' },
      properties: { floor: 1 },
    });
    expect(await codes('room=302')).toEqual(['f-302-a', 'f-302-b']);
    expect(await codes('building=u4&room=301')).toEqual(['rpi3-u4-301']);
    expect(await codes('type=lorawan-node')).toContain('f-lora');
    expect(await codes('identity=70B3D57BA0003BB8')).toEqual(['f-lora']);
    expect(await codes('identity=24-0a-c4-02-8b-60')).toEqual(['rpi3-u4-301']);
    expect(await codes('q=co2')).toEqual(['f-302-b']);
    expect(await codes(`properties=${encodeURIComponent('{"floor":3}')}`)).toEqual(['f-302-a', 'rpi3-u4-301']);
    expect(await codes('bbox=1.4,43.5,1.5,43.58')).toEqual(['f-302-a', 'rpi3-u4-301']);
    // Paul Sabatier campus to the Capitole is about 6 km.
    expect(await codes('near=43.5617,1.4686&radius=1000')).toEqual(['f-302-a', 'rpi3-u4-301']);
    expect(await codes('near=43.5617,1.4686&radius=7000')).toEqual(['f-302-a', 'f-302-b', 'rpi3-u4-301']);
    expect(await codes('state=unknown&enabled=true&room=302&sort=-code')).toEqual(['f-302-b', 'f-302-a']);

    for (const [query, field] of [
      ['bbox=1,2,3', 'bbox'],
      ['bbox=1,50,2,40', 'bbox'],
      ['near=43.5,1.4', 'radius'],
      ['properties=[1]', 'properties'],
      ['properties=nope', 'properties'],
      ['identity=mac:xyz', 'identity'],
      ['site=mars', 'site'],
      ['room=999', 'room'],
      ['sort=colour', 'querystring.sort'],
    ]) {
      const r = await api('GET', `/api/devices?${query}`);
      expect(r.statusCode, query).toBe(400);
      expect(r.json().error.details.field, query).toBe(field);
    }

    const all = await codes('limit=1000');
    const paged: string[] = [];
    let url: string | null = '/api/devices?limit=2&sort=-createdAt';
    while (url) {
      const page: { data: { code: string }[]; links: { next: string | null } } = (await api('GET', url)).json();
      paged.push(...page.data.map((d) => d.code));
      url = page.links.next && new URL(page.links.next).pathname + new URL(page.links.next).search;
    }
    expect([...paged].sort()).toEqual([...all].sort());
    expect(new Set(paged).size).toBe(all.length);
  });

  it('disables and enables a device', async () => {
    const off = await api('PATCH', '/api/devices/f-302-a', { enabled: false });
    expect(off.json()).toMatchObject({ enabled: false, state: 'disabled' });
    expect(await codes('state=disabled')).toEqual(['f-302-a']);
    const on = await api('PATCH', '/api/devices/f-302-a', { enabled: true });
    expect(on.json()).toMatchObject({ enabled: true, state: 'unknown' });
  });

  it('manages sensors and datastreams of a device', async () => {
    const s = await api('POST', '/api/devices/rpi3-u4-301/sensors', { code: 'ouest', brand: 'Microchip', model: 'MCP9808' });
    expect(s.statusCode, s.body).toBe(201);
    expect(s.json()).toMatchObject({ code: 'ouest', externalId: 'ouest', archiveDays: null, brand: 'Microchip' });
    const ch = await api('POST', '/api/devices/rpi3-u4-301/sensors', { code: 'lux', externalId: '3', archiveDays: 365 });
    expect(ch.json()).toMatchObject({ externalId: '3', archiveDays: 365 });
    expect((await api('POST', '/api/devices/rpi3-u4-301/sensors', { code: 'ouest' })).statusCode).toBe(409);
    const clash = await api('POST', '/api/devices/rpi3-u4-301/sensors', { code: 'other', externalId: '3' });
    expect(clash.statusCode).toBe(409);
    expect(clash.json().error.details.field).toBe('externalId');
    expect((await api('POST', '/api/devices/nope/sensors', { code: 'x' })).statusCode).toBe(404);

    const ds = await api('POST', '/api/datastreams', { sensor: s.json().id, observedProperty: 'temperature', unit: 'Cel' });
    expect(ds.statusCode, ds.body).toBe(201);
    expect(ds.json()).toMatchObject({ sensor: 'ouest', observedProperty: 'temperature', unit: 'Cel', id: expect.any(Number) });
    expect(
      (await api('POST', '/api/datastreams', { sensor: s.json().id, observedProperty: 'temperature', unit: 'Cel' })).statusCode,
    ).toBe(409);
    const badUnit = await api('POST', '/api/datastreams', {
      sensor: s.json().id,
      observedProperty: 'temperature',
      unit: 'deg C',
    });
    expect(badUnit.json().error.details.field).toBe('unit');
    const noSensor = await api('POST', '/api/datastreams', { sensor: 'not-a-sensor', observedProperty: 'x', unit: 'V' });
    expect(noSensor.json().error.details.field).toBe('sensor');

    // The pipeline's find-or-create reuses the hand-made one and creates the rest.
    const device = (await api('GET', '/api/devices/rpi3-u4-301')).json();
    const ids = await t.polder.registry.sensors.resolveDatastreams(t.polder.bootstrap.org.id, device.id, [
      { sensor: 'ouest', observedProperty: 'temperature', unit: 'Cel' },
      { sensor: '3', observedProperty: 'illuminance', unit: 'lx' },
      { sensor: 'subid-new', observedProperty: 'co2', unit: 'ppm' },
    ]);
    expect(ids[0]).toBe(ds.json().id);
    const ofDevice = (await api('GET', '/api/devices/rpi3-u4-301/datastreams')).json().data;
    expect(ofDevice.map((d: { sensor: string; observedProperty: string }) => `${d.sensor}/${d.observedProperty}`)).toEqual([
      'ouest/temperature',
      'lux/illuminance',
      'subid-new/co2',
    ]);
    const ofSensor = (await api('GET', `/api/sensors/${s.json().id}/datastreams`)).json().data;
    expect(ofSensor.map((d: { id: number }) => d.id)).toEqual([ds.json().id]);
    expect((await api('GET', `/api/datastreams?device=rpi3-u4-301&count=true`)).json().total).toBe(3);
    expect((await api('GET', `/api/datastreams/${ids[1]}`)).json()).toMatchObject({ sensor: 'lux', unit: 'lx' });
    expect((await api('GET', '/api/datastreams/abc')).statusCode).toBe(404);
    expect((await api('GET', '/api/datastreams/99999999')).statusCode).toBe(404);
    expect((await api('DELETE', `/api/datastreams/${ids[2]}`)).statusCode).toBe(204);

    const sensors = (await api('GET', '/api/devices/rpi3-u4-301/sensors')).json().data;
    expect(sensors.map((x: { code: string }) => x.code)).toEqual(['lux', 'ouest', 'subid-new']);
    const patched = await api('PATCH', `/api/sensors/${s.json().id}`, { archiveDays: null, brand: 'Maxim' });
    expect(patched.json()).toMatchObject({ brand: 'Maxim', archiveDays: null, code: 'ouest' });

    expect((await api('DELETE', '/api/devices/rpi3-u4-301')).statusCode).toBe(204);
    expect((await api('GET', `/api/sensors/${s.json().id}`)).statusCode).toBe(404);
    expect((await api('GET', `/api/datastreams/${ids[1]}`)).statusCode).toBe(404);
  });

  it("keeps codes and slugs per organisation, identities platform-wide: another organisation's are invisible", async () => {
    expect((await api('POST', '/api/organisations', { slug: 'neighbour', name: 'Neighbour' })).statusCode).toBe(201);
    const other = (await api('POST', '/api/organisations/neighbour/api-keys', { name: 'k', scopes: ['devices:write'] })).json()
      .secret;
    const theirs = await api(
      'POST',
      '/api/devices',
      { code: 'f-302-b', type: 'esp32', identity: { kind: 'mac', value: '24:0a:c4:aa:bb:cc' } },
      other,
    );
    expect(theirs.statusCode, theirs.body).toBe(201);
    expect(theirs.json().mqtt.login).not.toBe('f-302-b');
    expect((await api('POST', '/api/buildings', { slug: 'secret-lab', name: 'x' }, other)).statusCode).toBe(201);
    const mine = (await api('GET', '/api/devices/f-302-b')).json();
    expect(mine.id).not.toBe(theirs.json().id);
    expect((await api('GET', `/api/devices/${theirs.json().id}`)).statusCode).toBe(404);
    expect((await api('GET', '/api/buildings/secret-lab')).statusCode).toBe(404);
    expect((await api('GET', '/api/devices?building=secret-lab')).statusCode).toBe(400);
    expect(await codes('identity=24:0a:c4:aa:bb:cc')).toEqual([]);
    // Identities are platform-wide (issue 9 item 4): taken, without naming who holds it.
    const reuse = await api('POST', '/api/devices', {
      code: 'mine-too',
      type: 'esp32',
      identity: { kind: 'mac', value: '24:0a:c4:aa:bb:cc' },
    });
    expect(reuse.statusCode).toBe(409);
    expect(reuse.json().error.details.field).toBe('identity');
    expect(reuse.body).not.toMatch(/f-302-b|neighbour/);
  });

  it('enforces scopes: reads with devices:read, writes with devices:write', async () => {
    const reader = (await api('POST', '/api/organisations/default/api-keys', { name: 'reader', scopes: ['devices:read'] })).json()
      .secret;
    expect((await api('GET', '/api/devices', undefined, reader)).statusCode).toBe(200);
    expect((await api('GET', '/api/sites', undefined, reader)).statusCode).toBe(200);
    const denied = await api('POST', '/api/devices', { code: 'x', type: 'esp32' }, reader);
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error.details.needed).toBe('devices:write');
    expect((await api('POST', '/api/sites', { slug: 'x', name: 'x' }, reader)).statusCode).toBe(403);
    expect((await api('GET', '/api/devices', undefined, 'pk_wrong')).statusCode).toBe(401);
  });
});
