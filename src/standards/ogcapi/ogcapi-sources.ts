/**
 * Each collection as SQL: what it selects, from which joined tables, its point, its time, its
 * filterable columns, its sort key and feature id. The same text runs on SQLite and
 * PostgreSQL (Kysely compiles the placeholders) but for a datastream's newest value
 * (db/measurement-ends.ts); ogcapi.store.ts composes the clauses.
 */
import { type RawBuilder, sql } from 'kysely';
import type { Dialect } from '../../db/dialect.js';
import { endOf } from '../../db/measurement-ends.js';
import type { SortKey } from '../../db/paginate.js';
import { toIsoOrNull } from '../../shared/clock.js';
import type { Collection, FeatureRecord } from './ogcapi.js';

export type Row = Record<string, unknown>;
type Sql = RawBuilder<unknown>;

export interface Source {
  select: Sql;
  /** FROM and joins. */
  from: Sql;
  /** Conditions that make this collection (organisation, observed property). */
  scope: Sql[];
  lon: Sql;
  lat: Sql;
  /** Compared with `datetime`; undefined: no temporal information (every datetime matches). */
  time?: Sql;
  /** Filter name → column; the value converter turns a query string value into a bound value. */
  columns: Record<string, Sql>;
  keys: SortKey[];
  keyOf(row: Row): unknown[];
  /** The condition selecting one feature by its id, or null when the id cannot be one. */
  byId(featureId: string): Sql | null;
  feature(row: Row): FeatureRecord;
}

const num = (v: unknown): number | null => (v == null ? null : Number(v));
const pointOf = (row: Row): [number, number] | null =>
  row.lon == null || row.lat == null ? null : [Number(row.lon), Number(row.lat)];

/** A device's place: its own coordinates, else its site's (rooms and buildings have none). */
export const deviceLon = sql`(case when d.latitude is not null and d.longitude is not null then d.longitude else s.longitude end)`;
export const deviceLat = sql`(case when d.latitude is not null and d.longitude is not null then d.latitude else s.latitude end)`;
const deviceJoins = sql`left join device_types t on t.id = d.type_id
  left join sites s on s.id = d.site_id
  left join buildings b on b.id = d.building_id
  left join rooms r on r.id = d.room_id`;
const locationColumns = { site: sql`s.slug`, building: sql`b.slug`, room: sql`r.slug`, type: sql`t.name`, state: sql`d.state` };
const deviceSelect = sql`d.code as device, d.state as state, t.name as type, s.slug as site, b.slug as building, r.slug as room,
  ${deviceLon} as lon, ${deviceLat} as lat`;
const placeProps = (row: Row) => ({ site: row.site ?? null, building: row.building ?? null, room: row.room ?? null });

/** A datastream's newest time or value, and its first time: each one seek per table (db/measurement-ends.ts). */
export const latestOf = (dialect: Dialect, column: 'time' | 'value', stream: Sql) => endOf(dialect, column, stream, 'desc');
export const firstTimeOf = (dialect: Dialect, stream: Sql) => endOf(dialect, 'time', stream, 'asc');

function devices(orgId: string): Source {
  return {
    select: sql`d.id, d.code, d.description, d.state, d.enabled, d.last_seen_at, d.outdoor_zone, d.altitude,
      t.name as type, s.slug as site, b.slug as building, r.slug as room, ${deviceLon} as lon, ${deviceLat} as lat`,
    from: sql`devices d ${deviceJoins}`,
    scope: [sql`d.org_id = ${orgId}`],
    lon: deviceLon,
    lat: deviceLat,
    time: sql`d.last_seen_at`,
    columns: { ...locationColumns, code: sql`d.code`, enabled: sql`d.enabled` },
    keys: [{ column: 'd.code' }],
    keyOf: (row) => [row.code],
    byId: (id) => sql`d.code = ${id}`,
    feature: (row) => ({
      id: String(row.code),
      point: pointOf(row),
      properties: {
        code: row.code,
        description: row.description ?? null,
        type: row.type ?? null,
        state: row.state,
        enabled: Number(row.enabled) === 1,
        lastSeen: toIsoOrNull(num(row.last_seen_at)),
        ...placeProps(row),
        outdoor: row.outdoor_zone ?? null,
        altitude: num(row.altitude),
      },
    }),
  };
}

function sites(orgId: string): Source {
  return {
    select: sql`s.id, s.slug, s.name, s.description, s.time_zone, s.is_default, s.longitude as lon, s.latitude as lat,
      (select count(*) from buildings b where b.site_id = s.id) as buildings,
      (select count(*) from devices d where d.site_id = s.id) as devices`,
    from: sql`sites s`,
    scope: [sql`s.org_id = ${orgId}`],
    lon: sql`s.longitude`,
    lat: sql`s.latitude`,
    columns: { slug: sql`s.slug`, name: sql`s.name` },
    keys: [{ column: 's.slug' }],
    keyOf: (row) => [row.slug],
    byId: (id) => sql`s.slug = ${id}`,
    feature: (row) => ({
      id: String(row.slug),
      point: pointOf(row),
      properties: {
        slug: row.slug,
        name: row.name,
        description: row.description ?? null,
        timeZone: row.time_zone ?? null,
        isDefault: Number(row.is_default) === 1,
        buildings: Number(row.buildings),
        devices: Number(row.devices),
      },
    }),
  };
}

