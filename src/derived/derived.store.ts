import type { Kysely, Selectable } from 'kysely';
import type { Json, Schema } from '../db/schema.js';
import type { Measurement } from '../measurements/measurements.js';
import { aggregateOf, mergeInto } from '../measurements/rollups.js';
import { fromJsonColumn, toJsonColumn } from '../shared/json.js';
import type { DerivedDatastream, DerivedDefinition, DerivedStore } from './derived.js';

/** The table of this domain (migration 20261203-0000-derived-forecasts). */
export type DerivedTables = {
  derived_datastreams: {
    datastream_id: number;
    org_id: string;
    definition: Json;
    done_until: number;
    created_at: number;
    updated_at: number;
  };
};
type Db = Kysely<Schema & DerivedTables>;

const toDerived = (r: Selectable<DerivedTables['derived_datastreams']>): DerivedDatastream => ({
  datastreamId: Number(r.datastream_id),
  orgId: r.org_id,
  definition: fromJsonColumn<DerivedDefinition>(r.definition, {} as DerivedDefinition),
  doneUntil: Number(r.done_until),
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

export class KyselyDerivedStore implements DerivedStore {
  private readonly db: Db;
  constructor(db: Kysely<Schema>) {
    this.db = db.withTables<DerivedTables>() as unknown as Db;
  }

  async all(): Promise<DerivedDatastream[]> {
    return (await this.db.selectFrom('derived_datastreams').selectAll().execute()).map(toDerived);
  }

  async find(orgId: string, datastreamId: number): Promise<DerivedDatastream | undefined> {
    const r = await this.db
      .selectFrom('derived_datastreams')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('datastream_id', '=', datastreamId)
      .executeTakeFirst();
    return r && toDerived(r);
  }

  async put(d: DerivedDatastream): Promise<void> {
    const row = {
      datastream_id: d.datastreamId,
      org_id: d.orgId,
      definition: toJsonColumn(d.definition),
      done_until: d.doneUntil,
      created_at: d.createdAt,
      updated_at: d.updatedAt,
    };
    await this.db
      .insertInto('derived_datastreams')
      .values(row)
      .onConflict((oc) =>
        oc
          .column('datastream_id')
          .doUpdateSet({ definition: row.definition, done_until: row.done_until, updated_at: row.updated_at }),
      )
      .execute();
  }

  async remove(orgId: string, datastreamId: number): Promise<boolean> {
    const r = await this.db
      .deleteFrom('derived_datastreams')
      .where('org_id', '=', orgId)
      .where('datastream_id', '=', datastreamId)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async saveProgress(progress: { datastreamId: number; doneUntil: number }[]): Promise<void> {
    if (progress.length === 0) return;
    await this.db.transaction().execute(async (tx) => {
      for (const p of progress)
        await tx
          .updateTable('derived_datastreams')
          .set({ done_until: p.doneUntil })
          .where('datastream_id', '=', p.datastreamId)
          .execute();
    });
  }

  async numericStreams(orgId: string, ids: number[]): Promise<Map<number, { unit: string; valueKind: string }>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('datastreams')
      .select(['id', 'unit', 'value_kind'])
      .where('org_id', '=', orgId)
      .where('id', 'in', ids)
      .execute();
    return new Map(rows.map((r) => [Number(r.id), { unit: r.unit, valueKind: r.value_kind }]));
  }
}

/**
 * Replaces stored values of derived datastreams (a window recomputed for late data) and
 * rebuilds the rollup buckets holding them from the raw rows, in one transaction.
 *
 * This writes the measurement tables beside the measurement store: the store's port only
 * inserts (a stored (datastream, time) is never overwritten). A `replace` on MeasurementStore
 * would be the right home for this; until then it lives here, in plain SQL for both dialects.
 */
export async function replaceMeasurements(db: Kysely<Schema>, rows: readonly Measurement[]): Promise<void> {
  if (rows.length === 0) return;
  await db.transaction().execute(async (tx) => {
    const buckets = new Map<string, { ds: number; size: number; bucket: number }>();
    for (const r of rows) {
      await tx.deleteFrom('measurements').where('datastream_id', '=', r.datastreamId).where('time', '=', r.time).execute();
      await tx.insertInto('measurements').values({ datastream_id: r.datastreamId, time: r.time, value: r.value }).execute();
      for (const size of [60, 3600, 86400]) {
        const bucket = r.time - (r.time % (size * 1000));
        buckets.set(`${r.datastreamId}:${size}:${bucket}`, { ds: r.datastreamId, size, bucket });
      }
    }
    for (const { ds, size, bucket } of buckets.values()) {
      const raw = await tx
        .selectFrom('measurements')
        .select(['time', 'value'])
        .where('datastream_id', '=', ds)
        .where('time', '>=', bucket)
        .where('time', '<', bucket + size * 1000)
        .orderBy('time')
        .execute();
      await tx
        .deleteFrom('rollups')
        .where('datastream_id', '=', ds)
        .where('size', '=', size)
        .where('bucket', '=', bucket)
        .execute();
      const first = raw[0];
      if (!first) continue;
      const agg = aggregateOf(Number(first.time), Number(first.value));
      for (const r of raw.slice(1)) mergeInto(agg, aggregateOf(Number(r.time), Number(r.value)));
      await tx
        .insertInto('rollups')
        .values({
          datastream_id: ds,
          size,
          bucket,
          count: agg.count,
          sum: agg.sum,
          min: agg.min,
          max: agg.max,
          first_time: agg.firstTime,
          first_value: agg.firstValue,
          last_time: agg.lastTime,
          last_value: agg.lastValue,
        })
        .execute();
    }
  });
}
