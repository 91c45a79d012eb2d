import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import type { Database } from '../db/database.js';
import type { Schema } from '../db/schema.js';
import type { DeviceFilter } from './devices.js';

/** Mean Earth radius (IUGG), metres: the haversine distance's scale. */
const EARTH_RADIUS_M = 6_371_008.8;
const METRES_PER_DEGREE = 111_320;

type DevicesEb = ExpressionBuilder<Schema, 'devices'>;

/**
 * SQLite has no JSON containment operator: this registers one with PostgreSQL's `@>` semantics
 * (objects contain sub-objects, arrays contain the elements of the other array in any order,
 * scalars are equal) on the better-sqlite3 connection. Deterministic, so SQLite may cache it.
 */
export function registerSqliteFunctions(database: Database) {
  if (database.dialect !== 'sqlite') return;
  database.sqlite.function('polder_json_contains', { deterministic: true }, (doc: unknown, pattern: unknown) => {
    if (typeof doc !== 'string' || typeof pattern !== 'string') return 0;
    try {
      return jsonContains(JSON.parse(doc), JSON.parse(pattern)) ? 1 : 0;
    } catch {
      return 0;
    }
  });
}

/** PostgreSQL jsonb containment (`@>`), JSON values in, boolean out. */
export function jsonContains(doc: unknown, pattern: unknown): boolean {
  if (Array.isArray(pattern)) {
    if (!Array.isArray(doc)) return false;
    return pattern.every((p) => doc.some((d) => jsonContains(d, p)));
  }
  if (pattern !== null && typeof pattern === 'object') {
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return false;
    const d = doc as Record<string, unknown>;
    return Object.entries(pattern as Record<string, unknown>).every(([k, v]) => k in d && jsonContains(d[k], v));
  }
  // A top-level array contains a primitive in PostgreSQL (`'[1,2]' @> '1'`).
  if (Array.isArray(doc)) return doc.some((d) => !Array.isArray(d) && jsonContains(d, pattern));
  return doc === pattern;
}

const like = (dialect: Database['dialect'], text: string) => {
  const escaped = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const op = sql.raw(dialect === 'postgres' ? 'ilike' : 'like');
  return sql<SqlBool>`(devices.code ${op} ${escaped} escape '\\' or devices.description ${op} ${escaped} escape '\\')`;
};

/** Great-circle distance in metres from (lat, lon) to each device, in SQL (both dialects have the math functions). */
export function distanceSql(dialect: Database['dialect'], lat: number, lon: number) {
  const least = sql.raw(dialect === 'postgres' ? 'least' : 'min');
  const h = sql`power(sin(radians(devices.latitude - ${lat}) / 2), 2) + cos(radians(${lat})) * cos(radians(devices.latitude)) * power(sin(radians(devices.longitude - ${lon}) / 2), 2)`;
  return sql<number>`(${2 * EARTH_RADIUS_M} * asin(sqrt(${least}(1.0, ${h}))))`;
}

/** The filters of a device list as one WHERE expression (organisation scoping is the caller's). */
export function deviceWhere(dialect: Database['dialect'], f: DeviceFilter) {
  return (eb: DevicesEb): Expression<SqlBool> => {
    const all: Expression<SqlBool>[] = [];
    if (f.siteId !== undefined) all.push(eb('devices.site_id', '=', f.siteId));
    if (f.buildingIds !== undefined) all.push(eb('devices.building_id', 'in', f.buildingIds));
    if (f.roomIds !== undefined) all.push(eb('devices.room_id', 'in', f.roomIds));
    if (f.typeId !== undefined) all.push(eb('devices.type_id', '=', f.typeId));
    if (f.state !== undefined) all.push(eb('devices.state', '=', f.state));
    if (f.enabled !== undefined) all.push(eb('devices.enabled', '=', f.enabled ? 1 : 0));
    if (f.identities !== undefined) {
      const any = f.identities.map((i) =>
        eb.and([eb('devices.identity_kind', '=', i.kind), eb('devices.identity_value', '=', i.value)]),
      );
      all.push(any.length > 0 ? eb.or(any) : sql<SqlBool>`1 = 0`);
    }
    if (f.text !== undefined && f.text !== '') all.push(like(dialect, f.text));
    if (f.bbox) {
      const { minLon, minLat, maxLon, maxLat } = f.bbox;
      all.push(eb.between('devices.latitude', minLat, maxLat));
      // A box across the antimeridian (minLon > maxLon) is two longitude ranges.
      all.push(
        minLon <= maxLon
          ? eb.between('devices.longitude', minLon, maxLon)
          : eb.or([eb('devices.longitude', '>=', minLon), eb('devices.longitude', '<=', maxLon)]),
      );
    }
    if (f.near) {
      const { lat, lon, radius } = f.near;
      // A cheap bounding box first (it can use plain comparisons), the exact distance after.
      const dLat = radius / METRES_PER_DEGREE;
      all.push(eb.between('devices.latitude', lat - dLat, lat + dLat));
      const cosLat = Math.cos((lat * Math.PI) / 180);
      if (Math.abs(lat) + dLat < 89 && cosLat > 0) {
        const dLon = radius / (METRES_PER_DEGREE * cosLat);
        // Near the antimeridian the box would wrap: skip it there, the exact distance still applies.
        if (lon - dLon >= -180 && lon + dLon <= 180) all.push(eb.between('devices.longitude', lon - dLon, lon + dLon));
      }
      all.push(sql<SqlBool>`${distanceSql(dialect, lat, lon)} <= ${radius}`);
    }
    if (f.properties !== undefined) {
      const pattern = JSON.stringify(f.properties);
      all.push(
        dialect === 'postgres'
          ? sql<SqlBool>`devices.properties @> ${pattern}::jsonb`
          : sql<SqlBool>`polder_json_contains(devices.properties, ${pattern}) = 1`,
      );
    }
    return eb.and(all);
  };
}
