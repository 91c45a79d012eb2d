import { parentPort, workerData } from 'node:worker_threads';
import { type CoreOptions, RuleCore } from './rule-core.js';

/**
 * The rule engine's evaluating thread: a RuleCore answering the engine's requests
 * (`{id, op, args}` → `{id, result}` or `{id, error}`), in the order they were sent.
 */
const core = new RuleCore(workerData as CoreOptions);
const port = parentPort;
if (!port) throw new Error('rule-worker.ts runs as a worker thread');

port.on('message', (msg: { id: number; op: keyof RuleCore; args: unknown[] }) => {
  try {
    const fn = core[msg.op] as unknown as (...args: unknown[]) => unknown;
    const result = fn.apply(core, msg.args);
    if (msg.id !== 0) port.postMessage({ id: msg.id, result, counts: core.counts, stateCount: core.stateCount });
  } catch (err) {
    port.postMessage({ id: msg.id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  }
});
