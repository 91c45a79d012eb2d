/**
 * The query string of /collections/{id}/items, checked the way OGC 17-069r4 §7.15 asks:
 * unknown parameters and bad values are 400 (ets FeaturesErrorConditions), a limit above
 * the maximum is clamped (REQ fc-limit-response-1).
 */
import { invalid } from '../../shared/errors.js';
import { parseCql2Text } from './cql2.js';
import {
  type BBox,
  type Collection,
  CRS84,
  DEFAULT_LIMIT,
  EPSG4326,
  type Interval,
  type ItemsQuery,
  MAX_LIMIT,
  SUPPORTED_CRS,
} from './ogcapi.js';

export type Format = 'json' | 'html';

type RawQuery = Record<string, unknown>;

/** One value per parameter: a repeated parameter is a client error here. */
function single(query: RawQuery, name: string): string | undefined {
  const v = query[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw invalid(name, `${name} is given more than once`);
  return v;
}

/** Parameters every resource takes. */
export const COMMON_PARAMS = ['f'];
/** Parameters of one feature. */
export const FEATURE_PARAMS = ['f', 'crs'];
const ITEMS_PARAMS = ['f', 'limit', 'bbox', 'bbox-crs', 'crs', 'datetime', 'cursor', 'filter', 'filter-lang'];

/** Part 2: a CRS of the list (CRS84 when absent), else 400 naming the parameter. */
export function parseCrs(query: RawQuery, name: 'crs' | 'bbox-crs' = 'crs'): string {
  const raw = single(query, name);
  if (raw === undefined) return CRS84;
  // Part 2 §6.2: a CRS is given as its URI (or the same in a safe CURIE `[EPSG:4326]`).
  const uri = raw === '[EPSG:4326]' ? EPSG4326 : raw === '[OGC:CRS84]' ? CRS84 : raw;
  if (!SUPPORTED_CRS.includes(uri)) throw invalid(name, `${name} must be one of ${SUPPORTED_CRS.join(', ')}`);
  return uri;
}

/** 400 naming the first parameter the API definition does not declare for this resource. */
export function rejectUnknown(query: RawQuery, allowed: readonly string[]) {
  for (const name of Object.keys(query)) {
    if (!allowed.includes(name)) throw invalid(name, `unknown query parameter ${name}`, { allowed });
  }
}

export function parseFormat(query: RawQuery): Format | undefined {
  const f = single(query, 'f');
  if (f === undefined) return undefined;
  if (f === 'json' || f === 'geojson') return 'json';
  if (f === 'html') return 'html';
  throw invalid('f', 'f must be json or html');
}

export function parseLimit(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_LIMIT;
  if (!/^\d{1,15}$/.test(raw) || Number(raw) < 1) throw invalid('limit', 'limit must be an integer of at least 1');
  return Math.min(Number(raw), MAX_LIMIT);
}

/** `minLon,minLat,maxLon,maxLat` or with heights `minLon,minLat,minH,maxLon,maxLat,maxH` (CRS84). */
export function parseBbox(raw: string): BBox {
  const parts = raw.split(',');
  const nums = parts.map((p) => (p.trim() === '' ? Number.NaN : Number(p)));
  if ((nums.length !== 4 && nums.length !== 6) || nums.some((n) => !Number.isFinite(n)))
    throw invalid('bbox', 'bbox must be 4 or 6 comma-separated numbers: minLon,minLat,maxLon,maxLat');
  const [minLon, minLat, maxLon, maxLat] = (nums.length === 4 ? nums : [nums[0], nums[1], nums[3], nums[4]]) as number[];
  const box = { minLon, minLat, maxLon, maxLat } as BBox;
  if (box.minLat > box.maxLat) throw invalid('bbox', 'bbox: the minimum latitude is above the maximum');
  for (const lat of [box.minLat, box.maxLat]) if (lat < -90 || lat > 90) throw invalid('bbox', 'bbox: latitude out of range');
  for (const lon of [box.minLon, box.maxLon]) if (lon < -180 || lon > 180) throw invalid('bbox', 'bbox: longitude out of range');
  return box;
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True when year, month and day name a real day (Date.parse takes 2025-02-30). */
function realDay(m: RegExpExecArray): boolean {
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const day = new Date(Date.UTC(y, mo - 1, d));
  return day.getUTCFullYear() === y && day.getUTCMonth() === mo - 1 && day.getUTCDate() === d;
}

/** An RFC 3339 date-time, or a date (the whole UTC day): [start, end] in ms. */
function instant(raw: string): [number, number] {
  const dt = DATE_TIME.exec(raw);
  const date = DATE.exec(raw);
  if (dt && realDay(dt) && Number(dt[4]) < 24 && Number(dt[5]) < 60 && Number(dt[6]) < 61) {
    const ms = Date.parse(raw.toUpperCase());
    if (Number.isFinite(ms)) return [ms, ms];
  } else if (date && realDay(date)) {
    const ms = Date.parse(`${raw}T00:00:00Z`);
    if (Number.isFinite(ms)) return [ms, ms + 86_400_000 - 1];
  }
  throw invalid('datetime', `datetime: ${JSON.stringify(raw)} is not an RFC 3339 date-time`);
}

/** §7.15.4: an instant, `a/b`, or half-bounded `../b`, `/b`, `a/..`, `a/`. */
export function parseDatetime(raw: string): Interval {
  const parts = raw.split('/');
  if (parts.length === 1) {
    const [from, to] = instant(raw);
    return { from, to };
  }
  if (parts.length !== 2) throw invalid('datetime', 'datetime is an instant or an interval start/end');
  const open = (s: string) => s === '' || s === '..';
  const [a, b] = parts as [string, string];
  if (open(a) && open(b)) throw invalid('datetime', 'datetime: an interval needs at least one bound');
  const from = open(a) ? null : instant(a)[0];
  const to = open(b) ? null : instant(b)[1];
  if (from !== null && to !== null && from > to) throw invalid('datetime', 'datetime: the start is after the end');
  return { from, to };
}

function parseFilterValues(collection: Collection, name: string, raw: string): string[] {
  const def = collection.filters.find((f) => f.name === name);
  const values = raw.split(',').map((v) => v.trim());
  if (!def || values.some((v) => v === '')) throw invalid(name, `${name}: give one or more comma-separated values`);
  if (def.type === 'integer' && values.some((v) => !/^\d{1,15}$/.test(v))) throw invalid(name, `${name} must be integers`);
  // GDAL maps a boolean property to an integer field and filters with 1/0.
  if (def.type === 'boolean' && values.some((v) => !['true', 'false', '1', '0'].includes(v)))
    throw invalid(name, `${name} must be true or false`);
  return values;
}

/** The items query of `collection`, or a 400 naming the parameter that is wrong. */
export function parseItemsQuery(collection: Collection, query: RawQuery): ItemsQuery {
  rejectUnknown(query, [...ITEMS_PARAMS, ...collection.filters.map((f) => f.name)]);
  parseFormat(query);
  const out: ItemsQuery = { limit: parseLimit(single(query, 'limit')), filters: new Map() };
  const bboxCrs = parseCrs(query, 'bbox-crs');
  out.crs = parseCrs(query);
  const bbox = single(query, 'bbox');
  if (bbox !== undefined) {
    // EPSG:4326 names latitude first: minLat,minLon,maxLat,maxLon.
    const parts = bbox.split(',');
    const half = parts.length / 2;
    const swapped =
      bboxCrs === EPSG4326 && (parts.length === 4 || parts.length === 6)
        ? [parts[1], parts[0], ...parts.slice(2, half), parts[half + 1], parts[half], ...parts.slice(half + 2)].join(',')
        : bbox;
    out.bbox = parseBbox(swapped);
  } else if (query['bbox-crs'] !== undefined) throw invalid('bbox-crs', 'bbox-crs goes with bbox');
  const datetime = single(query, 'datetime');
  if (datetime !== undefined) out.datetime = parseDatetime(datetime);
  out.cursor = single(query, 'cursor');
  const lang = single(query, 'filter-lang');
  if (lang !== undefined && lang !== 'cql2-text') throw invalid('filter-lang', 'filter-lang must be cql2-text');
  const filter = single(query, 'filter');
  if (filter !== undefined) out.cql = parseCql2Text(filter, collection.filters);
  for (const f of collection.filters) {
    const raw = single(query, f.name);
    if (raw !== undefined) out.filters.set(f.name, parseFilterValues(collection, f.name, raw));
  }
  return out;
}
