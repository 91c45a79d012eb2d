/**
 * Pipelines: the ordered workers an uplink goes through, where uplinks come from, and the trace
 * each uplink leaves. Storing is the implicit last step of every pipeline.
 */
import type { TraceRows } from '../measurements/measurements.js';
import type { PipelineMessageJson, ScriptLog, TransportInfo } from '../workers/workers.js';

export type PipelineStatus = 'active' | 'inactive';

/** One step: a built-in worker by name, or a user script (its id or name) at a revision (default: latest). */
export interface PipelineStep {
  worker: string;
  revision?: number;
  config?: Record<string, unknown>;
}

/**
 * Where a pipeline's uplinks come from besides `POST /api/uplinks/{id}` (always open).
 * - mqtt: a topic filter on Polder's broker (the embedded one, or POLDER_MQTT_URL).
 * - amqp: a RabbitMQ queue consumed into the pipeline (url default: POLDER_AMQP_URL).
 * - http-poll: GET a URL every N seconds; the body (JSON or CSV) becomes one uplink.
 * - ftp-poll: list a directory every N seconds; each new file becomes one uplink, once,
 *   remembered across restarts.
 */
export type PipelineSource =
  | { kind: 'mqtt'; topic: string; exclude?: string[]; devicesOnly?: boolean }
  | { kind: 'amqp'; queue: string; url?: string }
  | { kind: 'http-poll'; url: string; intervalSeconds: number; headers?: Record<string, string> }
  | { kind: 'ftp-poll'; url: string; intervalSeconds: number; pattern?: string };

export const TRACE_MESSAGES = ['failures', 'sample', 'all'] as const;
export type TraceMessages = (typeof TRACE_MESSAGES)[number];

export interface Pipeline {
  id: string;
  orgId: string;
  name: string;
  description: string;
  status: PipelineStatus;
  steps: PipelineStep[];
  sources: PipelineSource[];
  /** Unknown devices are created (with identity/code from the message) instead of failing the trace. */
  autoRegister: boolean;
  /** Device type given to auto-registered devices (a type id or name); unset: none. */
  deviceType: string | null;
  /** Which traces keep the raw message: failures only, failures and a 1-in-100 sample (unset: 'sample'), or all. */
  traceMessages?: TraceMessages | undefined;
  /** Whether an ingest token is set (the token itself is shown once, when issued). */
  hasIngestToken: boolean;
  createdAt: number;
  updatedAt: number;
}

/** How transports and the runner see pipelines: any organisation's, cached, kept current. */
export interface PipelineCatalog {
  /** The pipeline with this id, or undefined when unknown or deleted. */
  byId(id: string): Promise<Pipeline | undefined>;
  /**
   * What `byId` would answer now, without a promise, when the catalog holds it (a fresh, loaded
   * entry); undefined when it would have to ask its store.
   */
  known?(id: string): Pipeline | undefined;
  /** Whether `token` is this pipeline's ingest token (compares hashes in constant time). */
  tokenMatches(pipelineId: string, token: string): Promise<boolean>;
  /** Every pipeline that has sources, to bind MQTT filters, AMQP queues and pollers. */
  withSources(): Promise<Pipeline[]>;
  /** Called after every create, update and delete (the pipeline as it was, for a delete). */
  onChange(listener: (pipeline: Pipeline, change: 'saved' | 'deleted') => void): () => void;
}

/**
 * - stored: went through every step; its measurements are committed (possibly none).
 * - skipped: an envelope said there is nothing to decode (a join, a downlink event).
 * - retrying: a failure that may pass; it will be delivered again.
 * - failed: failed for good; the trace is a dead letter and keeps the message for replay.
 *   Replaying sends the same message (same id) through its pipeline again, and the outcome
 *   overwrites this trace.
 */
export const TRACE_STATUSES = ['stored', 'skipped', 'retrying', 'failed'] as const;
export type TraceStatus = (typeof TRACE_STATUSES)[number];

export interface TraceError {
  code: string;
  message: string;
  /** Index of the step that failed; `steps.length` is the store step. */
  step?: number;
  /** The error's details, e.g. the DeviceRef of a DEVICE_NOT_FOUND, the field of a VALIDATION_FAILED. */
  details?: Record<string, unknown>;
}

export interface TraceStep {
  worker: string;
  startedAt: number;
  durationMs: number;
  error?: TraceError;
  /** Console output of a script step (bounded). */
  logs?: ScriptLog[];
}

export interface Trace {
  /** The message id (UUIDv7), returned by the transport as `traceId`. */
  id: string;
  orgId: string;
  pipelineId: string;
  deviceId: string | null;
  status: TraceStatus;
  receivedAt: number;
  finishedAt: number;
  attempts: number;
  transport: TransportInfo;
  steps: TraceStep[];
  error: TraceError | null;
  /** Measurements stored by this uplink. */
  measurements: number;
}

/**
 * A trace as the runner writes it: with the message as received (raw payload), for inspection and
 * replay, when kept (failures, a sample, or every uplink of a pipeline with traceMessages 'all'); null otherwise.
 */
export interface TraceRecord extends Trace {
  message: PipelineMessageJson | null;
}

/** Where the runner writes traces, once per batch; an upsert by id (a retried message keeps one trace). */
export interface TraceSink {
  write(traces: readonly TraceRecord[]): Promise<void>;
  /**
   * The traces as rows of the traces table, for a measurement store that commits them with the
   * batch's measurements (MeasurementStore.insertWithTraces); only a sink of that table has it.
   */
  rows?(traces: readonly TraceRecord[]): TraceRows;
}
