import { Type } from '@sinclair/typebox';
import { principalOf } from '../http/auth.js';
import { eventStreams } from '../http/event-stream.js';
import { errors } from '../http/schemas.js';
import type { TypedApp } from '../http/types.js';
import { isoTime } from './measurement-export.js';
import { textBody } from './measurement-schemas.js';
import type { Measurement } from './measurements.js';
import type { MeasurementService } from './measurements.service.js';

/**
 * Live values as server-sent events: one `measurement` event per stored row, the same row
 * shape as GET /api/measurements, and a comment line every 15 s so proxies keep the
 * connection open. Only rows stored after the subscription arrive (use the query for history).
 */
export function liveRoutes(app: TypedApp, service: MeasurementService) {
  const streamOf = eventStreams(app);

  app.get(
    '/api/live',
    {
      config: { scope: 'measurements:read' },
      schema: {
        tags: ['measurements'],
        summary: 'Live values of datastreams or of a device, as server-sent events',
        description:
          'Give `datastream` (repeat or comma-separate) or `device`. Events: `event: measurement`, ' +
          '`data: {"datastream":…,"time":…,"value":…}`. A device\'s datastreams created later are included.',
        querystring: Type.Object({
          datastream: Type.Optional(Type.Array(Type.String(), { description: 'Datastream id(s)' })),
          device: Type.Optional(Type.String({ description: 'Device id or code' })),
        }),
        response: { 200: textBody(['text/event-stream'], 'An endless event stream'), ...errors(404) },
      },
    },
    async (request, reply) => {
      const stream = streamOf(request, reply);
      const write = (rows: Measurement[]) => {
        let text = '';
        for (const r of rows) {
          text += `event: measurement\nid: ${r.datastreamId}:${r.time}\ndata: {"datastream":${r.datastreamId},"time":"${isoTime(r.time)}","value":${r.value}}\n\n`;
        }
        stream.send(text);
      };
      // Checks and 4xx happen here, before the response is taken over.
      const sub = await service.subscribe(principalOf(request), request.query, write);
      stream.start(`: live values of datastreams ${sub.datastreams.join(',')}\n\n`, () => sub.unsubscribe());
    },
  );
}
