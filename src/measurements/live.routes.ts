import type { ServerResponse } from 'node:http';
import { Type } from '@sinclair/typebox';
import { principalOf } from '../http/auth.js';
import { errors } from '../http/schemas.js';
import type { TypedApp } from '../http/types.js';
import { isoTime } from './measurement-export.js';
import { textBody } from './measurement-schemas.js';
import type { Measurement } from './measurements.js';
import type { MeasurementService } from './measurements.service.js';

const HEARTBEAT_MS = 15_000;
/** A client this far behind is dropped rather than buffered without end; it may reconnect. */
const MAX_BUFFERED_BYTES = 1024 * 1024;

/**
 * Live values as server-sent events: one `measurement` event per stored row, the same row
 * shape as GET /api/measurements, and a comment line every 15 s so proxies keep the
 * connection open. Only rows stored after the subscription arrive (use the query for history).
 */
export function liveRoutes(app: TypedApp, service: MeasurementService) {
  const open = new Set<ServerResponse>();
  // A server closing waits for open responses: end the streams, or close would hang.
  app.addHook('preClose', async () => {
    for (const res of open) res.end();
  });

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
      const res = reply.raw;
      let ready = false;
      const early: Measurement[][] = [];
      const write = (rows: Measurement[]) => {
        if (!ready) return void early.push(rows);
        // Writing to a response that has ended would raise an error event with no listener.
        if (res.writableEnded || res.destroyed) return;
        let text = '';
        for (const r of rows) {
          text += `event: measurement\nid: ${r.datastreamId}:${r.time}\ndata: {"datastream":${r.datastreamId},"time":"${isoTime(r.time)}","value":${r.value}}\n\n`;
        }
        res.write(text);
        if (res.writableLength > MAX_BUFFERED_BYTES) res.end();
      };
      // Checks and 4xx happen here, before the response is taken over.
      const sub = await service.subscribe(principalOf(request), request.query, write);
      reply.hijack();
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        'x-request-id': request.id,
      });
      res.write(`: live values of datastreams ${sub.datastreams.join(',')}\n\n`);
      ready = true;
      for (const rows of early.splice(0)) write(rows);
      open.add(res);
      const heartbeat = setInterval(() => {
        if (!res.writableEnded && !res.destroyed) res.write(': keep-alive\n\n');
      }, HEARTBEAT_MS);
      heartbeat.unref();
      res.on('close', () => {
        clearInterval(heartbeat);
        sub.unsubscribe();
        open.delete(res);
      });
    },
  );
}
