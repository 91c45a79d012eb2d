import type { Measurement } from '../measurements/measurements.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { Firing, RuleActions } from './rule-actions.js';
import { deviation, newState, type RuleState, step, type Transition, tick } from './rule-evaluator.js';
import { RuleIndex } from './rule-index.js';
import type { Rule, RuleStore, StreamContext } from './rules.js';

/** Where the engine keeps its state between restarts. */
export interface RuleStatePort {
  load(): Promise<{ ruleId: string; datastreamId: number; state: RuleState }[]>;
  save(states: { ruleId: string; orgId: string; datastreamId: number; state: RuleState }[], now: number): Promise<void>;
  removeRule(ruleId: string): Promise<void>;
}

export interface StreamContextPort {
  byIds(ids: number[]): Promise<StreamContext[]>;
}

export interface EngineOptions {
  /** How long a datastream's context (device place, type, tags) is trusted before it is read again. */
  contextTtlMs: number;
}

interface Entry {
  ruleId: string;
  orgId: string;
  datastreamId: number;
  state: RuleState;
  /** Changed since the last flush (in `dirty`). */
  dirty?: boolean;
}

/**
 * What of a state a restart needs, cheaply compared before and after a value: the pending
 * start (forSeconds), hits (N of M), the window, the last value (rate, no-data). A plain
 * threshold needs nothing but `active`, which changes only with a transition.
 */
function memoryOf(rule: Rule, s: RuleState): unknown {
  const c = rule.condition;
  if (c.kind === 'threshold') {
    // All misses (the usual case) stay all misses: nothing to write.
    if (c.count !== undefined) return s.hits.includes(1) ? Number.NaN : 0;
    return s.since;
  }
  // A window changes with every value (NaN is never equal to itself).
  if (c.kind === 'window') return Number.NaN;
  if (c.kind === 'rate' || c.kind === 'no-data') return s.last?.[0];
  return s.recent.length;
}

/**
 * Evaluates enabled rules on every stored batch (MeasurementEvents), in order, one batch at a
 * time. State lives in memory and is written in batches (`flush`, every second by the
 * caller), so it survives a restart without a write per measurement.
 */
export class RuleEngine {
  readonly index = new RuleIndex();
  private readonly contexts = new Map<number, { ctx: StreamContext | null; at: number }>();
  /** Per datastream, per rule id: number and interned-string keys, no key built per value. */
  private readonly states = new Map<number, Map<string, Entry>>();
  /** Per datastream, the entries of the rules that apply, in `rulesFor` order (rebuilt when that list changes). */
  private readonly streamEntries = new Map<number, { rules: Rule[]; entries: Entry[] }>();
  /** The entries changed since the last flush, each once (`Entry.dirty`). */
  private dirty: Entry[] = [];
  private count = 0;
  private chain: Promise<void> = Promise.resolve();
  /** Counters for /metrics and the benchmark. */
  readonly counts = { measurements: 0, evaluations: 0, transitions: 0, stateWrites: 0 };

  constructor(
    private readonly rules: RuleStore,
    private readonly statesStore: RuleStatePort,
    private readonly streams: StreamContextPort,
    private readonly actions: RuleActions,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly opts: EngineOptions = { contextTtlMs: 60_000 },
  ) {}

  async load(): Promise<void> {
    this.index.replace(await this.rules.allEnabled());
    for (const s of await this.statesStore.load()) {
      const rule = this.index.get(s.ruleId);
      if (rule) this.put({ ...s, ruleId: rule.id, orgId: rule.orgId });
    }
  }

  /** The MeasurementEvents listener: queues the batch (listeners must be quick). */
  readonly onStored = (rows: readonly Measurement[]): void => {
    void this.enqueue(() => this.process(rows));
  };

  /** A rule was created, changed or deleted. */
  ruleChanged(orgId: string, ruleId: string): void {
    void this.enqueue(async () => {
      const rule = await this.rules.get(orgId, ruleId);
      const old = this.index.get(ruleId);
      this.index.set(ruleId, rule);
      // A changed condition starts from a clean slate (open alerts stay until cleared).
      if (!rule || !old || old.updatedAt !== rule.updatedAt) {
        for (const perRule of this.states.values()) {
          const e = perRule.get(ruleId);
          if (!e) continue;
          if (rule) {
            e.state = { ...newState(), active: e.state.active, alertId: e.state.alertId ?? null };
            this.mark(e);
          } else {
            perRule.delete(ruleId);
            e.dirty = false;
            this.count--;
          }
        }
        if (!rule) await this.statesStore.removeRule(ruleId);
      }
    });
  }

  /** A forecast deviation on a datastream (forecast-deviation rules). */
  deviation(datastreamId: number, time: number, value: number): void {
    void this.enqueue(async () => {
      const ctx = (await this.contextsOf([datastreamId])).get(datastreamId);
      if (!ctx) return;
      for (const rule of this.index.rulesFor(ctx)) {
        if (rule.condition.kind !== 'forecast-deviation') continue;
        const e = this.entry(rule, ctx);
        await this.act(rule, ctx, e, deviation(rule, e.state, time, value));
      }
    });
  }

  /** The clock's turn: no-data rules fire for silent datastreams. */
  tick(): Promise<void> {
    return this.enqueue(async () => {
      const now = this.clock();
      for (const e of [...this.states.values()].flatMap((m) => [...m.values()])) {
        const rule = this.index.get(e.ruleId);
        if (rule?.condition.kind !== 'no-data') continue;
        const out = tick(rule, e.state, now);
        if (out.length === 0) continue;
        const ctx = (await this.contextsOf([e.datastreamId])).get(e.datastreamId);
        if (ctx) await this.act(rule, ctx, e, out);
      }
    });
  }

