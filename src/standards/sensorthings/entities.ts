import { type RawBuilder, sql } from 'kysely';
import { fromJsonColumn } from '../../shared/json.js';
import { DEVICE_PLACE, places } from './places.js';
import { type AliasKind, aliasOf } from './sta-ids.js';
import { OBSERVED_PROPERTIES, UNASSIGNED_SENSORS, unitOfMeasurement } from './vocabulary.js';

/**
 * The eight SensorThings entity sets as views of Polder's tables. Each set is a SELECT scoped
 * to one organisation whose columns the query compiler addresses by name; `props` maps the
 * filterable/sortable STA properties to those columns, `relations` says how sets join (always
 * one child column equal to one parent column).
 *
 * Thing = device; Location = a site, building, room or a device's own position with
 * coordinates (ids are the place's id; a place without coordinates is no Location); HistoricalLocation = a device's current placement (id = the device id);
 * Sensor = sensor; ObservedProperty = the property key of datastreams (plus ones created
 * through STA); Datastream = datastream; Observation = measurement (id `<datastream>-<ms>`);
 * FeatureOfInterest = the place the device is at (same ids as Locations).
 */

export const SET_NAMES = [
  'Things',
  'Locations',
  'HistoricalLocations',
  'Datastreams',
  'Sensors',
  'ObservedProperties',
  'Observations',
  'FeaturesOfInterest',
] as const;
export type SetName = (typeof SET_NAMES)[number];

export type ColType = 'string' | 'number' | 'time' | 'json' | 'point';
export interface PropDef {
  /** Column of the set's SELECT; for `point`, the columns are x and y. */
  col: string;
  type: ColType;
  /** Never null: $orderby needs no NULLS FIRST/LAST, so an index can give the order. */
  notNull?: boolean;
}
export interface RelationDef {
  target: SetName;
  many: boolean;
  childCol: string;
  parentCol: string;
}
export interface EntitySet {
  name: SetName;
  singular: string;
  /** The `@iot.id` as it appears in URLs: integers (quoted registry keys are accepted too) or quoted strings. */
  key: 'int' | 'string';
  /** The column holding `@iot.id` (an integer alias, `num`, for registry entities); `id` is the registry key. */
  idCol: string;
  /** For sets whose `@iot.id` is an alias in `sta_ids`: its kind (links name entities by it). */
  alias?: AliasKind;
  /** Columns giving the default (stable) order. */
  order: string[];
  /** The set's SELECT; `tables` narrows Observations to the table(s) the values can be in. */
  base(orgId: string, tables?: ObservationTables): RawBuilder<unknown>;
  props: Record<string, PropDef>;
  relations: Record<string, RelationDef>;
  /** The STA properties of a row (no control information). */
  toEntity(row: Row): Record<string, unknown>;
  /** The `@iot.id` of a row. */
  idOf(row: Row): string | number;
}
const num = (col = 'num'): PropDef => ({ col, type: 'number', notNull: true });
const alias = (r: Row) => Number(r.num);
export type Row = Record<string, unknown>;
/**
 * Where Observations are read from: the numeric hot table, measurement_values, or both (a UNION
 * ALL); or one datastream already checked to be the organisation's, read from its table alone
 * with no join (its FeatureOfInterest, the device's place, is the same for every row).
 */
export type ObservationTables =
  | 'numbers'
  | 'values'
  | 'both'
  | { datastream: number; table: 'numbers' | 'values'; foi: string | null };

const OM = 'http://www.opengis.net/def/observationType/OGC-OM/2.0/';
/** The observation type of a datastream's value kind (SensorThings 1.1 Table 12). */
const OBSERVATION_TYPES: Record<string, string> = {
  number: `${OM}OM_Measurement`,
  text: `${OM}OM_CategoryObservation`,
  boolean: `${OM}OM_TruthObservation`,
  json: `${OM}OM_Observation`,
};
export const observationType = (kind: string) => OBSERVATION_TYPES[kind] ?? `${OM}OM_Measurement`;
const observationTypeSql = () =>
  sql`case ${sql.join(
    Object.entries(OBSERVATION_TYPES).map(([kind, uri]) => sql`when ds.value_kind = ${kind} then ${uri}`),
    sql` `,
  )} else ${OBSERVATION_TYPES.number} end`;
