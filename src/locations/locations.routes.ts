import { Type } from '@sinclair/typebox';
import { principalOf } from '../http/auth.js';
import { errors, IdParam, IsoTime, ListOf, listResponse, Nullable, PageQuery, pageRequest } from '../http/schemas.js';
import type { TypedApp } from '../http/types.js';
import { toIso } from '../shared/clock.js';
import { type Building, LOCATION_SLUG, type Room, type Site } from './locations.js';
import type { LocationService } from './locations.service.js';

const Slug = Type.String({ pattern: LOCATION_SLUG, description: 'lower-case letters, digits, . _ - (one MQTT topic level)' });
const Name = Type.String({ minLength: 1, maxLength: 200 });
const Latitude = Type.Number({ minimum: -90, maximum: 90 });
const Longitude = Type.Number({ minimum: -180, maximum: 180 });
const Ref = (what: string) => Type.String({ minLength: 1, description: `${what} id or slug` });

const SiteSchema = Type.Object({
  id: Type.String(),
  slug: Type.String(),
  name: Type.String(),
  description: Nullable(Type.String()),
  latitude: Nullable(Type.Number()),
  longitude: Nullable(Type.Number()),
  timeZone: Nullable(Type.String()),
  isDefault: Type.Boolean({
    description: 'Devices of the default site publish under <building>/<room>, others under abroad/<site>/…',
  }),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});
const BuildingSchema = Type.Object({
  id: Type.String(),
  site: Type.String({ description: 'Site slug' }),
  siteId: Type.String(),
  slug: Type.String(),
  name: Type.String(),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});
const RoomSchema = Type.Object({
  id: Type.String(),
  site: Type.String({ description: 'Site slug' }),
  siteId: Type.String(),
  building: Type.String({ description: 'Building slug' }),
  buildingId: Type.String(),
  slug: Type.String(),
  name: Type.String(),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});

const siteOut = (s: Site) => ({
  id: s.id,
  slug: s.slug,
  name: s.name,
  description: s.description,
  latitude: s.latitude,
  longitude: s.longitude,
  timeZone: s.timeZone,
  isDefault: s.isDefault,
  createdAt: toIso(s.createdAt),
  updatedAt: toIso(s.updatedAt),
});
const buildingOut = (b: Building) => ({
  id: b.id,
  site: b.siteSlug,
  siteId: b.siteId,
  slug: b.slug,
  name: b.name,
  createdAt: toIso(b.createdAt),
  updatedAt: toIso(b.updatedAt),
});
const roomOut = (r: Room) => ({
  id: r.id,
  site: r.siteSlug,
  siteId: r.siteId,
  building: r.buildingSlug,
  buildingId: r.buildingId,
  slug: r.slug,
  name: r.name,
  createdAt: toIso(r.createdAt),
  updatedAt: toIso(r.updatedAt),
});

const WithinSite = { site: Type.Optional(Ref('Site')) };
const WithinBuilding = { ...WithinSite, building: Type.Optional(Ref('Building')) };
const read = { scope: 'devices:read' as const };
const write = { scope: 'devices:write' as const };

