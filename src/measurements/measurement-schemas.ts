import { type TSchema, Type } from '@sinclair/typebox';
import { IsoTime, Nullable } from '../http/schemas.js';
import { VALUE_KINDS } from '../shared/values.js';
import { EXPORT_COLUMNS, EXPORT_FORMATS } from './measurement-export.js';
import { MEASUREMENT_FORMATS } from './measurement-json.js';
import { AGGS, INTERVAL_NAMES, ORDERS } from './measurement-query.js';

/** TypeBox schemas of the measurements routes (query string, rows, latest values). */

/** Measurements are bulk data: pages may be much larger than other lists. */
export const MAX_MEASUREMENT_LIMIT = 100_000;
export const DEFAULT_MEASUREMENT_LIMIT = 1000;

export const literals = <T extends string>(values: readonly T[], description: string, dflt?: T) =>
  Type.Union(
    values.map((v) => Type.Literal(v)),
    { description, ...(dflt !== undefined && { default: dflt }) },
  );

/** The filters every measurements read shares (query, export). */
export const FilterQuery = {
  datastream: Type.Optional(
    Type.Array(Type.String(), { description: 'Datastream id; repeat the parameter or separate ids by commas for several' }),
  ),
  device: Type.Optional(Type.String({ description: 'Device id or code: all its datastreams' })),
  sensor: Type.Optional(Type.String({ description: 'Sensor id: all its datastreams' })),
  observedProperty: Type.Optional(Type.String({ description: 'Only datastreams of this observed property' })),
  start: Type.Optional(Type.String({ description: 'RFC 3339 date-time, inclusive (e.g. 2024-05-01T00:00:00Z)' })),
  end: Type.Optional(Type.String({ description: 'RFC 3339 date-time, exclusive' })),
  order: Type.Optional(literals(ORDERS, 'Time order within each datastream (datastreams come by ascending id)', 'asc')),
  interval: Type.Optional(
    literals(
      [...INTERVAL_NAMES, 'auto'],
      'Aggregate into buckets of this width (auto: the finest giving at most `limit` buckets)',
    ),
  ),
  agg: Type.Optional(literals(AGGS, 'Aggregation function of each bucket (default avg); needs interval')),
};

export const MeasurementRowSchema = Type.Object(
  {
    datastream: Type.Integer({ description: 'Datastream id' }),
    time: Type.String({ format: 'date-time', description: 'RFC 3339 UTC with milliseconds; with an interval, the bucket start' }),
    value: Type.Unknown({
      description: 'The value (a number; text, a boolean or JSON for datastreams of those kinds), or the bucket aggregate',
    }),
  },
  { $id: 'MeasurementRow', title: 'MeasurementRow' },
);

export const MeasurementFormatQuery = Type.Optional(
  literals(
    MEASUREMENT_FORMATS,
    'rows: one object per row; columnar: one entry per datastream with its times (Unix ms) and values as arrays',
    'rows',
  ),
);

const pageFields = {
  links: Type.Object({ next: Nullable(Type.String({ format: 'uri' })) }),
  total: Type.Optional(Type.Integer()),
  interval: Type.Optional(Type.String({ description: 'The interval used (what auto chose)' })),
};

/** One datastream's rows of a page, as columns (`format=columnar`). */
export const MeasurementSeriesSchema = Type.Object(
  {
    datastream: Type.Integer({ description: 'Datastream id' }),
    time: Type.Array(Type.Integer(), { description: 'Unix milliseconds (UTC); with an interval, the bucket starts' }),
    value: Type.Array(Type.Unknown(), { description: 'The values, one per time (as in MeasurementRow.value)' }),
  },
  { $id: 'MeasurementSeries', title: 'MeasurementSeries' },
);

/** A page of `GET /api/measurements`: rows (the default), or series with `format=columnar`. */
export const MeasurementPageSchema = Type.Union([
  Type.Object({ data: Type.Array(Type.Ref(MeasurementRowSchema)), ...pageFields }, { title: 'MeasurementRowsPage' }),
  Type.Object({ data: Type.Array(Type.Ref(MeasurementSeriesSchema)), ...pageFields }, { title: 'MeasurementColumnsPage' }),
]);

export const LatestSchema = Type.Object(
  {
    datastream: Type.Integer(),
    device: Type.String(),
    sensor: Type.String(),
    observedProperty: Type.String(),
    unit: Type.String({ description: 'UCUM code; empty for values without a unit' }),
    valueKind: literals(VALUE_KINDS, 'What the datastream holds: number, text, boolean or json'),
    time: Nullable(IsoTime),
    value: Type.Unknown({ description: 'A number, text, a boolean or JSON as the datastream holds; null when it has none' }),
  },
  { $id: 'LatestValue', title: 'LatestValue' },
);

export const textBody = (types: string[], description: string): TSchema =>
  ({ description, content: Object.fromEntries(types.map((t) => [t, { schema: { type: 'string' } }])) }) as unknown as TSchema;

export const ExportFormatQuery = Type.Optional(literals(EXPORT_FORMATS, 'csv (with a header line) or ndjson', 'csv'));

export const ExportColumnsQuery = Type.Optional(
  literals(
    EXPORT_COLUMNS,
    'full: device, sensor, observedProperty and unit beside the datastream id; minimal: the id only',
    'full',
  ),
);
