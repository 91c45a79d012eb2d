import type { Clock } from '../shared/clock.js';
import { conflict, invalid, notFound } from '../shared/errors.js';
import { type IdGenerator, isUuid } from '../shared/ids.js';
import type { Page, PageRequest } from '../shared/page.js';
import { type LocationLookup, resolveLocation } from './location-resolver.js';
import {
  type Building,
  DEFAULT_SITE_SLUG,
  LOCATION_SLUG_RE,
  type LocationChanged,
  type LocationRef,
  type LocationScope,
  type LocationStore,
  RESERVED_BUILDING_SLUGS,
  type ResolvedLocation,
  type Room,
  type Site,
  type SiteInput,
} from './locations.js';

/** How a request narrows a building or room named by slug: `?site=` and `?building=`. */
export interface Within {
  site?: string | undefined;
  building?: string | undefined;
}

type SitePatch = Partial<SiteInput>;

function checkSlug(slug: string, field = 'slug') {
  if (!LOCATION_SLUG_RE.test(slug))
    throw invalid(field, 'a slug is lower-case letters, digits, . _ - (at most 63), e.g. u4 or 301');
}

/** A building's slug also names a topic level, where `outside` and `abroad` mean no building. */
function checkBuildingSlug(slug: string) {
  checkSlug(slug);
  if ((RESERVED_BUILDING_SLUGS as readonly string[]).includes(slug))
    throw invalid('slug', `${slug} is reserved for topics (outside/…, abroad/…)`);
}

function checkTimeZone(tz: string | null | undefined) {
  if (tz == null) return;
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
  } catch {
    throw invalid('timeZone', `${tz} is not an IANA time zone (e.g. Europe/Paris)`);
  }
}

/**
 * Sites, buildings and rooms of an organisation. A slug change (or a new default site) alters
 * the base topic of the devices below it: listeners registered with onChanged recompute them.
 */
export class LocationService {
  private readonly listeners: LocationChanged[] = [];

  constructor(
    private readonly store: LocationStore,
    private readonly clock: Clock,
    private readonly newId: IdGenerator,
  ) {}

  onChanged(listener: LocationChanged) {
    this.listeners.push(listener);
  }

  private readonly siteListeners: ((orgId: string, siteId: string) => Promise<void>)[] = [];

  /** Called after a site is created or updated (SensorThings announces it as a Location). */
  onSiteSaved(listener: (orgId: string, siteId: string) => Promise<void>) {
    this.siteListeners.push(listener);
  }

  private async siteSaved(orgId: string, siteId: string) {
    for (const l of this.siteListeners) await l(orgId, siteId);
  }

  private async changed(orgId: string, scope: LocationScope) {
    for (const l of this.listeners) await l(orgId, scope);
  }

  /** The organisation's default site, created (slug `main`) if it has none yet. */
  async ensureDefaultSite(orgId: string): Promise<Site> {
    const existing = await this.store.defaultSite(orgId);
    if (existing) return existing;
    const now = this.clock();
    await this.store.ensureDefaultSite({
      id: this.newId(),
      orgId,
      slug: DEFAULT_SITE_SLUG,
      name: 'Main site',
      description: null,
      latitude: null,
      longitude: null,
      timeZone: null,
      isDefault: true,
      createdAt: now,
      updatedAt: now,
    });
    const site = await this.store.defaultSite(orgId);
    if (!site) throw new Error(`no default site in organisation ${orgId} after creating one`);
    return site;
  }

  /** Lookups against the database, one organisation. */
  lookup(orgId: string): LocationLookup {
    return {
      site: (ref) => this.store.findSite(orgId, ref),
      defaultSite: () => this.ensureDefaultSite(orgId),
      buildingById: (id) => this.store.findBuildingById(orgId, id),
      buildingBySlug: async (siteId, slug) => (await this.store.findBuildingsBySlug(orgId, slug, siteId))[0],
      roomById: (id) => this.store.findRoomById(orgId, id),
      roomBySlug: async (buildingId, slug) => (await this.store.findRoomsBySlug(orgId, slug, { buildingId }))[0],
    };
  }