export function locationRoutes(app: TypedApp, locations: LocationService) {
  const org = (request: Parameters<typeof principalOf>[0]) => principalOf(request).orgId;

  // ---- sites ---------------------------------------------------------------------------
  app.get(
    '/api/sites',
    {
      config: read,
      schema: {
        tags: ['locations'],
        summary: 'Sites of the organisation (the default one is created with the organisation)',
        querystring: Type.Object(PageQuery),
        response: { 200: ListOf(SiteSchema), ...errors() },
      },
    },
    async (request) => listResponse(request, await locations.listSites(org(request), pageRequest(request.query)), siteOut),
  );

  app.post(
    '/api/sites',
    {
      config: write,
      schema: {
        tags: ['locations'],
        summary: 'Create a site; isDefault moves the default flag to it',
        body: Type.Object(
          {
            slug: Slug,
            name: Name,
            description: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
            latitude: Type.Optional(Nullable(Latitude)),
            longitude: Type.Optional(Nullable(Longitude)),
            timeZone: Type.Optional(Nullable(Type.String({ description: 'IANA time zone, e.g. Europe/Paris' }))),
            isDefault: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: { 201: SiteSchema, ...errors(409) },
      },
    },
    async (request, reply) => reply.status(201).send(siteOut(await locations.createSite(org(request), request.body))),
  );

  app.get(
    '/api/sites/:id',
    {
      config: read,
      schema: { tags: ['locations'], summary: 'One site', params: IdParam, response: { 200: SiteSchema, ...errors(404) } },
    },
    async (request) => siteOut(await locations.getSite(org(request), request.params.id)),
  );

  app.patch(
    '/api/sites/:id',
    {
      config: write,
      schema: {
        tags: ['locations'],
        summary: 'Change a site; a new slug or default flag recomputes the base topics of its devices',
        params: IdParam,
        body: Type.Object(
          {
            slug: Type.Optional(Slug),
            name: Type.Optional(Name),
            description: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
            latitude: Type.Optional(Nullable(Latitude)),
            longitude: Type.Optional(Nullable(Longitude)),
            timeZone: Type.Optional(Nullable(Type.String())),
            isDefault: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: { 200: SiteSchema, ...errors(404, 409) },
      },
    },
    async (request) => siteOut(await locations.updateSite(org(request), request.params.id, request.body)),
  );

  app.delete(
    '/api/sites/:id',
    {
      config: write,
      schema: {
        tags: ['locations'],
        summary: 'Delete a site with its buildings and rooms (refused while devices are there, or if it is the default)',
        params: IdParam,
        response: { 204: Type.Null(), ...errors(404, 409) },
      },
    },
    async (request, reply) => {
      await locations.deleteSite(org(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  // ---- buildings -----------------------------------------------------------------------
  app.get(
    '/api/buildings',
    {
      config: read,
      schema: {
        tags: ['locations'],
        summary: 'Buildings, optionally of one site',
        querystring: Type.Object({ ...PageQuery, ...WithinSite }),
        response: { 200: ListOf(BuildingSchema), ...errors() },
      },
    },
    async (request) =>
      listResponse(request, await locations.listBuildings(org(request), request.query, pageRequest(request.query)), buildingOut),
  );

  app.post(
    '/api/buildings',
    {
      config: write,
      schema: {
        tags: ['locations'],
        summary: 'Create a building in a site (the default site when none is named)',
        body: Type.Object({ site: Type.Optional(Ref('Site')), slug: Slug, name: Name }, { additionalProperties: false }),
        response: { 201: BuildingSchema, ...errors(409) },
      },
    },
    async (request, reply) => reply.status(201).send(buildingOut(await locations.createBuilding(org(request), request.body))),
  );

  app.get(
    '/api/buildings/:id',
    {
      config: read,
      schema: {
        tags: ['locations'],
        summary: 'One building, by id or slug (add ?site= when the slug exists in several sites)',
        params: IdParam,
        querystring: Type.Object(WithinSite),
        response: { 200: BuildingSchema, ...errors(404) },
      },
    },
    async (request) => buildingOut(await locations.getBuilding(org(request), request.params.id, request.query)),
  );

  app.patch(
    '/api/buildings/:id',
    {
      config: write,
      schema: {
        tags: ['locations'],
        summary: 'Rename a building; a new slug recomputes the base topics of its devices',
        params: IdParam,
        querystring: Type.Object(WithinSite),
        body: Type.Object({ slug: Type.Optional(Slug), name: Type.Optional(Name) }, { additionalProperties: false }),
        response: { 200: BuildingSchema, ...errors(404, 409) },
      },
    },
    async (request) => buildingOut(await locations.updateBuilding(org(request), request.params.id, request.body, request.query)),
  );

  app.delete(
    '/api/buildings/:id',
    {
      config: write,
      schema: {
        tags: ['locations'],
        summary: 'Delete a building and its rooms (refused while devices are there)',
        params: IdParam,
        querystring: Type.Object(WithinSite),
        response: { 204: Type.Null(), ...errors(404, 409) },
      },
    },
    async (request, reply) => {
      await locations.deleteBuilding(org(request), request.params.id, request.query);
      return reply.status(204).send(null);
    },
  );

  // ---- rooms ---------------------------------------------------------------------------
  app.get(
    '/api/rooms',
    {
      config: read,
      schema: {
        tags: ['locations'],
        summary: 'Rooms, optionally of one site or building',
        querystring: Type.Object({ ...PageQuery, ...WithinBuilding }),
        response: { 200: ListOf(RoomSchema), ...errors() },
      },
    },
    async (request) =>
      listResponse(request, await locations.listRooms(org(request), request.query, pageRequest(request.query)), roomOut),
  );

  app.post(
    '/api/rooms',
    {
      config: write,
      schema: {
        tags: ['locations'],
        summary: 'Create a room in a building (named by id, or by slug within the site, default site when none)',
        body: Type.Object(
          { site: Type.Optional(Ref('Site')), building: Ref('Building'), slug: Slug, name: Name },
          { additionalProperties: false },
        ),
        response: { 201: RoomSchema, ...errors(409) },
      },
    },
    async (request, reply) => reply.status(201).send(roomOut(await locations.createRoom(org(request), request.body))),
  );

  app.get(
    '/api/rooms/:id',
    {
      config: read,
      schema: {
        tags: ['locations'],
        summary: 'One room, by id or slug (add ?building= and ?site= when the slug is not unique)',
        params: IdParam,
        querystring: Type.Object(WithinBuilding),
        response: { 200: RoomSchema, ...errors(404) },
      },
    },
    async (request) => roomOut(await locations.getRoom(org(request), request.params.id, request.query)),
  );

  app.patch(
    '/api/rooms/:id',
    {
      config: write,
      schema: {
        tags: ['locations'],
        summary: 'Rename a room; a new slug recomputes the base topics of its devices',
        params: IdParam,
        querystring: Type.Object(WithinBuilding),
        body: Type.Object({ slug: Type.Optional(Slug), name: Type.Optional(Name) }, { additionalProperties: false }),
        response: { 200: RoomSchema, ...errors(404, 409) },
      },
    },
    async (request) => roomOut(await locations.updateRoom(org(request), request.params.id, request.body, request.query)),
  );

  app.delete(
    '/api/rooms/:id',
    {
      config: write,
      schema: {
        tags: ['locations'],
        summary: 'Delete a room (refused while devices are there)',
        params: IdParam,
        querystring: Type.Object(WithinBuilding),
        response: { 204: Type.Null(), ...errors(404, 409) },
      },
    },
    async (request, reply) => {
      await locations.deleteRoom(org(request), request.params.id, request.query);
      return reply.status(204).send(null);
    },
  );
}
