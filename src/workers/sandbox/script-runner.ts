/**
 * Runs user scripts in V8 isolates (isolated-vm): one isolate per script revision, compiled once
 * and reused, with a heap limit and a per-call time limit. Nothing of Node is reachable from
 * inside (no require, process, network or file system); only JSON strings cross the boundary.
 * An isolate that timed out or ran out of memory is disposed; the next call builds a fresh one.
 * Which isolated-vm release runs depends on the Node.js line (./isolated-vm.ts).
 */
import type { ScriptLog } from '../worker-error.js';
import { WorkerError } from '../worker-error.js';
import { type IvmContext, type IvmIsolate, type IvmReference, type IvmScript, isolatedVm } from './isolated-vm.js';
import { type EntryPoint, invoker, lookup, prelude } from './prelude.js';
import { type ScriptLanguage, transpile } from './transpile.js';

export interface ScriptSource {
  /** Stable id of the user worker; with the revision it keys the compiled isolate. */
  id: string;
  revision: string | number;
  language: ScriptLanguage;
  source: string;
  name?: string;
}

export interface ScriptRunnerOptions {
  /** Heap limit of each isolate in MB (isolated-vm's minimum is 8). Default 32. */
  memoryLimitMb?: number;
  /** Wall-clock limit of one call (and of the script's top-level code) in ms. Default 100. */
  timeoutMs?: number;
  /** Console output kept per call, in characters. Default 8192. */
  maxLogChars?: number;
  /** Result size limit in characters of JSON. Default 1 MiB. */
  maxResultChars?: number;
  /** Compiled isolates kept; the least recently used beyond this are disposed. Default 64. */
  maxCached?: number;
  /**
   * A call first runs synchronously on the calling thread (≈ 20 µs instead of ≈ 130 µs for a
   * hop to isolated-vm's thread pool). A script whose call takes longer than this many ms, or
   * that timed out once, runs on the pool from then on, so it cannot stall the event loop.
   * 0 always uses the pool. Default 2.
   */
  syncBudgetMs?: number;
}

export interface CallResult {
  value: unknown;
  logs: ScriptLog[];
}

interface Compiled {
  isolate: IvmIsolate;
  context: IvmContext;
  invoke: IvmReference<(name: string, json: string, recvTimeArg: number) => string>;
  takeLogs: IvmReference<() => string>;
  entries: EntryPoint[];
  inflight: number;
  /** Runs on the thread pool (see syncBudgetMs). */
  slow: boolean;
  calls: number;
  /** Set when this runner disposed the isolate on purpose (another call timed out). */
  resetByTimeout?: boolean;
  /** Consecutive synchronous calls over the budget: one GC pause does not make a script slow. */
  overBudget: number;
}

const LEVELS = new Set(['log', 'info', 'warn', 'error', 'debug']);
const WARM_UP_CALLS = 5;
const SLOW_AFTER = 3;

export class ScriptRunner {
  readonly memoryLimitMb: number;
  readonly timeoutMs: number;
  private readonly maxLogChars: number;
  private readonly maxResultChars: number;
  private readonly maxCached: number;
  private readonly syncBudgetMs: number;
  private readonly cache = new Map<string, Promise<Compiled>>();
  /** Scripts known to be slow survive the disposal of their isolate. */
  private readonly slowKeys = new Set<string>();
  private disposed = false;

  constructor(options: ScriptRunnerOptions = {}) {
    this.memoryLimitMb = Math.max(8, options.memoryLimitMb ?? 32);
    this.timeoutMs = Math.max(1, options.timeoutMs ?? 100);
    this.maxLogChars = options.maxLogChars ?? 8192;
    this.maxResultChars = options.maxResultChars ?? 1024 * 1024;
    this.maxCached = Math.max(1, options.maxCached ?? 64);
    this.syncBudgetMs = Math.max(0, options.syncBudgetMs ?? 2);
  }

  /** Compiles (or reuses) the script and returns the entry points it defines. Throws SCRIPT_INVALID. */
  async entries(script: ScriptSource): Promise<EntryPoint[]> {
    return (await this.compiled(script)).entries;
  }

