import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { errors } from '../http/schemas.js';
import type { TypedApp } from '../http/types.js';
import type { PipelineCatalog } from '../pipelines/pipelines.js';
import { DomainError, invalid } from '../shared/errors.js';
import { requireScope } from '../tenancy/tenancy.service.js';
import { type IngestService, pipelineNotFound } from './ingest.service.js';
import type { IngestMetrics } from './ingest-metrics.js';
import type { PipelineNames } from './pipeline-names.store.js';

export interface UplinkRouteDeps {
  service: IngestService;
  catalog: PipelineCatalog;
  metrics: IngestMetrics;
  /** Resolves a pipeline's name in the URL (without it, only ids are accepted). */
  names?: PipelineNames | undefined;
}

/** The pipeline an uplink goes to (its id, the URL may have named it) and the caller's organisation. */
export interface UplinkTarget {
  pipelineId: string;
  /** undefined: the pipeline's own ingest token. */
  orgId: string | undefined;
}

type UplinkRequest = FastifyRequest<{ Params: { pipelineId: string }; Querystring: { token?: string } }>;

declare module 'fastify' {
  interface FastifyRequest {
    /** Where an uplink route's onRequest hook found the uplink may go (src/ingest). */
    uplinkTarget: UplinkTarget | null;
  }
}

/**
 * 202 bodies are written by the native JSON.stringify (same bytes: the objects hold exactly the
 * schema's properties, in its order); the schema still describes them in the OpenAPI document.
 */
const JSON_TYPE = 'application/json; charset=utf-8';
const stringify = (payload: unknown) => JSON.stringify(payload);

/** Uplinks one bulk request may carry, and its body limit. */
export const BULK_MAX_UPLINKS = 10_000;
export const BULK_MAX_BYTES = 16 * 1024 * 1024;

/**
 * The uplinks of a bulk body: NDJSON (application/x-ndjson: each non-empty line, byte for byte)
 * or a JSON array (each element, as JSON text). Bad input is a 400 naming `body`.
 */
export function splitBulk(body: Buffer, contentType: string | undefined): Uint8Array[] {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  let parts: Uint8Array[];
  if (type === 'application/x-ndjson' || type === 'application/jsonl' || type === 'application/json-seq') {
    parts = [];
    let start = 0;
    while (start <= body.length) {
      // indexOf scans natively: a byte-by-byte loop here cost more than the rest of the route.
      const newline = body.indexOf(0x0a, start);
      const i = newline === -1 ? body.length : newline;
      let end = i;
      if (end > start && body[end - 1] === 0x0d) end--;
      // A line of blanks only is no uplink (a trailing newline, an empty line between records).
      let first = start;
      while (first < end && (body[first] === 0x20 || body[first] === 0x09 || body[first] === 0x1e)) first++;
      if (first < end) parts.push(body.subarray(first, end));
      start = i + 1;
    }
  } else if (type === 'application/json') {
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch (err) {
      throw invalid('body', `body is not JSON: ${(err as Error).message}`);
    }
    if (!Array.isArray(json)) throw invalid('body', 'body must be a JSON array of uplinks (or NDJSON: application/x-ndjson)');
    parts = json.map((u) => Buffer.from(JSON.stringify(u)));
  } else {
    throw invalid('body', 'content-type must be application/x-ndjson (one uplink per line) or application/json (an array)');
  }
  if (parts.length === 0) throw invalid('body', 'the body holds no uplink');
  if (parts.length > BULK_MAX_UPLINKS)
    throw invalid('body', `the body holds ${parts.length} uplinks; at most ${BULK_MAX_UPLINKS} per request`, {
      limit: BULK_MAX_UPLINKS,
    });
  return parts;
}

const unauthenticated = (why: string) => new DomainError('UNAUTHENTICATED', why);

/**
 * Who may post to a pipeline, decided before the body is read (a stranger's large body is a
 * 401, not a 413): the pipeline's ingest token (x-ingest-token, ?token=, or a bearer that is not
 * an API key), or a key/session of the pipeline's organisation with `uplinks:write`. Strangers
 * learn nothing about pipelines: credentials are checked first, then existence.
 * The URL names the pipeline by id or, failing that, by name (in the caller's organisation, or
 * the pipeline of that name whose ingest token was given).
 */
