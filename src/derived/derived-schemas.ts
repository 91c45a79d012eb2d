/** The HTTP shapes of a derived definition: /api/datastreams/{id}/derived and `derived` in POST /api/datastreams. */
import { Type } from '@sinclair/typebox';
import { IsoTime, Nullable } from '../http/schemas.js';
import { toIso } from '../shared/clock.js';
import { type DerivedDatastream, WINDOW_AGGREGATES } from './derived.js';

const WindowSchema = Type.Object(
  {
    seconds: Type.Integer({ description: 'Tumbling window, UTC-aligned; divides a day (60, 300, 3600 …)' }),
    aggregate: Type.String({ description: WINDOW_AGGREGATES.join(', ') }),
  },
  { additionalProperties: false },
);
const ConvertSchema = Type.Object(
  { from: Type.String({ description: 'UCUM unit, e.g. W' }), to: Type.String({ description: 'UCUM unit, e.g. kW' }) },
  { additionalProperties: false },
);
const Fields = {
  inputs: Type.Record(Type.String(), Type.Integer(), {
    description: 'Names usable in the expression → input datastream ids, e.g. {"l1": 12, "l2": 13, "l3": 14}',
  }),
  window: Type.Optional(Nullable(WindowSchema)),
  expression: Type.Optional(
    Nullable(
      Type.String({
        maxLength: 1000,
        description: 'Arithmetic over the inputs (+ - * / ^, abs, sqrt, min, max …); default: the single input',
      }),
    ),
  ),
  convert: Type.Optional(Nullable(ConvertSchema)),
  latenessSeconds: Type.Optional(Type.Number({ description: 'A window is computed this long after its end (default 5)' })),
  backfillSeconds: Type.Optional(Type.Number({ description: 'Compute this far back from stored input (default 0)' })),
};
/** What PUT /api/datastreams/{id}/derived takes, and `derived` in POST /api/datastreams. */
export const DerivedBody = Type.Object(Fields, {
  additionalProperties: false,
  description: 'How the datastream is computed from others (windowed aggregate, arithmetic, unit conversion)',
});
/** A derived datastream's definition and progress. */
export const DerivedSchema = Type.Object({
  datastream: Type.Integer(),
  ...Fields,
  window: Nullable(WindowSchema),
  expression: Nullable(Type.String()),
  convert: Nullable(ConvertSchema),
  latenessSeconds: Type.Number(),
  backfillSeconds: Type.Number(),
  doneUntil: IsoTime,
  createdAt: IsoTime,
  updatedAt: IsoTime,
});

export const derivedView = (d: DerivedDatastream) => ({
  datastream: d.datastreamId,
  ...d.definition,
  doneUntil: toIso(d.doneUntil),
  createdAt: toIso(d.createdAt),
  updatedAt: toIso(d.updatedAt),
});
