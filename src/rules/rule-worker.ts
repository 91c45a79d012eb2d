import { parentPort, workerData } from 'node:worker_threads';
import { type DatabaseOptions, openDatabase } from '../db/database.js';
import { type CoreOptions, RuleCore, type SerialisedState } from './rule-core.js';
import { KyselyRuleStateStore } from './rules.store.js';

/**
 * The rule engine's evaluating thread: a RuleCore answering the engine's requests
 * (`{id, op, args}` → `{id, result}` or `{id, error}`), in the order they were sent. Given a
 * database, it writes the states itself (`write`, its own connection), so that neither the
 * serialising nor the writing takes time from the storing thread.
 */
export interface RuleWorkerData {
  core: CoreOptions;
  /** How to open the database for state writes; without it the engine writes them. */
  database?: DatabaseOptions | undefined;
}

/** States per write transaction: short ones, so SQLite's other writer (the store) waits little. */
const WRITE_CHUNK = 2000;

const data = workerData as RuleWorkerData;
const core = new RuleCore(data.core);
const database = data.database ? openDatabase(data.database) : undefined;
const store = database ? new KyselyRuleStateStore(database.db) : undefined;
let writes: Promise<unknown> = Promise.resolve();
const port = parentPort;
if (!port) throw new Error('rule-worker.ts runs as a worker thread');

async function write(states: SerialisedState[], now: number) {
  if (!store) throw new Error('the rule engine thread has no database');
  for (let i = 0; i < states.length; i += WRITE_CHUNK) {
    await store.save(states.slice(i, i + WRITE_CHUNK), now);
    // Lets the other messages (batches) through between chunks.
    await new Promise((r) => setImmediate(r));
  }
}

/** Ops of the thread's own: the states written from here, and closing the connection. */
const own: Record<string, (...args: never[]) => Promise<unknown>> = {
  write: (now: number, all: boolean) => {
    const states = core.flush(now, all);
    const done = writes
      .then(() => write(states, now))
      .then(
        () => states.length,
        (err: unknown) => {
          core.unflushed(states);
          throw err;
        },
      );
    writes = done.catch(() => {});
    return done;
  },
  close: async () => {
    await writes;
    await database?.close();
  },
};

const answer = (id: number, result: unknown) => {
  if (id !== 0) port.postMessage({ id, result, counts: core.counts, stateCount: core.stateCount });
};
const fail = (id: number, err: unknown) =>
  port.postMessage({ id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });

port.on('message', (msg: { id: number; op: string; args: unknown[] }) => {
  try {
    const mine = own[msg.op];
    if (mine) {
      (mine as (...a: unknown[]) => Promise<unknown>)(...msg.args).then(
        (r) => answer(msg.id, r),
        (err: unknown) => fail(msg.id, err),
      );
      return;
    }
    const fn = core[msg.op as keyof RuleCore] as unknown as (...args: unknown[]) => unknown;
    answer(msg.id, fn.apply(core, msg.args));
  } catch (err) {
    fail(msg.id, err);
  }
});
