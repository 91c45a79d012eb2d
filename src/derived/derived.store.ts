import type { Kysely, Selectable } from 'kysely';
import type { Schema } from '../db/schema.js';
import { fromJsonColumn, toJsonColumn } from '../shared/json.js';
import type { DerivedDatastream, DerivedDefinition, DerivedStore } from './derived.js';

/** The table of this domain (migration 20261203-0000-derived-forecasts), declared in db/schema.ts. */
export type DerivedTables = Pick<Schema, 'derived_datastreams'>;
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
