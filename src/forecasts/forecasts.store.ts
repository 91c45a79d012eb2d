import { type Kysely, type Selectable, sql } from 'kysely';
import { paginate } from '../db/paginate.js';
import type { Schema } from '../db/schema.js';
import type { MeasurementStore } from '../measurements/measurements.js';
import { fromJsonColumn, toJsonColumn } from '../shared/json.js';
import type { Page, PageRequest } from '../shared/page.js';
import type {
  Forecast,
  ForecastConfig,
  ForecastModel,
  ForecastStore,
  Prediction,
  SeriesReader,
  TrainedModel,
} from './forecasts.js';

/** The tables of this domain (migration 20261203-0000-derived-forecasts), declared in db/schema.ts. */
export type ForecastTables = Pick<Schema, 'forecasts' | 'forecast_models' | 'forecast_predictions'>;
type Db = Kysely<Schema & ForecastTables>;

const toForecast = (r: Selectable<ForecastTables['forecasts']>): Forecast => ({
  datastreamId: Number(r.datastream_id),
  orgId: r.org_id,
  config: fromJsonColumn<ForecastConfig>(r.config, {} as ForecastConfig),
  modelVersion: Number(r.model_version),
  issuedAt: r.issued_at === null ? null : Number(r.issued_at),
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});
const toModel = (r: Selectable<ForecastTables['forecast_models']>): ForecastModel => ({
  datastreamId: Number(r.datastream_id),
  version: Number(r.version),
  model: fromJsonColumn<TrainedModel>(r.model, {} as TrainedModel),
  reason: r.reason as ForecastModel['reason'],
  trainedAt: Number(r.trained_at),
});
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const toPrediction = (r: Selectable<ForecastTables['forecast_predictions']>): Prediction => ({
  datastreamId: Number(r.datastream_id),
  time: Number(r.time),
  modelVersion: Number(r.model_version),
  issuedAt: Number(r.issued_at),
  value: Number(r.value),
  lower: Number(r.lower),
  upper: Number(r.upper),
  actual: num(r.actual),
  error: num(r.error),
  deviation: Number(r.deviation) === 1,
});
/** Rows per insert statement (11 parameters each). */
const CHUNK = 500;

export class KyselyForecastStore implements ForecastStore {
  private readonly db: Db;
  constructor(db: Kysely<Schema>) {
    this.db = db.withTables<ForecastTables>() as unknown as Db;
  }

  async all(): Promise<Forecast[]> {
    return (await this.db.selectFrom('forecasts').selectAll().execute()).map(toForecast);
  }

  async find(orgId: string, datastreamId: number): Promise<Forecast | undefined> {
    const r = await this.db
      .selectFrom('forecasts')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('datastream_id', '=', datastreamId)
      .executeTakeFirst();
    return r && toForecast(r);
  }

  async put(f: Forecast): Promise<void> {
    const row = {
      datastream_id: f.datastreamId,
      org_id: f.orgId,
      config: toJsonColumn(f.config),
      model_version: f.modelVersion,
      issued_at: f.issuedAt,
      checked_until: 0,
      created_at: f.createdAt,
      updated_at: f.updatedAt,
    };
    await this.db
      .insertInto('forecasts')
      .values(row)
      .onConflict((oc) =>
        oc.column('datastream_id').doUpdateSet({
          config: row.config,
          model_version: row.model_version,
          issued_at: row.issued_at,
          updated_at: row.updated_at,
        }),
      )
      .execute();
  }

