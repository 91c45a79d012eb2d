import type { Worker } from 'node:worker_threads';
import type { DatabaseOptions } from '../db/database.js';
import type { Measurement } from '../measurements/measurements.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { startWorkerThread } from '../shared/worker-thread.js';
import type { Firing, RuleActions } from './rule-actions.js';
import { type CoreCounts, type CoreFiring, type CoreOptions, RuleCore, type SerialisedState } from './rule-core.js';
import type { RuleState } from './rule-evaluator.js';
import { RuleIndex } from './rule-index.js';
import type { RuleWorkerData } from './rule-worker.js';
import type { Rule, RuleStore, StreamContext } from './rules.js';

/** Where the engine keeps its state between restarts. */
export interface RuleStatePort {
  load(): Promise<{ ruleId: string; datastreamId: number; state: RuleState }[]>;
  /** Upserts states serialised by the core (rules deleted meanwhile are skipped). */
  save(states: SerialisedState[], now: number): Promise<void>;
  removeRule(ruleId: string): Promise<void>;
}

export interface StreamContextPort {
  byIds(ids: number[]): Promise<StreamContext[]>;
}

export interface EngineOptions {
  /** How long a datastream's context (device place, type, tags) is trusted before it is read again. */
  contextTtlMs: number;
  /** Evaluate in a worker thread (default) or in the calling thread (`false`: tests, comparisons). */
  thread?: boolean | undefined;
  /** See CoreOptions.softFlushMs (default 30 s). */
  softFlushMs?: number | undefined;
  /**
   * How the worker thread opens the database to write the states itself (its own connection);
   * without it (or with `thread: false`) this thread writes them.
   */
  stateDatabase?: DatabaseOptions | undefined;
}

/** The RuleCore's methods the engine calls, with their arguments and answers. */
interface CoreCalls {
  load(rules: Rule[], states: { ruleId: string; datastreamId: number; state: RuleState }[]): void;
  setRule(id: string, rule: Rule | undefined): void;
  setContexts(items: [number, StreamContext | null][]): void;
  setAlertIds(items: [string, number, string | null][]): void;
  batch(ds: Float64Array, times: Float64Array, values: Float64Array, n: number): CoreFiring[];
  deviation(datastreamId: number, time: number, value: number): CoreFiring[];
  tick(now: number): CoreFiring[];
  flush(now: number, all: boolean): SerialisedState[];
  unflushed(states: SerialisedState[]): void;
  /** In the worker given a database: flush and write there; answers the number written. */
  write(now: number, all: boolean): number;
  close(): void;
}
type Op = keyof CoreCalls;

/** How the engine reaches its core: in this thread or in a worker; calls and posts are taken in order. */
interface CoreLink {
  call<K extends Op>(op: K, args: Parameters<CoreCalls[K]>, transfer?: ArrayBuffer[]): Promise<ReturnType<CoreCalls[K]>>;
  /** A call whose answer is not awaited. */
  post<K extends Op>(op: K, args: Parameters<CoreCalls[K]>): void;
  readonly counts: CoreCounts;
  readonly stateCount: number;
  close(): Promise<void>;
}

function inThread(opts: CoreOptions): CoreLink {
  const core = new RuleCore(opts);
  // `write` and `close` are the worker's own (never called here: this thread writes the states).
  const ops = core as unknown as Record<Op, (...a: unknown[]) => unknown>;
  const run = (op: Op, args: unknown[]) => ops[op].apply(core, args);
  return {
    call: (op, args) => {
      try {
        return Promise.resolve(run(op, args) as never);
      } catch (err) {
        return Promise.reject(err);
      }
    },
    post: (op, args) => void run(op, args),
    counts: core.counts,
    get stateCount() {
      return core.stateCount;
    },
    close: async () => {},
  };
}

function startWorker(opts: RuleWorkerData): Worker {
  return startWorkerThread(import.meta.url, 'rule-worker', { workerData: opts });
}