export async function authoriseUplink(
  request: UplinkRequest,
  catalog: PipelineCatalog,
  names?: PipelineNames,
): Promise<UplinkTarget> {
  const ref = request.params.pipelineId;
  const header = request.headers['x-ingest-token'];
  const bearer = request.headers.authorization?.startsWith('Bearer ') ? request.headers.authorization.slice(7).trim() : undefined;
  // Read before the schema is checked: `?token=a&token=b` arrives here as an array.
  const inQuery: unknown = request.query.token;
  if (inQuery !== undefined && typeof inQuery !== 'string')
    throw invalid('querystring.token', 'querystring.token: give one token');
  const token = (typeof header === 'string' && header) || inQuery || (!request.principal ? bearer : undefined);
  if (token) {
    if (await catalog.tokenMatches(ref, token)) return { pipelineId: ref, orgId: undefined };
    const named = await names?.withToken(ref, token);
    if (named === undefined) throw unauthenticated("the token is not this pipeline's ingest token");
    return { pipelineId: named, orgId: undefined };
  }
  const principal = request.principal;
  if (!principal) throw unauthenticated("an API key with uplinks:write or the pipeline's ingest token is needed");
  requireScope(principal, 'uplinks:write');
  const pipeline = await catalog.byId(ref);
  if (pipeline && pipeline.orgId === principal.orgId) return { pipelineId: ref, orgId: principal.orgId };
  const named = await names?.inOrg(principal.orgId, ref);
  if (named === undefined) throw pipelineNotFound(ref);
  return { pipelineId: named, orgId: principal.orgId };
}

/**
 * `POST /api/uplinks/{pipelineId}`: any body (JSON, text, XML, CSV, binary) kept byte for byte;
 * 202 with the trace id once the inbox has stored it.
 */
