/**
 * OGC API – Features Part 1 (OGC 17-069r4, 1.0.1) over Polder's model: the domain's types and
 * the storage port. Collections are views of the registry and the measurements; nothing here
 * knows Kysely or Fastify.
 */
import type { Scope } from '../../tenancy/tenancy.js';

const CONF = 'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf';
const FILTER = 'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf';
const CQL2 = 'http://www.opengis.net/spec/cql2/1.0/conf';
const CRS_CONF = 'http://www.opengis.net/spec/ogcapi-features-2/1.0/conf';
/** What GET /conformance lists (§7.4): the classes this server implements, and only those. */
export const CONFORMANCE = [
  `${CONF}/core`,
  `${CONF}/geojson`,
  `${CONF}/html`,
  `${CONF}/oas30`,
  // Part 3: /queryables, each queryable as a query parameter, `filter` in Basic CQL2 text.
  `${FILTER}/queryables`,
  `${FILTER}/queryables-query-parameters`,
  `${FILTER}/filter`,
  `${FILTER}/features-filter`,
  `${CQL2}/basic-cql2`,
  `${CQL2}/cql2-text`,
  // LIKE, BETWEEN, IN; S_INTERSECTS of the geometry with a BBOX/ENVELOPE or POINT literal.
  `${CQL2}/advanced-comparison-operators`,
  `${CQL2}/basic-spatial-functions`,
  // Part 2: `crs` and `bbox-crs` with CRS84 and EPSG:4326 (latitude first).
  `${CRS_CONF}/crs`,
];

export const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';
/** WGS 84 with the axis order EPSG gives it: latitude, then longitude. */
export const EPSG4326 = 'http://www.opengis.net/def/crs/EPSG/0/4326';
export const SUPPORTED_CRS = [CRS84, EPSG4326];
export const GREGORIAN = 'http://www.opengis.net/def/uom/ISO-8601/0/Gregorian';

/** §7.15.2: default 10; a larger limit than the maximum is clamped, not refused. */
export const DEFAULT_LIMIT = 10;
export const MAX_LIMIT = 10_000;

export type CollectionKind = 'devices' | 'sites' | 'buildings' | 'measurements' | 'property';

/** A property filter (`?state=online,offline`): comma-separated values are alternatives. */
export interface FilterDef {
  name: string;
  description: string;
  type: 'string' | 'integer' | 'boolean';
}

export interface Collection {
  id: string;
  kind: CollectionKind;
  title: string;
  description: string;
  /** The observed property of a `property` collection. */
  property?: string;
  /** What a caller needs to read it. */
  scope: Scope;
  filters: FilterDef[];
  /** What `datetime` is compared with, for the API definition; undefined: no temporal information. */
  temporal?: string;
  /** What numberMatched costs: the measurements collection leaves it out (a count over the hot table). */
  counted: boolean;
}

/** Minimum and maximum longitude and latitude (CRS84); minLon > maxLon crosses the antimeridian. */
export interface BBox {
  minLon: number;
  minLat: number;
  maxLon: number;
  maxLat: number;
}

/** Inclusive bounds in Unix ms; null is an open end. An instant has from === to. */
export interface Interval {
  from: number | null;
  to: number | null;
}

/** A side of a Basic CQL2 comparison: a queryable (one of the collection's filters) or a literal. */
export type CqlOperand = { property: string } | { value: string | number | boolean };

/** A Basic CQL2 expression (Part 3). */
export type CqlExpr =
  | { op: 'and' | 'or'; args: CqlExpr[] }
  | { op: 'not'; arg: CqlExpr }
  | { op: '=' | '<>' | '<' | '<=' | '>' | '>='; left: CqlOperand; right: CqlOperand }
  | { op: 'isNull'; property: string }
  | { op: 'like'; property: string; pattern: string }
  | { op: 'between'; property: string; low: string | number; high: string | number }
  | { op: 'in'; property: string; values: (string | number | boolean)[] }
  /** S_INTERSECTS(geometry, BBOX(…)) or a POINT (a box of no size); features without a place never intersect. */
  | { op: 'sIntersects'; box: BBox };

export interface ItemsQuery {
  limit: number;
  cursor?: string | undefined;
  /** `crs` of the answer (Part 2); CRS84 when absent. */
  crs?: string | undefined;
  bbox?: BBox | undefined;
  datetime?: Interval | undefined;
  /** Property filters by name; each value list is OR-ed, the filters AND-ed. */
  filters: Map<string, string[]>;
  cql?: CqlExpr | undefined;
}