/** The kind of values a datastream of an observation type holds. */
export const kindOfObservationType = (type: unknown) =>
  Object.entries(OBSERVATION_TYPES).find(([, uri]) => uri === type)?.[0] ?? 'number';
/** An Observation's result: the number, or the parsed JSON text of a non-numeric value. */
export const resultOf = (r: Row): unknown =>
  r.result_json != null ? JSON.parse(String(r.result_json)) : r.result == null ? null : Number(r.result);
const iso = (ms: unknown) => (ms == null ? null : new Date(Number(ms)).toISOString());
const point = (x: unknown, y: unknown) =>
  x == null || y == null ? null : { type: 'Point', coordinates: [Number(x), Number(y)] };
const json = (v: unknown) => fromJsonColumn<Record<string, unknown>>(v, {});

const vocabulary = () =>
  sql.join(
    Object.entries(OBSERVED_PROPERTIES).map(
      ([key, p]) => sql`select ${key} as key, ${p.name} as name, ${p.definition} as definition, ${p.description} as description`,
    ),
    sql` union all `,
  );

/** Places with a position, as Locations and FeaturesOfInterest both list them. */
const locatedPlaces = (orgId: string) => sql`select p.*, ${aliasOf(orgId, 'place', 'p.id')} as num,
  'application/geo+json' as encoding_type from (${places(orgId)}) p where p.x is not null`;

const s = (col: string, notNull = false): PropDef => ({ col, type: 'string', notNull });