  /** Every location of the organisation in memory: three queries, then lookups cost nothing (bulk import). */
  async snapshot(orgId: string): Promise<LocationLookup> {
    const defaultSite = await this.ensureDefaultSite(orgId);
    const [sites, buildings, rooms] = await Promise.all([
      this.store.allSites(orgId),
      this.store.allBuildings(orgId),
      this.store.allRooms(orgId),
    ]);
    const siteBy = new Map<string, Site>();
    for (const s of sites) siteBy.set(s.id, s).set(s.slug, s);
    const buildingById = new Map(buildings.map((b) => [b.id, b]));
    const buildingBySlug = new Map(buildings.map((b) => [`${b.siteId}/${b.slug}`, b]));
    const roomById = new Map(rooms.map((r) => [r.id, r]));
    const roomBySlug = new Map(rooms.map((r) => [`${r.buildingId}/${r.slug}`, r]));
    return {
      site: async (ref) => siteBy.get(ref),
      defaultSite: async () => defaultSite,
      buildingById: async (id) => buildingById.get(id),
      buildingBySlug: async (siteId, slug) => buildingBySlug.get(`${siteId}/${slug}`),
      roomById: async (id) => roomById.get(id),
      roomBySlug: async (buildingId, slug) => roomBySlug.get(`${buildingId}/${slug}`),
    };
  }

  resolve(orgId: string, ref: LocationRef, field = 'location'): Promise<ResolvedLocation> {
    return resolveLocation(this.lookup(orgId), ref, field);
  }

  // ---- sites ---------------------------------------------------------------------------

  async createSite(orgId: string, input: SiteInput): Promise<Site> {
    checkSlug(input.slug);
    checkTimeZone(input.timeZone);
    if (await this.store.findSite(orgId, input.slug)) throw conflict('slug', input.slug);
    const oldDefault = await this.ensureDefaultSite(orgId);
    const now = this.clock();
    const site: Site = {
      id: this.newId(),
      orgId,
      slug: input.slug,
      name: input.name,
      description: input.description ?? null,
      latitude: input.latitude ?? null,
      longitude: input.longitude ?? null,
      timeZone: input.timeZone ?? null,
      isDefault: false,
      createdAt: now,
      updatedAt: now,
    };
    await this.store.insertSite(site);
    if (input.isDefault) {
      await this.store.makeDefaultSite(orgId, site.id, now);
      await this.changed(orgId, { siteId: oldDefault.id });
    }
    await this.siteSaved(orgId, site.id);
    return this.getSite(orgId, site.id);
  }

  async getSite(orgId: string, idOrSlug: string): Promise<Site> {
    const site = await this.store.findSite(orgId, isUuid(idOrSlug) ? idOrSlug.toLowerCase() : idOrSlug);
    if (!site) throw notFound('site', idOrSlug);
    return site;
  }

  async listSites(orgId: string, page: PageRequest): Promise<Page<Site>> {
    await this.ensureDefaultSite(orgId);
    return this.store.listSites(orgId, page);
  }

  async updateSite(orgId: string, idOrSlug: string, patch: SitePatch): Promise<Site> {
    const site = await this.getSite(orgId, idOrSlug);
    if (patch.slug !== undefined && patch.slug !== site.slug) {
      checkSlug(patch.slug);
      if (await this.store.findSite(orgId, patch.slug)) throw conflict('slug', patch.slug);
    }
    checkTimeZone(patch.timeZone);
    if (patch.isDefault === false && site.isDefault)
      throw invalid('isDefault', 'an organisation always has a default site: make another site the default instead');
    const now = this.clock();
    const { isDefault, ...rest } = patch;
    await this.store.updateSite(orgId, site.id, { ...rest, updatedAt: now });
    if (isDefault && !site.isDefault) {
      const oldDefault = await this.ensureDefaultSite(orgId);
      await this.store.makeDefaultSite(orgId, site.id, now);
      await this.changed(orgId, { siteId: oldDefault.id });
      await this.changed(orgId, { siteId: site.id });
    } else if (patch.slug !== undefined && patch.slug !== site.slug) await this.changed(orgId, { siteId: site.id });
    await this.siteSaved(orgId, site.id);
    return this.getSite(orgId, site.id);
  }

  async deleteSite(orgId: string, idOrSlug: string): Promise<void> {
    const site = await this.getSite(orgId, idOrSlug);
    if (site.isDefault)
      throw conflict('isDefault', true, 'the default site cannot be deleted: make another site the default first');
    await this.refuseIfOccupied(orgId, { siteId: site.id }, `site ${site.slug}`);
    await this.store.deleteSite(orgId, site.id);
  }

  // ---- buildings -----------------------------------------------------------------------

  async createBuilding(orgId: string, input: { site?: string | undefined; slug: string; name: string }): Promise<Building> {
    checkBuildingSlug(input.slug);
    const site = input.site === undefined ? await this.ensureDefaultSite(orgId) : await this.siteRef(orgId, input.site, 'site');
    if ((await this.store.findBuildingsBySlug(orgId, input.slug, site.id)).length > 0)
      throw conflict('slug', input.slug, `building ${input.slug} already exists in site ${site.slug}`);
    const now = this.clock();
    const id = this.newId();
    await this.store.insertBuilding({
      id,
      orgId,
      siteId: site.id,
      slug: input.slug,
      name: input.name,
      createdAt: now,
      updatedAt: now,
    });
    return this.getBuilding(orgId, id);
  }

