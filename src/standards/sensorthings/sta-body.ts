import { parseDateTime } from './filter-parser.js';
import type { WriteError as WriteErrorType } from './sta-write-error.js';

/** Reading SensorThings request bodies: links (`{"@iot.id": …}`), strings, times, geometries. */

export type Body = Record<string, unknown>;
type Fail = (field: string, message: string) => WriteErrorType;

export const isObject = (v: unknown): v is Body => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `{"@iot.id": x}` (a link to an existing entity) → x; undefined for an inline entity. */
export function linkId(v: unknown): string | number | undefined {
  if (!isObject(v) || !('@iot.id' in v)) return undefined;
  const id = v['@iot.id'];
  return typeof id === 'string' || typeof id === 'number' ? id : undefined;
}

export function optionalString(body: Body, field: string, fail: Fail): string | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw fail(field, `${field} must be a string`);
  return v;
}

export function requiredString(body: Body, field: string, fail: Fail): string {
  const v = optionalString(body, field, fail);
  if (v === undefined || v.trim() === '') throw fail(field, `${field} is required`);
  return v;
}

export function optionalObject(body: Body, field: string, fail: Fail): Body | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) throw fail(field, `${field} must be a JSON object`);
  return v;
}

/** An ISO instant, or the start of an interval `a/b`. */
export function instant(v: unknown, field: string, fail: Fail): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw fail(field, `${field} must be an ISO 8601 time`);
  const ms = parseDateTime(v.split('/')[0] as string);
  if (ms === undefined) throw fail(field, `${field} must be an ISO 8601 time`);
  return ms;
}

/** A GeoJSON Point (or a Feature holding one) → [lon, lat]. */
export function pointOf(v: unknown, field: string, fail: Fail): [number, number] {
  const g = isObject(v) && v.type === 'Feature' ? v.geometry : v;
  if (!isObject(g) || g.type !== 'Point' || !Array.isArray(g.coordinates))
    throw fail(field, `${field} must be a GeoJSON Point (Polder places are points)`);
  const [x, y] = g.coordinates as unknown[];
  if (typeof x !== 'number' || typeof y !== 'number' || Math.abs(x) > 180 || Math.abs(y) > 90)
    throw fail(field, `${field} coordinates must be [longitude, latitude]`);
  return [x, y];
}

/** A slug for names that become registry keys (site slugs, property keys). */
export function slugOf(name: string): string {
  const s = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 50);
  return s === '' ? 'x' : s;
}
