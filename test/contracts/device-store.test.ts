import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonContains } from '../../src/devices/device-query.js';
import type { DeviceFilter, DeviceSort } from '../../src/devices/devices.js';
import { KyselyDeviceStore } from '../../src/devices/devices.store.js';
import { KyselyLocationStore } from '../../src/locations/locations.store.js';
import { DomainError } from '../../src/shared/errors.js';
import { uuidv7 } from '../../src/shared/ids.js';
import { availableDialects, openTestDatabase, type TestDatabase } from '../support/databases.js';
import { deviceRow, seedOrg, T0 } from '../support/registry.js';

const dialects = await availableDialects();

describe('jsonContains (PostgreSQL @> semantics for SQLite)', () => {
  it('matches sub-objects, array elements in any order and equal scalars', () => {
    expect(jsonContains({ floor: 3, tags: ['a', 'b'], g: { x: 1, y: 2 } }, { floor: 3 })).toBe(true);
    expect(jsonContains({ floor: 3 }, { floor: '3' })).toBe(false);
    expect(jsonContains({ tags: ['a', 'b'] }, { tags: ['b'] })).toBe(true);
    expect(jsonContains({ tags: ['a', 'b'] }, { tags: ['c'] })).toBe(false);
    expect(jsonContains({ g: { x: 1, y: 2 } }, { g: { y: 2 } })).toBe(true);
    expect(jsonContains({ g: { x: 1 } }, { g: { y: null } })).toBe(false);
    expect(jsonContains({ a: null }, { a: null })).toBe(true);
    expect(jsonContains({}, {})).toBe(true);
  });
});

