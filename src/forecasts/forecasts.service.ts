import type { Clock } from '../shared/clock.js';
import { DomainError, invalid, notFound } from '../shared/errors.js';
import type { Page, PageRequest } from '../shared/page.js';
import type { Forecast, ForecastConfig, ForecastModel, ForecastStore, Prediction } from './forecasts.js';

export interface ForecastInput {
  horizonSeconds: number;
  stepSeconds: number;
  trainingDays?: number | undefined;
  retrain?: { deviations?: number | undefined; windowSeconds?: number | undefined } | undefined;
  z?: number | undefined;
}

export interface ForecastFollower {
  set(f: Forecast, retrain: boolean): void;
  remove(datastreamId: number): void;
}

export interface ForecastView {
  forecast: Forecast;
  ahead: Prediction[];
  model: ForecastModel | undefined;
  deviations: { total: number; sinceModel: number };
}

const MAX_STEPS = 1000;

export const forecastNotFound = (id: string | number) =>
  new DomainError('FORECAST_NOT_FOUND', `datastream ${id} has no forecast`, { id });

/** Forecast configurations per datastream, and what they predicted. */
export class ForecastService {
  constructor(
    private readonly store: ForecastStore,
    private readonly follower: ForecastFollower,
    private readonly clock: Clock,
  ) {}

  async configure(orgId: string, id: string, input: ForecastInput): Promise<Forecast> {
    const ds = await this.datastream(orgId, id);
    const config = check(input);
    const now = this.clock();
    const existing = await this.store.find(orgId, ds);
    const f: Forecast = {
      datastreamId: ds,
      orgId,
      config,
      modelVersion: existing?.modelVersion ?? 0,
      issuedAt: null,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
    await this.store.put(f);
    this.follower.set(f, true);
    return f;
  }

  async get(orgId: string, id: string): Promise<ForecastView> {
    const f = await this.find(orgId, id);
    const model = f.modelVersion > 0 ? await this.store.model(f.datastreamId, f.modelVersion) : undefined;
    const ahead = f.issuedAt === null ? [] : await this.store.ahead(f.datastreamId, f.issuedAt, MAX_STEPS);
    const total = await this.store.deviationsSince(f.datastreamId, 0);
    const sinceModel = model ? await this.store.deviationsSince(f.datastreamId, model.model.trainedTo) : total;
    return { forecast: f, ahead, model, deviations: { total, sinceModel } };
  }

  async remove(orgId: string, id: string): Promise<void> {
    const f = await this.find(orgId, id);
    await this.store.remove(orgId, f.datastreamId);
    this.follower.remove(f.datastreamId);
  }

  async log(orgId: string, id: string, page: PageRequest): Promise<Page<Prediction>> {
    const f = await this.find(orgId, id);
    return this.store.log(orgId, f.datastreamId, page);
  }

  async models(orgId: string, id: string, page: PageRequest): Promise<Page<ForecastModel>> {
    const f = await this.find(orgId, id);
    return this.store.models(orgId, f.datastreamId, page);
  }

  private async find(orgId: string, id: string): Promise<Forecast> {
    const ds = await this.datastream(orgId, id);
    const f = await this.store.find(orgId, ds);
    if (!f) throw forecastNotFound(id);
    return f;
  }

  private async datastream(orgId: string, id: string): Promise<number> {
    const n = /^\d{1,15}$/.test(id) ? Number(id) : Number.NaN;
    if (!Number.isSafeInteger(n) || !(await this.store.numericStream(orgId, n))) throw notFound('datastream', id);
    return n;
  }
}

function check(input: ForecastInput): ForecastConfig {
  const step = input.stepSeconds;
  if (!Number.isInteger(step) || step < 1 || step > 86400 || 86400 % step !== 0)
    throw invalid('stepSeconds', 'a step is 1 to 86400 whole seconds that divide a day (60, 900, 3600 …)');
  const horizon = input.horizonSeconds;
  if (!Number.isInteger(horizon) || horizon < step || horizon % step !== 0 || horizon / step > MAX_STEPS)
    throw invalid('horizonSeconds', `the horizon is 1 to ${MAX_STEPS} whole steps`);
  const trainingDays = input.trainingDays ?? 14;
  if (!(trainingDays > 0 && trainingDays <= 90)) throw invalid('trainingDays', 'more than 0 and at most 90 days');
  const deviations = input.retrain?.deviations ?? 3;
  if (!Number.isInteger(deviations) || deviations < 1 || deviations > 1000)
    throw invalid('retrain.deviations', '1 to 1000 deviations');
  const windowSeconds = input.retrain?.windowSeconds ?? Math.max(horizon, 3600);
  if (!(windowSeconds >= step && windowSeconds <= 90 * 86400))
    throw invalid('retrain.windowSeconds', 'at least one step, at most 90 days');
  const z = input.z ?? 1.96;
  if (!(z >= 0.5 && z <= 10)) throw invalid('z', '0.5 to 10');
  return { horizonSeconds: horizon, stepSeconds: step, trainingDays, retrain: { deviations, windowSeconds }, z };
}
