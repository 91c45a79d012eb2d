/**
 * What comes back from a script is untrusted data: it is checked against these schemas before
 * it becomes part of a message, and each problem names the field at fault.
 */
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { dottedField, problemsOf } from '../../shared/validation.js';
import { IDENTITY_KINDS } from '../message.js';
import { WorkerError } from '../worker.js';

const DeviceRefSchema = Type.Object(
  {
    identity: Type.Optional(
      Type.Object({ kind: Type.Union(IDENTITY_KINDS.map((k) => Type.Literal(k))), value: Type.String({ minLength: 1 }) }),
    ),
    code: Type.Optional(Type.String({ minLength: 1 })),
    topic: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false },
);

const Time = Type.Union([Type.Integer(), Type.String({ minLength: 1 })]);

const DraftSchema = Type.Object(
  {
    sensor: Type.String({ minLength: 1 }),
    observedProperty: Type.String({ minLength: 1, pattern: '^[a-z][a-z0-9_]*$' }),
    unit: Type.String({ minLength: 1 }),
    value: Type.Number(),
    time: Type.Optional(Time),
    device: Type.Optional(DeviceRefSchema),
  },
  { additionalProperties: false },
);

/** process(message) returns the message (changed) or {measurements, …}; id/org/pipeline/transport are not the script's to change. */
export const ProcessResultSchema = Type.Object({
  id: Type.Optional(Type.String()),
  payload: Type.Optional(Type.Array(Type.Integer({ minimum: 0, maximum: 255 }))),
  observedAt: Type.Optional(Time),
  device: Type.Optional(DeviceRefSchema),
  metadata: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  measurements: Type.Optional(Type.Array(DraftSchema)),
});
export type ProcessResult = Static<typeof ProcessResultSchema>;

/** The Things Stack / ChirpStack v4 codec result. */
export const DecodeResultSchema = Type.Object({
  data: Type.Optional(Type.Unknown()),
  warnings: Type.Optional(Type.Array(Type.Unknown())),
  errors: Type.Optional(Type.Array(Type.Unknown())),
});
export type DecodeResult = Static<typeof DecodeResultSchema>;

const compiled = new Map<TSchema, ReturnType<typeof TypeCompiler.Compile>>();

/** Checks a value against a schema; throws SCRIPT_FAILED naming the first bad field. */
export function checkResult<T extends TSchema>(schema: T, value: unknown, what: string, logs: unknown[]): Static<T> {
  let check = compiled.get(schema);
  if (!check) {
    check = TypeCompiler.Compile(schema);
    compiled.set(schema, check);
  }
  if (check.Check(value)) return value as Static<T>;
  const first = problemsOf(check.Errors(value))[0];
  const field = first ? dottedField(first.path) : '';
  throw new WorkerError('SCRIPT_FAILED', `${what}${field ? ` ${field}` : ''}: ${first?.message ?? 'is invalid'}`, {
    field: field || what,
    rule: first?.rule ?? 'type',
    logs,
  });
}

/** A returned time: Unix ms, or an ISO string (a Date becomes one when it crosses as JSON). */
export function timeOf(v: number | string | undefined, field: string, logs: unknown[]): number | undefined {
  if (v === undefined) return undefined;
  const ms = typeof v === 'number' ? v : Date.parse(v);
  if (!Number.isFinite(ms))
    throw new WorkerError('SCRIPT_FAILED', `${field}: ${JSON.stringify(v)} is not a time`, { field, logs });
  return ms;
}