describe.each(dialects)('DeviceStore contract on %s', (dialect) => {
  let tdb: TestDatabase;
  let store: KyselyDeviceStore;
  let a: Awaited<ReturnType<typeof seedOrg>>;
  let b: Awaited<ReturnType<typeof seedOrg>>;
  const row = (over: Parameters<typeof deviceRow>[3] = {}) => deviceRow(a.orgId, a.site.id, a.type.id, over);
  const codes = async (filter: DeviceFilter, sort: DeviceSort = 'code') =>
    (await store.list(a.orgId, filter, sort, { limit: 1000 })).items.map((d) => d.code);

  beforeAll(async () => {
    tdb = await openTestDatabase(dialect);
    store = new KyselyDeviceStore(tdb.database);
    a = await seedOrg(tdb.database, 'alpha');
    b = await seedOrg(tdb.database, 'beta');
  });
  afterAll(() => tdb.drop());

  it('stores a device and finds it by id or code in its organisation only', async () => {
    const d = row({
      code: 'rpi3-u4-301',
      identityKind: 'mac',
      identityValue: '24:0a:c4:02:8b:60',
      properties: { floor: 3 },
      config: { frequency: 60 },
      mqttLogin: 'rpi3-u4-301',
      baseTopic: 'u4/301',
    });
    await store.insert(d);
    const found = await store.find(a.orgId, 'rpi3-u4-301');
    expect(found).toMatchObject({
      id: d.id,
      code: 'rpi3-u4-301',
      identity: { kind: 'mac', value: '24:0a:c4:02:8b:60' },
      typeName: 'esp32',
      connectivity: 'mqtt',
      location: { siteId: a.site.id, siteSlug: 'main', buildingId: null, outdoor: null },
      properties: { floor: 3 },
      config: { frequency: 60 },
      enabled: true,
      mqttLogin: 'rpi3-u4-301',
      mqttPasswordSet: false,
      state: 'unknown',
      lastSeenAt: null,
      lastStatus: null,
    });
    expect(await store.find(a.orgId, d.id)).toEqual(found);
    expect(await store.find(a.orgId, d.id.toUpperCase())).toEqual(found);
    expect(await store.find(b.orgId, d.id)).toBeUndefined();
    expect(await store.find(b.orgId, 'rpi3-u4-301')).toBeUndefined();
    expect((await store.findByBaseTopic('u4/301')).map((x) => x.id)).toEqual([d.id]);
    expect(await store.findByBaseTopic('u4/301', b.orgId)).toEqual([]);
  });

  it('answers a lost unique race with a 409 naming the field', async () => {
    const dup = row({ code: 'rpi3-u4-301' });
    const err = await store.insert(dup).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({ code: 'CONFLICT', details: { field: 'code' } });
    const sameMac = row({ identityKind: 'mac', identityValue: '24:0a:c4:02:8b:60' });
    expect(await store.insert(sameMac).catch((e: unknown) => e)).toMatchObject({
      code: 'CONFLICT',
      details: { field: 'identity' },
    });
    const sameLogin = deviceRow(b.orgId, b.site.id, b.type.id, { mqttLogin: 'rpi3-u4-301' });
    expect(await store.insert(sameLogin).catch((e: unknown) => e)).toMatchObject({
      code: 'CONFLICT',
      details: { field: 'mqttLogin' },
    });
  });

  it('keeps an identity to one device platform-wide; finds it across organisations (provisioning) or within one', async () => {
    // Issue 9 item 4: a unique index across organisations (migration 20261202-1630-identity-global).
    await expect(
      store.insert(
        deviceRow(b.orgId, b.site.id, b.type.id, { code: 'twin', identityKind: 'mac', identityValue: '24:0a:c4:02:8b:60' }),
      ),
    ).rejects.toMatchObject({ code: 'CONFLICT', details: { field: 'identity' } });
    await store.insert(
      deviceRow(b.orgId, b.site.id, b.type.id, { code: 'twin', identityKind: 'mac', identityValue: '24:0a:c4:02:8b:61' }),
    );
    const everywhere = await store.findByIdentity({ kind: 'mac', value: '24:0a:c4:02:8b:60' });
    expect(everywhere.map((d) => d.orgId)).toEqual([a.orgId]);
    expect(await store.findByIdentity({ kind: 'mac', value: '24:0a:c4:02:8b:60' }, b.orgId)).toHaveLength(0);
    expect(await store.findByIdentity({ kind: 'mac', value: '24:0a:c4:02:8b:61' }, b.orgId)).toHaveLength(1);
    expect(await store.findByIdentity({ kind: 'deveui', value: '24:0a:c4:02:8b:60' })).toEqual([]);
    const elsewhere = await store.identitiesElsewhere(b.orgId, [
      { kind: 'mac', value: '24:0a:c4:02:8b:60' },
      { kind: 'mac', value: '24:0a:c4:02:8b:61' },
    ]);
    expect(elsewhere).toEqual(new Set(['mac:24:0a:c4:02:8b:60']));
  });

  it('delivers a password once: the first caller wins', async () => {
    const d = await store.find(a.orgId, 'rpi3-u4-301');
    const results = await Promise.all([1, 2, 3, 4].map((i) => store.deliverPassword(d!.id, `hash-${i}`, T0 + i)));
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = results.indexOf(true) + 1;
    expect((await store.findByMqttLogin('rpi3-u4-301'))?.passwordHash).toBe(`hash-${winner}`);
    expect(await store.deliverPassword(d!.id, 'again', T0 + 9)).toBe(false);
    await store.update(a.orgId, d!.id, { mqttPasswordHash: null, mqttPasswordDelivered: false });
    expect(await store.findByMqttLogin('rpi3-u4-301')).toMatchObject({
      passwordHash: null,
      device: { mqttPasswordDelivered: false },
    });
    expect(await store.findByMqttLogin('nobody')).toBeUndefined();
  });

  it('filters by location, type, state, enabled, identity and text', async () => {
    const locations = new KyselyLocationStore(tdb.database.db);
    const u4 = { id: uuidv7(), orgId: a.orgId, siteId: a.site.id, slug: 'u4', name: 'U4', createdAt: T0, updatedAt: T0 };
    await locations.insertBuilding(u4);
    const room = { id: uuidv7(), orgId: a.orgId, buildingId: u4.id, slug: '302', name: '302', createdAt: T0, updatedAt: T0 };
    await locations.insertRoom(room);
    await store.insert(row({ code: 'in-room', buildingId: u4.id, roomId: room.id, description: 'Shutter 100% front_left' }));
    await store.insert(
      row({ code: 'in-building', buildingId: u4.id, state: 'online', identityKind: 'serial', identityValue: 'SN-1' }),
    );
    await store.insert(row({ code: 'disabled', enabled: false, state: 'disabled' }));
    expect(await codes({ buildingIds: [u4.id] })).toEqual(['in-building', 'in-room']);
    expect(await codes({ roomIds: [room.id] })).toEqual(['in-room']);
    expect(await codes({ state: 'online' })).toEqual(['in-building']);
    expect(await codes({ enabled: false })).toEqual(['disabled']);
    expect(await codes({ typeId: b.type.id })).toEqual([]);
    expect(
      await codes({
        identities: [
          { kind: 'serial', value: 'SN-1' },
          { kind: 'mac', value: 'nope' },
        ],
      }),
    ).toEqual(['in-building']);
    expect(await codes({ identities: [] })).toEqual([]);
    expect(await codes({ text: 'SHUTTER' })).toEqual(['in-room']);
    // % and _ are literal characters in a search, not wildcards.
    expect(await codes({ text: '100%' })).toEqual(['in-room']);
    expect(await codes({ text: 't_l' })).toEqual(['in-room']);
    expect(await codes({ text: 't%l' })).toEqual([]);
    expect(await codes({ text: 'in-' })).toEqual(['in-building', 'in-room']);
  });

  it('filters by bounding box (also across the antimeridian) and by distance', async () => {
    // Toulouse, Capitole at (43.6045, 1.4440); points placed north of it at known distances.
    const north = (m: number) => 43.6045 + m / 111_194.9;
    await store.insert(row({ code: 'geo-0m', latitude: 43.6045, longitude: 1.444 }));
    await store.insert(row({ code: 'geo-900m', latitude: north(900), longitude: 1.444 }));
    await store.insert(row({ code: 'geo-1100m', latitude: north(1100), longitude: 1.444 }));
    await store.insert(row({ code: 'geo-fiji', latitude: -17.8, longitude: 178.4 }));
    await store.insert(row({ code: 'geo-samoa', latitude: -13.8, longitude: -171.8 }));
    expect(await codes({ near: { lat: 43.6045, lon: 1.444, radius: 1000 } })).toEqual(['geo-0m', 'geo-900m']);
    expect(await codes({ near: { lat: 43.6045, lon: 1.444, radius: 1200 } })).toEqual(['geo-0m', 'geo-1100m', 'geo-900m']);
    expect(await codes({ bbox: { minLon: 1.4, minLat: 43.6, maxLon: 1.5, maxLat: 43.6135 } })).toEqual(['geo-0m', 'geo-900m']);
    expect(await codes({ bbox: { minLon: 170, minLat: -20, maxLon: -170, maxLat: -10 } })).toEqual(['geo-fiji', 'geo-samoa']);
    // Fiji to Samoa is about 1,150 km across the antimeridian.
    expect(await codes({ near: { lat: -17.8, lon: 178.4, radius: 1_300_000 } })).toEqual(['geo-fiji', 'geo-samoa']);
  });

  it('filters by properties containment', async () => {
    await store.insert(
      row({ code: 'p-floor3', properties: { floor: 3, tags: ['hvac', 'roof'], owner: { team: 'irit', id: 7 } } }),
    );
    await store.insert(row({ code: 'p-floor3s', properties: { floor: '3' } }));
    await store.insert(row({ code: 'p-none', properties: {} }));
    expect(await codes({ properties: { floor: 3 } })).toEqual(['p-floor3', 'rpi3-u4-301']);
    expect(await codes({ properties: { floor: 3, tags: [] } })).toEqual(['p-floor3']);
    expect(await codes({ properties: { floor: '3' } })).toEqual(['p-floor3s']);
    expect(await codes({ properties: { tags: ['roof'] } })).toEqual(['p-floor3']);
    expect(await codes({ properties: { owner: { team: 'irit' } } })).toEqual(['p-floor3']);
    expect(await codes({ properties: { owner: { team: 'other' } } })).toEqual([]);
  });

  it('sorts and pages in every order without gaps or repeats, never-seen devices first by lastSeenAt', async () => {
    const all = await codes({});
    expect(all.length).toBeGreaterThan(10);
    const seenAt = [T0 + 5, T0 + 1, T0 + 3];
    for (const [i, code] of ['geo-0m', 'p-none', 'in-room'].entries()) {
      const d = await store.find(a.orgId, code);
      await tdb.database.db.updateTable('devices').set({ last_seen_at: seenAt[i] }).where('id', '=', d!.id).execute();
    }
    for (const sort of ['code', '-code', 'createdAt', '-createdAt', 'lastSeenAt', '-lastSeenAt'] as DeviceSort[]) {
      const paged: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.list(a.orgId, {}, sort, { limit: 4, cursor });
        paged.push(...page.items.map((d) => d.code));
        cursor = page.next ?? undefined;
      } while (cursor);
      expect(paged, sort).toEqual(await codes({}, sort));
      expect(new Set(paged).size, sort).toBe(all.length);
    }
    expect(await codes({}, '-code')).toEqual([...all].reverse());
    expect((await codes({}, '-lastSeenAt')).slice(0, 3)).toEqual(['geo-0m', 'in-room', 'p-none']);
    expect((await codes({}, 'lastSeenAt')).slice(-3)).toEqual(['p-none', 'in-room', 'geo-0m']);
    const count = await store.list(a.orgId, { text: 'geo' }, 'code', { limit: 2, count: true });
    expect(count.total).toBe(5);
  });

  it('recomputes base topics per distinct topic and skips overrides', async () => {
    const locations = new KyselyLocationStore(tdb.database.db);
    const [u4] = await locations.findBuildingsBySlug(a.orgId, 'u4');
    await store.insert(row({ code: 'override', buildingId: u4!.id, baseTopic: 'custom/topic', baseTopicOverride: true }));
    const inputs = await store.topicInputs(a.orgId, { buildingId: u4!.id });
    expect(inputs.map((i) => i.location.buildingSlug)).toEqual(['u4', 'u4']);
    expect(inputs.every((i) => i.siteIsDefault)).toBe(true);
    await store.setBaseTopics(
      a.orgId,
      inputs.map((i) => ({ id: i.id, baseTopic: `u4/${i.location.roomSlug ?? 'x'}` })),
      T0 + 100,
    );
    expect((await store.find(a.orgId, 'in-room'))?.baseTopic).toBe('u4/302');
    expect((await store.find(a.orgId, 'in-building'))?.baseTopic).toBe('u4/x');
    expect((await store.find(a.orgId, 'override'))?.baseTopic).toBe('custom/topic');
  });

  it('upserts by code: new rows inserted, existing ones updated keeping id, creation and fleet status', async () => {
    const existing = (await store.find(a.orgId, 'geo-0m'))!;
    const keysBefore = (await store.keys(a.orgId)).find((k) => k.code === 'geo-0m');
    expect(keysBefore).toMatchObject({ id: existing.id, createdAt: existing.createdAt });
    await store.upsertMany([
      row({ id: uuidv7(), code: 'geo-0m', description: 'moved', createdAt: T0 + 999, updatedAt: T0 + 999 }),
      row({ code: 'brand-new', description: 'new' }),
    ]);
    const after = (await store.find(a.orgId, 'geo-0m'))!;
    expect(after).toMatchObject({ id: existing.id, createdAt: existing.createdAt, description: 'moved', updatedAt: T0 + 999 });
    expect(after.lastSeenAt).toBe(T0 + 5);
    expect((await store.find(a.orgId, 'brand-new'))?.description).toBe('new');
    expect(await store.loginsTaken(['rpi3-u4-301', 'free-login'])).toEqual(new Set(['rpi3-u4-301']));
  });

  it('upserts without undoing what others wrote meanwhile: delivered password, fleet state', async () => {
    const stale = row({ code: 'racy', mqttLogin: 'racy' });
    await store.insert(stale);
    // After the import read the row: the device fetches its password, the fleet sees it.
    expect(await store.deliverPassword(stale.id, 'digest', T0 + 1)).toBe(true);
    await tdb.database.db.updateTable('devices').set({ state: 'online' }).where('id', '=', stale.id).execute();
    await store.upsertMany([{ ...stale, description: 'imported', updatedAt: T0 + 2 }]);
    expect(await store.findByMqttLogin('racy')).toMatchObject({
      passwordHash: 'digest',
      device: { description: 'imported', state: 'online', mqttPasswordDelivered: true },
    });
    await store.upsertMany([{ ...stale, enabled: false, mqttLogin: null, state: 'disabled' }]);
    const off = await store.find(a.orgId, 'racy');
    expect(off).toMatchObject({ enabled: false, state: 'disabled', mqttLogin: null, mqttPasswordSet: false });
    await store.upsertMany([{ ...stale, enabled: true, mqttLogin: 'racy-2' }]);
    expect(await store.find(a.orgId, 'racy')).toMatchObject({
      state: 'unknown',
      mqttLogin: 'racy-2',
      mqttPasswordDelivered: false,
    });
  });

  it('deletes within the organisation only', async () => {
    const d = (await store.find(a.orgId, 'brand-new'))!;
    expect(await store.delete(b.orgId, d.id)).toBe(false);
    expect(await store.delete(a.orgId, d.id)).toBe(true);
    expect(await store.find(a.orgId, d.id)).toBeUndefined();
    expect(await store.all(b.orgId, {})).toHaveLength(1);
  });
});
