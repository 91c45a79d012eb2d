import { deviation, newState, type RuleState, step, type Transition, tick } from './rule-evaluator.js';
import { RuleIndex } from './rule-index.js';
import type { Rule, StreamContext } from './rules.js';

/**
 * The evaluating half of the rule engine, with no I/O: the rules, the datastream contexts it is
 * told, the state of every (rule, datastream) and the evaluation of batches of values given as
 * typed arrays. It runs in a worker thread (`rule-worker.ts`) so that evaluation takes no time
 * from the thread that stores measurements; the engine (`rule-engine.ts`) does the reading,
 * writing and acting, and talks to it by messages (or calls it directly, `thread: false`).
 */

/** A transition of one rule on one datastream, for the engine to act upon. */
export interface CoreFiring {
  ruleId: string;
  datastreamId: number;
  t: Transition;
}

/** A state to write, already serialised (JSON) by the core. */
export interface SerialisedState {
  ruleId: string;
  orgId: string;
  datastreamId: number;
  json: string;
}

export interface CoreCounts {
  measurements: number;
  evaluations: number;
  transitions: number;
  stateWrites: number;
}

export interface CoreOptions {
  /**
   * States whose only change is what every value changes (a window's values, the last value of
   * `rate` and `no-data`) are written at most this often (ms); transitions and pending
   * `forSeconds` / N-of-M changes at every flush. A graceful stop writes everything.
   */
  softFlushMs: number;
}

interface Entry {
  ruleId: string;
  orgId: string;
  datastreamId: number;
  state: RuleState;
  /** 0 written, 1 changed softly (in `soft`), 2 changed what a restart needs now (in `hard`). */
  dirty: number;
}

/** How a rule's state changes with a value, decided once per rule (see `memoryKind`). */
const MEM_NONE = 0; // plain threshold: only transitions change what a restart needs
const MEM_SINCE = 1; // threshold with forSeconds: the pending start
const MEM_HITS = 2; // threshold N of M: the hits, while any is a pass
const MEM_SOFT = 3; // window, rate, no-data: every value changes the state
const MEM_RECENT = 4; // forecast deviations: their number

function memoryKind(rule: Rule): number {
  const c = rule.condition;
  if (c.kind === 'threshold') {
    if (c.count !== undefined) return MEM_HITS;
    return c.forSeconds ? MEM_SINCE : MEM_NONE;
  }
  if (c.kind === 'forecast-deviation') return MEM_RECENT;
  return MEM_SOFT;
}

/** What of the state a restart needs, cheaply compared before and after a value. */
function memoryOf(kind: number, s: RuleState): unknown {
  if (kind === MEM_SINCE) return s.since;
  // All misses (the usual case) stay all misses: nothing to write.
  if (kind === MEM_HITS) return s.hits.includes(1) ? Number.NaN : 0;
  if (kind === MEM_RECENT) return s.recent.length;
  return null;
}

export class RuleCore {
  readonly index = new RuleIndex();
  private readonly contexts = new Map<number, StreamContext | null>();
  /** Per datastream, per rule id. */
  private readonly states = new Map<number, Map<string, Entry>>();
  /** Per datastream, the entries of the rules that apply, in `rulesFor` order (rebuilt when that list changes). */
  private readonly streamEntries = new Map<number, { rules: Rule[]; entries: Entry[]; kinds: Uint8Array }>();
  private readonly kinds = new Map<string, number>();
  private hard: Entry[] = [];
  private soft: Entry[] = [];
  private lastSoftFlush = Number.NEGATIVE_INFINITY;
  private count = 0;
  readonly counts: CoreCounts = { measurements: 0, evaluations: 0, transitions: 0, stateWrites: 0 };

  constructor(private readonly opts: CoreOptions = { softFlushMs: 30_000 }) {}

  get stateCount(): number {
    return this.count;
  }

  /** The enabled rules and the persisted states (of those rules). */
  load(rules: Rule[], states: { ruleId: string; datastreamId: number; state: RuleState }[]): void {
    this.index.replace(rules);
    this.kinds.clear();
    for (const r of rules) this.kinds.set(r.id, memoryKind(r));
    for (const s of states) {
      const rule = this.index.get(s.ruleId);
      if (rule) this.put({ ruleId: rule.id, orgId: rule.orgId, datastreamId: s.datastreamId, state: s.state, dirty: 0 });
    }
  }