  /** A building by id, or by slug (unique in the site given, or across the organisation). */
  async getBuilding(orgId: string, ref: string, within: Within = {}): Promise<Building> {
    if (isUuid(ref)) {
      const b = await this.store.findBuildingById(orgId, ref.toLowerCase());
      if (!b) throw notFound('building', ref);
      return b;
    }
    const siteId = within.site === undefined ? undefined : (await this.siteRef(orgId, within.site, 'site')).id;
    const found = await this.store.findBuildingsBySlug(orgId, ref, siteId);
    if (found.length > 1)
      throw invalid(
        'site',
        `building ${ref} exists in several sites (${found.map((b) => b.siteSlug).join(', ')}): name the site`,
      );
    if (!found[0]) throw notFound('building', ref);
    return found[0];
  }

  async listBuildings(orgId: string, within: Within, page: PageRequest): Promise<Page<Building>> {
    const siteId = within.site === undefined ? undefined : (await this.siteRef(orgId, within.site, 'site')).id;
    return this.store.listBuildings(orgId, { siteId }, page);
  }

  async updateBuilding(
    orgId: string,
    ref: string,
    patch: { slug?: string | undefined; name?: string | undefined },
    within: Within = {},
  ) {
    const b = await this.getBuilding(orgId, ref, within);
    const renamed = patch.slug !== undefined && patch.slug !== b.slug;
    if (renamed && patch.slug !== undefined) {
      checkBuildingSlug(patch.slug);
      if ((await this.store.findBuildingsBySlug(orgId, patch.slug, b.siteId)).length > 0)
        throw conflict('slug', patch.slug, `building ${patch.slug} already exists in site ${b.siteSlug}`);
    }
    await this.store.updateBuilding(orgId, b.id, {
      ...(patch.slug !== undefined && { slug: patch.slug }),
      ...(patch.name !== undefined && { name: patch.name }),
      updatedAt: this.clock(),
    });
    if (renamed) await this.changed(orgId, { buildingId: b.id });
    return this.getBuilding(orgId, b.id);
  }

  async deleteBuilding(orgId: string, ref: string, within: Within = {}) {
    const b = await this.getBuilding(orgId, ref, within);
    await this.refuseIfOccupied(orgId, { buildingId: b.id }, `building ${b.slug}`);
    await this.store.deleteBuilding(orgId, b.id);
  }

  // ---- rooms ---------------------------------------------------------------------------

  async createRoom(
    orgId: string,
    input: { site?: string | undefined; building: string; slug: string; name: string },
  ): Promise<Room> {
    checkSlug(input.slug);
    const building = await this.buildingRef(orgId, input.building, input.site);
    if ((await this.store.findRoomsBySlug(orgId, input.slug, { buildingId: building.id })).length > 0)
      throw conflict('slug', input.slug, `room ${input.slug} already exists in building ${building.slug}`);
    const now = this.clock();
    const id = this.newId();
    await this.store.insertRoom({
      id,
      orgId,
      buildingId: building.id,
      slug: input.slug,
      name: input.name,
      createdAt: now,
      updatedAt: now,
    });
    return this.getRoom(orgId, id);
  }

  /** A room by id, or by slug (unique within the building and/or site given, or across the organisation). */
  async getRoom(orgId: string, ref: string, within: Within = {}): Promise<Room> {
    if (isUuid(ref)) {
      const r = await this.store.findRoomById(orgId, ref.toLowerCase());
      if (!r) throw notFound('room', ref);
      return r;
    }
    const filter = await this.filterOf(orgId, within);
    const found = await this.store.findRoomsBySlug(orgId, ref, filter);
    if (found.length > 1)
      throw invalid(
        within.building === undefined ? 'building' : 'site',
        `room ${ref} exists in several buildings (${found.map((r) => `${r.siteSlug}/${r.buildingSlug}`).join(', ')}): name the building (and site)`,
      );
    if (!found[0]) throw notFound('room', ref);
    return found[0];
  }

  async listRooms(orgId: string, within: Within, page: PageRequest): Promise<Page<Room>> {
    return this.store.listRooms(orgId, await this.filterOf(orgId, within), page);
  }

