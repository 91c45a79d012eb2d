import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Site } from '../../src/locations/locations.js';
import { KyselyLocationStore } from '../../src/locations/locations.store.js';
import { uuidv7 } from '../../src/shared/ids.js';
import { KyselyTenancyStore } from '../../src/tenancy/tenancy.store.js';
import { availableDialects, openTestDatabase, type TestDatabase } from '../support/databases.js';
import { T0 } from '../support/registry.js';

const dialects = await availableDialects();

describe.each(dialects)('LocationStore contract on %s', (dialect) => {
  let tdb: TestDatabase;
  let store: KyselyLocationStore;
  const orgA = uuidv7();
  const orgB = uuidv7();
  const site = (orgId: string, slug: string, isDefault = false): Site => ({
    id: uuidv7(),
    orgId,
    slug,
    name: slug.toUpperCase(),
    description: null,
    latitude: 43.56,
    longitude: 1.47,
    timeZone: 'Europe/Paris',
    isDefault,
    createdAt: T0,
    updatedAt: T0,
  });

  beforeAll(async () => {
    tdb = await openTestDatabase(dialect);
    store = new KyselyLocationStore(tdb.database.db);
    const tenancy = new KyselyTenancyStore(tdb.database.db);
    for (const [id, slug] of [
      [orgA, 'a'],
      [orgB, 'b'],
    ] as const)
      await tenancy.insertOrganisation({ id, slug, name: slug, archiveDays: 30, settings: {}, createdAt: T0 });
  });
  afterAll(() => tdb.drop());

  it('creates exactly one default site even when callers race', async () => {
    await Promise.all(Array.from({ length: 6 }, () => store.ensureDefaultSite(site(orgA, 'main', true))));
    const sites = await store.allSites(orgA);
    expect(sites.filter((s) => s.isDefault)).toHaveLength(1);
    expect(sites.map((s) => s.slug)).toEqual(['main']);
    expect((await store.defaultSite(orgA))?.slug).toBe('main');
    expect(await store.defaultSite(orgB)).toBeUndefined();
  });

  it('refuses a second default site in one organisation (partial unique index)', async () => {
    await expect(store.insertSite(site(orgA, 'second', true))).rejects.toThrow();
    await store.insertSite(site(orgB, 'main', true));
    expect((await store.defaultSite(orgB))?.slug).toBe('main');
  });

  it('finds sites by id or slug within the organisation only', async () => {
    const ut3 = site(orgA, 'ut3');
    await store.insertSite(ut3);
    expect(await store.findSite(orgA, ut3.id)).toEqual(ut3);
    expect(await store.findSite(orgA, 'ut3')).toEqual(ut3);
    expect(await store.findSite(orgB, ut3.id)).toBeUndefined();
    expect(await store.findSite(orgB, 'ut3')).toBeUndefined();
  });

  it('moves the default flag in one step', async () => {
    const ut3 = await store.findSite(orgA, 'ut3');
    await store.makeDefaultSite(orgA, ut3!.id, T0 + 1);
    expect((await store.defaultSite(orgA))?.slug).toBe('ut3');
    expect((await store.findSite(orgA, 'main'))?.isDefault).toBe(false);
    await store.updateSite(orgA, ut3!.id, { name: 'UT3 Paul Sabatier', updatedAt: T0 + 2 });
    expect(await store.findSite(orgA, 'ut3')).toMatchObject({ name: 'UT3 Paul Sabatier', isDefault: true, updatedAt: T0 + 2 });
  });

  it('keeps building slugs per site and room slugs per building', async () => {
    const ut3 = (await store.findSite(orgA, 'ut3'))!;
    const main = (await store.findSite(orgA, 'main'))!;
    const u4 = { id: uuidv7(), orgId: orgA, siteId: ut3.id, slug: 'u4', name: 'U4', createdAt: T0, updatedAt: T0 };
    const u4main = { ...u4, id: uuidv7(), siteId: main.id };
    await store.insertBuilding(u4);
    await store.insertBuilding(u4main);
    // A lost race on a unique slug is the 409 the service's own check would give.
    await expect(store.insertBuilding({ ...u4, id: uuidv7() })).rejects.toMatchObject({
      code: 'CONFLICT',
      details: { field: 'slug' },
    });
    expect((await store.findBuildingsBySlug(orgA, 'u4')).map((b) => b.siteSlug).sort()).toEqual(['main', 'ut3']);
    expect(await store.findBuildingsBySlug(orgA, 'u4', ut3.id)).toEqual([{ ...u4, siteSlug: 'ut3' }]);
    expect(await store.findBuildingsBySlug(orgB, 'u4')).toEqual([]);

    const r301 = { id: uuidv7(), orgId: orgA, buildingId: u4.id, slug: '301', name: 'Room 301', createdAt: T0, updatedAt: T0 };
    await store.insertRoom(r301);
    await store.insertRoom({ ...r301, id: uuidv7(), buildingId: u4main.id });
    await expect(store.insertRoom({ ...r301, id: uuidv7() })).rejects.toThrow();
    const found = await store.findRoomsBySlug(orgA, '301', { buildingId: u4.id });
    expect(found).toEqual([{ ...r301, siteId: ut3.id, siteSlug: 'ut3', buildingSlug: 'u4' }]);
    expect(await store.findRoomsBySlug(orgA, '301', {})).toHaveLength(2);
    expect(await store.findRoomsBySlug(orgA, '301', { siteId: main.id })).toHaveLength(1);
    expect(await store.findRoomById(orgB, r301.id)).toBeUndefined();
  });

  it('pages buildings and rooms without gaps, filtered by site', async () => {
    const ut3 = (await store.findSite(orgA, 'ut3'))!;
    for (const slug of ['irit1', 'irit2', 'bu', 'u3'])
      await store.insertBuilding({ id: uuidv7(), orgId: orgA, siteId: ut3.id, slug, name: slug, createdAt: T0, updatedAt: T0 });
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.listBuildings(orgA, { siteId: ut3.id }, { limit: 2, cursor, count: true });
      expect(page.total).toBe(5);
      seen.push(...page.items.map((b) => b.slug));
      cursor = page.next ?? undefined;
    } while (cursor);
    expect(seen).toEqual(['bu', 'irit1', 'irit2', 'u3', 'u4']);
    expect((await store.listRooms(orgA, { siteId: ut3.id }, { limit: 10 })).items.map((r) => r.slug)).toEqual(['301']);
    expect((await store.listRooms(orgB, {}, { limit: 10 })).items).toEqual([]);
  });

  it('renames and deletes buildings and rooms of its own organisation only', async () => {
    const ut3 = (await store.findSite(orgA, 'ut3'))!;
    const lab = { id: uuidv7(), orgId: orgA, siteId: ut3.id, slug: 'lab', name: 'Lab', createdAt: T0, updatedAt: T0 };
    await store.insertBuilding(lab);
    const room = { id: uuidv7(), orgId: orgA, buildingId: lab.id, slug: 'a1', name: 'A1', createdAt: T0, updatedAt: T0 };
    await store.insertRoom(room);
    await store.insertRoom({ ...room, id: uuidv7(), slug: 'a2' });

    await store.updateBuilding(orgA, lab.id, { name: 'Laboratory', updatedAt: T0 + 1 });
    await store.updateBuilding(orgB, lab.id, { name: 'not theirs', updatedAt: T0 + 2 });
    expect(await store.findBuildingById(orgA, lab.id)).toMatchObject({ slug: 'lab', name: 'Laboratory', updatedAt: T0 + 1 });
    const slugTaken = { code: 'CONFLICT', details: { field: 'slug' } };
    await expect(store.updateBuilding(orgA, lab.id, { slug: 'u4', updatedAt: T0 + 3 })).rejects.toMatchObject(slugTaken);

    await store.updateRoom(orgA, room.id, { slug: 'a0', updatedAt: T0 + 1 });
    await store.updateRoom(orgB, room.id, { slug: 'theirs', updatedAt: T0 + 2 });
    expect(await store.findRoomById(orgA, room.id)).toMatchObject({ slug: 'a0', name: 'A1', updatedAt: T0 + 1 });
    await expect(store.updateRoom(orgA, room.id, { slug: 'a2', updatedAt: T0 + 3 })).rejects.toMatchObject(slugTaken);

    expect(await store.deleteRoom(orgB, room.id)).toBe(false);
    expect(await store.deleteRoom(orgA, room.id)).toBe(true);
    expect(await store.deleteRoom(orgA, room.id)).toBe(false);
    expect(await store.deleteBuilding(orgB, lab.id)).toBe(false);
    expect(await store.deleteBuilding(orgA, lab.id)).toBe(true);
    expect(await store.findBuildingById(orgA, lab.id)).toBeUndefined();
    expect(await store.findRoomsBySlug(orgA, 'a2', {})).toEqual([]);
  });

  it('deletes a site with its buildings and rooms, scoped by organisation', async () => {
    const main = (await store.findSite(orgA, 'main'))!;
    expect(await store.deleteSite(orgB, main.id)).toBe(false);
    expect(await store.countDevicesAt(orgA, { siteId: main.id })).toBe(0);
    expect(await store.deleteSite(orgA, main.id)).toBe(true);
    expect((await store.findBuildingsBySlug(orgA, 'u4')).map((b) => b.siteSlug)).toEqual(['ut3']);
    expect(await store.findRoomsBySlug(orgA, '301', {})).toHaveLength(1);
  });
});
