import { invalid } from '../shared/errors.js';
import { isUuid } from '../shared/ids.js';
import { zoneProblem } from './base-topic.js';
import type { Building, LocationRef, ResolvedLocation, Room, Site } from './locations.js';

/**
 * What resolving a location needs to look up, all within one organisation. The service answers
 * from the database one request at a time; a bulk import answers from maps loaded once.
 */
export interface LocationLookup {
  site(idOrSlug: string): Promise<Site | undefined>;
  defaultSite(): Promise<Site>;
  buildingById(id: string): Promise<Building | undefined>;
  buildingBySlug(siteId: string, slug: string): Promise<Building | undefined>;
  roomById(id: string): Promise<Room | undefined>;
  roomBySlug(buildingId: string, slug: string): Promise<Room | undefined>;
}

/**
 * Turns `{site, building, room}` or `{site, outdoor}` (each part an id or a slug) into the
 * location rows. A missing site means the default site; a building or room given by id carries
 * its parents, so `{room: <uuid>}` alone is enough. Errors name the field under `field`.
 */
export async function resolveLocation(lookup: LocationLookup, ref: LocationRef, field = 'location'): Promise<ResolvedLocation> {
  if (ref.outdoor !== undefined && (ref.building !== undefined || ref.room !== undefined))
    throw invalid(`${field}.outdoor`, 'an outdoor location has a zone, not a building or room');
  if (ref.outdoor !== undefined) {
    const problem = zoneProblem(ref.outdoor);
    if (problem) throw invalid(`${field}.outdoor`, `outdoor zone ${problem}`);
  }

  let room: Room | undefined;
  if (ref.room !== undefined && isUuid(ref.room)) {
    room = await lookup.roomById(ref.room.toLowerCase());
    if (!room) throw invalid(`${field}.room`, `room ${ref.room} not found`);
  }

  let building: Building | undefined;
  const buildingRef = ref.building ?? room?.buildingId;
  if (buildingRef !== undefined && isUuid(buildingRef)) {
    building = await lookup.buildingById(buildingRef.toLowerCase());
    if (!building) throw invalid(`${field}.building`, `building ${buildingRef} not found`);
  }

  let site: Site | undefined;
  const siteRef = ref.site ?? building?.siteId;
  if (siteRef !== undefined) {
    site = await lookup.site(isUuid(siteRef) ? siteRef.toLowerCase() : siteRef);
    if (!site) throw invalid(`${field}.site`, `site ${siteRef} not found`);
  } else site = await lookup.defaultSite();

  if (building && building.siteId !== site.id)
    throw invalid(`${field}.building`, `building ${building.slug} is not in site ${site.slug}`);
  if (!building && buildingRef !== undefined) {
    building = await lookup.buildingBySlug(site.id, buildingRef);
    if (!building) throw invalid(`${field}.building`, `building ${buildingRef} not found in site ${site.slug}`);
  }

  if (room && building && room.buildingId !== building.id)
    throw invalid(`${field}.room`, `room ${room.slug} is not in building ${building.slug}`);
  if (!room && ref.room !== undefined) {
    if (!building) throw invalid(`${field}.room`, 'a room is named within a building: give the building too');
    room = await lookup.roomBySlug(building.id, ref.room);
    if (!room) throw invalid(`${field}.room`, `room ${ref.room} not found in building ${building.slug}`);
  }

  return { site, building: building ?? null, room: room ?? null, outdoor: ref.outdoor ?? null };
}
