import type { Measurement } from '../measurements/measurements.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { Forecast, ForecastModel, ForecastStore, Prediction, SeriesReader } from './forecasts.js';
import { forecast, select } from './models.js';

/** A first model needs at least this many steps holding a value. */
export const MIN_POINTS = 12;
const DAY = 86_400_000;

interface Entry {
  f: Forecast;
  /** Time of the latest value of the datastream (undefined until known). */
  latest: number | undefined;
  model: ForecastModel | undefined;
  /** The `completeUntil` of the last run: nothing new to do until it moves. */
  ranFor: number | undefined;
}

export interface ForecastEvents {
  /** A prediction whose actual value left its interval (forecast-deviation rules listen). */
  deviation(datastreamId: number, time: number, value: number): void;
  /** A model was trained (for metrics and logs). */
  trained?(m: ForecastModel): void;
}

/**
 * Keeps forecasts up to date from the measurement stream: trains a first model once enough data
 * is there, compares every completed step with its prediction (the prediction log), reports
 * deviations, retrains after `retrain.deviations` of them within `retrain.windowSeconds`, and
 * issues a new forecast from each newly completed step. A step [t, t + step) is complete when the
 * clock has passed its end, or a value at or after its end has been stored.
 */
export class ForecastEngine {
  private readonly entries = new Map<number, Entry>();
  private readonly dirty = new Set<number>();
  private queue: Promise<void> = Promise.resolve();
  private pending = false;