function inWorker(opts: RuleWorkerData, logger: Logger): CoreLink {
  const worker = startWorker(opts);
  const pending = new Map<number, { resolve: (v: never) => void; reject: (e: Error) => void }>();
  let next = 1;
  let failure: Error | undefined;
  const link = {
    counts: { measurements: 0, evaluations: 0, transitions: 0, stateWrites: 0 } as CoreCounts,
    stateCount: 0,
  };
  // Holds the process open only while answers are awaited.
  worker.unref();
  const settle = (fail: (p: { reject: (e: Error) => void }) => void) => {
    for (const p of pending.values()) fail(p);
    pending.clear();
    worker.unref();
  };
  worker.on('message', (msg: { id: number; result?: unknown; error?: string; counts?: CoreCounts; stateCount?: number }) => {
    if (msg.counts) Object.assign(link.counts, msg.counts);
    if (msg.stateCount !== undefined) link.stateCount = msg.stateCount;
    const p = pending.get(msg.id);
    if (msg.error !== undefined) logger.error({ error: msg.error }, 'rule engine thread failed a task');
    if (!p) return;
    pending.delete(msg.id);
    if (pending.size === 0) worker.unref();
    if (msg.error !== undefined) p.reject(new Error(msg.error));
    else p.resolve(msg.result as never);
  });
  worker.on('error', (err) => {
    failure = err;
    logger.error({ err }, 'rule engine thread stopped');
    settle((p) => p.reject(err));
  });
  worker.on('exit', () => {
    failure ??= new Error('rule engine thread exited');
    settle((p) => p.reject(failure as Error));
  });
  return {
    call: (op, args, transfer) =>
      new Promise((resolve, reject) => {
        if (failure) return reject(failure);
        const id = next++;
        if (pending.size === 0) worker.ref();
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, op, args }, transfer ?? []);
      }),
    post: (op, args) => {
      if (!failure) worker.postMessage({ id: 0, op, args });
    },
    get counts() {
      return link.counts;
    },
    get stateCount() {
      return link.stateCount;
    },
    close: async () => {
      if (!failure) {
        const id = next++;
        worker.ref();
        // Its writes finished and its connection closed first.
        await new Promise<void>((resolve) => {
          pending.set(id, { resolve: () => resolve(), reject: () => resolve() });
          worker.postMessage({ id, op: 'close', args: [] });
        });
      }
      failure ??= new Error('rule engine closed');
      await worker.terminate();
    },
  };
}

/**
 * Evaluates enabled rules on every stored batch (MeasurementEvents), in order, one batch at a
 * time. The evaluation and the states are in a RuleCore, by default in a worker thread: this
 * thread packs each batch into typed arrays (datastream ids, times, values) and posts it, reads
 * the contexts of datastreams the core does not know yet, acts on the transitions the core
 * answers (alerts, webhooks, e-mail, orders). The states are serialised in the core and written
 * (`flush`, every second by the caller) by the worker with its own connection (`stateDatabase`),
 * else by this thread, so they survive a restart without a write per value.
 */
export class RuleEngine {
  /** The enabled rules (this thread's copy, to act on the core's transitions). */
  readonly index = new RuleIndex();
  private readonly contexts = new Map<number, { ctx: StreamContext | null; at: number }>();
  /** The open alert per `ruleId|datastreamId` (the firings' alertId). */
  private readonly openAlerts = new Map<string, string>();
  private link: CoreLink | undefined;
  private closed = false;
  private writesInWorker = false;
  private chain: Promise<void> = Promise.resolve();
  private readonly idleCounts: CoreCounts = { measurements: 0, evaluations: 0, transitions: 0, stateWrites: 0 };
  private readonly opts: EngineOptions;

  constructor(
    private readonly rules: RuleStore,
    private readonly statesStore: RuleStatePort,
    private readonly streams: StreamContextPort,
    private readonly actions: RuleActions,
    private readonly clock: Clock,
    private readonly logger: Logger,
    opts: EngineOptions = { contextTtlMs: 60_000 },
  ) {
    this.opts = opts;
  }

  /** Counters for /metrics and the benchmark (as of the core's last answer). */
  get counts(): CoreCounts {
    return this.link?.counts ?? this.idleCounts;
  }

  get stateCount(): number {
    return this.link?.stateCount ?? 0;
  }

  async load(): Promise<void> {
    const rules = await this.rules.allEnabled();
    this.index.replace(rules);
    if (rules.length === 0) return;
    const states = (await this.statesStore.load()).filter((s) => this.index.get(s.ruleId));
    for (const s of states) if (s.state.alertId) this.openAlerts.set(keyOf(s.ruleId, s.datastreamId), s.state.alertId);
    await this.start(rules, states);
  }

