import { CompiledQuery, type Kysely, type Selectable, sql } from 'kysely';
import type { Database } from '../db/database.js';
import { paginate } from '../db/paginate.js';
import type { Schema, TraceTable } from '../db/schema.js';
import { deviceIdByIdOrCode } from '../devices/device-read-models.js';
import type { TraceRows } from '../measurements/measurements.js';
import type { PageRequest } from '../shared/page.js';
import type { PipelineMessageJson, TransportInfo } from '../workers/workers.js';
import type { TraceFilter, TraceStore } from './pipeline-ports.js';
import type { Trace, TraceError, TraceRecord, TraceStatus } from './pipelines.js';
import { POSTGRES_TRACE_UPSERT, stepsOf, stepsText, traceRows } from './trace-rows.js';
import { traceDeviceFolding } from './traces.store.sqlite.js';

/** Columns per trace row; rows per statement stay under both drivers' parameter limits. */
const COLUMNS = 13;
// PostgreSQL binds at most 65,535 parameters, SQLite (as built by better-sqlite3) 32,766.
const ROWS_PER_STATEMENT = Math.floor(32_000 / COLUMNS);

const toTrace = (r: Omit<Selectable<TraceTable>, 'message'>): Trace => ({
  id: r.id,
  orgId: r.org_id,
  pipelineId: r.pipeline_id,
  deviceId: r.device_id,
  status: r.status as TraceStatus,
  receivedAt: r.received_at,
  finishedAt: r.finished_at,
  attempts: r.attempts,
  transport: JSON.parse(r.transport) as TransportInfo,
  steps: stepsOf(r.steps),
  error: r.error === null ? null : (JSON.parse(r.error) as TraceError),
  measurements: r.measurements,
});

const toRecord = (r: Selectable<TraceTable>): TraceRecord => ({
  ...toTrace(r),
  message: r.message === null ? null : (JSON.parse(r.message) as PipelineMessageJson),
});

const toRow = (t: TraceRecord): Selectable<TraceTable> => ({
  id: t.id,
  org_id: t.orgId,
  pipeline_id: t.pipelineId,
  device_id: t.deviceId,
  status: t.status,
  received_at: t.receivedAt,
  finished_at: t.finishedAt,
  attempts: t.attempts,
  measurements: t.measurements,
  transport: JSON.stringify(t.transport),
  steps: stepsText(t.steps),
  error: t.error === null ? null : JSON.stringify(t.error),
  message: t.message === null ? null : JSON.stringify(t.message),
});

const LIST_COLUMNS = [
  'id',
  'org_id',
  'pipeline_id',
  'device_id',
  'status',
  'received_at',
  'finished_at',
  'attempts',
  'measurements',
  'transport',
  'steps',
  'error',
] as const;

/**
 * Traces over Kysely. `write` is the runner's hot path: one `INSERT … ON CONFLICT (id) DO UPDATE`
 * per call; on PostgreSQL from one JSON parameter (UPSERT_FROM_JSON), elsewhere multi-row
 * (per chunk of ~2,400 rows).
 */
export class KyselyTraceStore implements TraceStore {
  private readonly db: Kysely<Schema>;
  private readonly postgres: boolean;
  private readonly fold: () => Promise<number>;

  constructor(database: Database) {
    this.db = database.db;
    this.postgres = database.dialect === 'postgres';
    this.fold = database.dialect === 'sqlite' ? traceDeviceFolding(database) : async () => 0;
  }

  /** For a measurement store that commits the traces with the batch (TraceSink.rows). */
  rows(traces: readonly TraceRecord[]): TraceRows {
    return traceRows(traces);
  }

