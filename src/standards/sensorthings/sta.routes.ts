import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Database } from '../../db/database.js';
import { principalOf } from '../../http/auth.js';
import { errorBody } from '../../http/errors.js';
import type { MeasurementService } from '../../measurements/measurements.service.js';
import type { Clock } from '../../shared/clock.js';
import { systemClock } from '../../shared/clock.js';
import { DomainError } from '../../shared/errors.js';
import { requireScope } from '../../tenancy/tenancy.service.js';
import { type EntitySet, SET_NAMES } from './entities.js';
import { FilterSemanticError, NotImplementedError } from './filter-context.js';
import { parseOptions, QueryOptionError } from './query-options.js';
import { PathError, parsePath, type Segment } from './resource-path.js';
import { ensureStaIds } from './sta-ids.js';
import { readResource } from './sta-read-handler.js';
import { type Scope, StaReader } from './sta-reader.js';
import { StaWriter, WriteError } from './sta-writer.js';

export const STA_VERSIONS = ['v1.1', 'v1.0'] as const;
const REQ = 'http://www.opengis.net/spec/iot_sensing/1.1/req/';

/** The conformance classes this server implements (SensorThings 1.1 §A). */
export const CONFORMANCE = [
  `${REQ}datamodel`,
  `${REQ}resource-path/resource-path-to-entities`,
  `${REQ}request-data`,
  `${REQ}create-update-delete`,
  `${REQ}data-array`,
  `${REQ}create-observations-via-mqtt/observations-creation`,
  `${REQ}receive-updates-via-mqtt/receive-updates`,
];

export interface SensorThingsDeps {
  database: Database;
  measurements: MeasurementService;
  /** Where MQTT clients connect: the registry's broker address (host defaults to the request's). */
  registry: { brokerAddress: { host?: string | undefined; port: number } };
  clock?: Clock;
}

/**
 * OGC SensorThings API 1.1 at /sta/v1.1 (and /sta/v1.0 for 1.0 clients): the same
 * credentials as the API; every read and write is scoped to the caller's organisation.
 */
export function registerSensorThings(app: FastifyInstance, deps: SensorThingsDeps) {
  const reader = new StaReader(deps.database.db, deps.database.dialect);
  const writer = new StaWriter(deps.database, reader, deps.measurements, deps.clock ?? systemClock);
  const clock = deps.clock ?? systemClock;

  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const principal = principalOf(request);
    const url = request.url;
    const q = url.indexOf('?');
    const rawPath = q < 0 ? url : url.slice(0, q);
    const version = rawPath.startsWith('/sta/v1.0') ? 'v1.0' : 'v1.1';
    const base = `${request.protocol}://${request.host}/sta/${version}`;
    const scope: Scope = { orgId: principal.orgId, now: clock(), base };
    try {
      let path: string;
      try {
        path = decodeURIComponent(rawPath.slice(`/sta/${version}`.length));
      } catch {
        throw new PathError('bad percent-encoding in the path', 400);
      }
      const segments = parsePath(path);
      const params = [...new URLSearchParams(q < 0 ? '' : url.slice(q + 1)).entries()];
      const setName = segments[0]?.name;
      const needs = setName === 'Observations' || segments.some((s) => s.name === 'Observations') ? 'measurements' : 'devices';
      if (request.method === 'GET') {
        requireScope(principal, `${needs}:read`);
        if (segments.length === 0) {
          const broker = deps.registry.brokerAddress;
          return reply.send(serviceDocument(base, `${broker.host ?? request.hostname}:${broker.port}`));
        }
        if (needsAliases(segments, params)) await ensureStaIds(deps.database.db, scope.orgId);
        return await readResource(reader, scope, segments, parseOptions(params), request.url, reply);
      }
      requireScope(principal, `${needs}:write`);
      await ensureStaIds(deps.database.db, scope.orgId);
      return await writer.handle(scope, request.method, segments, request.body, reply);
    } catch (err) {
      return sendError(err, request, reply);
    }
  };

  for (const version of STA_VERSIONS) {
    for (const url of [`/sta/${version}`, `/sta/${version}/*`]) {
      app.route({ method: ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'], url, schema: { hide: true }, handler });
    }
  }
}

const ALIASED = /Thing|Location|Sensor|ObservedPropert|FeatureOfInterest|FeaturesOfInterest/;

/**
 * Whether a read may show or filter by integer aliases of registry entities (so new ones must
 * get theirs first). Reading a datastream's observations needs none: the hot read skips it.
 */
function needsAliases(segments: Segment[], params: [string, string][]): boolean {
  if (segments.some((s) => ALIASED.test(s.name))) return true;
  return params.some(([k, v]) => (k === '$expand' || k === '$filter' || k === '$orderby') && ALIASED.test(v));
}

function serviceDocument(base: string, mqtt: string) {
  return {
    value: SET_NAMES.map((name) => ({ name, url: `${base}/${name}` })),
    serverSettings: {
      conformance: CONFORMANCE,
      [`${REQ}create-observations-via-mqtt/observations-creation`]: { endpoints: [`mqtt://${mqtt}`] },
      [`${REQ}receive-updates-via-mqtt/receive-updates`]: { endpoints: [`mqtt://${mqtt}`] },
    },
  };
}

/** SensorThings errors in Polder's envelope: 400 naming the option and position, 404, 501. */
function sendError(err: unknown, request: FastifyRequest, reply: FastifyReply) {
  if (err instanceof QueryOptionError)
    return reply.status(400).send(
      errorBody('BAD_REQUEST', err.message, {
        field: err.option,
        ...(err.position !== undefined && { position: err.position }),
      }),
    );
  if (err instanceof FilterSemanticError)
    return reply.status(400).send(errorBody('BAD_REQUEST', err.message, { field: '$filter', position: err.position }));
  if (err instanceof NotImplementedError) return reply.status(501).send(errorBody('NOT_IMPLEMENTED', err.message));
  if (err instanceof PathError)
    return reply.status(err.status).send(errorBody(err.status === 404 ? 'NOT_FOUND' : 'BAD_REQUEST', err.message));
  if (err instanceof WriteError)
    return reply.status(err.status).send(errorBody(err.code, err.message, err.field ? { field: err.field } : undefined));
  if (err instanceof DomainError) throw err;
  // A filter the database cannot evaluate (a type mismatch PostgreSQL refuses, an overflow) is the client's.
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && /^(22|42)/.test(code)) {
    request.log.warn({ err }, 'SensorThings query refused by the database');
    return reply
      .status(400)
      .send(errorBody('BAD_REQUEST', 'the query cannot be evaluated on these values', { field: '$filter' }));
  }
  throw err;
}

export type { EntitySet };
