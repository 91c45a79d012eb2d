import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Database } from '../../db/database.js';
import { principalOf } from '../../http/auth.js';
import type { Clock } from '../../shared/clock.js';
import { CRS84 } from './ogcapi.js';
import { OgcApiService } from './ogcapi.service.js';
import { KyselyFeatureStore } from './ogcapi.store.js';
import {
  collectionInfo,
  collections,
  conformance,
  featureCollection,
  featureDoc,
  GEOJSON,
  JSON_TYPE,
  landingPage,
  OPENAPI_JSON,
  queryables,
  SCHEMA_JSON,
} from './ogcapi-documents.js';
import {
  apiHtml,
  collectionHtml,
  collectionsHtml,
  conformanceHtml,
  featureHtml,
  itemsHtml,
  landingHtml,
  queryablesHtml,
} from './ogcapi-html.js';
import { openApiDocument } from './ogcapi-openapi.js';
import {
  COMMON_PARAMS,
  FEATURE_PARAMS,
  type Format,
  parseCrs,
  parseFormat,
  parseItemsQuery,
  rejectUnknown,
} from './ogcapi-query.js';

export interface OgcApiDeps {
  database: Database;
  version: string;
  clock: Clock;
}

type Query = Record<string, unknown>;
type Params = { collectionId: string; featureId: string };

/** Quality of `text/html` against the JSON types in an Accept header; HTML only when it is preferred. */
function acceptsHtmlFirst(accept: string | undefined): boolean {
  if (!accept) return false;
  let html = 0;
  let json = 0;
  for (const part of accept.split(',')) {
    const [type = '', ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) || 0 : 1;
    if (type === 'text/html') html = Math.max(html, q);
    else if (type.endsWith('json') || type === '*/*' || type === 'application/*') json = Math.max(json, q);
  }
  return html > json;
}

/** `f=` wins, then the Accept header (conformance classes geojson and html, §10). */
function formatOf(request: FastifyRequest<{ Querystring: Query }>): Format {
  return parseFormat(request.query) ?? (acceptsHtmlFirst(request.headers.accept) ? 'html' : 'json');
}

const selfUrl = (request: FastifyRequest) => `${request.protocol}://${request.host}${request.url}`;
const baseUrl = (request: FastifyRequest) => `${request.protocol}://${request.host}/ogc`;

function send(reply: FastifyReply, format: Format, type: string, doc: unknown, html: () => string) {
  reply.header('vary', 'accept');
  if (format === 'html') return reply.type('text/html; charset=utf-8').send(html());
  // A Buffer keeps the media type as §10 spells it (`;version=3.0`); a string would get it rewritten.
  return reply.header('content-type', type).send(Buffer.from(JSON.stringify(doc)));
}

/** A CORS preflight: GET and HEAD with the headers a client sends a key and a format in. */
function preflight(reply: FastifyReply) {
  return reply
    .status(204)
    .header('access-control-allow-origin', '*')
    .header('access-control-allow-methods', 'GET, HEAD, OPTIONS')
    .header('access-control-allow-headers', 'Authorization, Accept, Content-Type')
    .header('access-control-max-age', '86400')
    .send();
}

/**
 * OGC API – Features Part 1 at /ogc: landing page, conformance, API definition, collections,
 * items, feature. Same credentials as /api (bearer API key or session); the landing page,
 * conformance and API definition show no data and are public. Hidden from Polder's own
 * OpenAPI document: /ogc/api describes these routes.
 */
