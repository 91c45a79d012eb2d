import { Type } from '@sinclair/typebox';
import { principalOf } from '../http/auth.js';
import { errors, IdParam, ListOf, listResponse, PageQuery, pageRequest } from '../http/schemas.js';
import type { TypedApp } from '../http/types.js';
import { DeviceCreateBody, DevicePatchBody, DeviceSchema, deviceOut } from './device-schemas.js';
import { DEVICE_STATES, type DeviceSort } from './devices.js';
import type { DeviceService } from './devices.service.js';
import type { ProvisioningService } from './provisioning.service.js';

const SORTS: DeviceSort[] = ['code', '-code', 'createdAt', '-createdAt', 'lastSeenAt', '-lastSeenAt'];

/** The list filters, shared by the list and the export. */
export const DeviceFilterQuery = {
  site: Type.Optional(Type.String({ minLength: 1, description: 'Site id or slug' })),
  building: Type.Optional(Type.String({ minLength: 1, description: 'Building id or slug (all sites unless site is given)' })),
  room: Type.Optional(Type.String({ minLength: 1, description: 'Room id or slug' })),
  type: Type.Optional(Type.String({ minLength: 1, description: 'Device type id or name' })),
  state: Type.Optional(Type.Union(DEVICE_STATES.map((s) => Type.Literal(s)))),
  enabled: Type.Optional(Type.Boolean()),
  identity: Type.Optional(
    Type.String({ minLength: 1, description: 'kind:value (mac:24-0A-C4-02-8B-60) or a bare value in any notation' }),
  ),
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Text in code or description (case-insensitive)' })),
  bbox: Type.Optional(Type.String({ description: 'minLon,minLat,maxLon,maxLat (WGS 84 degrees)' })),
  near: Type.Optional(Type.String({ description: 'lat,lon: devices within radius metres of this point' })),
  radius: Type.Optional(Type.Number({ minimum: 0, maximum: 20_037_509, description: 'Metres, with near' })),
  properties: Type.Optional(Type.String({ description: 'JSON object the properties contain, e.g. {"floor":3}' })),
};

export function deviceRoutes(app: TypedApp, devices: DeviceService, provisioning: ProvisioningService) {
  const org = (request: Parameters<typeof principalOf>[0]) => principalOf(request).orgId;

  app.get(
    '/api/devices',
    {
      config: { scope: 'devices:read' },
      schema: {
        tags: ['devices'],
        summary: 'Devices, filtered, sorted and paged',
        querystring: Type.Object({
          ...PageQuery,
          ...DeviceFilterQuery,
          sort: Type.Optional(
            Type.Union(
              SORTS.map((s) => Type.Literal(s)),
              { default: 'code' },
            ),
          ),
        }),
        response: { 200: ListOf(DeviceSchema), ...errors() },
      },
    },
    async (request) => {
      const { limit: _l, cursor: _c, count: _n, sort, ...filters } = request.query;
      const page = await devices.list(org(request), filters, sort ?? 'code', pageRequest(request.query));
      return listResponse(request, page, deviceOut);
    },
  );

  app.post(
    '/api/devices',
    {
      config: { scope: 'devices:write' },
      schema: {
        tags: ['devices'],
        summary: "Register a device; its config is validated against its type's schema",
        body: DeviceCreateBody,
        response: { 201: DeviceSchema, ...errors(409) },
      },
    },
    async (request, reply) => reply.status(201).send(deviceOut(await devices.create(org(request), request.body))),
  );

  app.get(
    '/api/devices/:id',
    {
      config: { scope: 'devices:read' },
      schema: {
        tags: ['devices'],
        summary: 'One device, by id or code',
        params: IdParam,
        response: { 200: DeviceSchema, ...errors(404) },
      },
    },
    async (request) => deviceOut(await devices.get(org(request), request.params.id)),
  );

  app.patch(
    '/api/devices/:id',
    {
      config: { scope: 'devices:write' },
      schema: {
        tags: ['devices'],
        summary: 'Change a device (enabled: false disables it); location is replaced as a whole',
        params: IdParam,
        body: DevicePatchBody,
        response: { 200: DeviceSchema, ...errors(404, 409) },
      },
    },
    async (request) => deviceOut(await devices.update(org(request), request.params.id, request.body)),
  );

  app.delete(
    '/api/devices/:id',
    {
      config: { scope: 'devices:write' },
      schema: {
        tags: ['devices'],
        summary: 'Delete a device with its sensors and datastreams',
        params: IdParam,
        response: { 204: Type.Null(), ...errors(404) },
      },
    },
    async (request, reply) => {
      await devices.delete(org(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/devices/:id/credentials/reset',
    {
      config: { scope: 'admin:write' },
      schema: {
        tags: ['devices'],
        summary: 'Reset MQTT credentials: the old password fails at once, the next /device/credentials call gets a new one',
        params: IdParam,
        response: { 200: DeviceSchema, ...errors(404, 409) },
      },
    },
    async (request) => deviceOut(await provisioning.resetCredentials(org(request), request.params.id)),
  );
}