  /** Writes the states changed since the last flush. */
  flush(): Promise<void> {
    return this.enqueue(async () => {
      const batch = this.dirty.filter((e) => e.dirty);
      this.dirty = [];
      for (const e of batch) e.dirty = false;
      if (batch.length === 0) return;
      this.counts.stateWrites += batch.length;
      await this.statesStore.save(batch, this.clock());
    });
  }

  get stateCount(): number {
    return this.count;
  }

  /** Resolves once everything queued so far is done. */
  idle(): Promise<void> {
    return this.enqueue(async () => {});
  }

  /** Chains the task after the previous ones; the returned promise never rejects (errors are logged). */
  private enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.chain.then(task).catch((err: unknown) => this.logger.error({ err }, 'rule engine task failed'));
    this.chain = run;
    return run;
  }

  private async process(rows: readonly Measurement[]) {
    if (this.index.size === 0) return;
    await this.refresh(rows);
    const ordered = rows.length > 1 ? [...rows].sort(byStreamThenTime) : rows;
    const firings: { f: Firing; e: Entry }[] = [];
    this.counts.measurements += ordered.length;
    let lastId = Number.NaN;
    let ctx: StreamContext | null = null;
    let rules: Rule[] = [];
    let entries: Entry[] = [];
    for (const m of ordered) {
      // Sorted by datastream: the context, rules and entries are looked up once per datastream.
      if (m.datastreamId !== lastId) {
        lastId = m.datastreamId;
        ctx = this.contexts.get(lastId)?.ctx ?? null;
        if (ctx) {
          rules = this.index.rulesFor(ctx);
          entries = this.entriesFor(rules, ctx);
        }
      }
      if (!ctx) continue;
      this.counts.evaluations += rules.length;
      for (let i = 0; i < rules.length; i++) {
        const rule = rules[i] as Rule;
        const e = entries[i] as Entry;
        const before = memoryOf(rule, e.state);
        const out = step(rule, e.state, m.time, m.value);
        // Written only when what a restart needs changed (not every value's time).
        if (out.length > 0 || before !== memoryOf(rule, e.state)) this.mark(e);
        for (const t of out) firings.push({ f: { rule, ctx, t, alertId: e.state.alertId ?? null }, e });
      }
    }
    if (firings.length === 0) return;
    this.counts.transitions += firings.length;
    const alertIds = await this.actions.runMany(firings.map((x) => x.f)).catch((err: unknown) => {
      this.logger.error({ err }, 'rule actions failed');
      return firings.map((x) => x.f.alertId);
    });
    firings.forEach((x, i) => {
      x.e.state.alertId = alertIds[i] ?? null;
    });
  }

  private mark(e: Entry) {
    if (e.dirty) return;
    e.dirty = true;
    this.dirty.push(e);
  }

  private put(e: Entry) {
    let perRule = this.states.get(e.datastreamId);
    if (!perRule) {
      perRule = new Map();
      this.states.set(e.datastreamId, perRule);
    }
    if (!perRule.has(e.ruleId)) this.count++;
    perRule.set(e.ruleId, e);
  }

  private entry(rule: Rule, ctx: StreamContext): Entry {
    let e = this.states.get(ctx.datastreamId)?.get(rule.id);
    if (!e) {
      e = { ruleId: rule.id, orgId: rule.orgId, datastreamId: ctx.datastreamId, state: newState() };
      this.put(e);
    }
    return e;
  }

  private entriesFor(rules: Rule[], ctx: StreamContext): Entry[] {
    let cached = this.streamEntries.get(ctx.datastreamId);
    if (!cached || cached.rules !== rules) {
      cached = { rules, entries: rules.map((r) => this.entry(r, ctx)) };
      this.streamEntries.set(ctx.datastreamId, cached);
    }
    return cached.entries;
  }

  private async act(rule: Rule, ctx: StreamContext, e: Entry, out: Transition[]) {
    this.mark(e);
    for (const t of out) {
      this.counts.transitions++;
      const f: Firing = { rule, ctx, t, alertId: e.state.alertId ?? null };
      e.state.alertId = await this.actions.run(f).catch((err: unknown) => {
        this.logger.error({ err, ruleId: rule.id }, 'rule actions failed');
        return f.alertId;
      });
    }
  }

  /** Reads the contexts of the batch's datastreams not known or older than the TTL. */
  private async refresh(rows: readonly { datastreamId: number }[]): Promise<void> {
    const now = this.clock();
    const missing = new Set<number>();
    for (const r of rows) {
      const c = this.contexts.get(r.datastreamId);
      if (!c || now - c.at > this.opts.contextTtlMs) missing.add(r.datastreamId);
    }
    if (missing.size === 0) return;
    const found = new Map((await this.streams.byIds([...missing])).map((c) => [c.datastreamId, c]));
    for (const id of missing) {
      this.contexts.set(id, { ctx: found.get(id) ?? null, at: now });
      this.index.forget(id);
    }
  }

  private async contextsOf(ids: number[]): Promise<Map<number, StreamContext>> {
    await this.refresh(ids.map((datastreamId) => ({ datastreamId })));
    const out = new Map<number, StreamContext>();
    for (const id of ids) {
      const c = this.contexts.get(id)?.ctx;
      if (c) out.set(id, c);
    }
    return out;
  }
}

const byStreamThenTime = (a: Measurement, b: Measurement) => a.datastreamId - b.datastreamId || a.time - b.time;
