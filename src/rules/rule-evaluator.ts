import type { Aggregate, Condition, Rule, Test } from './rules.js';
import { TimeWindow } from './time-window.js';

/**
 * The evaluation of one rule over one datastream, as a pure state machine: `step` takes each
 * stored value (in time order), `tick` takes the clock (no-data). The state is plain JSON so
 * it can be persisted and survive a restart.
 */
export interface RuleState {
  /** An alert is open. */
  active: boolean;
  /** Start of the run of passing values (forSeconds). */
  since: number | null;
  firedAt: number | null;
  notifiedAt: number | null;
  /** The last value taken: [time, value]. */
  last: [number, number] | null;
  /** Pass (1) or not (0) of the last `window` values (count/window). */
  hits: number[];
  /**
   * Values inside the sliding window: [time, value] pairs (forecast deviations; and window
   * aggregates as persisted), a TimeWindow (window aggregates in memory, serialised as the pairs).
   */
  recent: [number, number][] | TimeWindow;
  /** The open alert (set by the actions once it is recorded). */
  alertId?: string | null;
}

export type TransitionKind = 'fired' | 'cleared' | 'repeated';

export interface Transition {
  kind: TransitionKind;
  time: number;
  /** The value that arrived. */
  value: number | null;
  /** What the condition compared: the value, the rate per minute or the window aggregate. */
  observed: number | null;
}

/** A window never keeps more values than this, whatever the rate (memory bound). */
const MAX_RECENT = 100_000;

export const newState = (): RuleState => ({
  active: false,
  since: null,
  firedAt: null,
  notifiedAt: null,
  last: null,
  hits: [],
  recent: [],
});

export function passes(t: Test, x: number): boolean {
  switch (t.op) {
    case '>':
      return x > (t.value ?? 0);
    case '>=':
      return x >= (t.value ?? 0);
    case '<':
      return x < (t.value ?? 0);
    case '<=':
      return x <= (t.value ?? 0);
    case 'inside':
      return x >= (t.min ?? Number.NEGATIVE_INFINITY) && x <= (t.max ?? Number.POSITIVE_INFINITY);
    case 'outside':
      return x < (t.min ?? Number.NEGATIVE_INFINITY) || x > (t.max ?? Number.POSITIVE_INFINITY);
  }
}

export function aggregate(agg: Aggregate, values: readonly [number, number][]): number {
  if (agg === 'count') return values.length;
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const [, v] of values) {
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (agg === 'sum') return sum;
  if (agg === 'min') return min;
  if (agg === 'max') return max;
  return values.length === 0 ? Number.NaN : sum / values.length;
}

/** What the last `evaluate` compared: the value, the rate per minute or the window aggregate. */
let observed: number | null = null;

/** The forecast-deviation pairs (a window restored as something else starts empty). */
const pairsOf = (s: RuleState): [number, number][] => (Array.isArray(s.recent) ? s.recent : []);

/** Whether the condition holds now; what it compared is left in `observed`. Allocates nothing on the usual path. */
function evaluate(c: Condition, s: RuleState, time: number, value: number): boolean {
  switch (c.kind) {
    case 'threshold': {
      observed = value;
      const pass = passes(c, value);
      if (c.count !== undefined && c.window !== undefined) {
        const hits = s.hits;
        hits.push(pass ? 1 : 0);
        // shift, not splice: no array allocated per value.
        while (hits.length > c.window) hits.shift();
        let n = 0;
        for (let i = 0; i < hits.length; i++) n += hits[i] as number;
        return n >= c.count;
      }
      if (c.forSeconds) {
        if (!pass) s.since = null;
        else s.since ??= time;
        return s.since !== null && time - s.since >= c.forSeconds * 1000;
      }
      return pass;
    }
    case 'rate': {
      if (!s.last || time <= s.last[0]) {
        observed = null;
        return false;
      }
      const perMinute = ((value - s.last[1]) * 60_000) / (time - s.last[0]);
      observed = perMinute;
      return passes(c, perMinute);
    }
    case 'window': {
      let w = s.recent;
      if (!(w instanceof TimeWindow)) {
        w = TimeWindow.from(w, MAX_RECENT);
        s.recent = w;
      }
      w.push(time, value, MAX_RECENT);
      w.evictUpTo(time - c.windowSeconds * 1000);
      const agg = w.aggregate(c.aggregate);
      observed = agg;
      return passes(c, agg);
    }
    // Data arriving is what clears no-data.
    case 'no-data':
      observed = value;
      return false;
    // Deviations come from the forecasts (deviation()); a value only lets old ones age out.
    case 'forecast-deviation': {
      const from = time - (c.windowSeconds ?? 3600) * 1000;
      const kept = pairsOf(s).filter(([t]) => t > from);
      s.recent = kept;
      observed = kept.length;
      return kept.length >= (c.count ?? 1);
    }
  }
}

