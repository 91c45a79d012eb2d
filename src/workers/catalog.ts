/**
 * The built-in workers by name, and how a pipeline runs a step: `prepareStep` once when the
 * pipeline is loaded (validates the config, so a bad step is a 400 at save time, not a failed
 * trace later), then `runStep` per message.
 */
import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { DomainError, invalid } from '../shared/errors.js';
import { dottedField, problemsOf, validationDetails } from '../shared/validation.js';
import { cayenneLppWorker } from './decoders/cayenne-lpp.worker.js';
import { csvWorker } from './decoders/csv.worker.js';
import { jsonMapWorker } from './decoders/json-map.worker.js';
import { neocampusWorker } from './decoders/neocampus.worker.js';
import { chirpstackV3Worker } from './envelopes/chirpstack-v3.worker.js';
import { chirpstackV4Worker } from './envelopes/chirpstack-v4.worker.js';
import { kpnSenmlWorker } from './envelopes/kpn-senml.worker.js';
import { senmlWorker } from './envelopes/senml.worker.js';
import { thingparkWorker } from './envelopes/thingpark.worker.js';
import { ttnV2Worker } from './envelopes/ttn-v2.worker.js';
import { ttnV3Worker } from './envelopes/ttn-v3.worker.js';
import type { PipelineMessage } from './message.js';
import { skipReason } from './message.js';
import type { WorkerContext, WorkerDefinition } from './worker.js';
import { WorkerError } from './worker.js';

export const BUILTIN_WORKERS: Readonly<Record<string, WorkerDefinition>> = Object.freeze(
  Object.fromEntries(
    [
      ttnV3Worker,
      ttnV2Worker,
      chirpstackV4Worker,
      chirpstackV3Worker,
      kpnSenmlWorker,
      thingparkWorker,
      senmlWorker,
      cayenneLppWorker,
      neocampusWorker,
      jsonMapWorker,
      csvWorker,
    ].map((w) => [w.name, w]),
  ),
);

export const isBuiltinWorker = (name: string): boolean => Object.hasOwn(BUILTIN_WORKERS, name);

/** A built-in worker by name; WORKER_NOT_FOUND otherwise (user workers are resolved by the pipeline domain). */
export function builtinWorker(name: string): WorkerDefinition {
  const w = isBuiltinWorker(name) ? BUILTIN_WORKERS[name] : undefined;
  if (!w) throw new DomainError('WORKER_NOT_FOUND', `worker ${name} not found`, { id: name });
  return w;
}

/** A worker with its validated config, ready to run. */
export interface PreparedStep {
  worker: WorkerDefinition;
  config: unknown;
}

const validators = new WeakMap<TSchema, ReturnType<typeof TypeCompiler.Compile>>();

/**
 * Validates a step config against the worker's schema and rules. Throws VALIDATION_FAILED with
 * `details.field` = `config.<path>` (prefix it with the step index at the pipeline level).
 */
export function prepareStep(worker: string | WorkerDefinition, config: unknown = {}): PreparedStep {
  const def = typeof worker === 'string' ? builtinWorker(worker) : worker;
  let check = validators.get(def.configSchema);
  if (!check) {
    check = TypeCompiler.Compile(def.configSchema);
    validators.set(def.configSchema, check);
  }
  const cfg = config ?? {};
  if (!check.Check(cfg)) {
    const details = validationDetails(problemsOf(check.Errors(cfg)), (path) => dottedField(path, 'config'));
    throw invalid(details.field, `${def.name}: ${details.errors[0]?.message ?? `${details.field} is invalid`}`, {
      ...details,
      worker: def.name,
    });
  }
  const problem = def.validate?.(cfg);
  if (problem)
    throw invalid(`config.${problem.field}`, `${def.name}: config.${problem.field} ${problem.message}`, { worker: def.name });
  return { worker: def, config: cfg };
}

/**
 * Runs one step. A message flagged `metadata.skip` (a join accept, a downlink event) passes
 * through untouched. Errors are WorkerErrors (or DomainErrors); anything else is a bug in a
 * worker and becomes WORKER_FAILED so the trace still says which step broke.
 */
export async function runStep(step: PreparedStep, msg: PipelineMessage, ctx: WorkerContext = {}): Promise<PipelineMessage> {
  return runStepNow(step, msg, ctx);
}

/**
 * `runStep` without a promise where the worker answers at once (every built-in does): the
 * pipeline runner calls it per message and step and awaits only a promise. Same results and
 * errors (a rejection is wrapped as a throw is).
 */
export function runStepNow(
  step: PreparedStep,
  msg: PipelineMessage,
  ctx: WorkerContext = {},
): PipelineMessage | Promise<PipelineMessage> {
  if (skipReason(msg) !== undefined) return msg;
  let out: PipelineMessage | Promise<PipelineMessage>;
  try {
    out = step.worker.run(msg, step.config, ctx);
  } catch (err) {
    throw workerFailure(step, err);
  }
  // Any thenable is awaited as `await` would; a plain message is returned as it is.
  return isThenable(out)
    ? Promise.resolve(out).then(undefined, (err: unknown) => {
        throw workerFailure(step, err);
      })
    : out;
}

const isThenable = (v: unknown): v is PromiseLike<PipelineMessage> =>
  (typeof v === 'object' || typeof v === 'function') && v !== null && typeof (v as { then?: unknown }).then === 'function';

function workerFailure(step: PreparedStep, err: unknown): unknown {
  if (err instanceof DomainError) return err;
  return new WorkerError('WORKER_FAILED', `${step.worker.name}: ${(err as Error).message ?? String(err)}`, {
    worker: step.worker.name,
  });
}

/** Whether a worker definition is one of the built-ins (they never log through the context). */
export const isBuiltinDefinition = (def: WorkerDefinition): boolean =>
  isBuiltinWorker(def.name) && BUILTIN_WORKERS[def.name] === def;

/** Runs a built-in worker by name (validates the config on every call: for tools and tests, not hot paths). */
export const runBuiltin = (name: string, msg: PipelineMessage, config: unknown = {}, ctx: WorkerContext = {}) =>
  runStep(prepareStep(name, config), msg, ctx);