  /** The MeasurementEvents listener: packs the batch and queues it (listeners must be quick). */
  readonly onStored = (rows: readonly Measurement[]): void => {
    if (this.index.size === 0 || this.closed) return;
    const n = rows.length;
    const ds = new Float64Array(n);
    const times = new Float64Array(n);
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const m = rows[i] as Measurement;
      ds[i] = m.datastreamId;
      times[i] = m.time;
      values[i] = m.value;
    }
    void this.enqueue(async () => {
      if (!this.link) return;
      await this.refresh(ds);
      await this.act(await this.link.call('batch', [ds, times, values, n], [ds.buffer, times.buffer, values.buffer]));
    });
  };

  /** A rule was created, changed or deleted. */
  ruleChanged(orgId: string, ruleId: string): void {
    void this.enqueue(async () => {
      if (this.closed) return;
      const rule = await this.rules.get(orgId, ruleId);
      this.index.set(ruleId, rule);
      if (!this.link) {
        if (rule?.enabled) await this.start([rule], []);
      } else this.link.post('setRule', [ruleId, rule]);
      if (!rule) {
        for (const key of [...this.openAlerts.keys()]) if (key.startsWith(`${ruleId}|`)) this.openAlerts.delete(key);
        await this.statesStore.removeRule(ruleId);
      }
    });
  }

  /** A forecast deviation on a datastream (forecast-deviation rules). */
  deviation(datastreamId: number, time: number, value: number): void {
    void this.enqueue(async () => {
      if (!this.link) return;
      await this.refresh([datastreamId]);
      await this.act(await this.link.call('deviation', [datastreamId, time, value]));
    });
  }

  /** The clock's turn: no-data rules fire for silent datastreams. */
  tick(): Promise<void> {
    return this.enqueue(async () => {
      if (!this.link) return;
      await this.act(await this.link.call('tick', [this.clock()]));
    });
  }

  /**
   * Writes the states changed since the last flush (those changed by values alone every
   * `softFlushMs`); `all`: every changed state (a graceful stop).
   */
  flush(all = false): Promise<void> {
    let written: Promise<unknown> = Promise.resolve();
    const queued = this.enqueue(async () => {
      if (!this.link) return;
      const now = this.clock();
      // The worker writes with its own connection: the queue goes on meanwhile.
      if (this.writesInWorker) {
        written = this.link
          .call('write', [now, all])
          .catch((err: unknown) => this.logger.error({ err }, 'rule states not written'));
        return;
      }
      const link = this.link;
      const batch = await link.call('flush', [now, all]);
      if (batch.length > 0)
        await this.statesStore.save(batch, now).catch((err: unknown) => {
          link.post('unflushed', [batch]);
          throw err;
        });
    });
    return queued.then(() => written).then(() => {});
  }

  /** Writes every changed state and stops the core (its thread). */
  close(): Promise<void> {
    const done = this.flush(true)
      .then(async () => {
        this.closed = true;
        const link = this.link;
        this.link = undefined;
        if (link) Object.assign(this.idleCounts, link.counts);
        await link?.close();
      })
      .catch((err: unknown) => this.logger.error({ err }, 'rule engine did not close cleanly'));
    this.chain = done;
    return done;
  }

  /** Resolves once everything queued so far is done. */
  idle(): Promise<void> {
    return this.enqueue(async () => {});
  }

  private async start(rules: Rule[], states: { ruleId: string; datastreamId: number; state: RuleState }[]) {
    const core: CoreOptions = { softFlushMs: this.opts.softFlushMs ?? 30_000 };
    const thread = this.opts.thread !== false;
    this.writesInWorker = thread && !!this.opts.stateDatabase;
    this.link = thread ? inWorker({ core, database: this.opts.stateDatabase }, this.logger) : inThread(core);
    // States restored from JSON: windows come back as pairs and are rebuilt by the evaluator.
    await this.link.call('load', [rules, states]);
  }

  /** Chains the task after the previous ones; the returned promise never rejects (errors are logged). */
  private enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.chain.then(task).catch((err: unknown) => this.logger.error({ err }, 'rule engine task failed'));
    this.chain = run;
    return run;
  }

  /** Acts on the core's transitions; the alerts they open or resolve go back to the core's states. */
  private async act(out: CoreFiring[]) {
    if (out.length === 0) return;
    const unknown = out.filter((f) => !this.contexts.get(f.datastreamId)?.ctx).map((f) => f.datastreamId);
    if (unknown.length > 0) await this.refresh(unknown);
    const firings: Firing[] = [];
    for (const { ruleId, datastreamId, t } of out) {
      const rule = this.index.get(ruleId);
      const ctx = this.contexts.get(datastreamId)?.ctx;
      if (!rule || !ctx) continue;
      firings.push({ rule, ctx, t, alertId: this.openAlerts.get(keyOf(ruleId, datastreamId)) ?? null });
    }
    if (firings.length === 0) return;
    const alertIds = await this.actions.runMany(firings).catch((err: unknown) => {
      this.logger.error({ err }, 'rule actions failed');
      return firings.map((f) => f.alertId);
    });
    const updates: [string, number, string | null][] = firings.map((f, i) => {
      const key = keyOf(f.rule.id, f.ctx.datastreamId);
      const id = alertIds[i] ?? null;
      if (id) this.openAlerts.set(key, id);
      else this.openAlerts.delete(key);
      return [f.rule.id, f.ctx.datastreamId, id];
    });
    this.link?.post('setAlertIds', [updates]);
  }

  /** Reads the contexts of the datastreams not known or older than the TTL, and tells the core. */
  private async refresh(ids: ArrayLike<number>): Promise<void> {
    const now = this.clock();
    const missing = new Set<number>();
    let last = Number.NaN;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] as number;
      if (id === last) continue;
      last = id;
      const c = this.contexts.get(id);
      if (!c || now - c.at > this.opts.contextTtlMs) missing.add(id);
    }
    if (missing.size === 0) return;
    const found = new Map((await this.streams.byIds([...missing])).map((c) => [c.datastreamId, c]));
    const items: [number, StreamContext | null][] = [];
    for (const id of missing) {
      const ctx = found.get(id) ?? null;
      this.contexts.set(id, { ctx, at: now });
      items.push([id, ctx]);
    }
    this.link?.post('setContexts', [items]);
  }
}

const keyOf = (ruleId: string, datastreamId: number) => `${ruleId}|${datastreamId}`;
