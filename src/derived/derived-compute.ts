/** The arithmetic of derived datastreams: pure functions over rows read from storage. */
import type { Measurement } from '../measurements/measurements.js';
import type { DerivedDefinition, WindowAggregate } from './derived.js';
import { compile } from './expression.js';
import { conversion, type Linear } from './units.js';

export interface Point {
  time: number;
  value: number;
}

/** A definition ready to run: the expression compiled, the conversion resolved. */
export interface Plan {
  names: string[];
  ids: number[];
  expression: (vars: Record<string, number>) => number;
  windowMs: number | null;
  aggregate: WindowAggregate;
  scale: Linear;
  latenessMs: number;
}

/** Throws ExpressionError or a message naming what is wrong (the service turns it into a 400). */
export function planOf(def: DerivedDefinition): Plan {
  const names = Object.keys(def.inputs);
  const source = def.expression ?? (names.length === 1 ? (names[0] as string) : names.join(' + '));
  const { run } = compile(source, new Set(names));
  const scale = def.convert ? conversion(def.convert.from, def.convert.to) : { num: 1, den: 1, b: 0 };
  if (!scale) throw new Error(`cannot convert ${def.convert?.from} to ${def.convert?.to}`);
  return {
    names,
    ids: names.map((n) => def.inputs[n] as number),
    expression: run,
    windowMs: def.window ? def.window.seconds * 1000 : null,
    aggregate: def.window?.aggregate ?? 'mean',
    scale,
    latenessMs: def.latenessSeconds * 1000,
  };
}

/**
 * The expression at every time each input has a value (inputs are matched by identical
 * times: a meter sends its phases together). Rows may be of any of the plan's inputs, any order.
 */
export function instants(plan: Plan, rows: readonly Measurement[]): Point[] {
  if (plan.ids.length === 1) {
    const id = plan.ids[0];
    const name = plan.names[0] as string;
    const vars: Record<string, number> = {};
    const out: Point[] = [];
    for (const r of rows) {
      if (r.datastreamId !== id) continue;
      vars[name] = r.value;
      out.push({ time: r.time, value: plan.expression(vars) });
    }
    return out.sort((a, b) => a.time - b.time);
  }
  const slot = new Map<number, number[]>();
  plan.ids.forEach((id, i) => {
    if (!slot.has(id)) slot.set(id, []);
    slot.get(id)?.push(i);
  });
  const byTime = new Map<number, (number | undefined)[]>();
  for (const r of rows) {
    const idx = slot.get(r.datastreamId);
    if (!idx) continue;
    let values = byTime.get(r.time);
    if (!values) {
      values = new Array(plan.ids.length);
      byTime.set(r.time, values);
    }
    for (const i of idx) values[i] = r.value;
  }
  const out: Point[] = [];
  for (const [time, values] of byTime) {
    if (values.some((v) => v === undefined)) continue;
    const vars: Record<string, number> = {};
    plan.names.forEach((n, i) => {
      vars[n] = values[i] as number;
    });
    out.push({ time, value: plan.expression(vars) });
  }
  return out.sort((a, b) => a.time - b.time);
}

/** One value per tumbling window holding points (start → aggregate); points sorted by time. */
export function windows(points: readonly Point[], windowMs: number, aggregate: WindowAggregate): Point[] {
  const out: Point[] = [];
  let i = 0;
  while (i < points.length) {
    const start = (points[i] as Point).time - ((points[i] as Point).time % windowMs);
    let j = i;
    while (j < points.length && (points[j] as Point).time < start + windowMs) j++;
    out.push({ time: start, value: aggregateOf(points, i, j, aggregate) });
    i = j;
  }
  return out;
}

function aggregateOf(p: readonly Point[], from: number, to: number, agg: WindowAggregate): number {
  const n = to - from;
  switch (agg) {
    case 'count':
      return n;
    case 'first':
      return (p[from] as Point).value;
    case 'last':
      return (p[to - 1] as Point).value;
    case 'min': {
      let m = Number.POSITIVE_INFINITY;
      for (let k = from; k < to; k++) m = Math.min(m, (p[k] as Point).value);
      return m;
    }
    case 'max': {
      let m = Number.NEGATIVE_INFINITY;
      for (let k = from; k < to; k++) m = Math.max(m, (p[k] as Point).value);
      return m;
    }
    default: {
      let sum = 0;
      for (let k = from; k < to; k++) sum += (p[k] as Point).value;
      if (agg === 'sum') return sum;
      const mean = sum / n;
      if (agg === 'mean') return mean;
      // Population standard deviation (the window is the whole population of its values).
      let sq = 0;
      for (let k = from; k < to; k++) sq += ((p[k] as Point).value - mean) ** 2;
      return Math.sqrt(sq / n);
    }
  }
}

/** The plan's output for input rows: instants, windows when asked, conversion; finite values only. */
export function derive(plan: Plan, rows: readonly Measurement[]): Point[] {
  const points = instants(plan, rows);
  const out = plan.windowMs ? windows(points, plan.windowMs, plan.aggregate) : points;
  const { num, den, b } = plan.scale;
  const res: Point[] = [];
  for (const p of out) {
    const v = (p.value * num) / den + b;
    if (Number.isFinite(v)) res.push({ time: p.time, value: v });
  }
  return res;
}
