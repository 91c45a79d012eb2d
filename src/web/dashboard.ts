import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorBody } from '../http/errors.js';

export interface DashboardDeps {
  /** Built dashboard (web/dist); absent: the routes answer 404 with a hint to build it. */
  dir?: string;
  /** Map tile URL template for Leaflet, or 'off'. */
  mapTiles: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.svg', '.json', '.txt']);
/** Paths that belong to the server, never to the single-page app. */
const SERVER_PATHS = /^\/(api|sta|ogc|healthz|readyz|metrics|mqtt)(\/|$)/;

interface Asset {
  body: Buffer;
  gzip?: Buffer;
  type: string;
}

/** The web/dist folder next to the package root, found from this file (src/web or dist/web). */
export function defaultDashboardDir(): string | undefined {
  let dir = import.meta.dirname;
  for (let i = 0; i < 5; i++) {
    if (existsSync(path.join(dir, 'package.json'))) {
      const dist = path.join(dir, 'web', 'dist');
      return existsSync(path.join(dist, 'index.html')) ? dist : undefined;
    }
    dir = path.dirname(dir);
  }
  return undefined;
}

/**
 * Serves the built dashboard at `/` (hashed assets cached for a year, index.html revalidated,
 * gzip when asked), any other non-API GET falls back to index.html (client-side routes), and
 * `GET /api/ui-config` tells the app what the server was configured with.
 */
export function registerDashboard(app: FastifyInstance, deps: DashboardDeps) {
  const cache = new Map<string, Asset>();
  const root = deps.dir ? path.resolve(deps.dir) : undefined;

  const load = (file: string): Asset | undefined => {
    const hit = cache.get(file);
    if (hit) return hit;
    if (!existsSync(file) || !statSync(file).isFile()) return undefined;
    const ext = path.extname(file);
    const body = readFileSync(file);
    const asset: Asset = { body, type: TYPES[ext] ?? 'application/octet-stream' };
    if (COMPRESSIBLE.has(ext) && body.length > 1024) asset.gzip = gzipSync(body);
    cache.set(file, asset);
    return asset;
  };

  const send = (request: FastifyRequest, reply: FastifyReply, asset: Asset, cacheControl: string) => {
    reply.header('content-type', asset.type).header('cache-control', cacheControl).header('vary', 'accept-encoding');
    reply.header('x-content-type-options', 'nosniff');
    const accepts = String(request.headers['accept-encoding'] ?? '');
    if (asset.gzip && /\bgzip\b/.test(accepts)) return reply.header('content-encoding', 'gzip').send(asset.gzip);
    return reply.send(asset.body);
  };

  app.get('/api/ui-config', { config: { public: true }, schema: { hide: true } }, async () => ({ mapTiles: deps.mapTiles }));

  app.get('/*', { config: { public: true }, schema: { hide: true } }, async (request, reply) => {
    let urlPath: string;
    try {
      urlPath = decodeURIComponent(request.url.split('?')[0] ?? '/');
    } catch {
      return reply.status(400).send(errorBody('BAD_REQUEST', 'the path is not valid percent-encoding'));
    }
    if (SERVER_PATHS.test(urlPath)) {
      // The router falls through to this route when a path parameter is longer than
      // maxParamLength: answer as Fastify would have without it.
      const longest = app.initialConfig.maxParamLength ?? 100;
      if (urlPath.split('/').some((level) => level.length > longest))
        return reply.status(414).send(errorBody('URI_TOO_LONG', `a path parameter is longer than ${longest} characters`));
      return reply.status(404).send(errorBody('NOT_FOUND', `no route GET ${urlPath}`));
    }
    if (!root) {
      return reply
        .status(404)
        .send(errorBody('NOT_FOUND', 'the dashboard is not built: run `npm run build` (the API is at /api)'));
    }
    const file = path.join(root, path.normalize(urlPath));
    if (file.startsWith(root + path.sep) && urlPath !== '/') {
      const asset = load(file);
      if (asset) {
        const immutable = urlPath.startsWith('/assets/');
        return send(request, reply, asset, immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
      }
      // A missing hashed asset is a 404, not the app (an old tab asking for a replaced chunk).
      if (urlPath.startsWith('/assets/') || path.extname(urlPath)) {
        return reply.status(404).send(errorBody('NOT_FOUND', `no file ${urlPath}`));
      }
    }
    const index = load(path.join(root, 'index.html'));
    if (!index) return reply.status(404).send(errorBody('NOT_FOUND', 'the dashboard is not built: run `npm run build`'));
    return send(request, reply, index, 'no-cache');
  });
}
