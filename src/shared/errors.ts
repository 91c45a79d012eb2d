/**
 * Domain errors carry a stable code and no HTTP status; the HTTP edge maps codes to statuses
 * (src/http/errors.ts). Every code is listed in docs/errors.md (a test keeps them in step).
 */
export class DomainError extends Error {
  readonly code: string;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.details = details;
  }
}

/** Everything that can be looked up by id; each gives a stable `<RESOURCE>_NOT_FOUND` code. */
export const RESOURCES = [
  'organisation',
  'user',
  'api key',
  'site',
  'building',
  'room',
  'device type',
  'device',
  'sensor',
  'datastream',
  'alert',
  'webhook',
  'worker',
  'pipeline',
  'trace',
  'rule',
] as const;
export type Resource = (typeof RESOURCES)[number];

export const notFoundCode = (what: Resource) => `${what.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_NOT_FOUND`;

/** The named resource does not exist in the caller's organisation (another org's is not found either). */
export const notFound = (what: Resource, id: string | number) =>
  new DomainError(notFoundCode(what), `${what} ${id} not found`, { id });

/** Input that passed schema validation but breaks a domain rule; `field` names the culprit. */
export const invalid = (field: string, message: string, extra?: Record<string, unknown>) =>
  new DomainError('VALIDATION_FAILED', message, { field, ...extra });

/** A unique key is already taken. */
export const conflict = (field: string, value: unknown, message?: string) =>
  new DomainError('CONFLICT', message ?? `${field} ${String(value)} already exists`, { field, value });