export async function uplinkRoutes(app: TypedApp, deps: UplinkRouteDeps) {
  await app.register(async (plain) => {
    const scope = plain as TypedApp;
    // Every content type, kept raw: decoding is the pipeline's job. The catch-all RegExp, not only
    // '*': Fastify caches the parser it finds for a content type through a RegExp, while '*' is
    // looked up again (header parsed, lists scanned) on every request. '*' stays for requests
    // whose content type the RegExp is not tried on.
    scope.removeAllContentTypeParsers();
    const raw = (_request: FastifyRequest, body: Buffer | string, done: (err: null, body: Buffer | string) => void) =>
      done(null, body);
    scope.addContentTypeParser(/^/, { parseAs: 'buffer' }, raw);
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, raw);
    // A request property of one shape rather than a WeakMap entry per request (which costs the GC).
    scope.decorateRequest('uplinkTarget', null);
    // Fastify refuses an oversized body itself (before the service sees it): counted here.
    const countTooLarge = async (_request: FastifyRequest, _reply: unknown, err: unknown) => {
      if (!(err instanceof DomainError) && (err as { statusCode?: number }).statusCode === 413)
        deps.metrics.rejected('http', 'PAYLOAD_TOO_LARGE');
    };
    // Callback style: the credentials are checked before the body is read, with no extra promise.
    const authorise = (request: FastifyRequest, _reply: unknown, done: (err?: Error) => void) => {
      authoriseUplink(request as UplinkRequest, deps.catalog, deps.names).then((target) => {
        request.uplinkTarget = target;
        done();
      }, done);
    };

    scope.post(
      '/api/uplinks/:pipelineId',
      {
        bodyLimit: deps.service.maxBytes,
        config: { ownCredentials: true, scope: 'uplinks:write' },
        schema: {
          tags: ['uplinks'],
          summary: 'Send an uplink (any content type) into a pipeline (by id or name)',
          description:
            "The body is stored as received and goes through the pipeline's steps. Answers 202 once it is durably in the " +
            "inbox. Credentials: an API key with uplinks:write, or the pipeline's ingest token in x-ingest-token, " +
            'Authorization: Bearer, or ?token= (webhooks that cannot set headers).',
          security: [{ apiKey: [] }, { session: [] }, { ingestToken: [] }, { ingestTokenQuery: [] }],
          params: Type.Object({
            pipelineId: Type.String({ minLength: 1, maxLength: 100, description: "The pipeline's id or name" }),
          }),
          querystring: Type.Object({ token: Type.Optional(Type.String({ description: "The pipeline's ingest token" })) }),
          response: {
            202: Type.Object({ traceId: Type.String({ description: 'Id of the uplink and of its trace' }) }),
            ...errors(404, 409, 413, 503),
          },
        },
        onRequest: authorise,
        onError: countTooLarge,
      },
      async (request, reply) => {
        const body = request.body as Buffer | undefined;
        const contentType = request.headers['content-type'];
        const target = request.uplinkTarget as UplinkTarget;
        const traceId = await deps.service.accept({
          pipelineId: target.pipelineId,
          orgId: target.orgId,
          transport: { kind: 'http', ...(contentType !== undefined && { contentType }) },
          payload: body ? new Uint8Array(body.buffer, body.byteOffset, body.byteLength) : new Uint8Array(0),
        });
        return reply.status(202).type(JSON_TYPE).serializer(stringify).send({ traceId });
      },
    );

    scope.post(
      '/api/uplinks/:pipelineId/batch',
      {
        bodyLimit: BULK_MAX_BYTES,
        config: { ownCredentials: true, scope: 'uplinks:write' },
        schema: {
          tags: ['uplinks'],
          summary: 'Send many uplinks in one request (NDJSON or a JSON array) into a pipeline (by id or name)',
          description:
            `Each uplink goes through the pipeline on its own, as if posted alone to /api/uplinks/{pipelineId}: ` +
            `application/x-ndjson takes each non-empty line byte for byte, application/json an array whose elements ` +
            `become JSON bodies. Answers 202 once every accepted uplink is durably stored, with one result per uplink ` +
            `in order (a trace id, or the error of that uplink). At most ${BULK_MAX_UPLINKS} uplinks and ` +
            `${BULK_MAX_BYTES / 1024 / 1024} MiB per request. Credentials as for one uplink.`,
          security: [{ apiKey: [] }, { session: [] }, { ingestToken: [] }, { ingestTokenQuery: [] }],
          params: Type.Object({
            pipelineId: Type.String({ minLength: 1, maxLength: 100, description: "The pipeline's id or name" }),
          }),
          querystring: Type.Object({ token: Type.Optional(Type.String({ description: "The pipeline's ingest token" })) }),
          response: {
            202: Type.Object({
              accepted: Type.Integer({ description: 'Uplinks accepted' }),
              results: Type.Array(
                Type.Union([
                  Type.Object({ traceId: Type.String({ description: 'Id of the uplink and of its trace' }) }),
                  Type.Object({ error: Type.Object({ code: Type.String(), message: Type.String() }) }),
                ]),
                { description: 'One per uplink, in the order of the body' },
              ),
            }),
            ...errors(404, 409, 413, 503),
          },
        },
        onRequest: authorise,
        onError: countTooLarge,
      },
      async (request, reply) => {
        const contentType = request.headers['content-type'];
        const target = request.uplinkTarget as UplinkTarget;
        const payloads = splitBulk((request.body as Buffer | undefined) ?? Buffer.alloc(0), contentType);
        const outcomes = await deps.service.acceptMany(
          payloads.map((payload) => ({
            pipelineId: target.pipelineId,
            orgId: target.orgId,
            transport: { kind: 'http', contentType: 'application/json' },
            payload,
          })),
        );
        const accepted = outcomes.filter((o) => 'traceId' in o).length;
        // Nothing accepted for one reason (an inactive pipeline, every body too large): that answer.
        const first = outcomes[0];
        if (accepted === 0 && first && 'error' in first) throw first.error;
        const results = outcomes.map((o) =>
          'traceId' in o ? { traceId: o.traceId } : { error: { code: o.error.code, message: o.error.message } },
        );
        // One native stringify: the schema's serializer escapes each of the 500 trace ids in JavaScript.
        return reply.status(202).type(JSON_TYPE).serializer(stringify).send({ accepted, results });
      },
    );
  });
}
