/**
 * What a worker is: a pure function from message to message with a config schema. Built-in
 * workers and user scripts share this shape, so a pipeline runs them the same way.
 */
import type { TSchema } from '@sinclair/typebox';
import type { PipelineMessage } from './message.js';
import type { ScriptRunner } from './sandbox/script-runner.js';
import { type ScriptLog, WorkerError } from './worker-error.js';

export { type ScriptLog, WORKER_ERROR_CODES, WorkerError, type WorkerErrorCode } from './worker-error.js';

export interface WorkerContext {
  /** Runs user scripts; only script workers need it. */
  scripts?: ScriptRunner;
  /** Receives script console output (the trace or the test route keeps it). */
  log?: (entry: ScriptLog) => void;
}

export type WorkerFn<C> = (msg: PipelineMessage, config: C, ctx: WorkerContext) => PipelineMessage | Promise<PipelineMessage>;

export type WorkerKind = 'envelope' | 'decoder' | 'script';

export interface WorkerDefinition<C = unknown> {
  name: string;
  kind: WorkerKind;
  description: string;
  /** JSON Schema (TypeBox) of the step config; `{}` is always valid when every property is optional. */
  configSchema: TSchema;
  run: WorkerFn<C>;
  /** Rules the schema cannot say (a valid time zone, a parsable path); checked when a pipeline is saved. */
  validate?: (config: C) => { field: string; message: string } | undefined;
}

/** Erases the config type so definitions of different workers share one record. */
export const defineWorker = <C>(def: WorkerDefinition<C>): WorkerDefinition => def as WorkerDefinition;

/** `decodeFailed('cayenne-lpp', 'channel 3 …')` → DECODE_FAILED "cayenne-lpp: channel 3 …". */
export const decodeFailed = (worker: string, message: string, details?: Record<string, unknown>) =>
  new WorkerError('DECODE_FAILED', `${worker}: ${message}`, { worker, ...details });
