import { Type } from '@sinclair/typebox';
import { principalOf } from '../http/auth.js';
import { errors, IdParam, IsoTime, ListOf, listResponse, MAX_INT32, Nullable, PageQuery, pageRequest } from '../http/schemas.js';
import type { TypedApp } from '../http/types.js';
import { toIso } from '../shared/clock.js';
import type { Pipeline } from './pipelines.js';
import type { PipelineService } from './pipelines.service.js';
import { maskSource } from './source-secrets.js';

const Status = Type.Union([Type.Literal('active'), Type.Literal('inactive')]);
const Step = Type.Object(
  {
    worker: Type.String({
      minLength: 1,
      description: 'A built-in worker (GET /api/workers/builtin) or a user script, by name or id',
    }),
    revision: Type.Optional(
      Type.Integer({ minimum: 1, maximum: MAX_INT32, description: 'Script revision; default the current one' }),
    ),
    config: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: "The worker's config (its configSchema)" })),
  },
  { additionalProperties: false },
);
const Source = Type.Object(
  {
    kind: Type.Union([Type.Literal('mqtt'), Type.Literal('amqp'), Type.Literal('http-poll'), Type.Literal('ftp-poll')]),
    topic: Type.Optional(Type.String({ description: 'mqtt: a topic filter (+ and # allowed)' })),
    exclude: Type.Optional(Type.Array(Type.String(), { description: 'mqtt: filters whose topics are left out' })),
    devicesOnly: Type.Optional(
      Type.Boolean({ description: "mqtt: take only messages of the organisation's devices, on their base topics" }),
    ),
    queue: Type.Optional(Type.String({ description: 'amqp: the queue consumed' })),
    url: Type.Optional(
      Type.String({ description: 'amqp (default POLDER_AMQP_URL), http-poll, ftp-poll; a password in it is shown as ***' }),
    ),
    intervalSeconds: Type.Optional(Type.Integer({ description: 'http-poll, ftp-poll: seconds between polls, at least 1' })),
    headers: Type.Optional(
      Type.Record(Type.String(), Type.String(), { description: 'http-poll: request headers; values are shown as ***' }),
    ),
    pattern: Type.Optional(Type.String({ description: 'ftp-poll: glob of the file names taken (default all)' })),
  },
  { additionalProperties: false },
);
const Name = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$', description: 'Unique in the organisation' });
const TraceMessagesSchema = Type.Union([Type.Literal('failures'), Type.Literal('sample'), Type.Literal('all')], {
  description: "Which traces keep the raw message: 'failures', 'sample' (failures and 1 in 100 others, default) or 'all'",
});
const PipelineSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  status: Status,
  steps: Type.Array(Step),
  sources: Type.Array(Source),
  autoRegister: Type.Boolean(),
  deviceType: Nullable(Type.String()),
  traceMessages: TraceMessagesSchema,
  hasIngestToken: Type.Boolean(),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});
const Fields = {
  name: Name,
  description: Type.Optional(Type.String({ maxLength: 2000 })),
  status: Type.Optional(Status),
  steps: Type.Array(Step, { minItems: 1, maxItems: 20, description: 'Run in order; storing is the implicit last step' }),
  sources: Type.Optional(Type.Array(Source, { maxItems: 20, description: 'Besides POST /api/uplinks/{id}, always open' })),
  autoRegister: Type.Optional(Type.Boolean({ description: 'Create unknown devices instead of failing their traces' })),
  deviceType: Type.Optional(Nullable(Type.String({ description: 'Device type of auto-registered devices (id or name)' }))),
  traceMessages: Type.Optional(TraceMessagesSchema),
};

/** A pipeline as the API shows it: secrets of its sources masked. */
export const pipelineView = (p: Pipeline) => ({
  id: p.id,
  name: p.name,
  description: p.description,
  status: p.status,
  steps: p.steps,
  sources: p.sources.map(maskSource),
  autoRegister: p.autoRegister,
  deviceType: p.deviceType,
  traceMessages: p.traceMessages ?? 'sample',
  hasIngestToken: p.hasIngestToken,
  createdAt: toIso(p.createdAt),
  updatedAt: toIso(p.updatedAt),
});

export function pipelineRoutes(app: TypedApp, pipelines: PipelineService) {
  const tags = ['pipelines'];
  app.get(
    '/api/pipelines',
    {
      config: { scope: 'pipelines:read' },
      schema: {
        tags,
        summary: 'Pipelines, by name',
        querystring: Type.Object(PageQuery),
        response: { 200: ListOf(PipelineSchema), ...errors() },
      },
    },
    async (request) =>
      listResponse(request, await pipelines.list(principalOf(request).orgId, pageRequest(request.query)), pipelineView),
  );

  app.post(
    '/api/pipelines',
    {
      config: { scope: 'pipelines:write' },
      schema: {
        tags,
        summary: 'Create a pipeline: its steps (workers) and sources, checked now',
        body: Type.Object(Fields, { additionalProperties: false }),
        response: { 201: PipelineSchema, ...errors(409) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(pipelineView(await pipelines.create(principalOf(request).orgId, request.body))),
  );

  app.get(
    '/api/pipelines/:id',
    {
      config: { scope: 'pipelines:read' },
      schema: { tags, summary: 'A pipeline (by id or name)', params: IdParam, response: { 200: PipelineSchema, ...errors(404) } },
    },
    async (request) => pipelineView(await pipelines.get(principalOf(request).orgId, request.params.id)),
  );

  app.patch(
    '/api/pipelines/:id',
    {
      config: { scope: 'pipelines:write' },
      schema: {
        tags,
        summary: 'Change a pipeline; a source value *** keeps the stored secret',
        params: IdParam,
        body: Type.Partial(Type.Object(Fields), { additionalProperties: false }),
        response: { 200: PipelineSchema, ...errors(404, 409) },
      },
    },
    async (request) => pipelineView(await pipelines.update(principalOf(request).orgId, request.params.id, request.body)),
  );

  app.delete(
    '/api/pipelines/:id',
    {
      config: { scope: 'pipelines:write' },
      schema: {
        tags,
        summary: 'Delete a pipeline (its traces stay until retention)',
        params: IdParam,
        response: { 204: Type.Null(), ...errors(404) },
      },
    },
    async (request, reply) => {
      await pipelines.delete(principalOf(request).orgId, request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/pipelines/:id/ingest-token',
    {
      config: { scope: 'pipelines:write' },
      schema: {
        tags,
        summary: 'Issue a new ingest token for POST /api/uplinks/{id}, replacing the previous one; shown only here',
        params: IdParam,
        response: {
          201: Type.Object({
            token: Type.String({ description: 'Send as Authorization: Bearer <token>; shown once' }),
            pipeline: PipelineSchema,
          }),
          ...errors(404),
        },
      },
    },
    async (request, reply) => {
      const { token, pipeline } = await pipelines.issueIngestToken(principalOf(request).orgId, request.params.id);
      return reply.status(201).send({ token, pipeline: pipelineView(pipeline) });
    },
  );

  app.delete(
    '/api/pipelines/:id/ingest-token',
    {
      config: { scope: 'pipelines:write' },
      schema: { tags, summary: 'Remove the ingest token', params: IdParam, response: { 204: Type.Null(), ...errors(404) } },
    },
    async (request, reply) => {
      await pipelines.removeIngestToken(principalOf(request).orgId, request.params.id);
      return reply.status(204).send(null);
    },
  );
}