  async updateRoom(
    orgId: string,
    ref: string,
    patch: { slug?: string | undefined; name?: string | undefined },
    within: Within = {},
  ) {
    const r = await this.getRoom(orgId, ref, within);
    const renamed = patch.slug !== undefined && patch.slug !== r.slug;
    if (renamed && patch.slug !== undefined) {
      checkSlug(patch.slug);
      if ((await this.store.findRoomsBySlug(orgId, patch.slug, { buildingId: r.buildingId })).length > 0)
        throw conflict('slug', patch.slug, `room ${patch.slug} already exists in building ${r.buildingSlug}`);
    }
    await this.store.updateRoom(orgId, r.id, {
      ...(patch.slug !== undefined && { slug: patch.slug }),
      ...(patch.name !== undefined && { name: patch.name }),
      updatedAt: this.clock(),
    });
    if (renamed) await this.changed(orgId, { roomId: r.id });
    return this.getRoom(orgId, r.id);
  }

  async deleteRoom(orgId: string, ref: string, within: Within = {}) {
    const r = await this.getRoom(orgId, ref, within);
    await this.refuseIfOccupied(orgId, { roomId: r.id }, `room ${r.slug}`);
    await this.store.deleteRoom(orgId, r.id);
  }

  // ---- filters -------------------------------------------------------------------------

  /** Ids of the sites a list filter names (by id or slug); 400 on `field` when none matches. */
  async matchSite(orgId: string, ref: string, field = 'site'): Promise<string> {
    return (await this.siteRef(orgId, ref, field)).id;
  }

  /** Ids of the buildings a filter names: an id, or a slug in every site (or the one given). */
  async matchBuildings(orgId: string, ref: string, siteId?: string, field = 'building'): Promise<string[]> {
    const found = isUuid(ref)
      ? [await this.store.findBuildingById(orgId, ref.toLowerCase())].filter((b) => b !== undefined)
      : await this.store.findBuildingsBySlug(orgId, ref, siteId);
    const ids = found.filter((b) => siteId === undefined || b.siteId === siteId).map((b) => b.id);
    if (ids.length === 0) throw invalid(field, `building ${ref} not found`);
    return ids;
  }

  /** Ids of the rooms a filter names: an id, or a slug in every building (or the ones given). */
  async matchRooms(
    orgId: string,
    ref: string,
    within: { siteId?: string | undefined; buildingIds?: string[] | undefined },
    field = 'room',
  ) {
    const found = isUuid(ref)
      ? [await this.store.findRoomById(orgId, ref.toLowerCase())].filter((r) => r !== undefined)
      : await this.store.findRoomsBySlug(orgId, ref, { siteId: within.siteId });
    const ids = found
      .filter((r) => within.siteId === undefined || r.siteId === within.siteId)
      .filter((r) => within.buildingIds === undefined || within.buildingIds.includes(r.buildingId))
      .map((r) => r.id);
    if (ids.length === 0) throw invalid(field, `room ${ref} not found`);
    return ids;
  }

  // ---- helpers -------------------------------------------------------------------------

  /** A site named in a body or query: unknown is a 400 naming the field, not a 404 of the route. */
  private async siteRef(orgId: string, ref: string, field: string): Promise<Site> {
    const site = await this.store.findSite(orgId, isUuid(ref) ? ref.toLowerCase() : ref);
    if (!site) throw invalid(field, `site ${ref} not found`);
    return site;
  }

  private async buildingRef(orgId: string, ref: string, site: string | undefined): Promise<Building> {
    if (isUuid(ref)) {
      const b = await this.store.findBuildingById(orgId, ref.toLowerCase());
      if (!b) throw invalid('building', `building ${ref} not found`);
      if (site !== undefined && b.siteId !== (await this.siteRef(orgId, site, 'site')).id)
        throw invalid('building', `building ${b.slug} is not in site ${site}`);
      return b;
    }
    const s = site === undefined ? await this.ensureDefaultSite(orgId) : await this.siteRef(orgId, site, 'site');
    const [b] = await this.store.findBuildingsBySlug(orgId, ref, s.id);
    if (!b) throw invalid('building', `building ${ref} not found in site ${s.slug}`);
    return b;
  }

  private async filterOf(orgId: string, within: Within) {
    if (within.building !== undefined) return { buildingId: (await this.buildingRef(orgId, within.building, within.site)).id };
    if (within.site !== undefined) return { siteId: (await this.siteRef(orgId, within.site, 'site')).id };
    return {};
  }

  private async refuseIfOccupied(orgId: string, scope: LocationScope, what: string) {
    const n = await this.store.countDevicesAt(orgId, scope);
    if (n > 0) throw conflict('devices', n, `${what} still holds ${n} device(s): move or delete them first`);
  }
}