  /** A rule was created, changed (`rule`) or deleted (undefined). */
  setRule(id: string, rule: Rule | undefined): void {
    const old = this.index.get(id);
    this.index.set(id, rule);
    // Every datastream's rules are matched again.
    this.streamEntries.clear();
    if (rule) this.kinds.set(id, memoryKind(rule));
    else this.kinds.delete(id);
    // A changed condition starts from a clean slate (open alerts stay until cleared).
    if (rule && old && old.updatedAt === rule.updatedAt) return;
    for (const perRule of this.states.values()) {
      const e = perRule.get(id);
      if (!e) continue;
      if (rule) {
        e.state = { ...newState(), active: e.state.active, alertId: e.state.alertId ?? null };
        this.mark(e, 2);
      } else {
        perRule.delete(id);
        e.dirty = 0;
        this.count--;
      }
    }
  }

  /** Datastream contexts read (or read again) by the engine; null: no such datastream. */
  setContexts(items: [number, StreamContext | null][]): void {
    for (const [id, ctx] of items) {
      this.contexts.set(id, ctx);
      this.index.forget(id);
      this.streamEntries.delete(id);
    }
  }

  /** The open alert of (rule, datastream), as the actions recorded it: kept with the state. */
  setAlertIds(items: [string, number, string | null][]): void {
    for (const [ruleId, datastreamId, alertId] of items) {
      const e = this.states.get(datastreamId)?.get(ruleId);
      if (e && (e.state.alertId ?? null) !== alertId) {
        e.state.alertId = alertId;
        this.mark(e, 2);
      }
    }
  }

  /** Evaluates `n` stored values (datastream, time, value), each datastream's in time order. */
  batch(ds: Float64Array, times: Float64Array, values: Float64Array, n: number): CoreFiring[] {
    const firings: CoreFiring[] = [];
    if (this.index.size === 0) return firings;
    const order = ordered(ds, times, n);
    this.counts.measurements += n;
    let lastId = Number.NaN;
    let rules: Rule[] = NO_RULES;
    let entries: Entry[] = [];
    let kinds: Uint8Array = NO_KINDS;
    for (let k = 0; k < n; k++) {
      const i = order ? (order[k] as number) : k;
      const id = ds[i] as number;
      // Sorted by datastream: the rules and entries are looked up once per datastream, in one map.
      if (id !== lastId) {
        lastId = id;
        let cached = this.streamEntries.get(id);
        if (!cached) {
          const ctx = this.contexts.get(id);
          cached = ctx ? this.entriesFor(this.index.rulesFor(ctx), ctx) : NOTHING;
        }
        rules = cached.rules;
        entries = cached.entries;
        kinds = cached.kinds;
      }
      if (rules.length === 0) continue;
      const time = times[i] as number;
      const value = values[i] as number;
      this.counts.evaluations += rules.length;
      for (let r = 0; r < rules.length; r++) {
        const rule = rules[r] as Rule;
        const e = entries[r] as Entry;
        const kind = kinds[r] as number;
        if (kind === MEM_NONE || kind === MEM_SOFT) {
          const out = step(rule, e.state, time, value);
          if (out.length > 0) this.fired(firings, e, out);
          else if (kind === MEM_SOFT && e.dirty === 0) this.mark(e, 1);
          continue;
        }
        const before = memoryOf(kind, e.state);
        const out = step(rule, e.state, time, value);
        if (out.length > 0) this.fired(firings, e, out);
        // Written only when what a restart needs changed (not every value's time).
        else if (before !== memoryOf(kind, e.state)) this.mark(e, 2);
      }
    }
    return firings;
  }

  /** A forecast deviation on a datastream (forecast-deviation rules). */
  deviation(datastreamId: number, time: number, value: number): CoreFiring[] {
    const firings: CoreFiring[] = [];
    const ctx = this.contexts.get(datastreamId);
    if (!ctx) return firings;
    for (const rule of this.index.rulesFor(ctx)) {
      if (rule.condition.kind !== 'forecast-deviation') continue;
      const e = this.entry(rule, ctx);
      this.mark(e, 2);
      this.fired(firings, e, deviation(rule, e.state, time, value));
    }
    return firings;
  }

