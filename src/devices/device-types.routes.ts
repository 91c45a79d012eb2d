import { Type } from '@sinclair/typebox';
import { principalOf } from '../http/auth.js';
import { errors, IdParam, ListOf, listResponse, PageQuery, pageRequest } from '../http/schemas.js';
import type { TypedApp } from '../http/types.js';
import { DeviceTypeBody, DeviceTypeSchema, typeOut } from './device-schemas.js';
import type { DeviceTypeService } from './device-types.service.js';

export function deviceTypeRoutes(app: TypedApp, types: DeviceTypeService) {
  const org = (request: Parameters<typeof principalOf>[0]) => principalOf(request).orgId;

  app.get(
    '/api/device-types',
    {
      config: { scope: 'devices:read' },
      schema: {
        tags: ['device types'],
        summary: 'Device types of the organisation',
        querystring: Type.Object(PageQuery),
        response: { 200: ListOf(DeviceTypeSchema), ...errors() },
      },
    },
    async (request) => listResponse(request, await types.list(org(request), pageRequest(request.query)), typeOut),
  );

  app.post(
    '/api/device-types',
    {
      config: { scope: 'devices:write' },
      schema: {
        tags: ['device types'],
        summary: 'Create a device type: connectivity, config JSON Schema (2020-12) and default modules',
        body: Type.Object(DeviceTypeBody, { additionalProperties: false }),
        response: { 201: DeviceTypeSchema, ...errors(409) },
      },
    },
    async (request, reply) => reply.status(201).send(typeOut(await types.create(org(request), request.body))),
  );

  app.get(
    '/api/device-types/:id',
    {
      config: { scope: 'devices:read' },
      schema: {
        tags: ['device types'],
        summary: 'One device type, by id or name',
        params: IdParam,
        response: { 200: DeviceTypeSchema, ...errors(404) },
      },
    },
    async (request) => typeOut(await types.get(org(request), request.params.id)),
  );

  app.patch(
    '/api/device-types/:id',
    {
      config: { scope: 'devices:write' },
      schema: {
        tags: ['device types'],
        summary: 'Change a device type (a new schema applies to the next write of each device)',
        params: IdParam,
        body: Type.Partial(Type.Object(DeviceTypeBody), { additionalProperties: false }),
        response: { 200: DeviceTypeSchema, ...errors(404, 409) },
      },
    },
    async (request) => typeOut(await types.update(org(request), request.params.id, request.body)),
  );

  app.delete(
    '/api/device-types/:id',
    {
      config: { scope: 'devices:write' },
      schema: {
        tags: ['device types'],
        summary: 'Delete a device type no device uses',
        params: IdParam,
        response: { 204: Type.Null(), ...errors(404, 409) },
      },
    },
    async (request, reply) => {
      await types.delete(org(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
}
