/**
 * Forecasting models over a regular series (one value per step), in plain TypeScript: seasonal
 * naive, Holt (level + trend, the plain model), additive Holt-Winters, and a linear
 * autoregression on lags fitted by ridge regression. `select` back-tests every model the data
 * allows on its most recent part and keeps the best (lowest mean absolute error).
 */
export type ModelKind = 'seasonal-naive' | 'holt' | 'holt-winters' | 'ar-ridge';

export interface ModelSpec {
  kind: ModelKind;
  /** Season length in steps (seasonal models). */
  period?: number | undefined;
  /** What the fit chose: smoothing factors, lags and coefficients. */
  params: Record<string, number | number[]>;
}

export interface Candidate {
  kind: ModelKind;
  period?: number | undefined;
  /** Mean absolute error of the back-test (forecast of the held-out tail from what precedes it). */
  mae: number;
  rmse: number;
}

export interface Selected {
  spec: ModelSpec;
  /** Error scale of the winner's back-test: the prediction interval is ± z·sigma. */
  sigma: number;
  holdout: number;
  candidates: Candidate[];
  /** Which seasonality the data allowed: 'weekly', 'daily' or 'none' (below two seasons). */
  seasonality: 'weekly' | 'daily' | 'none';
}

// ---- fitting and forecasting ------------------------------------------------------------

export function fitModel(kind: ModelKind, y: readonly number[], period?: number): ModelSpec {
  switch (kind) {
    case 'seasonal-naive':
      return { kind, period, params: {} };
    case 'holt':
      return { kind, params: bestOf(HOLT_GRID, (p) => holtRun(y, p.alpha, p.beta, 0).sse) };
    case 'holt-winters': {
      const m = period as number;
      return { kind, period, params: bestOf(HW_GRID, (p) => hwRun(y, m, p.alpha, p.beta, p.gamma, 0).sse) };
    }
    case 'ar-ridge':
      return { kind, params: arFit(y) };
  }
}

/** The next `h` values after `y`, by a fitted model (its parameters applied to the whole of `y`). */
export function forecast(spec: ModelSpec, y: readonly number[], h: number): number[] {
  const p = spec.params;
  switch (spec.kind) {
    case 'seasonal-naive': {
      const m = spec.period as number;
      return Array.from({ length: h }, (_, i) => y[y.length - m + (i % m)] as number);
    }
    case 'holt':
      return holtRun(y, p.alpha as number, p.beta as number, h).ahead;
    case 'holt-winters':
      return hwRun(y, spec.period as number, p.alpha as number, p.beta as number, p.gamma as number, h).ahead;
    case 'ar-ridge':
      return arForecast(p, y, h);
  }
}

/**
 * Back-tests every model the series allows and answers the winner. Seasonal models need two
 * whole seasons of the training part: weekly with ≥ 2 weeks, daily with ≥ 2 days.
 */
export function select(y: readonly number[], stepSeconds: number, horizon: number): Selected {
  const holdout = Math.max(1, Math.min(horizon, Math.floor(y.length / 5)));
  const train = y.slice(0, y.length - holdout);
  const test = y.slice(y.length - holdout);
  const daily = 86400 / stepSeconds;
  const weekly = 7 * daily;
  const periods: number[] = [];
  if (Number.isInteger(weekly) && weekly >= 2 && train.length >= 2 * weekly) periods.push(weekly);
  if (Number.isInteger(daily) && daily >= 2 && train.length >= 2 * daily) periods.push(daily);
  const options: { kind: ModelKind; period?: number }[] = [{ kind: 'holt' }];
  if (train.length >= 8) options.push({ kind: 'ar-ridge' });
  for (const period of periods) options.push({ kind: 'seasonal-naive', period }, { kind: 'holt-winters', period });
  let best: { spec: ModelSpec; mae: number; errors: number[] } | undefined;
  const candidates: Candidate[] = [];
  for (const o of options) {
    const spec = fitModel(o.kind, train, o.period);
    const pred = forecast(spec, train, holdout);
    const errors = test.map((v, i) => v - (pred[i] as number));
    const mae = errors.reduce((a, e) => a + Math.abs(e), 0) / errors.length;
    const rmse = Math.sqrt(errors.reduce((a, e) => a + e * e, 0) / errors.length);
    if (!Number.isFinite(mae)) continue;
    candidates.push({ kind: o.kind, period: o.period, mae, rmse });
    if (!best || mae < best.mae) best = { spec: { kind: o.kind, period: o.period, params: {} }, mae, errors };
  }
  const winner = best ?? { spec: { kind: 'holt' as const, params: {} }, mae: 0, errors: [0] };
  const spec = fitModel(winner.spec.kind, y, winner.spec.period);
  const rmse = Math.sqrt(winner.errors.reduce((a, e) => a + e * e, 0) / winner.errors.length);
  // Never a zero-width interval: a perfectly predicted past says little about the next value.
  const sigma = Math.max(rmse, 1e-6 * (Math.abs(mean(y)) + 1));
  return {
    spec,
    sigma,
    holdout,
    candidates,
    seasonality: periods.includes(weekly) ? 'weekly' : periods.includes(daily) ? 'daily' : 'none',
  };
}

// ---- Holt and Holt-Winters ----------------------------------------------------------------

const HOLT_GRID = grid({ alpha: [0.1, 0.3, 0.5, 0.7, 0.9], beta: [0, 0.01, 0.05, 0.2] });
const HW_GRID = grid({ alpha: [0.05, 0.2, 0.4, 0.7], beta: [0, 0.01, 0.05], gamma: [0.05, 0.2, 0.4] });

