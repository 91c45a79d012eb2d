/** Sites, buildings and rooms: where devices are, and what their MQTT base topic derives from. */
import type { Page, PageRequest } from '../shared/page.js';

/** The slug of the site every organisation starts with (rename it, or make another site the default). */
export const DEFAULT_SITE_SLUG = 'main';

/**
 * Lower-case and topic-safe: a slug becomes one MQTT topic level, so no `/`, `+`, `#`, `$`,
 * spaces or upper case. Room numbers ("301", "1.04") are slugs too.
 */
export const LOCATION_SLUG = '^[a-z0-9][a-z0-9._-]{0,62}$';
export const LOCATION_SLUG_RE = new RegExp(LOCATION_SLUG);

/**
 * Building slugs that would make an indoor topic look like another namespace: `outside/…` is the
 * outdoor prefix and `abroad/…` the prefix of non-default sites.
 */
export const RESERVED_BUILDING_SLUGS = ['outside', 'abroad'] as const;

export interface Site {
  id: string;
  orgId: string;
  slug: string;
  name: string;
  description: string | null;
  latitude: number | null;
  longitude: number | null;
  /** IANA time zone, e.g. Europe/Paris. */
  timeZone: string | null;
  isDefault: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface Building {
  id: string;
  orgId: string;
  siteId: string;
  siteSlug: string;
  slug: string;
  name: string;
  createdAt: number;
  updatedAt: number;
}

export interface Room {
  id: string;
  orgId: string;
  siteId: string;
  siteSlug: string;
  buildingId: string;
  buildingSlug: string;
  slug: string;
  name: string;
  createdAt: number;
  updatedAt: number;
}

/** How a request names a location: each part by id or slug; `outdoor` (a zone) excludes building and room. */
export interface LocationRef {
  site?: string | undefined;
  building?: string | undefined;
  room?: string | undefined;
  outdoor?: string | undefined;
}

export interface ResolvedLocation {
  site: Site;
  building: Building | null;
  room: Room | null;
  /** Outdoor zone, one or more topic levels (`ambient`, `access/north`). */
  outdoor: string | null;
}

/** Which devices a location change touches (for recomputing base topics). */
export type LocationScope = { siteId: string } | { buildingId: string } | { roomId: string };

export interface SiteInput {
  slug: string;
  name: string;
  description?: string | null | undefined;
  latitude?: number | null | undefined;
  longitude?: number | null | undefined;
  timeZone?: string | null | undefined;
  isDefault?: boolean | undefined;
}

export interface LocationFilter {
  siteId?: string | undefined;
  buildingId?: string | undefined;
}

/** A building's or room's new slug and name, as the store writes them. */
export type Rename = { slug?: string; name?: string; updatedAt: number };

/** The locations domain's storage port. Every read and write is scoped by organisation. */
export interface LocationStore {
  insertSite(site: Site): Promise<void>;
  /** Creates the default site unless the organisation has one; safe to call concurrently. */
  ensureDefaultSite(site: Site): Promise<void>;
  updateSite(orgId: string, id: string, patch: Partial<Omit<Site, 'id' | 'orgId' | 'createdAt' | 'isDefault'>>): Promise<void>;
  /** Moves the default flag to this site (one statement order that never has two defaults). */
  makeDefaultSite(orgId: string, id: string, now: number): Promise<void>;
  deleteSite(orgId: string, id: string): Promise<boolean>;
  findSite(orgId: string, idOrSlug: string): Promise<Site | undefined>;
  defaultSite(orgId: string): Promise<Site | undefined>;
  listSites(orgId: string, page: PageRequest): Promise<Page<Site>>;
  allSites(orgId: string): Promise<Site[]>;

  insertBuilding(b: Omit<Building, 'siteSlug'>): Promise<void>;
  updateBuilding(orgId: string, id: string, patch: Rename): Promise<void>;
  deleteBuilding(orgId: string, id: string): Promise<boolean>;
  findBuildingById(orgId: string, id: string): Promise<Building | undefined>;
  /** Buildings with this slug, in one site or across the organisation. */
  findBuildingsBySlug(orgId: string, slug: string, siteId?: string): Promise<Building[]>;
  listBuildings(orgId: string, filter: LocationFilter, page: PageRequest): Promise<Page<Building>>;
  allBuildings(orgId: string): Promise<Building[]>;

  insertRoom(r: Omit<Room, 'siteId' | 'siteSlug' | 'buildingSlug'>): Promise<void>;
  updateRoom(orgId: string, id: string, patch: Rename): Promise<void>;
  deleteRoom(orgId: string, id: string): Promise<boolean>;
  findRoomById(orgId: string, id: string): Promise<Room | undefined>;
  findRoomsBySlug(orgId: string, slug: string, within: LocationFilter): Promise<Room[]>;
  listRooms(orgId: string, filter: LocationFilter, page: PageRequest): Promise<Page<Room>>;
  allRooms(orgId: string): Promise<Room[]>;

  /** How many devices are located in this site, building or room (deleting it would orphan them). */
  countDevicesAt(orgId: string, scope: LocationScope): Promise<number>;
}

/** Called after a change that alters the base topic of devices in `scope` (a slug or the default site). */
export type LocationChanged = (orgId: string, scope: LocationScope) => Promise<void>;
