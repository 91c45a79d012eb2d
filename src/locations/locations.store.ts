import type { Kysely, Selectable } from 'kysely';
import { paginate } from '../db/paginate.js';
import type { Schema, SiteTable } from '../db/schema.js';
import { uniqueAs409 } from '../db/unique-violation.js';
import { countDevicesBy } from '../devices/device-read-models.js';
import { isUuid } from '../shared/ids.js';
import type { Page, PageRequest } from '../shared/page.js';
import type { Building, LocationFilter, LocationScope, LocationStore, Rename, Room, Site } from './locations.js';

const toSite = (r: Selectable<SiteTable>): Site => ({
  id: r.id,
  orgId: r.org_id,
  slug: r.slug,
  name: r.name,
  description: r.description,
  latitude: r.latitude,
  longitude: r.longitude,
  timeZone: r.time_zone,
  isDefault: r.is_default === 1,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

interface BuildingRow {
  id: string;
  org_id: string;
  site_id: string;
  site_slug: string;
  slug: string;
  name: string;
  created_at: number;
  updated_at: number;
}

const toBuilding = (r: BuildingRow): Building => ({
  id: r.id,
  orgId: r.org_id,
  siteId: r.site_id,
  siteSlug: r.site_slug,
  slug: r.slug,
  name: r.name,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

interface RoomRow extends Omit<BuildingRow, 'site_id'> {
  site_id: string;
  building_id: string;
  building_slug: string;
}

const toRoom = (r: RoomRow): Room => ({
  id: r.id,
  orgId: r.org_id,
  siteId: r.site_id,
  siteSlug: r.site_slug,
  buildingId: r.building_id,
  buildingSlug: r.building_slug,
  slug: r.slug,
  name: r.name,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export class KyselyLocationStore implements LocationStore {
  constructor(private readonly db: Kysely<Schema>) {}

  /** A slug already taken in the place's parent is a 409 naming `slug`. */
  private async rename(table: 'buildings' | 'rooms', orgId: string, id: string, patch: Rename) {
    await uniqueAs409(
      () =>
        this.db
          .updateTable(table)
          .set({
            ...(patch.slug !== undefined && { slug: patch.slug }),
            ...(patch.name !== undefined && { name: patch.name }),
            updated_at: patch.updatedAt,
          })
          .where('org_id', '=', orgId)
          .where('id', '=', id)
          .execute(),
      'slug',
      patch.slug,
    );
  }

  /** Whether the place was there to delete. */
  private async remove(table: 'sites' | 'buildings' | 'rooms', orgId: string, id: string) {
    const res = await this.db.deleteFrom(table).where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }

  private siteRow(s: Site) {
    return {
      id: s.id,
      org_id: s.orgId,
      slug: s.slug,
      name: s.name,
      description: s.description,
      latitude: s.latitude,
      longitude: s.longitude,
      time_zone: s.timeZone,
      is_default: s.isDefault ? 1 : 0,
      created_at: s.createdAt,
      updated_at: s.updatedAt,
    };
  }

  async insertSite(site: Site) {
    await uniqueAs409(() => this.db.insertInto('sites').values(this.siteRow(site)).execute(), 'slug', site.slug);
  }

  async ensureDefaultSite(site: Site) {
    // Two callers may race (first request of a new organisation): the partial unique index on
    // (org_id) where is_default lets only one default in; the slug constraint does the rest.
    await this.db
      .insertInto('sites')
      .values(this.siteRow({ ...site, isDefault: true }))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }

  async updateSite(orgId: string, id: string, patch: Partial<Omit<Site, 'id' | 'orgId' | 'createdAt' | 'isDefault'>>) {
    await uniqueAs409(
      () =>
        this.db
          .updateTable('sites')
          .set({
            ...(patch.slug !== undefined && { slug: patch.slug }),
            ...(patch.name !== undefined && { name: patch.name }),
            ...(patch.description !== undefined && { description: patch.description }),
            ...(patch.latitude !== undefined && { latitude: patch.latitude }),
            ...(patch.longitude !== undefined && { longitude: patch.longitude }),
            ...(patch.timeZone !== undefined && { time_zone: patch.timeZone }),
            ...(patch.updatedAt !== undefined && { updated_at: patch.updatedAt }),
          })
          .where('org_id', '=', orgId)
          .where('id', '=', id)
          .execute(),
      'slug',
      patch.slug,
    );
  }

  async makeDefaultSite(orgId: string, id: string, now: number) {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('sites')
        .set({ is_default: 0, updated_at: now })
        .where('org_id', '=', orgId)
        .where('is_default', '=', 1)
        .execute();
      await trx
        .updateTable('sites')
        .set({ is_default: 1, updated_at: now })
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .execute();
    });
  }

  deleteSite(orgId: string, id: string) {
    return this.remove('sites', orgId, id);
  }

  async findSite(orgId: string, idOrSlug: string) {
    const row = await this.db
      .selectFrom('sites')
      .selectAll()
      .where('org_id', '=', orgId)
      .where(isUuid(idOrSlug) ? 'id' : 'slug', '=', idOrSlug)
      .executeTakeFirst();
    return row && toSite(row);
  }

  async defaultSite(orgId: string) {
    const row = await this.db
      .selectFrom('sites')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('is_default', '=', 1)
      .executeTakeFirst();
    return row && toSite(row);
  }

  async listSites(orgId: string, req: PageRequest): Promise<Page<Site>> {
    const q = this.db.selectFrom('sites').selectAll().where('org_id', '=', orgId);
    const page = await paginate(q, req, [{ column: 'slug' }, { column: 'id' }], (r) => [r.slug, r.id]);
    return { ...page, items: page.items.map(toSite) };
  }

  async allSites(orgId: string) {
    return (await this.db.selectFrom('sites').selectAll().where('org_id', '=', orgId).execute()).map(toSite);
  }

  // ---- buildings -----------------------------------------------------------------------

  private buildings(orgId: string) {
    return this.db
      .selectFrom('buildings')
      .innerJoin('sites', 'sites.id', 'buildings.site_id')
      .selectAll('buildings')
      .select('sites.slug as site_slug')
      .where('buildings.org_id', '=', orgId);
  }

  async insertBuilding(b: Omit<Building, 'siteSlug'>) {
    await uniqueAs409(
      () =>
        this.db
          .insertInto('buildings')
          .values({
            id: b.id,
            org_id: b.orgId,
            site_id: b.siteId,
            slug: b.slug,
            name: b.name,
            created_at: b.createdAt,
            updated_at: b.updatedAt,
          })
          .execute(),
      'slug',
      b.slug,
    );
  }

  updateBuilding(orgId: string, id: string, patch: Rename) {
    return this.rename('buildings', orgId, id, patch);
  }

  deleteBuilding(orgId: string, id: string) {
    return this.remove('buildings', orgId, id);
  }

  async findBuildingById(orgId: string, id: string) {
    const row = await this.buildings(orgId).where('buildings.id', '=', id).executeTakeFirst();
    return row && toBuilding(row);
  }

  async findBuildingsBySlug(orgId: string, slug: string, siteId?: string) {
    let q = this.buildings(orgId).where('buildings.slug', '=', slug);
    if (siteId !== undefined) q = q.where('buildings.site_id', '=', siteId);
    return (await q.execute()).map(toBuilding);
  }

  async listBuildings(orgId: string, filter: LocationFilter, req: PageRequest): Promise<Page<Building>> {
    let q = this.buildings(orgId);
    if (filter.siteId !== undefined) q = q.where('buildings.site_id', '=', filter.siteId);
    const page = await paginate(q, req, [{ column: 'buildings.slug' }, { column: 'buildings.id' }], (r) => [r.slug, r.id]);
    return { ...page, items: page.items.map(toBuilding) };
  }

  async allBuildings(orgId: string) {
    return (await this.buildings(orgId).execute()).map(toBuilding);
  }

  // ---- rooms ---------------------------------------------------------------------------

  private rooms(orgId: string) {
    return this.db
      .selectFrom('rooms')
      .innerJoin('buildings', 'buildings.id', 'rooms.building_id')
      .innerJoin('sites', 'sites.id', 'buildings.site_id')
      .selectAll('rooms')
      .select(['buildings.slug as building_slug', 'buildings.site_id as site_id', 'sites.slug as site_slug'])
      .where('rooms.org_id', '=', orgId);
  }

  async insertRoom(r: Omit<Room, 'siteId' | 'siteSlug' | 'buildingSlug'>) {
    await uniqueAs409(
      () =>
        this.db
          .insertInto('rooms')
          .values({
            id: r.id,
            org_id: r.orgId,
            building_id: r.buildingId,
            slug: r.slug,
            name: r.name,
            created_at: r.createdAt,
            updated_at: r.updatedAt,
          })
          .execute(),
      'slug',
      r.slug,
    );
  }

  updateRoom(orgId: string, id: string, patch: Rename) {
    return this.rename('rooms', orgId, id, patch);
  }

  deleteRoom(orgId: string, id: string) {
    return this.remove('rooms', orgId, id);
  }

  async findRoomById(orgId: string, id: string) {
    const row = await this.rooms(orgId).where('rooms.id', '=', id).executeTakeFirst();
    return row && toRoom(row);
  }

  async findRoomsBySlug(orgId: string, slug: string, within: LocationFilter) {
    let q = this.rooms(orgId).where('rooms.slug', '=', slug);
    if (within.buildingId !== undefined) q = q.where('rooms.building_id', '=', within.buildingId);
    if (within.siteId !== undefined) q = q.where('buildings.site_id', '=', within.siteId);
    return (await q.execute()).map(toRoom);
  }

  async listRooms(orgId: string, filter: LocationFilter, req: PageRequest): Promise<Page<Room>> {
    let q = this.rooms(orgId);
    if (filter.buildingId !== undefined) q = q.where('rooms.building_id', '=', filter.buildingId);
    if (filter.siteId !== undefined) q = q.where('buildings.site_id', '=', filter.siteId);
    const page = await paginate(q, req, [{ column: 'rooms.slug' }, { column: 'rooms.id' }], (r) => [r.slug, r.id]);
    return { ...page, items: page.items.map(toRoom) };
  }

  async allRooms(orgId: string) {
    return (await this.rooms(orgId).execute()).map(toRoom);
  }

  async countDevicesAt(orgId: string, scope: LocationScope) {
    if ('siteId' in scope) return countDevicesBy(this.db, orgId, 'site_id', scope.siteId);
    if ('buildingId' in scope) return countDevicesBy(this.db, orgId, 'building_id', scope.buildingId);
    return countDevicesBy(this.db, orgId, 'room_id', scope.roomId);
  }
}
