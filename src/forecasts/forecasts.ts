/** Forecasts of datastreams: types and the ports the forecasts domain needs. */
import type { Page, PageRequest } from '../shared/page.js';
import type { Candidate, ModelSpec } from './models.js';

export interface ForecastConfig {
  horizonSeconds: number;
  stepSeconds: number;
  /** The model is fitted on this many days before the forecast origin. */
  trainingDays: number;
  /** After `deviations` deviations within `windowSeconds` (by data time) the model is retrained. */
  retrain: { deviations: number; windowSeconds: number };
  /** Width of the prediction interval in back-test error scales (1.96 ≈ 95 % for normal errors). */
  z: number;
}

export interface Forecast {
  datastreamId: number;
  orgId: string;
  config: ForecastConfig;
  /** 0 until a first model is trained. */
  modelVersion: number;
  /** Origin of the latest forecast issued (the start of its first step), Unix ms. */
  issuedAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface TrainedModel {
  spec: ModelSpec;
  sigma: number;
  seasonality: 'weekly' | 'daily' | 'none';
  /** Back-test: each model the data allowed, its errors on the held-out tail. */
  backtest: { holdoutSteps: number; candidates: Candidate[] };
  /** Training data: [from, to) by data time, and how many steps held a value. */
  trainedFrom: number;
  trainedTo: number;
  points: number;
}

export interface ForecastModel {
  datastreamId: number;
  version: number;
  model: TrainedModel;
  reason: 'initial' | 'deviations' | 'reconfigured';
  trainedAt: number;
}

export interface Prediction {
  datastreamId: number;
  /** Start of the step. */
  time: number;
  modelVersion: number;
  /** Origin of the forecast that made it. */
  issuedAt: number;
  value: number;
  lower: number;
  upper: number;
  actual: number | null;
  error: number | null;
  deviation: boolean;
}

export interface ForecastStore {
  all(): Promise<Forecast[]>;
  find(orgId: string, datastreamId: number): Promise<Forecast | undefined>;
  put(f: Forecast): Promise<void>;
  remove(orgId: string, datastreamId: number): Promise<boolean>;
  addModel(orgId: string, m: ForecastModel): Promise<void>;
  model(datastreamId: number, version: number): Promise<ForecastModel | undefined>;
  models(orgId: string, datastreamId: number, page: PageRequest): Promise<Page<ForecastModel>>;
  /** Stores predictions; a step whose actual value is already recorded keeps its row. */
  upsertPredictions(orgId: string, rows: Prediction[]): Promise<void>;
  /** Predictions without an actual value for steps starting before `before`. */
  unchecked(datastreamId: number, before: number): Promise<Prediction[]>;
  recordActuals(rows: Prediction[]): Promise<void>;
  /** Predictions from `from` on, ascending. */
  ahead(datastreamId: number, from: number, limit: number): Promise<Prediction[]>;
  /** The prediction log, newest step first. */
  log(orgId: string, datastreamId: number, page: PageRequest): Promise<Page<Prediction>>;
  /** Deviations with from <= time (step start). */
  deviationsSince(datastreamId: number, from: number): Promise<number>;
  /** The organisation's numeric datastream `id`, if it is one. */
  numericStream(orgId: string, id: number): Promise<boolean>;
}

/** A datastream resampled to a step grid: the mean of each step [t, t + step), null when empty. */
export interface SeriesReader {
  steps(datastreamId: number, from: number, to: number, stepSeconds: number): Promise<(number | null)[]>;
  /** Time of the datastream's latest stored value. */
  latest(datastreamId: number): Promise<number | undefined>;
}