/** What `step` answers when nothing changed (shared, never written to). */
const NONE: Transition[] = Object.freeze([]) as unknown as Transition[];

/** Takes one stored value; answers what changed. Values not newer than the last one are skipped. */
export function step(rule: Rule, s: RuleState, time: number, value: number): Transition[] {
  if (s.last && time <= s.last[0]) return NONE;
  const holds = evaluate(rule.condition, s, time, value);
  if (s.last) {
    s.last[0] = time;
    s.last[1] = value;
  } else s.last = [time, value];
  if (!s.active) {
    if (!holds) return NONE;
    s.active = true;
    s.firedAt = time;
    s.notifiedAt = time;
    return [{ kind: 'fired', time, value, observed }];
  }
  const c = rule.condition.kind;
  const seen = observed;
  const usesClear = rule.clear && seen !== null && c !== 'no-data' && c !== 'forecast-deviation';
  const cleared = usesClear && rule.clear && seen !== null ? passes(rule.clear, seen) : !holds;
  if (cleared) {
    s.active = false;
    s.since = null;
    s.firedAt = null;
    return [{ kind: 'cleared', time, value, observed }];
  }
  if (rule.repeatSeconds && s.notifiedAt !== null && time - s.notifiedAt >= rule.repeatSeconds * 1000) {
    s.notifiedAt = time;
    return [{ kind: 'repeated', time, value, observed }];
  }
  return NONE;
}

/** The clock's part: no-data fires when nothing came for `seconds`; open alerts repeat. */
export function tick(rule: Rule, s: RuleState, now: number): Transition[] {
  const c = rule.condition;
  if (c.kind !== 'no-data' || !s.last) return [];
  if (!s.active && now - s.last[0] >= c.seconds * 1000) {
    s.active = true;
    s.firedAt = now;
    s.notifiedAt = now;
    return [{ kind: 'fired', time: now, value: null, observed: (now - s.last[0]) / 1000 }];
  }
  if (s.active && rule.repeatSeconds && s.notifiedAt !== null && now - s.notifiedAt >= rule.repeatSeconds * 1000) {
    s.notifiedAt = now;
    return [{ kind: 'repeated', time: now, value: null, observed: (now - s.last[0]) / 1000 }];
  }
  return [];
}

/** A deviation reported by a forecast: fires a forecast-deviation rule (N within its window). */
export function deviation(rule: Rule, s: RuleState, time: number, value: number): Transition[] {
  const c = rule.condition;
  if (c.kind !== 'forecast-deviation') return [];
  const from = time - (c.windowSeconds ?? 3600) * 1000;
  const kept = pairsOf(s).filter(([t]) => t > from);
  if (time > from) kept.push([time, value]);
  s.recent = kept;
  if (!s.active && s.recent.length >= (c.count ?? 1)) {
    s.active = true;
    s.firedAt = time;
    s.notifiedAt = time;
    return [{ kind: 'fired', time, value, observed: s.recent.length }];
  }
  return [];
}