  constructor(
    private readonly store: ForecastStore,
    private readonly series: SeriesReader,
    private readonly events: ForecastEvents,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async load(): Promise<void> {
    for (const f of await this.store.all()) {
      const model = f.modelVersion > 0 ? await this.store.model(f.datastreamId, f.modelVersion) : undefined;
      this.entries.set(f.datastreamId, { f, latest: undefined, model, ranFor: undefined });
      this.dirty.add(f.datastreamId);
    }
  }

  /** A forecast was configured (or reconfigured): train now. */
  set(f: Forecast, retrain: boolean): void {
    const old = this.entries.get(f.datastreamId);
    this.entries.set(f.datastreamId, { f, latest: old?.latest, model: retrain ? undefined : old?.model, ranFor: undefined });
    this.dirty.add(f.datastreamId);
    this.schedule();
  }

  remove(datastreamId: number): void {
    this.entries.delete(datastreamId);
    this.dirty.delete(datastreamId);
  }

  readonly onStored = (rows: readonly Measurement[]): void => {
    let touched = false;
    for (const r of rows) {
      const e = this.entries.get(r.datastreamId);
      if (!e) continue;
      if (e.latest === undefined || r.time > e.latest) e.latest = r.time;
      if (this.due(e)) {
        this.dirty.add(r.datastreamId);
        touched = true;
      }
    }
    if (touched) this.schedule();
  };

  /** The clock's turn: steps completed by time alone, models still waiting for data. */
  tick(): Promise<void> {
    for (const [id, e] of this.entries) if (this.due(e)) this.dirty.add(id);
    if (this.dirty.size > 0) this.schedule();
    return this.idle();
  }

  /** Whether a run could do something: no model yet, or a step completed since the last run. */
  private due(e: Entry): boolean {
    if (!e.model || e.latest === undefined) return true;
    return this.completeUntil(e, e.latest) !== e.ranFor;
  }

  private completeUntil(e: Entry, latest: number): number {
    const stepMs = e.f.config.stepSeconds * 1000;
    const dataEnd = latest - (latest % stepMs) + stepMs;
    return this.clock() >= dataEnd ? dataEnd : dataEnd - stepMs;
  }

  idle(): Promise<void> {
    return this.queue;
  }

  private schedule(): void {
    if (this.pending) return;
    this.pending = true;
    this.queue = this.queue
      .then(async () => {
        this.pending = false;
        const ids = [...this.dirty];
        this.dirty.clear();
        for (const id of ids) {
          const e = this.entries.get(id);
          if (!e) continue;
          try {
            await this.run(e);
          } catch (err) {
            this.logger.error({ err, datastreamId: id }, 'forecast update failed');
          }
        }
      })
      .catch((err: unknown) => this.logger.error({ err }, 'forecast engine failed'));
  }

  private async run(e: Entry): Promise<void> {
    const { f } = e;
    e.latest ??= await this.series.latest(f.datastreamId);
    if (e.latest === undefined) return;
    const completeUntil = this.completeUntil(e, e.latest);
    e.ranFor = completeUntil;
    if (!e.model) {
      await this.train(e, completeUntil, f.modelVersion === 0 ? 'initial' : 'reconfigured');
      return;
    }
    await this.check(e, completeUntil);
    const window = f.config.retrain.windowSeconds * 1000;
    const since = Math.max(e.model.model.trainedTo, completeUntil - window);
    if ((await this.store.deviationsSince(f.datastreamId, since)) >= f.config.retrain.deviations) {
      await this.train(e, completeUntil, 'deviations');
      return;
    }
    if (f.issuedAt === null || f.issuedAt < completeUntil) await this.issue(e, completeUntil);
  }

  /** Fills actual values of completed steps into the log; reports deviations. */
  private async check(e: Entry, completeUntil: number): Promise<void> {
    const { f } = e;
    const open = await this.store.unchecked(f.datastreamId, completeUntil);
    const first = open[0];
    if (!first) return;
    const stepMs = f.config.stepSeconds * 1000;
    const values = await this.series.steps(f.datastreamId, first.time, completeUntil, f.config.stepSeconds);
    const done: Prediction[] = [];
    for (const p of open) {
      const actual = values[Math.floor((p.time - first.time) / stepMs)];
      if (actual === null || actual === undefined) continue;
      const deviation = actual < p.lower || actual > p.upper;
      done.push({ ...p, actual, error: actual - p.value, deviation });
    }
    await this.store.recordActuals(done);
    for (const p of done) if (p.deviation) this.events.deviation(f.datastreamId, p.time, p.actual as number);
  }

  private async train(e: Entry, completeUntil: number, reason: ForecastModel['reason']): Promise<void> {
    const { f } = e;
    const from = completeUntil - f.config.trainingDays * DAY;
    const { y, points, start } = await this.history(f, from, completeUntil);
    if (points < MIN_POINTS) return;
    const horizon = Math.round(f.config.horizonSeconds / f.config.stepSeconds);
    const chosen = select(y, f.config.stepSeconds, horizon);
    const model: ForecastModel = {
      datastreamId: f.datastreamId,
      version: f.modelVersion + 1,
      reason,
      trainedAt: this.clock(),
      model: {
        spec: chosen.spec,
        sigma: chosen.sigma,
        seasonality: chosen.seasonality,
        backtest: { holdoutSteps: chosen.holdout, candidates: chosen.candidates },
        trainedFrom: start,
        trainedTo: completeUntil,
        points,
      },
    };
    await this.store.addModel(f.orgId, model);
    f.modelVersion = model.version;
    e.model = model;
    this.events.trained?.(model);
    await this.issue(e, completeUntil);
  }

  /** A forecast from `origin` by the current model, over the training window before it. */
  private async issue(e: Entry, origin: number): Promise<void> {
    const { f, model } = e;
    if (!model) return;
    const { y } = await this.history(f, origin - f.config.trainingDays * DAY, origin);
    if (y.length === 0) return;
    const stepMs = f.config.stepSeconds * 1000;
    const horizon = Math.round(f.config.horizonSeconds / f.config.stepSeconds);
    const ahead = forecast(model.model.spec, y, horizon);
    const half = f.config.z * model.model.sigma;
    const rows: Prediction[] = ahead.map((value, i) => ({
      datastreamId: f.datastreamId,
      time: origin + i * stepMs,
      modelVersion: model.version,
      issuedAt: origin,
      value,
      lower: value - half,
      upper: value + half,
      actual: null,
      error: null,
      deviation: false,
    }));
    await this.store.upsertPredictions(f.orgId, rows);
    f.issuedAt = origin;
    f.updatedAt = this.clock();
    await this.store.put(f);
  }

  /**
   * The series on the step grid from its first stored step in [from, to): gaps filled by linear
   * interpolation between neighbours (held flat at the ends).
   */
  private async history(f: Forecast, from: number, to: number): Promise<{ y: number[]; points: number; start: number }> {
    const stepMs = f.config.stepSeconds * 1000;
    const aligned = from - (from % stepMs);
    const raw = await this.series.steps(f.datastreamId, aligned, to, f.config.stepSeconds);
    const firstIdx = raw.findIndex((v) => v !== null);
    if (firstIdx < 0) return { y: [], points: 0, start: aligned };
    const part = raw.slice(firstIdx);
    const y = new Array<number>(part.length);
    let points = 0;
    let prev = -1;
    for (let i = 0; i < part.length; i++) {
      const v = part[i];
      if (v === null || v === undefined) continue;
      points++;
      if (prev < 0) for (let k = 0; k < i; k++) y[k] = v;
      else
        for (let k = prev + 1; k < i; k++)
          y[k] = (part[prev] as number) + ((v - (part[prev] as number)) * (k - prev)) / (i - prev);
      y[i] = v;
      prev = i;
    }
    for (let k = prev + 1; k < part.length; k++) y[k] = part[prev] as number;
    return { y, points, start: aligned + firstIdx * stepMs };
  }
}
