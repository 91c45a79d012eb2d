/**
 * The workers module's public API: the message envelope, worker definitions and errors, the
 * built-in catalog (catalog.ts), the script sandbox and the test helper. Pipelines import from here.
 */

export {
  BUILTIN_WORKERS,
  builtinWorker,
  isBuiltinDefinition,
  isBuiltinWorker,
  type PreparedStep,
  prepareStep,
  runBuiltin,
  runStep,
  runStepNow,
} from './catalog.js';
export * from './message.js';
export { ENTRY_POINTS, type EntryPoint } from './sandbox/prelude.js';
export { defineScriptWorker, ScriptConfig } from './sandbox/script.worker.js';
export { type CallResult, ScriptRunner, type ScriptRunnerOptions, type ScriptSource } from './sandbox/script-runner.js';
export type { ScriptLanguage } from './sandbox/transpile.js';
export {
  sampleMessage,
  type TestError,
  testWorker,
  type WorkerSample,
  WorkerSampleSchema,
  type WorkerTestResult,
} from './test-worker.js';
export {
  decodeFailed,
  defineWorker,
  type ScriptLog,
  WORKER_ERROR_CODES,
  type WorkerContext,
  type WorkerDefinition,
  WorkerError,
  type WorkerErrorCode,
  type WorkerFn,
  type WorkerKind,
} from './worker.js';
