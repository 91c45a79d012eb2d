/**
 * The HTTP server of a role without the API (ingest, worker, scheduler): a plain Node server on
 * POLDER_HTTP_PORT that hands the paths the role serves (probes, metrics, uplinks) to Polder's
 * app and answers 404 to the rest. The app is the same as `polder serve`'s, so auth, errors and
 * metrics behave the same.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { errorBody } from '../http/errors.js';

export interface RoleHttp {
  server: http.Server;
  /** Listens; resolves with where it answers, e.g. http://localhost:8080 */
  listen(port: number, host: string): Promise<string>;
  close(): Promise<void>;
}

/** The server, not listening yet (the embedded broker attaches its WebSocket to it first). */
export function createRoleHttp(app: FastifyInstance, serves: (path: string) => boolean): RoleHttp {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (serves(path)) return app.routing(req, res);
    res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(errorBody('NOT_FOUND', `no route ${req.method} ${path} in this role`)));
  });
  return {
    server,
    async listen(port, host) {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      const bound = (server.address() as AddressInfo).port;
      const shown = ['0.0.0.0', '::'].includes(host) ? 'localhost' : host.includes(':') ? `[${host}]` : host;
      return `http://${shown}:${bound}`;
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
