/**
 * The message on the queue is a versioned contract: `{ v: 1, ...PipelineMessageJson }`.
 * Both inboxes (database rows, AMQP deliveries) read it through `readEnvelope`, which checks
 * the shape (TypeBox, compiled once). A message of an unknown version or a bad shape is not
 * retried (another delivery reads the same bytes): when it still names its message, organisation
 * and pipeline, the runner records it as a failed trace (a dead letter, ENVELOPE_INVALID);
 * otherwise the inbox logs and drops it. A message without `v` (queued before versioning) is v1.
 */
import { type Static, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { DomainError } from '../shared/errors.js';
import { IDENTITY_KINDS, messageFromJson, messageToJson, type PipelineMessage, TRANSPORT_KINDS } from '../workers/message.js';

export const ENVELOPE_VERSION = 1;

const Ref = Type.Object({
  id: Type.Optional(Type.String()),
  identity: Type.Optional(Type.Object({ kind: Type.Union(IDENTITY_KINDS.map((k) => Type.Literal(k))), value: Type.String() })),
  code: Type.Optional(Type.String()),
  topic: Type.Optional(Type.String()),
});

const EnvelopeV1 = Type.Object({
  v: Type.Literal(ENVELOPE_VERSION),
  id: Type.String({ minLength: 1 }),
  orgId: Type.String({ minLength: 1 }),
  pipelineId: Type.String({ minLength: 1 }),
  receivedAt: Type.Number(),
  observedAt: Type.Optional(Type.Number()),
  transport: Type.Object({
    kind: Type.Union(TRANSPORT_KINDS.map((k) => Type.Literal(k))),
    topic: Type.Optional(Type.String()),
    contentType: Type.Optional(Type.String()),
    path: Type.Optional(Type.String()),
  }),
  payload: Type.String(),
  device: Type.Optional(Ref),
  metadata: Type.Record(Type.String(), Type.Unknown()),
  measurements: Type.Array(
    Type.Object({
      sensor: Type.String(),
      observedProperty: Type.String(),
      unit: Type.String(),
      value: Type.Number(),
      time: Type.Optional(Type.Number()),
      device: Type.Optional(Ref),
    }),
  ),
});
export type EnvelopeV1 = Static<typeof EnvelopeV1>;

const checkV1 = TypeCompiler.Compile(EnvelopeV1);

/** The text written to the queue. */
export const writeEnvelope = (message: PipelineMessage): string =>
  JSON.stringify({ v: ENVELOPE_VERSION, ...messageToJson(message) });

/** A message that could not be read, with whatever names it still carries. */
export class EnvelopeError extends DomainError {
  constructor(
    message: string,
    readonly names: { id?: string; orgId?: string; pipelineId?: string },
  ) {
    super('ENVELOPE_INVALID', message, names);
  }
}

/** The message of a queue envelope; throws EnvelopeError for an unknown version or a bad shape. */
export function readEnvelope(text: string): PipelineMessage {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new EnvelopeError(`queue message is not JSON: ${(err as Error).message}`, {});
  }
  const obj = json !== null && typeof json === 'object' ? (json as Record<string, unknown>) : {};
  const names: EnvelopeError['names'] = {};
  for (const k of ['id', 'orgId', 'pipelineId'] as const) if (typeof obj[k] === 'string') names[k] = obj[k];
  // Messages queued before the envelope carried a version have the v1 shape without `v`.
  if (obj.v === undefined) json = { ...obj, v: ENVELOPE_VERSION };
  else if (obj.v !== ENVELOPE_VERSION)
    throw new EnvelopeError(
      `queue message has envelope version ${JSON.stringify(obj.v)}; this Polder reads v ${ENVELOPE_VERSION}`,
      names,
    );
  if (!checkV1.Check(json)) {
    const first = checkV1.Errors(json).First();
    throw new EnvelopeError(`queue message (v 1) is malformed at ${first?.path || '/'}: ${first?.message ?? 'invalid'}`, names);
  }
  const { v: _v, ...rest } = json;
  return messageFromJson(rest);
}

/**
 * The stand-in message a dead letter is traced under, when the envelope still names its
 * message (or the queue gives its id), organisation and pipeline; undefined otherwise.
 */
export function deadLetterOf(err: EnvelopeError, queueId: string | undefined, receivedAt: number): PipelineMessage | undefined {
  const { orgId, pipelineId } = err.names;
  const id = queueId ?? err.names.id;
  if (!id || !orgId || !pipelineId) return undefined;
  return {
    id,
    orgId,
    pipelineId,
    receivedAt,
    transport: { kind: 'test' },
    payload: new Uint8Array(),
    metadata: {},
    measurements: [],
  };
}