function buildings(orgId: string): Source {
  return {
    select: sql`b.id, b.slug, b.name, s.slug as site, s.longitude as lon, s.latitude as lat,
      (select count(*) from rooms r where r.building_id = b.id) as rooms,
      (select count(*) from devices d where d.building_id = b.id) as devices`,
    from: sql`buildings b join sites s on s.id = b.site_id`,
    scope: [sql`b.org_id = ${orgId}`],
    lon: sql`s.longitude`,
    lat: sql`s.latitude`,
    columns: { slug: sql`b.slug`, site: sql`s.slug`, name: sql`b.name` },
    keys: [{ column: 'b.id' }],
    keyOf: (row) => [row.id],
    byId: (id) => sql`b.id = ${id}`,
    feature: (row) => ({
      id: String(row.id),
      point: pointOf(row),
      properties: { slug: row.slug, name: row.name, site: row.site, rooms: Number(row.rooms), devices: Number(row.devices) },
    }),
  };
}

const datastreamJoins = sql`join devices d on d.id = ds.device_id
  join sensors sn on sn.id = ds.sensor_id
  ${deviceJoins}`;
const integerId = (id: string) => (/^\d{1,15}$/.test(id) ? Number(id) : null);

function property(orgId: string, observedProperty: string, dialect: Dialect): Source {
  const time = latestOf(dialect, 'time', sql`ds.id`);
  return {
    select: sql`ds.id, ds.observed_property, ds.unit, sn.code as sensor, ${deviceSelect},
      ${time} as time, ${latestOf(dialect, 'value', sql`ds.id`)} as value`,
    from: sql`datastreams ds ${datastreamJoins}`,
    scope: [sql`ds.org_id = ${orgId}`, sql`ds.observed_property = ${observedProperty}`],
    lon: deviceLon,
    lat: deviceLat,
    time,
    columns: { ...locationColumns, datastream: sql`ds.id`, device: sql`d.code`, sensor: sql`sn.code`, unit: sql`ds.unit` },
    keys: [{ column: 'ds.id' }],
    keyOf: (row) => [Number(row.id)],
    byId: (id) => (integerId(id) === null ? null : sql`ds.id = ${integerId(id)}`),
    feature: (row) => ({
      id: String(row.id),
      point: pointOf(row),
      properties: {
        datastream: Number(row.id),
        device: row.device,
        sensor: row.sensor,
        observedProperty: row.observed_property,
        unit: row.unit,
        value: num(row.value),
        time: toIsoOrNull(num(row.time)),
        state: row.state,
        type: row.type ?? null,
        ...placeProps(row),
      },
    }),
  };
}

/** Measurement feature ids: `<datastream>-<Unix ms>`, the table's primary key. */
const MEASUREMENT_ID = /^(\d{1,15})-(\d{1,15})$/;

function measurements(orgId: string): Source {
  return {
    select: sql`m.datastream_id, m.time, m.value, ds.observed_property, ds.unit, sn.code as sensor, ${deviceSelect}`,
    from: sql`measurements m join datastreams ds on ds.id = m.datastream_id ${datastreamJoins}`,
    scope: [sql`ds.org_id = ${orgId}`],
    lon: deviceLon,
    lat: deviceLat,
    time: sql`m.time`,
    columns: {
      datastream: sql`m.datastream_id`,
      device: sql`d.code`,
      sensor: sql`sn.code`,
      observedProperty: sql`ds.observed_property`,
      unit: sql`ds.unit`,
    },
    keys: [{ column: 'm.datastream_id' }, { column: 'm.time' }],
    keyOf: (row) => [Number(row.datastream_id), Number(row.time)],
    byId: (id) => {
      const m = MEASUREMENT_ID.exec(id);
      return m ? sql`m.datastream_id = ${Number(m[1])} and m.time = ${Number(m[2])}` : null;
    },
    feature: (row) => ({
      id: `${row.datastream_id}-${row.time}`,
      point: pointOf(row),
      properties: {
        datetime: toIsoOrNull(num(row.time)),
        value: num(row.value),
        datastream: Number(row.datastream_id),
        device: row.device,
        sensor: row.sensor,
        observedProperty: row.observed_property,
        unit: row.unit,
      },
    }),
  };
}

export function sourceOf(orgId: string, c: Collection, dialect: Dialect): Source {
  switch (c.kind) {
    case 'devices':
      return devices(orgId);
    case 'sites':
      return sites(orgId);
    case 'buildings':
      return buildings(orgId);
    case 'measurements':
      return measurements(orgId);
    case 'property':
      return property(orgId, c.property as string, dialect);
  }
}
