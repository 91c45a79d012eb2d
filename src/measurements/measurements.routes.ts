import { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import { principalOf } from '../http/auth.js';
import { errors, IdParam, listResponse, PageQuery, pageRequest } from '../http/schemas.js';
import type { TypedApp } from '../http/types.js';
import { liveRoutes } from './live.routes.js';
import { CONTENT_TYPES, formatRows, isoTime } from './measurement-export.js';
import { measurementPageJson } from './measurement-json.js';
import {
  DEFAULT_MEASUREMENT_LIMIT,
  ExportColumnsQuery,
  ExportFormatQuery,
  FilterQuery,
  LatestSchema,
  MAX_MEASUREMENT_LIMIT,
  MeasurementFormatQuery,
  MeasurementPageSchema,
  MeasurementRowSchema,
  MeasurementSeriesSchema,
  textBody,
} from './measurement-schemas.js';
import type { LatestValue, MeasurementService } from './measurements.service.js';

const latestOut = (l: LatestValue) => ({
  datastream: l.datastream.id,
  device: l.datastream.deviceId,
  sensor: l.datastream.sensorId,
  observedProperty: l.datastream.observedProperty,
  unit: l.datastream.unit,
  valueKind: l.datastream.valueKind,
  time: l.time === null ? null : isoTime(l.time),
  value: l.value,
});

export function measurementRoutes(app: TypedApp, service: MeasurementService) {
  app.addSchema(MeasurementRowSchema);
  app.addSchema(MeasurementSeriesSchema);
  app.addSchema(LatestSchema);

  app.get(
    '/api/measurements',
    {
      config: { scope: 'measurements:read' },
      schema: {
        tags: ['measurements'],
        summary: 'Measurements by datastream, device, sensor or observed property and time range; raw or aggregated',
        description:
          'Rows are ordered by datastream id, then time (`order`). With `interval`, each row is one bucket ' +
          '[time, time + interval) aligned to 1970-01-01T00:00:00Z, served from rollups; the range is widened ' +
          'to whole buckets. With `format=columnar`, each datastream of the page is one entry holding its times ' +
          '(Unix milliseconds) and values as two arrays. See docs/querying.md.',
        querystring: Type.Object({
          ...FilterQuery,
          ...PageQuery,
          limit: Type.Optional(
            Type.Integer({
              minimum: 1,
              maximum: MAX_MEASUREMENT_LIMIT,
              default: DEFAULT_MEASUREMENT_LIMIT,
              description: 'Rows per page',
            }),
          ),
          format: MeasurementFormatQuery,
        }),
        response: { 200: MeasurementPageSchema, ...errors(404) },
      },
    },
    async (request, reply) => {
      const { limit, cursor, count, format = 'rows', ...filters } = request.query;
      const page = await service.querySeries(principalOf(request), filters, pageRequest({ limit, cursor, count }));
      const { links } = listResponse(request, { items: [], next: page.next });
      // Pages hold up to 100k rows: written straight into one buffer (measurement-json.ts), not
      // through objects and a serializer. The schema documents the answer.
      return reply.type('application/json; charset=utf-8').send(measurementPageJson(page, links.next, format) as never);
    },
  );

  app.get(
    '/api/measurements/export',
    {
      config: { scope: 'measurements:read' },
      schema: {
        tags: ['measurements'],
        summary: 'Every row of a measurements query, streamed as CSV or NDJSON',
        description:
          'Same filters as GET /api/measurements, no paging: the whole result in one response, in constant memory. ' +
          'Each row names its device (code), sensor (code), observed property and unit beside the datastream id, ' +
          'unless columns=minimal.',
        querystring: Type.Object({
          ...FilterQuery,
          format: ExportFormatQuery,
          columns: ExportColumnsQuery,
        }),
        response: { 200: textBody(Object.values(CONTENT_TYPES), 'The rows'), ...errors(404) },
      },
    },
    async (request, reply) => {
      const { format = 'csv', columns = 'full', ...filters } = request.query;
      const { chunks, labels } = await service.openExport(principalOf(request), filters, columns);
      reply
        .type(CONTENT_TYPES[format])
        .header('content-disposition', `attachment; filename="measurements.${format}"`)
        .header('cache-control', 'no-store');
      // Readable.from pulls the next chunk only when the socket has room: backpressure end to end.
      return reply.send(Readable.from(formatRows(chunks, format, labels)));
    },
  );

  app.get(
    '/api/datastreams/:id/latest',
    {
      config: { scope: 'measurements:read' },
      schema: {
        tags: ['measurements'],
        summary: "A datastream's most recent value (time and value null when it has none)",
        params: IdParam,
        response: { 200: Type.Ref(LatestSchema), ...errors(404) },
      },
    },
    async (request) => latestOut(await service.latestOfDatastream(principalOf(request), request.params.id)),
  );

  app.get(
    '/api/devices/:id/latest',
    {
      config: { scope: 'measurements:read' },
      schema: {
        tags: ['measurements'],
        summary: "The most recent value of each of a device's datastreams",
        params: IdParam,
        response: {
          200: Type.Object({
            data: Type.Array(Type.Ref(LatestSchema)),
            links: Type.Object({ next: Type.Null() }),
          }),
          ...errors(404),
        },
      },
    },
    async (request) => ({
      data: (await service.latestOfDevice(principalOf(request), request.params.id)).map(latestOut),
      links: { next: null },
    }),
  );

  liveRoutes(app, service);
}