export const SETS: Record<SetName, EntitySet> = {
  Things: {
    name: 'Things',
    singular: 'Thing',
    key: 'int',
    idCol: 'num',
    alias: 'thing',
    order: ['num'],
    base: (orgId) => sql`select d.id as id, ${aliasOf(orgId, 'thing', 'd.id')} as num, d.code as name,
      coalesce(d.description, '') as description, d.properties as properties, ${DEVICE_PLACE} as location_id from devices d
      where d.org_id = ${orgId} and d.code <> ${UNASSIGNED_SENSORS}`,
    props: {
      id: num(),
      name: s('name', true),
      description: s('description'),
      properties: { col: 'properties', type: 'json' },
    },
    relations: {
      Locations: { target: 'Locations', many: true, childCol: 'id', parentCol: 'location_id' },
      HistoricalLocations: { target: 'HistoricalLocations', many: true, childCol: 'thing_id', parentCol: 'id' },
      Datastreams: { target: 'Datastreams', many: true, childCol: 'device_id', parentCol: 'id' },
    },
    toEntity: (r) => ({ name: r.name, description: r.description, properties: json(r.properties) }),
    idOf: alias,
  },
  Locations: {
    name: 'Locations',
    singular: 'Location',
    key: 'int',
    idCol: 'num',
    alias: 'place',
    order: ['num'],
    base: locatedPlaces,
    props: {
      id: num(),
      name: s('name', true),
      description: s('description'),
      encodingType: s('encoding_type'),
      location: { col: 'x', type: 'point' },
    },
    relations: {
      Things: { target: 'Things', many: true, childCol: 'location_id', parentCol: 'id' },
      HistoricalLocations: { target: 'HistoricalLocations', many: true, childCol: 'location_id', parentCol: 'id' },
    },
    toEntity: (r) => ({
      name: r.name,
      description: r.description,
      encodingType: r.encoding_type,
      location: point(r.x, r.y),
      properties: { kind: r.kind },
    }),
    idOf: alias,
  },
  HistoricalLocations: {
    name: 'HistoricalLocations',
    singular: 'HistoricalLocation',
    key: 'int',
    idCol: 'id',
    order: ['id'],
    // Every recorded placement of a device (sta_location_history), not only the current one.
    base: (orgId) => sql`select h.id as id, h.device_id as thing_id, h.location_id as location_id, h.time as time
      from sta_location_history h where h.org_id = ${orgId}`,
    props: { id: num('id'), time: { col: 'time', type: 'time', notNull: true } },
    relations: {
      Thing: { target: 'Things', many: false, childCol: 'id', parentCol: 'thing_id' },
      Locations: { target: 'Locations', many: true, childCol: 'id', parentCol: 'location_id' },
    },
    toEntity: (r) => ({ time: iso(r.time) }),
    idOf: (r) => Number(r.id),
  },
  Sensors: {
    name: 'Sensors',
    singular: 'Sensor',
    key: 'int',
    idCol: 'num',
    alias: 'sensor',
    order: ['num'],
    base: (orgId) => sql`select s.id as id, ${aliasOf(orgId, 'sensor', 's.id')} as num, s.code as name,
      coalesce(s.description, trim(coalesce(s.brand, '') || ' ' || coalesce(s.model, '')), '') as description,
      'text/plain' as encoding_type, trim(coalesce(s.brand, '') || ' ' || coalesce(s.model, '')) as metadata,
      s.properties as properties, s.device_id as device_id from sensors s where s.org_id = ${orgId}`,
    props: {
      id: num(),
      name: s('name', true),
      description: s('description'),
      encodingType: s('encoding_type'),
      metadata: s('metadata'),
      properties: { col: 'properties', type: 'json' },
    },
    relations: { Datastreams: { target: 'Datastreams', many: true, childCol: 'sensor_id', parentCol: 'id' } },
    toEntity: (r) => ({
      name: r.name,
      description: r.description,
      encodingType: r.encoding_type,
      metadata: r.metadata,
      properties: json(r.properties),
    }),
    idOf: alias,
  },
  ObservedProperties: {
    name: 'ObservedProperties',
    singular: 'ObservedProperty',
    key: 'int',
    idCol: 'num',
    alias: 'op',
    order: ['num'],
    base: (orgId) => sql`select k.id as id, ${aliasOf(orgId, 'op', 'k.id')} as num, coalesce(o.name, v.name, k.id) as name,
      coalesce(o.definition, v.definition, 'urn:polder:observed-property:' || k.id) as definition,
      coalesce(o.description, v.description, '') as description, o.properties as properties
      from (select observed_property as id from datastreams where org_id = ${orgId}
            union select key from sta_observed_properties where org_id = ${orgId}) k
      left join sta_observed_properties o on o.org_id = ${orgId} and o.key = k.id
      left join (${vocabulary()}) v on v.key = k.id`,
    props: { id: num(), name: s('name', true), definition: s('definition'), description: s('description') },
    relations: { Datastreams: { target: 'Datastreams', many: true, childCol: 'op_id', parentCol: 'id' } },
    toEntity: (r) => ({
      name: r.name,
      definition: r.definition,
      description: r.description,
      properties: json(r.properties),
    }),
    idOf: alias,
  },
  Datastreams: {
    name: 'Datastreams',
    singular: 'Datastream',
    key: 'int',
    idCol: 'id',
    order: ['id'],
    base: (orgId) => sql`select ds.id as id,
      coalesce(m.name, d.code || ' ' || s.code || ' ' || ds.observed_property) as name,
      coalesce(m.description, ds.observed_property || ' measured by sensor ' || s.code || ' of device ' || d.code) as description,
      m.properties as properties, ds.unit as unit, ds.value_kind as value_kind, ${observationTypeSql()} as observation_type,
      ds.observed_property as op_id,
      ds.sensor_id as sensor_id, ds.device_id as device_id
      from datastreams ds join sensors s on s.id = ds.sensor_id join devices d on d.id = ds.device_id
      left join sta_datastreams m on m.datastream_id = ds.id where ds.org_id = ${orgId}`,
    props: {
      id: num('id'),
      name: s('name'),
      description: s('description'),
      observationType: s('observation_type'),
      'unitOfMeasurement/symbol': s('unit'),
      'unitOfMeasurement/name': s('unit'),
      properties: { col: 'properties', type: 'json' },
    },
    relations: {
      Thing: { target: 'Things', many: false, childCol: 'id', parentCol: 'device_id' },
      Sensor: { target: 'Sensors', many: false, childCol: 'id', parentCol: 'sensor_id' },
      ObservedProperty: { target: 'ObservedProperties', many: false, childCol: 'id', parentCol: 'op_id' },
      Observations: { target: 'Observations', many: true, childCol: 'ds_id', parentCol: 'id' },
    },
    toEntity: (r) => ({
      name: r.name,
      description: r.description,
      unitOfMeasurement: unitOfMeasurement(String(r.unit)),
      observationType: r.observation_type,
      properties: json(r.properties),
    }),
    idOf: (r) => Number(r.id),
  },
  Observations: {
    name: 'Observations',
    singular: 'Observation',
    key: 'string',
    idCol: 'id',
    order: ['ds_id', 'time'],
    // Numbers come from the measurements hot table, other results (text, booleans, JSON) from
    // measurement_values as JSON text in result_json; a datastream holds one kind.
    // A single table keeps the (datastream_id, time) index order visible to the planner (SQLite
    // does not push ORDER BY … LIMIT through a UNION ALL): the reader picks it when it can.
    base: (orgId, tables = 'both') => {
      const numbers = sql`select datastream_id as ds_id, time, value as result, null as result_json from measurements`;
      const values = sql`select datastream_id as ds_id, time, null as result, cast(value as text) as result_json
        from measurement_values`;
      if (typeof tables === 'object')
        return sql`select o.ds_id as ds_id, o.time as time, o.result as result, o.result_json as result_json,
          cast(o.ds_id as text) || '-' || cast(o.time as text) as id, ${tables.foi} as foi_id
          from (${tables.table === 'numbers' ? numbers : values}) o where o.ds_id = ${tables.datastream}`;
      const source = tables === 'numbers' ? numbers : tables === 'values' ? values : sql`${numbers} union all ${values}`;
      return sql`select o.ds_id as ds_id, o.time as time, o.result as result, o.result_json as result_json,
      cast(o.ds_id as text) || '-' || cast(o.time as text) as id,
      ${DEVICE_PLACE} as foi_id
      from (${source}) o
      join datastreams ds on ds.id = o.ds_id join devices d on d.id = ds.device_id
      where ds.org_id = ${orgId}`;
    },
    props: {
      id: s('id', true),
      phenomenonTime: { col: 'time', type: 'time', notNull: true },
      resultTime: { col: 'time', type: 'time', notNull: true },
      result: { col: 'result', type: 'number' },
    },
    relations: {
      Datastream: { target: 'Datastreams', many: false, childCol: 'id', parentCol: 'ds_id' },
      FeatureOfInterest: { target: 'FeaturesOfInterest', many: false, childCol: 'id', parentCol: 'foi_id' },
    },
    toEntity: (r) => ({
      phenomenonTime: iso(r.time),
      resultTime: iso(r.time),
      result: resultOf(r),
    }),
    idOf: (r) => `${Number(r.ds_id)}-${Number(r.time)}`,
  },
  FeaturesOfInterest: {
    name: 'FeaturesOfInterest',
    singular: 'FeatureOfInterest',
    key: 'int',
    idCol: 'num',
    alias: 'place',
    order: ['num'],
    base: locatedPlaces,
    props: {
      id: num(),
      name: s('name', true),
      description: s('description'),
      encodingType: s('encoding_type'),
      feature: { col: 'x', type: 'point' },
    },
    relations: { Observations: { target: 'Observations', many: true, childCol: 'foi_id', parentCol: 'id' } },
    toEntity: (r) => ({
      name: r.name,
      description: r.description,
      encodingType: r.encoding_type,
      feature: point(r.x, r.y),
      properties: { kind: r.kind },
    }),
    idOf: alias,
  },
};

/** Parses an Observation id `<datastream>-<ms>`. */
export function observationKey(id: string): { dsId: number; time: number } | undefined {
  const m = /^(\d{1,15})-(-?\d{1,16})$/.exec(id);
  return m ? { dsId: Number(m[1]), time: Number(m[2]) } : undefined;
}

export const isSetName = (name: string): name is SetName => (SET_NAMES as readonly string[]).includes(name);
