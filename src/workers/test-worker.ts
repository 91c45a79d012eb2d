/**
 * Runs one worker on a sample, for `POST /api/workers/{id}/test`: never throws for a worker's
 * failure, returns it in `errors` with whatever the script logged before it failed.
 */
import { type Static, Type } from '@sinclair/typebox';
import { DomainError } from '../shared/errors.js';
import { uuidv7 } from '../shared/ids.js';
import { prepareStep, runStep } from './catalog.js';
import {
  type DeviceRef,
  messageToJson,
  newWarnings,
  type PipelineMessage,
  type PipelineMessageJson,
  TRANSPORT_KINDS,
} from './message.js';
import type { ScriptLog, WorkerContext, WorkerDefinition } from './worker.js';

/** Request body shape for the test route (TypeBox, so the route documents it in OpenAPI). */
export const WorkerSampleSchema = Type.Object(
  {
    payload: Type.String({ description: 'The sample payload: text, or base64/hex per `encoding`.' }),
    encoding: Type.Optional(Type.Union([Type.Literal('text'), Type.Literal('base64'), Type.Literal('hex')], { default: 'text' })),
    fPort: Type.Optional(Type.Integer({ minimum: 0, maximum: 255 })),
    topic: Type.Optional(Type.String({ description: 'MQTT topic the sample arrived on (neocampus uses it).' })),
    contentType: Type.Optional(Type.String()),
    metadata: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    receivedAt: Type.Optional(Type.Integer({ description: 'Unix ms; default now.' })),
  },
  { additionalProperties: false },
);
export type WorkerSample = Static<typeof WorkerSampleSchema> & { device?: DeviceRef };

export interface TestError {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

export interface WorkerTestResult {
  /** The message after the step (payload as base64), or null when the step failed. */
  output: PipelineMessageJson | null;
  logs: ScriptLog[];
  errors: TestError[];
}

function payloadOf(sample: WorkerSample): Uint8Array {
  const enc = sample.encoding ?? 'text';
  if (enc === 'hex') {
    const hex = sample.payload.replace(/\s+/g, '');
    if (!/^(?:[0-9a-fA-F]{2})*$/.test(hex))
      throw new DomainError('VALIDATION_FAILED', 'payload is not hex', { field: 'payload' });
    return new Uint8Array(Buffer.from(hex, 'hex'));
  }
  if (enc === 'base64') {
    if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(sample.payload.trim())) {
      throw new DomainError('VALIDATION_FAILED', 'payload is not base64', { field: 'payload' });
    }
    return new Uint8Array(Buffer.from(sample.payload.trim(), 'base64'));
  }
  return new Uint8Array(Buffer.from(sample.payload, 'utf8'));
}

/** The message a sample stands for, as a transport would have built it. */
export function sampleMessage(sample: WorkerSample, ids: { orgId?: string; pipelineId?: string } = {}): PipelineMessage {
  const kind = sample.topic === undefined ? 'test' : 'mqtt';
  return {
    id: uuidv7(),
    orgId: ids.orgId ?? 'test',
    pipelineId: ids.pipelineId ?? 'test',
    receivedAt: sample.receivedAt ?? Date.now(),
    transport: {
      kind: TRANSPORT_KINDS.includes(kind) ? kind : 'test',
      ...(sample.topic !== undefined && { topic: sample.topic }),
      ...(sample.contentType !== undefined && { contentType: sample.contentType }),
    },
    payload: payloadOf(sample),
    ...(sample.device && { device: sample.device }),
    metadata: { ...sample.metadata, ...(sample.fPort !== undefined && { fPort: sample.fPort }) },
    measurements: [],
  };
}

const asTestError = (err: unknown): TestError => {
  if (err instanceof DomainError) {
    // Logs are returned once, in `logs`; the rest of the details stays.
    const { logs: _logs, ...details } = err.details ?? {};
    return { code: err.code, message: err.message, ...(Object.keys(details).length > 0 && { details }) };
  }
  return { code: 'WORKER_FAILED', message: (err as Error).message ?? String(err) };
};

export async function testWorker(
  worker: string | WorkerDefinition,
  sample: WorkerSample,
  config: unknown,
  ctx: WorkerContext = {},
  ids: { orgId?: string; pipelineId?: string } = {},
): Promise<WorkerTestResult> {
  const logs: ScriptLog[] = [];
  const captured: WorkerContext = {
    ...ctx,
    log: (entry) => {
      logs.push(entry);
      ctx.log?.(entry);
    },
  };
  try {
    const step = prepareStep(worker, config);
    const input = sampleMessage(sample, ids);
    const output = await runStep(step, input, captured);
    // What the step tolerated (metadata.warnings it added) is said as warnings beside the logs.
    for (const message of newWarnings(input.metadata, output.metadata)) logs.push({ level: 'warn', message });
    return { output: messageToJson(output), logs, errors: [] };
  } catch (err) {
    return { output: null, logs, errors: [asTestError(err)] };
  }
}