export interface FeatureRecord {
  id: string;
  /** [longitude, latitude] in CRS84, or null when Polder knows no place. */
  point: [number, number] | null;
  properties: Record<string, unknown>;
}

export interface FeaturePage {
  features: FeatureRecord[];
  /** Cursor of the next page, null on the last one. */
  next: string | null;
  /** Cursor of the previous page, null on the first one. */
  prev?: string | null;
  numberMatched?: number | undefined;
}

export interface Extent {
  bbox: [number, number, number, number] | null;
  interval: [number | null, number | null] | null;
}

/** The storage port: every read takes the caller's organisation. */
export interface FeatureStore {
  /** Observed properties that have at least one datastream in the organisation, sorted. */
  observedProperties(orgId: string): Promise<string[]>;
  hasObservedProperty(orgId: string, property: string): Promise<boolean>;
  extent(orgId: string, collection: Collection): Promise<Extent>;
  items(orgId: string, collection: Collection, query: ItemsQuery): Promise<FeaturePage>;
  item(orgId: string, collection: Collection, featureId: string): Promise<FeatureRecord | undefined>;
}

const str = (name: string, description: string): FilterDef => ({ name, description, type: 'string' });
const LOCATION_FILTERS = [str('site', 'Site slug'), str('building', 'Building slug'), str('room', 'Room slug')];

/** The collections every organisation has; one `property` collection per observed property is added. */
export const FIXED_COLLECTIONS: Collection[] = [
  {
    id: 'devices',
    kind: 'devices',
    title: 'Devices',
    description:
      "Devices as points (their own coordinates, else their site's), with type, state, last seen time and the latest value of each observed property.",
    scope: 'devices:read',
    filters: [
      str('code', 'Device code'),
      str('type', 'Device type name'),
      str('state', 'online | offline | unknown | disabled'),
      ...LOCATION_FILTERS,
      { name: 'enabled', description: 'true or false', type: 'boolean' },
    ],
    temporal: 'lastSeen (devices never seen match any datetime)',
    counted: true,
  },
  {
    id: 'sites',
    kind: 'sites',
    title: 'Sites',
    description: 'Sites of the organisation (campus, town …) at their coordinates.',
    scope: 'devices:read',
    filters: [str('slug', 'Site slug'), str('name', 'Site name')],
    counted: true,
  },
  {
    id: 'buildings',
    kind: 'buildings',
    title: 'Buildings',
    description: "Buildings, placed at their site's coordinates (Polder keeps no coordinates per building).",
    scope: 'devices:read',
    filters: [str('slug', 'Building slug'), str('site', 'Site slug'), str('name', 'Building name')],
    counted: true,
  },
  {
    id: 'measurements',
    kind: 'measurements',
    title: 'Measurements',
    description:
      'Every stored measurement as a point feature at its device, with its time as `datetime`: for time series. Filter by datastream or device; numberMatched is not given.',
    scope: 'measurements:read',
    filters: [
      { name: 'datastream', description: 'Datastream id', type: 'integer' },
      str('device', 'Device code'),
      str('sensor', 'Sensor code'),
      str('observedProperty', 'Observed property, e.g. temperature'),
      str('unit', 'UCUM unit code'),
    ],
    temporal: 'datetime (the time of the measurement)',
    counted: false,
  },
];

/** Filters of every observed-property collection (one feature per datastream, its latest value). */
export const PROPERTY_FILTERS: FilterDef[] = [
  { name: 'datastream', description: 'Datastream id', type: 'integer' },
  str('device', 'Device code'),
  str('sensor', 'Sensor code'),
  str('unit', 'UCUM unit code'),
  str('type', 'Device type name'),
  str('state', 'Device state'),
  ...LOCATION_FILTERS,
];

const RESERVED = new Set(FIXED_COLLECTIONS.map((c) => c.id));
const PREFIX = 'latest-';

export function propertyCollection(property: string): Collection {
  return {
    id: RESERVED.has(property) || property.startsWith(PREFIX) ? `${PREFIX}${property}` : property,
    kind: 'property',
    property,
    title: `Latest ${property}`,
    description: `The latest ${property} of each datastream that measures it, at its device.`,
    scope: 'measurements:read',
    filters: PROPERTY_FILTERS,
    temporal: 'time of the latest value (datastreams without values match any datetime)',
    counted: true,
  };
}

/** The observed property a collection id names, when it is not a fixed collection. */
export function propertyOfId(id: string): string {
  return id.startsWith(PREFIX) ? id.slice(PREFIX.length) : id;
}
