/**
 * The JSON bodies of OGC 17-069r4 (landing page §7.2, conformance §7.4, collections §7.13–14,
 * items §7.15–16, feature §7.17) with their links. `base` is the absolute URL of /ogc.
 */
import { toIso } from '../../shared/clock.js';
import {
  CONFORMANCE,
  type Collection,
  CRS84,
  EPSG4326,
  type Extent,
  type FeaturePage,
  type FeatureRecord,
  GREGORIAN,
  SUPPORTED_CRS,
} from './ogcapi.js';

export interface Link {
  href: string;
  rel: string;
  type: string;
  title?: string;
}

export const JSON_TYPE = 'application/json';
export const GEOJSON = 'application/geo+json';
export const HTML = 'text/html';
export const OPENAPI_JSON = 'application/vnd.oai.openapi+json;version=3.0';
export const SCHEMA_JSON = 'application/schema+json';
export const QUERYABLES_REL = 'http://www.opengis.net/def/rel/ogc/1.0/queryables';

/** `url` with its query parameters changed (undefined removes one). */
export function withQuery(url: string, params: Record<string, string | undefined>): string {
  const u = new URL(url);
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) u.searchParams.delete(k);
    else u.searchParams.set(k, v);
  }
  return u.toString();
}

/** self and alternate links of a resource offered as `type` (JSON flavour) and HTML. */
function selfLinks(url: string, type: string, html: boolean, title: string): Link[] {
  const json = withQuery(url, { f: html ? 'json' : undefined });
  const page = withQuery(url, { f: 'html' });
  return html
    ? [
        { href: page, rel: 'self', type: HTML, title },
        { href: json, rel: 'alternate', type, title: `${title} as JSON` },
      ]
    : [
        { href: json, rel: 'self', type, title },
        { href: page, rel: 'alternate', type: HTML, title: `${title} as HTML` },
      ];
}

export function landingPage(base: string, url: string, html: boolean) {
  return {
    title: 'Polder – OGC API – Features',
    description:
      "Polder's devices, sites, buildings, latest values and measurements as OGC API – Features collections (GeoJSON and HTML).",
    links: [
      ...selfLinks(url, JSON_TYPE, html, 'this document'),
      { href: `${base}/api`, rel: 'service-desc', type: OPENAPI_JSON, title: 'the API definition (OpenAPI 3.0)' },
      { href: `${base}/api?f=html`, rel: 'service-doc', type: HTML, title: 'the API documentation' },
      { href: `${base}/conformance`, rel: 'conformance', type: JSON_TYPE, title: 'OGC API conformance classes implemented' },
      { href: `${base}/collections`, rel: 'data', type: JSON_TYPE, title: 'the feature collections' },
    ],
  };
}

export function conformance(url: string, html: boolean) {
  return { links: selfLinks(url, JSON_TYPE, html, 'conformance classes'), conformsTo: CONFORMANCE };
}

function extentOf(e: Extent) {
  if (!e.bbox && !e.interval) return undefined;
  return {
    ...(e.bbox && { spatial: { bbox: [e.bbox], crs: CRS84 } }),
    ...(e.interval && {
      temporal: {
        interval: [e.interval.map((t) => (t === null ? null : toIso(t)))],
        trs: GREGORIAN,
      },
    }),
  };
}

export function collectionInfo(base: string, c: Collection, extent: Extent, self?: { url: string; html: boolean }) {
  const href = `${base}/collections/${encodeURIComponent(c.id)}`;
  const ext = extentOf(extent);
  return {
    id: c.id,
    title: c.title,
    description: c.description,
    ...(ext && { extent: ext }),
    itemType: 'feature',
    crs: SUPPORTED_CRS,
    storageCrs: CRS84,
    links: [
      ...(self ? selfLinks(self.url, JSON_TYPE, self.html, c.title) : [{ href, rel: 'self', type: JSON_TYPE, title: c.title }]),
      { href: `${href}/items`, rel: 'items', type: GEOJSON, title: `${c.title} as GeoJSON` },
      { href: `${href}/items?f=html`, rel: 'items', type: HTML, title: `${c.title} as HTML` },
      {
        href: `${href}/queryables`,
        rel: QUERYABLES_REL,
        type: SCHEMA_JSON,
        title: 'what filter and the query parameters can test',
      },
    ],
  };
}

export function collections(url: string, html: boolean, infos: ReturnType<typeof collectionInfo>[]) {
  return { links: selfLinks(url, JSON_TYPE, html, 'collections'), collections: infos };
}

/** A point in the answer's CRS: EPSG:4326 puts latitude first (OGC API – Features Part 2 §6.2). */
const geometry = (f: FeatureRecord, crs = CRS84) =>
  f.point ? { type: 'Point', coordinates: crs === EPSG4326 ? [f.point[1], f.point[0]] : f.point } : null;

export function featureDoc(base: string, c: Collection, f: FeatureRecord, self?: { url: string; html: boolean }, crs = CRS84) {
  const collection = `${base}/collections/${encodeURIComponent(c.id)}`;
  const href = `${collection}/items/${encodeURIComponent(f.id)}`;
  return {
    type: 'Feature',
    id: f.id,
    geometry: geometry(f, crs),
    properties: f.properties,
    links: [
      ...selfLinks(self?.url ?? href, GEOJSON, self?.html ?? false, f.id),
      { href: collection, rel: 'collection', type: JSON_TYPE, title: c.title },
    ],
  };
}

export function featureCollection(
  base: string,
  c: Collection,
  page: FeaturePage,
  self: { url: string; html: boolean },
  now: number,
  crs = CRS84,
) {
  const links: Link[] = selfLinks(self.url, GEOJSON, self.html, c.title);
  if (page.next)
    links.push({
      href: withQuery(self.url, { cursor: page.next }),
      rel: 'next',
      type: self.html ? HTML : GEOJSON,
      title: 'next page',
    });
  if (page.prev)
    links.push({
      href: withQuery(self.url, { cursor: page.prev }),
      rel: 'prev',
      type: self.html ? HTML : GEOJSON,
      title: 'previous page',
    });
  links.push({ href: `${base}/collections/${encodeURIComponent(c.id)}`, rel: 'collection', type: JSON_TYPE, title: c.title });
  return {
    type: 'FeatureCollection',
    features: page.features.map((f) => ({ type: 'Feature', id: f.id, geometry: geometry(f, crs), properties: f.properties })),
    links,
    timeStamp: toIso(now),
    ...(page.numberMatched !== undefined && { numberMatched: page.numberMatched }),
    numberReturned: page.features.length,
  };
}

/** Part 3 §6: the queryables of a collection as a JSON Schema; each is also a query parameter. */
export function queryables(base: string, c: Collection) {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `${base}/collections/${encodeURIComponent(c.id)}/queryables`,
    type: 'object',
    title: c.title,
    properties: Object.fromEntries(c.filters.map((f) => [f.name, { title: f.name, description: f.description, type: f.type }])),
    additionalProperties: false,
  };
}
