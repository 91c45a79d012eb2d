import { Type } from '@sinclair/typebox';
import { DerivedBody, DerivedSchema, derivedView } from '../derived/derived-schemas.js';
import { principalOf } from '../http/auth.js';
import { errors, IdParam, ListOf, listResponse, PageQuery, pageRequest } from '../http/schemas.js';
import type { TypedApp } from '../http/types.js';
import { DatastreamSchema, datastreamOut, SensorBody, SensorCreateBody, SensorSchema, sensorOut } from './device-schemas.js';
import type { SensorService } from './sensors.service.js';

/** A datastream just created; `derived` when it was created with a definition. */
const DatastreamCreatedSchema = Type.Object({ ...DatastreamSchema.properties, derived: Type.Optional(DerivedSchema) });
const DeviceParam = Type.Object({ id: Type.String({ description: 'Device id or code' }) });
const read = { scope: 'devices:read' as const };
const write = { scope: 'devices:write' as const };

export function sensorRoutes(app: TypedApp, sensors: SensorService) {
  const org = (request: Parameters<typeof principalOf>[0]) => principalOf(request).orgId;

  app.get(
    '/api/devices/:id/sensors',
    {
      config: read,
      schema: {
        tags: ['sensors'],
        summary: 'Sensors of a device',
        params: DeviceParam,
        querystring: Type.Object(PageQuery),
        response: { 200: ListOf(SensorSchema), ...errors(404) },
      },
    },
    async (request) =>
      listResponse(request, await sensors.list(org(request), request.params.id, pageRequest(request.query)), sensorOut),
  );

  app.post(
    '/api/devices/:id/sensors',
    {
      config: write,
      schema: {
        tags: ['sensors'],
        summary: 'Add a sensor to a device (externalId defaults to code)',
        params: DeviceParam,
        body: SensorCreateBody,
        response: { 201: SensorSchema, ...errors(404, 409) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(sensorOut(await sensors.create(org(request), request.params.id, request.body))),
  );

  app.get(
    '/api/sensors/:id',
    {
      config: read,
      schema: { tags: ['sensors'], summary: 'One sensor', params: IdParam, response: { 200: SensorSchema, ...errors(404) } },
    },
    async (request) => sensorOut(await sensors.get(org(request), request.params.id)),
  );

  app.patch(
    '/api/sensors/:id',
    {
      config: write,
      schema: {
        tags: ['sensors'],
        summary: 'Change a sensor',
        params: IdParam,
        body: Type.Partial(Type.Object(SensorBody), { additionalProperties: false }),
        response: { 200: SensorSchema, ...errors(404, 409) },
      },
    },
    async (request) => sensorOut(await sensors.update(org(request), request.params.id, request.body)),
  );

  app.delete(
    '/api/sensors/:id',
    {
      config: write,
      schema: {
        tags: ['sensors'],
        summary: 'Delete a sensor with its datastreams',
        params: IdParam,
        response: { 204: Type.Null(), ...errors(404) },
      },
    },
    async (request, reply) => {
      await sensors.delete(org(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  // ---- datastreams ---------------------------------------------------------------------

  app.get(
    '/api/sensors/:id/datastreams',
    {
      config: read,
      schema: {
        tags: ['datastreams'],
        summary: 'Datastreams of a sensor',
        params: IdParam,
        querystring: Type.Object(PageQuery),
        response: { 200: ListOf(DatastreamSchema), ...errors(404) },
      },
    },
    async (request) =>
      listResponse(
        request,
        await sensors.listDatastreams(org(request), { sensor: request.params.id }, pageRequest(request.query)),
        datastreamOut,
      ),
  );

  app.get(
    '/api/devices/:id/datastreams',
    {
      config: read,
      schema: {
        tags: ['datastreams'],
        summary: 'Datastreams of a device (all its sensors)',
        params: DeviceParam,
        querystring: Type.Object(PageQuery),
        response: { 200: ListOf(DatastreamSchema), ...errors(404) },
      },
    },
    async (request) =>
      listResponse(
        request,
        await sensors.listDatastreams(org(request), { device: request.params.id }, pageRequest(request.query)),
        datastreamOut,
      ),
  );

  app.get(
    '/api/datastreams',
    {
      config: read,
      schema: {
        tags: ['datastreams'],
        summary: 'Datastreams, optionally of one device or sensor',
        querystring: Type.Object({
          ...PageQuery,
          device: Type.Optional(Type.String({ minLength: 1, description: 'Device id or code' })),
          sensor: Type.Optional(Type.String({ minLength: 1, description: 'Sensor id' })),
        }),
        response: { 200: ListOf(DatastreamSchema), ...errors(404) },
      },
    },
    async (request) =>
      listResponse(
        request,
        await sensors.listDatastreams(
          org(request),
          { device: request.query.device, sensor: request.query.sensor },
          pageRequest(request.query),
        ),
        datastreamOut,
      ),
  );

  app.post(
    '/api/datastreams',
    {
      config: write,
      schema: {
        tags: ['datastreams'],
        summary:
          'Create a datastream by hand (the pipeline creates them on first measurement); with `derived`, a derived datastream and its definition in one call',
        body: Type.Object(
          {
            sensor: Type.Optional(
              Type.String({
                minLength: 1,
                description: 'Sensor id; required, except with `derived`: then the sensor of the first input by default',
              }),
            ),
            observedProperty: Type.String({ minLength: 1, maxLength: 100, description: 'e.g. temperature' }),
            unit: Type.String({ minLength: 1, maxLength: 64, description: 'UCUM code, e.g. Cel' }),
            derived: Type.Optional(DerivedBody),
          },
          { additionalProperties: false },
        ),
        response: { 201: DatastreamCreatedSchema, ...errors(409) },
      },
    },
    async (request, reply) => {
      const { derived, ...body } = request.body;
      if (derived === undefined) return reply.status(201).send(datastreamOut(await sensors.createDatastream(org(request), body)));
      const created = await sensors.createDerivedDatastream(org(request), { ...body, derived });
      return reply.status(201).send({ ...datastreamOut(created.datastream), derived: derivedView(created.derived) });
    },
  );

  app.get(
    '/api/datastreams/:id',
    {
      config: read,
      schema: {
        tags: ['datastreams'],
        summary: 'One datastream',
        params: Type.Object({ id: Type.String({ description: 'Datastream id (an integer)' }) }),
        response: { 200: DatastreamSchema, ...errors(404) },
      },
    },
    async (request) => datastreamOut(await sensors.getDatastream(org(request), request.params.id)),
  );

  app.delete(
    '/api/datastreams/:id',
    {
      config: write,
      schema: {
        tags: ['datastreams'],
        summary: 'Delete a datastream (its measurements are left to the retention job)',
        params: Type.Object({ id: Type.String({ description: 'Datastream id (an integer)' }) }),
        response: { 204: Type.Null(), ...errors(404) },
      },
    },
    async (request, reply) => {
      await sensors.deleteDatastream(org(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
}