function holtRun(y: readonly number[], alpha: number, beta: number, h: number) {
  let level = y[0] ?? 0;
  let trend = y.length > 1 ? (y[1] as number) - level : 0;
  let sse = 0;
  for (let t = 1; t < y.length; t++) {
    const v = y[t] as number;
    const pred = level + trend;
    sse += (v - pred) ** 2;
    const prev = level;
    level = alpha * v + (1 - alpha) * (level + trend);
    trend = beta * (level - prev) + (1 - beta) * trend;
  }
  return { sse, ahead: Array.from({ length: h }, (_, i) => level + (i + 1) * trend) };
}

function hwRun(y: readonly number[], m: number, alpha: number, beta: number, gamma: number, h: number) {
  const first = mean(y.slice(0, m));
  const second = y.length >= 2 * m ? mean(y.slice(m, 2 * m)) : first;
  let level = first;
  let trend = (second - first) / m;
  const season = Array.from({ length: m }, (_, i) => (y[i] as number) - first);
  let sse = 0;
  for (let t = m; t < y.length; t++) {
    const v = y[t] as number;
    const s = season[t % m] as number;
    sse += (v - (level + trend + s)) ** 2;
    const prev = level;
    level = alpha * (v - s) + (1 - alpha) * (level + trend);
    trend = beta * (level - prev) + (1 - beta) * trend;
    season[t % m] = gamma * (v - level) + (1 - gamma) * s;
  }
  const n = y.length;
  return { sse, ahead: Array.from({ length: h }, (_, i) => level + (i + 1) * trend + (season[(n + i) % m] as number)) };
}

// ---- autoregression on lags, ridge ----------------------------------------------------------

function arFit(y: readonly number[]): Record<string, number | number[]> {
  const lags = Math.max(1, Math.min(24, Math.floor(y.length / 4)));
  const mu = mean(y);
  const z = y.map((v) => v - mu);
  const rows = z.length - lags;
  // Normal equations (XᵀX + λI) β = Xᵀz over the centred series; λ scaled to the data.
  const xtx = Array.from({ length: lags }, () => new Array<number>(lags).fill(0));
  const xtz = new Array<number>(lags).fill(0);
  for (let t = lags; t < z.length; t++) {
    for (let i = 0; i < lags; i++) {
      const xi = z[t - 1 - i] as number;
      xtz[i] = (xtz[i] as number) + xi * (z[t] as number);
      const row = xtx[i] as number[];
      for (let j = 0; j < lags; j++) row[j] = (row[j] as number) + xi * (z[t - 1 - j] as number);
    }
  }
  const trace = xtx.reduce((a, r, i) => a + (r[i] as number), 0);
  const lambda = 0.01 * (trace / lags || 1);
  for (let i = 0; i < lags; i++) (xtx[i] as number[])[i] = ((xtx[i] as number[])[i] as number) + lambda;
  const coef = rows > 0 ? solve(xtx, xtz) : new Array<number>(lags).fill(0);
  return { mean: mu, lags, coef, lambda };
}

function arForecast(p: Record<string, number | number[]>, y: readonly number[], h: number): number[] {
  const mu = p.mean as number;
  const coef = p.coef as number[];
  const hist = y.slice(-coef.length).map((v) => v - mu);
  const out: number[] = [];
  for (let k = 0; k < h; k++) {
    let v = 0;
    for (let i = 0; i < coef.length; i++) v += (coef[i] as number) * (hist[hist.length - 1 - i] ?? 0);
    hist.push(v);
    out.push(v + mu);
  }
  return out;
}

/** Gaussian elimination with partial pivoting (the system is small: ≤ 24 unknowns). */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((r, i) => [...r, b[i] as number]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++)
      if (Math.abs((m[r] as number[])[c] as number) > Math.abs((m[piv] as number[])[c] as number)) piv = r;
    [m[c], m[piv]] = [m[piv] as number[], m[c] as number[]];
    const row = m[c] as number[];
    const d = row[c] as number;
    if (Math.abs(d) < 1e-12) continue;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const other = m[r] as number[];
      const f = (other[c] as number) / d;
      if (f === 0) continue;
      for (let k = c; k <= n; k++) other[k] = (other[k] as number) - f * (row[k] as number);
    }
  }
  return m.map((r, i) => {
    const d = r[i] as number;
    return Math.abs(d) < 1e-12 ? 0 : (r[n] as number) / d;
  });
}

// ---- helpers ------------------------------------------------------------------------------

function mean(v: readonly number[]): number {
  return v.length === 0 ? 0 : v.reduce((a, b) => a + b, 0) / v.length;
}

function grid<K extends string>(axes: Record<K, number[]>): Record<K, number>[] {
  let out: Record<string, number>[] = [{}];
  for (const [k, values] of Object.entries(axes) as [K, number[]][])
    out = out.flatMap((o) => values.map((v) => ({ ...o, [k]: v })));
  return out as Record<K, number>[];
}

function bestOf<P extends Record<string, number>>(options: P[], cost: (p: P) => number): P {
  let best = options[0] as P;
  let bestCost = Number.POSITIVE_INFINITY;
  for (const o of options) {
    const c = cost(o);
    if (c < bestCost) {
      bestCost = c;
      best = o;
    }
  }
  return best;
}
