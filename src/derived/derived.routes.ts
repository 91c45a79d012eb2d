import { Type } from '@sinclair/typebox';
import { principalOf } from '../http/auth.js';
import { errors, IsoTime, Nullable } from '../http/schemas.js';
import type { TypedApp } from '../http/types.js';
import { toIso } from '../shared/clock.js';
import type { DerivedDatastream } from './derived.js';
import { WINDOW_AGGREGATES } from './derived.js';
import type { DerivedService } from './derived.service.js';

const Params = Type.Object({ id: Type.String({ description: 'Datastream id (an integer)' }) });
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
const DerivedBody = Type.Object(Fields, { additionalProperties: false });
const DerivedSchema = Type.Object({
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

const view = (d: DerivedDatastream) => ({
  datastream: d.datastreamId,
  ...d.definition,
  doneUntil: toIso(d.doneUntil),
  createdAt: toIso(d.createdAt),
  updatedAt: toIso(d.updatedAt),
});

/** /api/datastreams/{id}/derived: what a derived datastream is computed from. */
export function derivedRoutes(app: TypedApp, derived: DerivedService): void {
  const org = (request: Parameters<typeof principalOf>[0]) => principalOf(request).orgId;
  app.get(
    '/api/datastreams/:id/derived',
    {
      config: { scope: 'devices:read' },
      schema: {
        tags: ['datastreams'],
        summary: 'How a derived datastream is computed',
        params: Params,
        response: { 200: DerivedSchema, ...errors(404) },
      },
    },
    async (request) => view(await derived.get(org(request), request.params.id)),
  );
  app.put(
    '/api/datastreams/:id/derived',
    {
      config: { scope: 'devices:write' },
      schema: {
        tags: ['datastreams'],
        summary: 'Make a datastream derived: computed continuously from others (windowed aggregate, arithmetic, unit conversion)',
        params: Params,
        body: DerivedBody,
        response: { 200: DerivedSchema, ...errors(400, 404) },
      },
    },
    async (request) => view(await derived.put(org(request), request.params.id, request.body)),
  );
  app.delete(
    '/api/datastreams/:id/derived',
    {
      config: { scope: 'devices:write' },
      schema: {
        tags: ['datastreams'],
        summary: 'Stop deriving a datastream (its stored values stay)',
        params: Params,
        response: { 204: Type.Null(), ...errors(404) },
      },
    },
    async (request, reply) => {
      await derived.remove(org(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
}