  /**
   * Calls an entry point with JSON-able arguments. `recvTimeArg` names the argument whose
   * `recvTime` string becomes a Date inside. Throws WorkerError (SCRIPT_TIMEOUT,
   * SCRIPT_MEMORY_LIMIT, SCRIPT_FAILED) with the logs gathered so far in `details.logs`.
   */
  async call(script: ScriptSource, entry: EntryPoint, args: unknown[], recvTimeArg = -1): Promise<CallResult> {
    const key = keyOf(script);
    const c = await this.compiled(script);
    if (!c.entries.includes(entry)) throw new WorkerError('SCRIPT_INVALID', `the script defines no ${entry} function`);
    c.inflight++;
    try {
      const argv = [entry, JSON.stringify(args), recvTimeArg] as [string, string, number];
      let text: unknown;
      if (c.slow || this.syncBudgetMs === 0) {
        text = await c.invoke.apply(undefined, argv, { timeout: this.timeoutMs });
      } else {
        const started = performance.now();
        text = c.invoke.applySync(undefined, argv, { timeout: this.timeoutMs });
        // The first calls run V8's lazy compilation: only later ones say how slow the script is.
        if (++c.calls > WARM_UP_CALLS) {
          c.overBudget = performance.now() - started > this.syncBudgetMs ? c.overBudget + 1 : 0;
          if (c.overBudget >= SLOW_AFTER) this.markSlow(key, c);
        }
      }
      if (typeof text !== 'string') throw new WorkerError('SCRIPT_FAILED', `${entry} did not return a value`, { logs: [] });
      if (text.length > this.maxResultChars) {
        const logs = await this.logs(c).catch(() => []);
        throw new WorkerError(
          'SCRIPT_FAILED',
          `${entry} returned ${text.length} characters of JSON; the limit is ${this.maxResultChars}`,
          {
            logs,
          },
        );
      }
      const out = JSON.parse(text) as { l: unknown; v: unknown };
      return { value: out.v, logs: sanitiseLogs(out.l) };
    } catch (err) {
      if (err instanceof WorkerError) throw err;
      throw await this.failure(key, c, entry, err as Error);
    } finally {
      c.inflight--;
    }
  }

  /** Disposes every isolate; the runner cannot be used afterwards. */
  async dispose(): Promise<void> {
    this.disposed = true;
    const all = [...this.cache.values()];
    this.cache.clear();
    for (const p of all) {
      const c = await p.catch(() => undefined);
      if (c && !c.isolate.isDisposed) c.isolate.dispose();
    }
  }

  /** Whether calls of this script go to the thread pool (it was slow or timed out once). */
  runsOnPool(script: ScriptSource): boolean {
    return this.syncBudgetMs === 0 || this.slowKeys.has(keyOf(script));
  }

  /** Number of compiled isolates held (for metrics). */
  get size(): number {
    return this.cache.size;
  }

  private async failure(key: string, c: Compiled, entry: string, err: Error): Promise<WorkerError> {
    const message = err.message ?? String(err);
    if (c.resetByTimeout) {
      // A concurrent call timed out and its isolate was reset under this one: trying again helps.
      return new WorkerError(
        'SCRIPT_TIMEOUT',
        `${entry} was stopped: another call of this script ran longer than ${this.timeoutMs} ms`,
        {
          limitMs: this.timeoutMs,
          logs: [],
        },
      );
    }
    if (c.isolate.isDisposed || /memory limit/i.test(message)) {
      this.evict(key, c);
      return new WorkerError(
        'SCRIPT_MEMORY_LIMIT',
        `${entry} exceeded the memory limit of ${this.memoryLimitMb} MB and was stopped`,
        { limitMb: this.memoryLimitMb, logs: [] },
      );
    }
    if (/timed out/i.test(message)) {
      this.markSlow(key, c);
      const logs = await this.logs(c).catch(() => []);
      // The script was stopped mid-way: its global state may be half-updated. Start clean next time.
      c.resetByTimeout = true;
      this.evict(key, c);
      return new WorkerError('SCRIPT_TIMEOUT', `${entry} ran longer than ${this.timeoutMs} ms and was stopped`, {
        limitMs: this.timeoutMs,
        logs,
      });
    }
    const logs = await this.logs(c).catch(() => []);
    // Only the script's own frames: host frames would leak server paths to API users.
    const stack = (err.stack ?? '')
      .split('\n')
      .filter((l) => l.includes('script-'))
      .map((l) => l.trim());
    return new WorkerError('SCRIPT_FAILED', `${entry} threw: ${message}`, { logs, ...(stack.length > 0 && { stack }) });
  }