  /** The clock's turn: no-data rules fire for silent datastreams. */
  tick(now: number): CoreFiring[] {
    const firings: CoreFiring[] = [];
    for (const perRule of this.states.values()) {
      for (const e of perRule.values()) {
        if (this.kinds.get(e.ruleId) !== MEM_SOFT) continue;
        const rule = this.index.get(e.ruleId);
        if (rule?.condition.kind !== 'no-data') continue;
        const out = tick(rule, e.state, now);
        if (out.length > 0) this.fired(firings, e, out);
      }
    }
    return firings;
  }

  /**
   * The states to write now, serialised: those whose changes a restart needs, and (every
   * `softFlushMs`, or all of them with `all`) those changed by values alone.
   */
  flush(now: number, all = false): SerialisedState[] {
    const out: SerialisedState[] = [];
    const take = (list: Entry[], level: number) => {
      for (const e of list) {
        if (e.dirty !== level) continue;
        e.dirty = 0;
        out.push({ ruleId: e.ruleId, orgId: e.orgId, datastreamId: e.datastreamId, json: JSON.stringify(e.state) });
      }
    };
    const hard = this.hard;
    this.hard = [];
    take(hard, 2);
    // The first soft write comes `softFlushMs` after the first flush, not at once.
    if (this.lastSoftFlush === Number.NEGATIVE_INFINITY) this.lastSoftFlush = now;
    if (all || now - this.lastSoftFlush >= this.opts.softFlushMs) {
      const soft = this.soft;
      this.soft = [];
      this.lastSoftFlush = now;
      take(soft, 1);
    }
    this.counts.stateWrites += out.length;
    return out;
  }

  /** States `flush` answered that were not written after all: the next flush takes them again. */
  unflushed(states: readonly { ruleId: string; datastreamId: number }[]): void {
    for (const { ruleId, datastreamId } of states) {
      const e = this.states.get(datastreamId)?.get(ruleId);
      if (e) this.mark(e, 2);
    }
  }

  private fired(firings: CoreFiring[], e: Entry, out: Transition[]) {
    this.mark(e, 2);
    this.counts.transitions += out.length;
    for (const t of out) firings.push({ ruleId: e.ruleId, datastreamId: e.datastreamId, t });
  }

  private mark(e: Entry, level: number) {
    if (e.dirty >= level) return;
    e.dirty = level;
    if (level === 2) this.hard.push(e);
    else this.soft.push(e);
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
      e = { ruleId: rule.id, orgId: rule.orgId, datastreamId: ctx.datastreamId, state: newState(), dirty: 0 };
      this.put(e);
    }
    return e;
  }

  private entriesFor(rules: Rule[], ctx: StreamContext) {
    let cached = this.streamEntries.get(ctx.datastreamId);
    if (!cached || cached.rules !== rules) {
      cached = {
        rules,
        entries: rules.map((r) => this.entry(r, ctx)),
        kinds: Uint8Array.from(rules, (r) => this.kinds.get(r.id) ?? MEM_SOFT),
      };
      this.streamEntries.set(ctx.datastreamId, cached);
    }
    return cached;
  }
}

const NO_RULES: Rule[] = [];
const NO_KINDS = new Uint8Array(0);
/** What a datastream without a context (or without rules) is evaluated against. */
const NOTHING = { rules: NO_RULES, entries: [] as Entry[], kinds: NO_KINDS };

/** The order to take the values in (by datastream, then time), or null when they already are. */
function ordered(ds: Float64Array, times: Float64Array, n: number): Uint32Array | null {
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) {
    const d = (ds[i] as number) - (ds[i - 1] as number);
    if (d < 0 || (d === 0 && (times[i] as number) < (times[i - 1] as number))) sorted = false;
  }
  if (sorted) return null;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order.sort((a, b) => (ds[a] as number) - (ds[b] as number) || (times[a] as number) - (times[b] as number));
}
