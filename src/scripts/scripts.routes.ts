import { Type } from '@sinclair/typebox';
import { principalOf } from '../http/auth.js';
import { errors, IdParam, IsoTime, ListOf, listResponse, MAX_INT32, Nullable, PageQuery, pageRequest } from '../http/schemas.js';
import type { TypedApp } from '../http/types.js';
import { toIso } from '../shared/clock.js';
import { BUILTIN_WORKERS, WorkerSampleSchema } from '../workers/workers.js';
import type { Script, ScriptRevision } from './scripts.js';
import type { ScriptService } from './scripts.service.js';

const Language = Type.Union([Type.Literal('javascript'), Type.Literal('typescript')]);
const ScriptSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  language: Language,
  description: Nullable(Type.String()),
  revision: Type.Integer({ description: 'Current revision' }),
  source: Type.Optional(Type.String({ description: 'Source of the current revision' })),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});
const RevisionSchema = Type.Object({
  revision: Type.Integer(),
  language: Language,
  source: Type.String(),
  createdBy: Nullable(Type.String()),
  createdAt: IsoTime,
});
const BuiltinSchema = Type.Object({
  name: Type.String(),
  kind: Type.String({ description: 'envelope (provider) or decoder (payload)' }),
  description: Type.String(),
  configSchema: Type.Unknown({ description: 'JSON Schema of the step config' }),
});
const TestResultSchema = Type.Object({
  output: Type.Unknown({ description: 'The message after the step (payload as base64), or null when it failed' }),
  logs: Type.Array(Type.Object({ level: Type.String(), message: Type.String() })),
  errors: Type.Array(Type.Object({ code: Type.String(), message: Type.String(), details: Type.Optional(Type.Unknown()) })),
});
const Name = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$',
  description: 'Unique in the organisation; not a built-in name',
});

const scriptView = (s: Script, r?: ScriptRevision) => ({
  id: s.id,
  name: s.name,
  language: s.language,
  description: s.description,
  revision: s.revision,
  ...(r && { source: r.source }),
  createdAt: toIso(s.createdAt),
  updatedAt: toIso(s.updatedAt),
});
const revisionView = (r: ScriptRevision) => ({
  revision: r.revision,
  language: r.language,
  source: r.source,
  createdBy: r.createdBy,
  createdAt: toIso(r.createdAt),
});

/** Workers: the built-in list, user scripts with revisions, and a test bench for any of them. */
export function scriptRoutes(app: TypedApp, scripts: ScriptService) {
  app.get(
    '/api/workers/builtin',
    {
      config: { scope: 'pipelines:read' },
      schema: {
        tags: ['workers'],
        summary: 'Built-in workers: provider envelopes and payload decoders',
        response: { 200: ListOf(BuiltinSchema), ...errors() },
      },
    },
    async () => ({
      data: Object.values(BUILTIN_WORKERS).map((w) => ({
        name: w.name,
        kind: w.kind,
        description: w.description,
        configSchema: w.configSchema,
      })),
      links: { next: null },
    }),
  );

  app.get(
    '/api/workers',
    {
      config: { scope: 'pipelines:read' },
      schema: {
        tags: ['workers'],
        summary: 'User scripts',
        querystring: Type.Object(PageQuery),
        response: { 200: ListOf(ScriptSchema), ...errors() },
      },
    },
    async (request) =>
      listResponse(request, await scripts.list(principalOf(request).orgId, pageRequest(request.query)), (s) => scriptView(s)),
  );

  app.post(
    '/api/workers',
    {
      config: { scope: 'pipelines:write' },
      schema: {
        tags: ['workers'],
        summary: 'Create a user script: a vendor decodeUplink codec as published, or a process(message) function',
        body: Type.Object(
          {
            name: Name,
            language: Type.Optional(Language),
            description: Type.Optional(Nullable(Type.String())),
            source: Type.String({ minLength: 1, maxLength: 1_000_000 }),
          },
          { additionalProperties: false },
        ),
        response: { 201: ScriptSchema, ...errors(409) },
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      const { script, revision } = await scripts.create(p.orgId, p.name, request.body);
      return reply.status(201).send(scriptView(script, revision));
    },
  );

  app.get(
    '/api/workers/:id',
    {
      config: { scope: 'pipelines:read' },
      schema: {
        tags: ['workers'],
        summary: 'A user script with its current source',
        params: IdParam,
        response: { 200: ScriptSchema, ...errors(404) },
      },
    },
    async (request) => {
      const orgId = principalOf(request).orgId;
      const script = await scripts.get(orgId, request.params.id);
      const source = await scripts.source(orgId, script.id);
      return { ...scriptView(script), source: source.source };
    },
  );

  app.patch(
    '/api/workers/:id',
    {
      config: { scope: 'pipelines:write' },
      schema: {
        tags: ['workers'],
        summary: 'Change a script; a new source makes a new revision (pipelines use it from the next uplink)',
        params: IdParam,
        body: Type.Object(
          {
            name: Type.Optional(Name),
            language: Type.Optional(Language),
            description: Type.Optional(Nullable(Type.String())),
            source: Type.Optional(Type.String({ minLength: 1, maxLength: 1_000_000 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: ScriptSchema, ...errors(404, 409) },
      },
    },
    async (request) => {
      const p = principalOf(request);
      const { script, revision } = await scripts.update(p.orgId, request.params.id, p.name, request.body);
      return scriptView(script, revision);
    },
  );

  app.delete(
    '/api/workers/:id',
    {
      config: { scope: 'pipelines:write' },
      schema: {
        tags: ['workers'],
        summary: 'Delete a script and its revisions',
        params: IdParam,
        response: { 204: Type.Null(), ...errors(404) },
      },
    },
    async (request, reply) => {
      await scripts.delete(principalOf(request).orgId, request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/workers/:id/revisions',
    {
      config: { scope: 'pipelines:read' },
      schema: {
        tags: ['workers'],
        summary: "A script's revisions, newest first",
        params: IdParam,
        querystring: Type.Object(PageQuery),
        response: { 200: ListOf(RevisionSchema), ...errors(404) },
      },
    },
    async (request) =>
      listResponse(
        request,
        await scripts.revisions(principalOf(request).orgId, request.params.id, pageRequest(request.query)),
        revisionView,
      ),
  );

  app.post(
    '/api/workers/:id/test',
    {
      config: { scope: 'pipelines:read' },
      schema: {
        tags: ['workers'],
        summary: 'Run a worker (a built-in by name, or a script) on a sample payload: output, logs, errors',
        params: IdParam,
        body: Type.Object(
          {
            ...WorkerSampleSchema.properties,
            config: Type.Optional(Type.Unknown({ description: 'Step config, as in a pipeline' })),
            revision: Type.Optional(
              Type.Integer({ minimum: 1, maximum: MAX_INT32, description: 'Script revision; default the current one' }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: TestResultSchema, ...errors(404) },
      },
    },
    async (request) => {
      const { config, revision, ...sample } = request.body;
      return scripts.test(principalOf(request).orgId, request.params.id, sample, config, revision);
    },
  );
}