  async remove(orgId: string, datastreamId: number): Promise<boolean> {
    const found = await this.find(orgId, datastreamId);
    if (!found) return false;
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('forecast_predictions').where('datastream_id', '=', datastreamId).execute();
      await tx.deleteFrom('forecast_models').where('datastream_id', '=', datastreamId).execute();
      await tx.deleteFrom('forecasts').where('datastream_id', '=', datastreamId).execute();
    });
    return true;
  }

  async addModel(orgId: string, m: ForecastModel): Promise<void> {
    await this.db
      .insertInto('forecast_models')
      .values({
        datastream_id: m.datastreamId,
        version: m.version,
        org_id: orgId,
        model: toJsonColumn(m.model),
        reason: m.reason,
        trained_at: m.trainedAt,
      })
      .execute();
  }

  async model(datastreamId: number, version: number): Promise<ForecastModel | undefined> {
    const r = await this.db
      .selectFrom('forecast_models')
      .selectAll()
      .where('datastream_id', '=', datastreamId)
      .where('version', '=', version)
      .executeTakeFirst();
    return r && toModel(r);
  }

  async models(orgId: string, datastreamId: number, page: PageRequest): Promise<Page<ForecastModel>> {
    const q = this.db
      .selectFrom('forecast_models')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('datastream_id', '=', datastreamId);
    const res = await paginate(q, page, [{ column: 'version', desc: true }], (r) => [Number(r.version)]);
    return { ...res, items: res.items.map(toModel) };
  }

  async upsertPredictions(orgId: string, rows: Prediction[]): Promise<void> {
    for (let i = 0; i < rows.length; i += CHUNK) {
      const values = rows.slice(i, i + CHUNK).map((p) => ({
        datastream_id: p.datastreamId,
        time: p.time,
        org_id: orgId,
        model_version: p.modelVersion,
        issued_at: p.issuedAt,
        value: p.value,
        lower: p.lower,
        upper: p.upper,
        actual: null,
        error: null,
        deviation: 0,
      }));
      await this.db
        .insertInto('forecast_predictions')
        .values(values)
        .onConflict((oc) =>
          oc
            .columns(['datastream_id', 'time'])
            .doUpdateSet({
              model_version: sql`excluded.model_version`,
              issued_at: sql`excluded.issued_at`,
              value: sql`excluded.value`,
              lower: sql`excluded.lower`,
              upper: sql`excluded.upper`,
            })
            .where('forecast_predictions.actual', 'is', null),
        )
        .execute();
    }
  }

  async unchecked(datastreamId: number, before: number): Promise<Prediction[]> {
    const rows = await this.db
      .selectFrom('forecast_predictions')
      .selectAll()
      .where('datastream_id', '=', datastreamId)
      .where('actual', 'is', null)
      .where('time', '<', before)
      .orderBy('time')
      .limit(10_000)
      .execute();
    return rows.map(toPrediction);
  }

  async recordActuals(rows: Prediction[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db.transaction().execute(async (tx) => {
      for (const p of rows)
        await tx
          .updateTable('forecast_predictions')
          .set({ actual: p.actual, error: p.error, deviation: p.deviation ? 1 : 0 })
          .where('datastream_id', '=', p.datastreamId)
          .where('time', '=', p.time)
          .execute();
    });
  }

  async ahead(datastreamId: number, from: number, limit: number): Promise<Prediction[]> {
    const rows = await this.db
      .selectFrom('forecast_predictions')
      .selectAll()
      .where('datastream_id', '=', datastreamId)
      .where('time', '>=', from)
      .orderBy('time')
      .limit(limit)
      .execute();
    return rows.map(toPrediction);
  }

  async log(orgId: string, datastreamId: number, page: PageRequest): Promise<Page<Prediction>> {
    const q = this.db
      .selectFrom('forecast_predictions')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('datastream_id', '=', datastreamId)
      .where('actual', 'is not', null);
    const res = await paginate(q, page, [{ column: 'time', desc: true }], (r) => [Number(r.time)]);
    return { ...res, items: res.items.map(toPrediction) };
  }

  async deviationsSince(datastreamId: number, from: number): Promise<number> {
    const r = await this.db
      .selectFrom('forecast_predictions')
      .select(sql<number>`count(*)`.as('n'))
      .where('datastream_id', '=', datastreamId)
      .where('deviation', '=', 1)
      .where('time', '>=', from)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  async numericStream(orgId: string, id: number): Promise<boolean> {
    const r = await this.db
      .selectFrom('datastreams')
      .select('value_kind')
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .executeTakeFirst();
    return r?.value_kind === 'number';
  }
}

/** Steps of a datastream from the measurement store: rollups where the step is a rollup size, raw rows otherwise. */
export function seriesReader(store: MeasurementStore): SeriesReader {
  return {
    async steps(datastreamId, from, to, stepSeconds) {
      const stepMs = stepSeconds * 1000;
      const n = Math.max(0, Math.ceil((to - from) / stepMs));
      const out: (number | null)[] = new Array(n).fill(null);
      const range = { datastreamId, from, to };
      if (stepSeconds === 60 || stepSeconds === 3600 || stepSeconds === 86400) {
        for (const r of await store.readRollupValues(range, stepSeconds, 'avg', 'asc', n + 1)) {
          const i = Math.floor((r.time - from) / stepMs);
          if (i >= 0 && i < n) out[i] = r.value;
        }
        return out;
      }
      const sums = new Array<number>(n).fill(0);
      const counts = new Array<number>(n).fill(0);
      for (const r of await store.readRaw([range], 'asc', 2_000_000)) {
        const i = Math.floor((r.time - from) / stepMs);
        sums[i] = (sums[i] as number) + r.value;
        counts[i] = (counts[i] as number) + 1;
      }
      for (let i = 0; i < n; i++) if ((counts[i] as number) > 0) out[i] = (sums[i] as number) / (counts[i] as number);
      return out;
    },
    async latest(datastreamId) {
      const [r] = await store.readRaw([{ datastreamId, from: 0, to: Number.MAX_SAFE_INTEGER }], 'desc', 1);
      return r?.time;
    },
  };
}
