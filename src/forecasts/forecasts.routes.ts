import { Type } from '@sinclair/typebox';
import { principalOf } from '../http/auth.js';
import { errors, IsoTime, ListOf, listResponse, Nullable, PageQuery, pageRequest } from '../http/schemas.js';
import type { TypedApp } from '../http/types.js';
import { toIso } from '../shared/clock.js';
import type { Forecast, ForecastModel, Prediction } from './forecasts.js';
import type { ForecastService, ForecastView } from './forecasts.service.js';

const Params = Type.Object({ id: Type.String({ description: 'Datastream id (an integer)' }) });
const ConfigFields = {
  horizonSeconds: Type.Integer({ description: 'How far ahead (a whole number of steps, at most 1000)' }),
  stepSeconds: Type.Integer({ description: 'Step of the forecast; the series is averaged per step (divides a day)' }),
  trainingDays: Type.Optional(Type.Number({ description: 'Days of history the model is fitted on (default 14)' })),
  retrain: Type.Optional(
    Type.Object(
      {
        deviations: Type.Optional(Type.Integer({ description: 'Retrain after this many deviations (default 3)…' })),
        windowSeconds: Type.Optional(
          Type.Number({ description: '…within this window of data time (default max(horizon, 1 h))' }),
        ),
      },
      { additionalProperties: false },
    ),
  ),
  z: Type.Optional(Type.Number({ description: 'Interval half-width in back-test RMSEs (default 1.96)' })),
};
const ConfigSchema = Type.Object({
  ...ConfigFields,
  trainingDays: Type.Number(),
  retrain: Type.Object({ deviations: Type.Integer(), windowSeconds: Type.Number() }),
  z: Type.Number(),
});
const Candidate = Type.Object({
  kind: Type.String(),
  period: Type.Optional(Type.Integer()),
  mae: Type.Number(),
  rmse: Type.Number(),
});
const ModelSchema = Type.Object({
  version: Type.Integer(),
  kind: Type.String({ description: 'seasonal-naive, holt, holt-winters, ar-ridge' }),
  period: Nullable(Type.Integer({ description: 'Season length in steps' })),
  seasonality: Type.String({ description: 'weekly, daily, or none (below two seasons of data)' }),
  params: Type.Record(Type.String(), Type.Unknown()),
  sigma: Type.Number({ description: "RMSE of the winner's back-test" }),
  backtest: Type.Object({ holdoutSteps: Type.Integer(), candidates: Type.Array(Candidate) }),
  reason: Type.String({ description: 'initial, deviations, reconfigured' }),
  trainedAt: IsoTime,
  trainedFrom: IsoTime,
  trainedTo: IsoTime,
  points: Type.Integer(),
});
const PredictionSchema = Type.Object({
  time: IsoTime,
  value: Type.Number(),
  lower: Type.Number(),
  upper: Type.Number(),
});
const LogSchema = Type.Object({
  ...PredictionSchema.properties,
  actual: Type.Number(),
  error: Type.Number(),
  deviation: Type.Boolean(),
  modelVersion: Type.Integer(),
  issuedAt: IsoTime,
});
const ForecastSchema = Type.Object({
  datastream: Type.Integer(),
  config: ConfigSchema,
  issuedAt: Nullable(IsoTime),
  data: Type.Array(PredictionSchema),
  model: Nullable(ModelSchema),
  deviations: Type.Object({ total: Type.Integer(), sinceModel: Type.Integer() }),
});

const modelView = (m: ForecastModel) => ({
  version: m.version,
  kind: m.model.spec.kind,
  period: m.model.spec.period ?? null,
  seasonality: m.model.seasonality,
  params: m.model.spec.params,
  sigma: m.model.sigma,
  backtest: m.model.backtest,
  reason: m.reason,
  trainedAt: toIso(m.trainedAt),
  trainedFrom: toIso(m.model.trainedFrom),
  trainedTo: toIso(m.model.trainedTo),
  points: m.model.points,
});
const predictionView = (p: Prediction) => ({ time: toIso(p.time), value: p.value, lower: p.lower, upper: p.upper });
const logView = (p: Prediction) => ({
  ...predictionView(p),
  actual: p.actual as number,
  error: p.error as number,
  deviation: p.deviation,
  modelVersion: p.modelVersion,
  issuedAt: toIso(p.issuedAt),
});
const view = (f: Forecast, v?: ForecastView) => ({
  datastream: f.datastreamId,
  config: f.config,
  issuedAt: f.issuedAt === null ? null : toIso(f.issuedAt),
  data: (v?.ahead ?? []).map(predictionView),
  model: v?.model ? modelView(v.model) : null,
  deviations: v?.deviations ?? { total: 0, sinceModel: 0 },
});

/** /api/datastreams/{id}/forecast: configure, read, the prediction log and the model versions. */
export function forecastRoutes(app: TypedApp, forecasts: ForecastService): void {
  const org = (request: Parameters<typeof principalOf>[0]) => principalOf(request).orgId;
  const read = { scope: 'measurements:read' as const };
  const write = { scope: 'devices:write' as const };
  app.post(
    '/api/datastreams/:id/forecast',
    {
      config: write,
      schema: {
        tags: ['forecasts'],
        summary: 'Configure a forecast of a datastream (Polder trains, back-tests and keeps it up to date)',
        params: Params,
        body: Type.Object(ConfigFields, { additionalProperties: false }),
        response: { 201: ForecastSchema, ...errors(404) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(view(await forecasts.configure(org(request), request.params.id, request.body))),
  );
  app.get(
    '/api/datastreams/:id/forecast',
    {
      config: read,
      schema: {
        tags: ['forecasts'],
        summary: 'The forecast ahead with its interval, and the model that made it',
        params: Params,
        response: { 200: ForecastSchema, ...errors(404) },
      },
    },
    async (request) => {
      const v = await forecasts.get(org(request), request.params.id);
      return view(v.forecast, v);
    },
  );
  app.delete(
    '/api/datastreams/:id/forecast',
    {
      config: write,
      schema: {
        tags: ['forecasts'],
        summary: 'Stop forecasting a datastream (its log and models go too)',
        params: Params,
        response: { 204: Type.Null(), ...errors(404) },
      },
    },
    async (request, reply) => {
      await forecasts.remove(org(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
  app.get(
    '/api/datastreams/:id/forecast/log',
    {
      config: read,
      schema: {
        tags: ['forecasts'],
        summary:
          'Prediction log: each completed step, its prediction, the value that came, the error, the model version (newest first)',
        params: Params,
        querystring: Type.Object(PageQuery),
        response: { 200: ListOf(LogSchema), ...errors(404) },
      },
    },
    async (request) =>
      listResponse(request, await forecasts.log(org(request), request.params.id, pageRequest(request.query)), logView),
  );
  app.get(
    '/api/datastreams/:id/forecast/models',
    {
      config: read,
      schema: {
        tags: ['forecasts'],
        summary: 'Model versions, newest first (a new one after each retraining)',
        params: Params,
        querystring: Type.Object(PageQuery),
        response: { 200: ListOf(ModelSchema), ...errors(404) },
      },
    },
    async (request) =>
      listResponse(request, await forecasts.models(org(request), request.params.id, pageRequest(request.query)), modelView),
  );
}
