import type { ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { TypedApp } from './types.js';

const HEARTBEAT_MS = 15_000;
/** A client this far behind is dropped rather than buffered without end; EventSource reconnects. */
const MAX_BUFFERED_BYTES = 1024 * 1024;

/** One server-sent event stream: `send` buffers until `start` has taken the response over. */
export interface EventStream {
  send(text: string): void;
  /** Takes the response over (200, event-stream headers), writes `intro`, then what was sent before; `onClose` once. */
  start(intro: string, onClose: () => void): void;
}

/**
 * Server-sent events for a route file: headers, a comment line every 15 s so proxies keep the
 * connection, a slow client dropped past 1 MiB, and every open stream ended when the server
 * closes (else close would wait for them).
 */
export function eventStreams(app: TypedApp): (request: FastifyRequest, reply: FastifyReply) => EventStream {
  const open = new Set<ServerResponse>();
  app.addHook('preClose', async () => {
    for (const res of open) res.end();
  });
  return (request, reply) => {
    const res = reply.raw;
    let ready = false;
    const early: string[] = [];
    const send = (text: string) => {
      if (!ready) return void early.push(text);
      // Writing to a response that has ended would raise an error event with no listener.
      if (res.writableEnded || res.destroyed) return;
      res.write(text);
      if (res.writableLength > MAX_BUFFERED_BYTES) res.end();
    };
    return {
      send,
      start(intro, onClose) {
        reply.hijack();
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-store',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
          'x-request-id': request.id,
        });
        res.write(intro);
        ready = true;
        for (const text of early.splice(0)) send(text);
        open.add(res);
        const heartbeat = setInterval(() => {
          if (!res.writableEnded && !res.destroyed) res.write(': keep-alive\n\n');
        }, HEARTBEAT_MS);
        heartbeat.unref();
        const cleanup = () => {
          clearInterval(heartbeat);
          onClose();
          open.delete(res);
        };
        // A client gone while the route prepared its stream: its close event has fired already.
        if (res.destroyed || request.raw.destroyed) cleanup();
        else res.on('close', cleanup);
      },
    };
  };
}
