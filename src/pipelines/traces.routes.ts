import { Type } from '@sinclair/typebox';
import { principalOf } from '../http/auth.js';
import { errors, IdParam, IsoTime, ListOf, listResponse, Nullable, PageQuery, pageRequest } from '../http/schemas.js';
import type { TypedApp } from '../http/types.js';
import { toIso } from '../shared/clock.js';
import { isUuid } from '../shared/ids.js';
import type { TraceFilter } from './pipeline-ports.js';
import { TRACE_STATUSES, type Trace, type TraceRecord } from './pipelines.js';
import type { PipelineService } from './pipelines.service.js';
import type { TraceService } from './traces.service.js';

const TraceErrorSchema = Type.Object({ code: Type.String(), message: Type.String(), step: Type.Optional(Type.Integer()) });
const TraceSchema = Type.Object({
  id: Type.String({ description: 'The message id (UUIDv7), returned by the transport as traceId' }),
  pipelineId: Type.String(),
  deviceId: Nullable(Type.String()),
  status: Type.Union(TRACE_STATUSES.map((s) => Type.Literal(s))),
  receivedAt: IsoTime,
  finishedAt: IsoTime,
  attempts: Type.Integer(),
  transport: Type.Object(
    {
      kind: Type.String(),
      topic: Type.Optional(Type.String()),
      contentType: Type.Optional(Type.String()),
      path: Type.Optional(Type.String()),
    },
    { additionalProperties: true },
  ),
  steps: Type.Array(
    Type.Object({
      worker: Type.String(),
      startedAt: IsoTime,
      durationMs: Type.Number(),
      error: Type.Optional(TraceErrorSchema),
      logs: Type.Optional(Type.Array(Type.Object({ level: Type.String(), message: Type.String() }))),
    }),
  ),
  error: Nullable(TraceErrorSchema),
  measurements: Type.Integer({ description: 'Measurements stored by this uplink' }),
});
const TraceDetailSchema = Type.Object({
  ...TraceSchema.properties,
  messageKept: Type.Boolean({
    description: "Whether the raw message was kept (failures always; others per the pipeline's traceMessages)",
  }),
  payload: Nullable(
    Type.Object({
      base64: Type.String({ description: 'The raw payload as received (the whole payload is null when not kept)' }),
      text: Nullable(Type.String({ description: 'The payload as text when it is valid UTF-8' })),
      size: Type.Integer({ description: 'Bytes' }),
    }),
  ),
  metadata: Nullable(
    Type.Record(Type.String(), Type.Unknown(), { description: 'Metadata the transport gave the message (null: not kept)' }),
  ),
});
const Filters = {
  pipeline: Type.Optional(Type.String({ description: 'Pipeline id or name' })),
  device: Type.Optional(Type.String({ description: 'Device id or code (404 for an unknown device)' })),
  start: Type.Optional(Type.String({ format: 'date-time', description: 'Received at or after' })),
  end: Type.Optional(Type.String({ format: 'date-time', description: 'Received before' })),
};

const traceView = (t: Trace) => ({
  id: t.id,
  pipelineId: t.pipelineId,
  deviceId: t.deviceId,
  status: t.status,
  receivedAt: toIso(t.receivedAt),
  finishedAt: toIso(t.finishedAt),
  attempts: t.attempts,
  transport: t.transport,
  steps: t.steps.map((s) => ({ ...s, startedAt: toIso(s.startedAt) })),
  error: t.error,
  measurements: t.measurements,
});

const utf8 = new TextDecoder('utf-8', { fatal: true });
function payloadView(base64: string) {
  const bytes = Buffer.from(base64, 'base64');
  let text: string | null;
  try {
    text = utf8.decode(bytes);
  } catch {
    text = null;
  }
  return { base64, text, size: bytes.length };
}

const detailView = (t: TraceRecord) => ({
  ...traceView(t),
  messageKept: t.message !== null,
  payload: t.message === null ? null : payloadView(t.message.payload),
  metadata: t.message === null ? null : t.message.metadata,
});

/** Traces (one per uplink) and dead letters: list, inspect, replay; retention runs elsewhere. */
export function traceRoutes(app: TypedApp, traces: TraceService, pipelines: PipelineService) {
  const tags = ['traces'];
  const filterOf = async (
    orgId: string,
    q: { pipeline?: string | undefined; device?: string | undefined; start?: string | undefined; end?: string | undefined },
  ): Promise<TraceFilter> => ({
    pipelineId: q.pipeline === undefined || isUuid(q.pipeline) ? q.pipeline : (await pipelines.get(orgId, q.pipeline)).id,
    deviceId: q.device === undefined ? undefined : await traces.deviceId(orgId, q.device),
    start: q.start === undefined ? undefined : Date.parse(q.start),
    end: q.end === undefined ? undefined : Date.parse(q.end),
  });

  app.get(
    '/api/traces',
    {
      config: { scope: 'pipelines:read' },
      schema: {
        tags,
        summary: 'Traces, newest first; status=failed lists the dead letters',
        querystring: Type.Object({
          ...Filters,
          status: Type.Optional(Type.Union(TRACE_STATUSES.map((s) => Type.Literal(s)))),
          ...PageQuery,
        }),
        response: { 200: ListOf(TraceSchema), ...errors(404) },
      },
    },
    async (request) => {
      const orgId = principalOf(request).orgId;
      const filter = { ...(await filterOf(orgId, request.query)), status: request.query.status };
      return listResponse(request, await traces.list(orgId, filter, pageRequest(request.query)), traceView);
    },
  );

  app.get(
    '/api/traces/:id',
    {
      config: { scope: 'pipelines:read' },
      schema: {
        tags,
        summary: 'A trace with its steps, error, transport and the raw payload',
        params: IdParam,
        response: { 200: TraceDetailSchema, ...errors(404) },
      },
    },
    async (request) => detailView(await traces.get(principalOf(request).orgId, request.params.id)),
  );

  app.post(
    '/api/traces/:id/replay',
    {
      config: { scope: 'pipelines:write' },
      schema: {
        tags,
        summary: 'Send a failed trace’s message through its pipeline again (same id); 409 unless failed',
        params: IdParam,
        response: { 202: TraceSchema, ...errors(404, 409) },
      },
    },
    async (request, reply) =>
      reply.status(202).send(traceView(await traces.replay(principalOf(request).orgId, request.params.id))),
  );

  app.post(
    '/api/traces/replay',
    {
      config: { scope: 'pipelines:write' },
      schema: {
        tags,
        summary: 'Replay every failed trace that matches the filters (those of the list)',
        querystring: Type.Object(Filters),
        response: { 202: Type.Object({ count: Type.Integer({ description: 'Traces queued again' }) }), ...errors(404) },
      },
    },
    async (request, reply) => {
      const orgId = principalOf(request).orgId;
      const count = await traces.replayAll(orgId, await filterOf(orgId, request.query));
      return reply.status(202).send({ count });
    },
  );
}
