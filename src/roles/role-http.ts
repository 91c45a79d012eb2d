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
  /** Where it answers, e.g. http://localhost:8080 */
  url: string;
  close(): Promise<void>;
}

export async function listenRoleHttp(
  app: FastifyInstance,
  opts: { port: number; host: string; serves: (path: string) => boolean },
): Promise<RoleHttp> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (opts.serves(path)) return app.routing(req, res);
    res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(errorBody('NOT_FOUND', `no route ${req.method} ${path} in this role`)));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = ['0.0.0.0', '::'].includes(opts.host) ? 'localhost' : opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    server,
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