  private async logs(c: Compiled): Promise<ScriptLog[]> {
    if (c.isolate.isDisposed) return [];
    const text = await c.takeLogs.apply(undefined, [], { timeout: this.timeoutMs });
    return sanitiseLogs(typeof text === 'string' ? JSON.parse(text) : []);
  }

  private markSlow(key: string, c: Compiled): void {
    c.slow = true;
    this.slowKeys.add(key);
  }

  private evict(key: string, c: Compiled): void {
    this.cache.delete(key);
    if (!c.isolate.isDisposed) c.isolate.dispose();
  }

  private compiled(script: ScriptSource): Promise<Compiled> {
    if (this.disposed) throw new Error('ScriptRunner is disposed');
    const key = keyOf(script);
    let p = this.cache.get(key);
    if (p) {
      // Least recently used order: move to the end.
      this.cache.delete(key);
      this.cache.set(key, p);
      return p;
    }
    p = this.compile(script);
    this.cache.set(key, p);
    p.catch(() => this.cache.delete(key));
    this.trim();
    return p;
  }

  private trim(): void {
    for (const [key, p] of this.cache) {
      if (this.cache.size <= this.maxCached) return;
      this.cache.delete(key);
      void p.then(
        (c) => {
          const release = () =>
            c.inflight > 0 ? setTimeout(release, this.timeoutMs) : c.isolate.isDisposed || c.isolate.dispose();
          release();
        },
        () => undefined,
      );
    }
  }

  private async compile(script: ScriptSource): Promise<Compiled> {
    const code = transpile(script.source, script.language);
    const isolate = new isolatedVm.ivm.Isolate({ memoryLimit: this.memoryLimitMb });
    try {
      const context = await isolate.createContext();
      await context.eval(prelude(this.maxLogChars), { timeout: this.timeoutMs });
      let compiled: IvmScript;
      try {
        compiled = await isolate.compileScript(code, { filename: `script-${script.id}@${script.revision}.js` });
      } catch (err) {
        throw new WorkerError('SCRIPT_INVALID', `the script does not compile: ${(err as Error).message}`);
      }
      try {
        await compiled.run(context, { timeout: this.timeoutMs });
      } catch (err) {
        const m = (err as Error).message;
        const why = isolate.isDisposed
          ? `exceeded the memory limit of ${this.memoryLimitMb} MB`
          : /timed out/i.test(m)
            ? `ran longer than ${this.timeoutMs} ms`
            : `threw: ${m}`;
        throw new WorkerError('SCRIPT_INVALID', `the script's top-level code ${why}`);
      }
      const entries = JSON.parse(String(await context.eval(lookup, { timeout: this.timeoutMs }))) as EntryPoint[];
      if (entries.length === 0) {
        throw new WorkerError('SCRIPT_INVALID', 'the script defines none of decodeUplink, Decoder, Decode or process');
      }
      const invoke = (await context.eval(invoker, { reference: true })) as unknown as Compiled['invoke'];
      const takeLogs = (await context.eval('__polder.takeLogs', { reference: true })) as unknown as Compiled['takeLogs'];
      return {
        isolate,
        context,
        invoke,
        takeLogs,
        entries,
        inflight: 0,
        calls: 0,
        overBudget: 0,
        slow: this.slowKeys.has(keyOf(script)),
      };
    } catch (err) {
      if (!isolate.isDisposed) isolate.dispose();
      throw err;
    }
  }
}

const keyOf = (s: ScriptSource) => `${s.id}@${s.revision}`;

/** Log entries come from inside the sandbox: keep only the shape we promise. */
function sanitiseLogs(parsed: unknown): ScriptLog[] {
  if (!Array.isArray(parsed)) return [];
  return parsed.map((l: { level?: unknown; message?: unknown }) => ({
    level: (LEVELS.has(String(l?.level)) ? l.level : 'log') as ScriptLog['level'],
    message: String(l?.message),
  }));
}