  async write(traces: readonly TraceRecord[]): Promise<void> {
    if (traces.length === 0) return;
    if (this.postgres) {
      await this.db.executeQuery(CompiledQuery.raw(POSTGRES_TRACE_UPSERT, [JSON.stringify(traceRows(traces))]));
      return;
    }
    // One row per id: a batch naming a trace twice keeps the last.
    const rows = [...new Map(traces.map((t) => [t.id, toRow(t)])).values()];
    const upsert = (db: Kysely<Schema>, chunk: Selectable<TraceTable>[]) =>
      db
        .insertInto('traces')
        .values(chunk)
        .onConflict((oc) =>
          oc.column('id').doUpdateSet({
            device_id: sql.ref('excluded.device_id'),
            status: sql.ref('excluded.status'),
            finished_at: sql.ref('excluded.finished_at'),
            attempts: sql.ref('excluded.attempts'),
            measurements: sql.ref('excluded.measurements'),
            transport: sql.ref('excluded.transport'),
            steps: sql.ref('excluded.steps'),
            error: sql.ref('excluded.error'),
            message: sql.ref('excluded.message'),
          }),
        )
        .execute();
    if (rows.length <= ROWS_PER_STATEMENT) {
      await upsert(this.db, rows);
      return;
    }
    await this.db.transaction().execute(async (trx) => {
      for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) await upsert(trx, rows.slice(i, i + ROWS_PER_STATEMENT));
    });
  }

  async list(orgId: string, filter: TraceFilter, req: PageRequest) {
    if (filter.deviceId !== undefined && !this.postgres) {
      await this.foldDevices(); // a listing by device sees every trace appended so far
      const page = await paginate(
        this.ofDevice(orgId, filter.deviceId, filter).select(LIST_COLUMNS.map((c) => `t.${c}` as const)),
        req,
        [
          { column: 'd.received_at', desc: true },
          { column: 'd.id', desc: true },
        ],
        (r) => [r.received_at, r.id],
      );
      return { ...page, items: page.items.map(toTrace) };
    }
    const q = this.filtered(orgId, filter).select(LIST_COLUMNS);
    const page = await paginate(
      q,
      req,
      [
        { column: 'received_at', desc: true },
        { column: 'id', desc: true },
      ],
      (r) => [r.received_at, r.id],
    );
    return { ...page, items: page.items.map(toTrace) };
  }

  async get(orgId: string, id: string) {
    const row = await this.db
      .selectFrom('traces')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toRecord(row);
  }

  async claimFailed(orgId: string, ids: readonly string[]) {
    if (ids.length === 0) return [];
    // One transaction: what is read is what was claimed (PostgreSQL would allow RETURNING, SQLite ≥ 3.35 too;
    // the row lock of the UPDATE keeps two claimers apart either way).
    return this.db.transaction().execute(async (trx) => {
      const claimed = await trx
        .updateTable('traces')
        .set({ status: 'retrying' })
        .where('org_id', '=', orgId)
        .where('id', 'in', [...ids])
        .where('status', '=', 'failed')
        .returning('id')
        .execute();
      if (claimed.length === 0) return [];
      const rows = await trx
        .selectFrom('traces')
        .selectAll()
        .where(
          'id',
          'in',
          claimed.map((c) => c.id),
        )
        .orderBy('received_at')
        .execute();
      return rows.map(toRecord);
    });
  }

  async failedIds(orgId: string, filter: TraceFilter, limit: number) {
    if (filter.deviceId !== undefined && !this.postgres) {
      await this.foldDevices(); // a listing by device sees every trace appended so far
      const rows = await this.ofDevice(orgId, filter.deviceId, { ...filter, status: 'failed' })
        .select('t.id')
        .orderBy('d.received_at')
        .orderBy('d.id')
        .limit(limit)
        .execute();
      return rows.map((r) => r.id);
    }
    const rows = await this.filtered(orgId, { ...filter, status: 'failed' })
      .select('id')
      .orderBy('received_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }

  async unclaim(orgId: string, ids: readonly string[]) {
    if (ids.length === 0) return;
    await this.db
      .updateTable('traces')
      .set({ status: 'failed' })
      .where('org_id', '=', orgId)
      .where('id', 'in', [...ids])
      .where('status', '=', 'retrying')
      .execute();
  }

  async deleteBefore(before: number, limit: number) {
    // Chunked, so one call holds locks briefly however many traces expired.
    if (this.postgres) {
      const res = await this.db
        .deleteFrom('traces')
        .where('id', 'in', (qb) => qb.selectFrom('traces').select('id').where('received_at', '<', before).limit(limit))
        .executeTakeFirst();
      return Number(res.numDeletedRows);
    }
    return this.db.transaction().execute(async (trx) => {
      // SQLite has no index of received_at alone (migration 20261204-1800-trace-indexes): each
      // organisation's expired traces start its range of traces_org_time, and `orgs` steps from
      // one organisation of that index to the next (a seek each, not a scan of the index).
      const res = await sql`delete from traces where rowid in (
        with recursive orgs (id) as (
          select min(org_id) from traces
          union all select (select min(org_id) from traces where org_id > orgs.id) from orgs where orgs.id is not null)
        select t.rowid from orgs cross join traces t on t.org_id = orgs.id and t.received_at < ${before} limit ${limit})`.execute(
        trx,
      );
      // Their entries in trace_devices go with them (trigger traces_deleted, migration 20261205-1600-trace-devices-exact).
      const removed = Number(res.numAffectedRows ?? 0);
      // Rowids of deleted traces may be given again: the fold mark never stays above the newest left.
      await sql`update trace_device_folds set folded_rowid = min(folded_rowid, (select coalesce(max(rowid), 0) from traces))
        where id = 1`.execute(trx);
      return removed;
    });
  }

  /**
   * SQLite: fills `trace_devices` from every trace past the fold mark (migration
   * 20261204-0840-trace-devices; traces.store.sqlite.ts traceDeviceFolding); answers how many
   * rowids it went past. The hot path only appends traces; this gives them their device's place
   * in large batches. PostgreSQL: nothing to do (its traces have an index by device).
   */
  foldDevices(): Promise<number> {
    return this.fold();
  }

  /** SQLite: a device's traces through `trace_devices` (an entry per folded trace, under the device it has now). */
  private ofDevice(orgId: string, deviceId: string, f: TraceFilter) {
    let q = this.db
      .selectFrom('trace_devices as d')
      .innerJoin('traces as t', 't.id', 'd.id')
      .where('d.org_id', '=', orgId)
      .where('d.device_id', '=', deviceId);
    if (f.pipelineId !== undefined) q = q.where('t.pipeline_id', '=', f.pipelineId);
    if (f.status !== undefined) q = q.where('t.status', '=', f.status);
    if (f.start !== undefined) q = q.where('d.received_at', '>=', f.start);
    if (f.end !== undefined) q = q.where('d.received_at', '<', f.end);
    return q;
  }

  deviceIdOf(orgId: string, idOrCode: string) {
    return deviceIdByIdOrCode(this.db, orgId, idOrCode);
  }

  private filtered(orgId: string, f: TraceFilter) {
    let q = this.db.selectFrom('traces').where('org_id', '=', orgId);
    if (f.pipelineId !== undefined) q = q.where('pipeline_id', '=', f.pipelineId);
    if (f.deviceId !== undefined) q = q.where('device_id', '=', f.deviceId);
    if (f.status !== undefined) q = q.where('status', '=', f.status);
    // SQLite indexes by status only the traces that are not stored (migration 20261204-1800-trace-indexes);
    // a query uses that partial index only where it names the index's condition as written.
    if (f.status !== undefined && f.status !== 'stored') q = q.where(sql<boolean>`status <> 'stored'`);
    if (f.start !== undefined) q = q.where('received_at', '>=', f.start);
    if (f.end !== undefined) q = q.where('received_at', '<', f.end);
    return q;
  }
}
