import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { errors } from '../http/schemas.js';
import type { TypedApp } from '../http/types.js';
import type { PipelineCatalog } from '../pipelines/pipelines.js';
import { DomainError, invalid } from '../shared/errors.js';
import { requireScope } from '../tenancy/tenancy.service.js';
import { type IngestService, pipelineNotFound } from './ingest.service.js';
import type { IngestMetrics } from './ingest-metrics.js';

export interface UplinkRouteDeps {
  service: IngestService;
  catalog: PipelineCatalog;
  metrics: IngestMetrics;
}

type UplinkRequest = FastifyRequest<{ Params: { pipelineId: string }; Querystring: { token?: string } }>;

const unauthenticated = (why: string) => new DomainError('UNAUTHENTICATED', why);

/**
 * Who may post to a pipeline, decided before the body is read (a stranger's large body is a
 * 401, not a 413): the pipeline's ingest token (x-ingest-token, ?token=, or a bearer that is not
 * an API key), or a key/session of the pipeline's organisation with `uplinks:write`. Strangers
 * learn nothing about pipelines: credentials are checked first, then existence.
 * Returns the organisation the caller speaks for (undefined: the pipeline's own token).
 */
export async function authoriseUplink(request: UplinkRequest, catalog: PipelineCatalog): Promise<string | undefined> {
  const { pipelineId } = request.params;
  const header = request.headers['x-ingest-token'];
  const bearer = request.headers.authorization?.startsWith('Bearer ') ? request.headers.authorization.slice(7).trim() : undefined;
  // Read before the schema is checked: `?token=a&token=b` arrives here as an array.
  const inQuery: unknown = request.query.token;
  if (inQuery !== undefined && typeof inQuery !== 'string')
    throw invalid('querystring.token', 'querystring.token: give one token');
  const token = (typeof header === 'string' && header) || inQuery || (!request.principal ? bearer : undefined);
  if (token) {
    if (!(await catalog.tokenMatches(pipelineId, token))) throw unauthenticated("the token is not this pipeline's ingest token");
    return undefined;
  }
  const principal = request.principal;
  if (!principal) throw unauthenticated("an API key with uplinks:write or the pipeline's ingest token is needed");
  requireScope(principal, 'uplinks:write');
  const pipeline = await catalog.byId(pipelineId);
  if (!pipeline || pipeline.orgId !== principal.orgId) throw pipelineNotFound(pipelineId);
  return principal.orgId;
}

/**
 * `POST /api/uplinks/{pipelineId}`: any body (JSON, text, XML, CSV, binary) kept byte for byte;
 * 202 with the trace id once the inbox has stored it.
 */
export async function uplinkRoutes(app: TypedApp, deps: UplinkRouteDeps) {
  await app.register(async (plain) => {
    const scope = plain as TypedApp;
    // Every content type, kept raw: decoding is the pipeline's job.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    const orgOf = new WeakMap<FastifyRequest, string | undefined>();

    scope.post(
      '/api/uplinks/:pipelineId',
      {
        bodyLimit: deps.service.maxBytes,
        config: { ownCredentials: true, scope: 'uplinks:write' },
        schema: {
          tags: ['uplinks'],
          summary: 'Send an uplink (any content type) into a pipeline',
          description:
            "The body is stored as received and goes through the pipeline's steps. Answers 202 once it is durably in the " +
            "inbox. Credentials: an API key with uplinks:write, or the pipeline's ingest token in x-ingest-token, " +
            'Authorization: Bearer, or ?token= (webhooks that cannot set headers).',
          security: [{ apiKey: [] }, { session: [] }, { ingestToken: [] }, { ingestTokenQuery: [] }],
          params: Type.Object({ pipelineId: Type.String({ minLength: 1, maxLength: 100 }) }),
          querystring: Type.Object({ token: Type.Optional(Type.String({ description: "The pipeline's ingest token" })) }),
          response: {
            202: Type.Object({ traceId: Type.String({ description: 'Id of the uplink and of its trace' }) }),
            ...errors(404, 409, 413, 503),
          },
        },
        onRequest: async (request) => {
          orgOf.set(request, await authoriseUplink(request as UplinkRequest, deps.catalog));
        },
        onError: async (_request, _reply, err) => {
          // Fastify refuses an oversized body itself (before the service sees it): count it here.
          if (!(err instanceof DomainError) && (err as { statusCode?: number }).statusCode === 413)
            deps.metrics.rejected('http', 'PAYLOAD_TOO_LARGE');
        },
      },
      async (request, reply) => {
        const body = request.body as Buffer | undefined;
        const contentType = request.headers['content-type'];
        const traceId = await deps.service.accept({
          pipelineId: request.params.pipelineId,
          orgId: orgOf.get(request),
          transport: { kind: 'http', ...(contentType !== undefined && { contentType }) },
          payload: body ? new Uint8Array(body.buffer, body.byteOffset, body.byteLength) : new Uint8Array(0),
        });
        return reply.status(202).send({ traceId });
      },
    );
  });
}
