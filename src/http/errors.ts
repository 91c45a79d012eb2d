import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isConnectionError } from '../db/database.js';
import { DomainError, notFoundCode, RESOURCES } from '../shared/errors.js';
import { dottedField, mergeAllowedValues, problemsOf, validationDetails } from '../shared/validation.js';

/**
 * The one mapping from stable error codes to HTTP statuses. docs/errors.md lists every code
 * here (test/docs.test.ts checks it). Add a code here and there when a domain needs one.
 */
export const STATUS_BY_CODE: Record<string, number> = {
  VALIDATION_FAILED: 400,
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  ...Object.fromEntries(RESOURCES.map((r) => [notFoundCode(r), 404])),
  DEVICE_DISABLED: 403,
  CONFLICT: 409,
  TRACE_NOT_FAILED: 409,
  TRACE_MESSAGE_NOT_KEPT: 409,
  INVITATION_NOT_FOUND: 404,
  SESSION_REQUIRED: 403,
  LAST_ADMIN: 409,
  DERIVED_NOT_FOUND: 404,
  FORECAST_NOT_FOUND: 404,
  DECODE_FAILED: 422,
  ENVELOPE_INVALID: 422,
  SCRIPT_INVALID: 400,
  SCRIPT_FAILED: 422,
  SCRIPT_TIMEOUT: 422,
  SCRIPT_MEMORY_LIMIT: 422,
  WORKER_FAILED: 500,
  DEVICE_NOT_MQTT: 409,
  DOWNLINK_ENCODE_FAILED: 422,
  DOWNLINK_FAILED: 502,
  DEVICE_NO_BASE_TOPIC: 409,
  IDENTITY_AMBIGUOUS: 409,
  PIPELINE_INACTIVE: 409,
  PAYLOAD_TOO_LARGE: 413,
  URI_TOO_LONG: 414,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  NOT_IMPLEMENTED: 501,
  UNAVAILABLE: 503,
  INBOX_UNAVAILABLE: 503,
};

export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> | undefined };
}

export const errorBody = (code: string, message: string, details?: Record<string, unknown>): ErrorBody => ({
  error: { code, message, ...(details !== undefined && { details }) },
});

/** Fastify's own errors (bad JSON, body too large, …) keep their status under our codes. */
function codeForStatus(status: number): string {
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 413) return 'PAYLOAD_TOO_LARGE';
  if (status === 414) return 'URI_TOO_LONG';
  if (status === 415) return 'UNSUPPORTED_MEDIA_TYPE';
  if (status === 429) return 'RATE_LIMITED';
  if (status >= 400 && status < 500) return 'BAD_REQUEST';
  return 'INTERNAL';
}

export function errorHandler(err: FastifyError | DomainError | Error, request: FastifyRequest, reply: FastifyReply) {
  if (err instanceof DomainError) {
    const status = STATUS_BY_CODE[err.code] ?? 500;
    if (status >= 500) request.log.error({ err }, 'domain error mapped to 5xx');
    return reply.status(status).send(errorBody(err.code, err.message, err.details));
  }
  const fe = err as FastifyError;
  if (fe.validation) {
    const where = fe.validationContext ?? 'body';
    const details = validationDetails(
      mergeAllowedValues(problemsOf(fe.validation)),
      (path) => dottedField(path, where),
      (_field, p) => p.message,
    );
    const first = details.errors[0];
    return reply
      .status(400)
      .send(errorBody('VALIDATION_FAILED', `${details.field}: ${first?.message ?? 'is invalid'}`, { ...details }));
  }
  if (isConnectionError(err)) {
    request.log.error({ err }, 'database unavailable');
    return reply.status(503).send(errorBody('UNAVAILABLE', 'the database is unavailable; try again shortly'));
  }
  const status = fe.statusCode && fe.statusCode >= 400 ? fe.statusCode : 500;
  if (status >= 500) {
    request.log.error({ err }, 'unhandled error');
    return reply
      .status(500)
      .send(errorBody('INTERNAL', 'internal error; the request id is in the logs', { requestId: request.id }));
  }
  return reply.status(status).send(errorBody(codeForStatus(status), fe.message));
}