export function registerOgcApi(app: FastifyInstance, deps: OgcApiDeps) {
  const service = new OgcApiService(new KyselyFeatureStore(deps.database.db, deps.database.dialect));
  const hidden = { schema: { hide: true } };
  const pub = { ...hidden, config: { public: true } };

  // CORS for browser clients (OpenLayers, Leaflet, web GIS) on other origins: credentials are a
  // bearer key sent by the page, never cookies, so any origin may read what its key allows.
  app.addHook('onSend', async (request, reply) => {
    if (!request.url.startsWith('/ogc')) return;
    reply.header('access-control-allow-origin', '*');
    reply.header('access-control-expose-headers', 'Content-Crs, Link');
  });
  app.options('/ogc', pub, (_request, reply) => preflight(reply));
  app.options('/ogc/*', pub, (_request, reply) => preflight(reply));

  const landing = async (request: FastifyRequest<{ Querystring: Query }>, reply: FastifyReply) => {
    rejectUnknown(request.query, COMMON_PARAMS);
    const format = formatOf(request);
    const doc = landingPage(baseUrl(request), selfUrl(request), format === 'html');
    return send(reply, format, JSON_TYPE, doc, () => landingHtml(doc));
  };
  app.get('/ogc', pub, landing);
  app.get('/ogc/', pub, landing);

  app.get<{ Querystring: Query }>('/ogc/conformance', pub, async (request, reply) => {
    rejectUnknown(request.query, COMMON_PARAMS);
    const format = formatOf(request);
    const doc = conformance(selfUrl(request), format === 'html');
    return send(reply, format, JSON_TYPE, doc, () => conformanceHtml(doc));
  });

  app.get<{ Querystring: Query }>('/ogc/api', pub, async (request, reply) => {
    rejectUnknown(request.query, COMMON_PARAMS);
    const format = formatOf(request);
    const doc = openApiDocument(baseUrl(request), deps.version);
    return send(reply, format, OPENAPI_JSON, doc, () => apiHtml(doc));
  });

  app.get<{ Querystring: Query }>('/ogc/collections', hidden, async (request, reply) => {
    rejectUnknown(request.query, COMMON_PARAMS);
    const format = formatOf(request);
    const caller = principalOf(request);
    const base = baseUrl(request);
    const list = await service.collections(caller);
    const infos = [];
    for (const c of list) infos.push(collectionInfo(base, c, await service.extent(caller, c)));
    const doc = collections(selfUrl(request), format === 'html', infos);
    return send(reply, format, JSON_TYPE, doc, () => collectionsHtml(doc));
  });

  app.get<{ Querystring: Query; Params: Params }>('/ogc/collections/:collectionId', hidden, async (request, reply) => {
    rejectUnknown(request.query, COMMON_PARAMS);
    const format = formatOf(request);
    const caller = principalOf(request);
    const c = await service.collection(caller, request.params.collectionId);
    const self = { url: selfUrl(request), html: format === 'html' };
    const doc = collectionInfo(baseUrl(request), c, await service.extent(caller, c), self);
    return send(reply, format, JSON_TYPE, doc, () => collectionHtml(doc));
  });

  app.get<{ Querystring: Query; Params: Params }>('/ogc/collections/:collectionId/queryables', hidden, async (request, reply) => {
    rejectUnknown(request.query, COMMON_PARAMS);
    const format = formatOf(request);
    const c = await service.collection(principalOf(request), request.params.collectionId);
    const doc = queryables(baseUrl(request), c);
    return send(reply, format, SCHEMA_JSON, doc, () => queryablesHtml(doc));
  });

  app.get<{ Querystring: Query; Params: Params }>('/ogc/collections/:collectionId/items', hidden, async (request, reply) => {
    const caller = principalOf(request);
    const c = await service.collection(caller, request.params.collectionId);
    const query = parseItemsQuery(c, request.query);
    const format = formatOf(request);
    const page = await service.items(caller, c, query);
    const base = baseUrl(request);
    const crs = query.crs ?? CRS84;
    const doc = featureCollection(base, c, page, { url: selfUrl(request), html: format === 'html' }, deps.clock(), crs);
    reply.header('content-crs', `<${crs}>`);
    return send(reply, format, GEOJSON, doc, () => itemsHtml(c.title, `${base}/collections/${encodeURIComponent(c.id)}`, doc));
  });

  app.get<{ Querystring: Query; Params: Params }>(
    '/ogc/collections/:collectionId/items/:featureId',
    hidden,
    async (request, reply) => {
      rejectUnknown(request.query, FEATURE_PARAMS);
      const format = formatOf(request);
      const crs = parseCrs(request.query);
      const caller = principalOf(request);
      const c = await service.collection(caller, request.params.collectionId);
      const f = await service.item(caller, c, request.params.featureId);
      const doc = featureDoc(baseUrl(request), c, f, { url: selfUrl(request), html: format === 'html' }, crs);
      reply.header('content-crs', `<${crs}>`);
      return send(reply, format, GEOJSON, doc, () => featureHtml(doc));
    },
  );
}
