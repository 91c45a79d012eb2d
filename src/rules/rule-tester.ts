import type { Measurement, Range } from '../measurements/measurements.js';
import { invalid } from '../shared/errors.js';
import { newState, type RuleState, step, type TransitionKind, tick } from './rule-evaluator.js';
import { inScope } from './rule-index.js';
import type { Rule, StreamContext } from './rules.js';

export interface ReplayPorts {
  byProperty(orgId: string, property: string): Promise<StreamContext[]>;
  readRaw(ranges: readonly Range[], order: 'asc', limit: number): Promise<Measurement[]>;
}

export interface ReplayEvent {
  kind: TransitionKind;
  time: number;
  datastreamId: number;
  device: { id: string; code: string };
  value: number | null;
  observed: number | null;
}

/** At most this many stored values are replayed per request. */
export const REPLAY_LIMIT = 200_000;

/**
 * Replays a stored time range through a rule from a clean state and answers when it would
 * have fired, repeated and cleared; nothing is notified and no state is kept.
 */
export async function replay(ports: ReplayPorts, rule: Rule, from: number, to: number, datastreamId?: number) {
  if (!(to > from)) throw invalid('to', 'to must be after from');
  let streams = (await ports.byProperty(rule.orgId, rule.property)).filter((c) => inScope(rule.scope, c));
  if (datastreamId !== undefined) streams = streams.filter((c) => c.datastreamId === datastreamId);
  const rows = await ports.readRaw(
    streams.map((c) => ({ datastreamId: c.datastreamId, from, to })),
    'asc',
    REPLAY_LIMIT + 1,
  );
  const truncated = rows.length > REPLAY_LIMIT;
  const byId = new Map(streams.map((c) => [c.datastreamId, c]));
  const states = new Map<number, RuleState>();
  const events: ReplayEvent[] = [];
  const add = (ctx: StreamContext, t: { kind: TransitionKind; time: number; value: number | null; observed: number | null }) =>
    events.push({ ...t, datastreamId: ctx.datastreamId, device: { id: ctx.deviceId, code: ctx.deviceCode } });
  const noData = rule.condition.kind === 'no-data' ? rule.condition.seconds * 1000 : 0;
  for (const m of rows.slice(0, REPLAY_LIMIT)) {
    const ctx = byId.get(m.datastreamId);
    if (!ctx) continue;
    const s = states.get(m.datastreamId) ?? newState();
    states.set(m.datastreamId, s);
    // no-data: the silence before this value, as the clock would have seen it.
    if (noData && s.last && m.time - s.last[0] >= noData) for (const t of tick(rule, s, s.last[0] + noData)) add(ctx, t);
    for (const t of step(rule, s, m.time, m.value)) add(ctx, t);
  }
  if (noData) {
    for (const [id, s] of states) {
      const ctx = byId.get(id);
      if (ctx && s.last && to - s.last[0] >= noData) for (const t of tick(rule, s, s.last[0] + noData)) add(ctx, t);
    }
  }
  events.sort((a, b) => a.time - b.time || a.datastreamId - b.datastreamId);
  return { datastreams: streams.length, values: Math.min(rows.length, REPLAY_LIMIT), truncated, events };
}
