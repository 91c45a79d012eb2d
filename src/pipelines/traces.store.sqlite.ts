import type BetterSqlite3 from 'better-sqlite3';
import type { Database } from '../db/database.js';
import { type SqliteCommitter, sqliteCommitter } from '../db/sqlite-commit.js';
import { type SqliteWriter, sqliteWriterOf, type TraceRow } from '../db/sqlite-writer.js';
import type { TraceRows } from '../measurements/measurements.js';
import type { TraceRecord, TraceSink } from './pipelines.js';
import { traceRows } from './trace-rows.js';

const UPSERT = `insert into traces
  (id, org_id, pipeline_id, device_id, status, received_at, finished_at, attempts, measurements, transport, steps, error, message)
  values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  on conflict (id) do update set
    device_id = excluded.device_id, status = excluded.status, finished_at = excluded.finished_at,
    attempts = excluded.attempts, measurements = excluded.measurements, transport = excluded.transport,
    steps = excluded.steps, error = excluded.error, message = excluded.message`;

/**
 * The trace upserts of one batch, to run inside one IMMEDIATE transaction (the caller's); shared
 * by SqliteTraceWriter (`:memory:`) and the writer thread (db/sqlite-writer-thread.ts). A batch
 * naming a trace twice keeps the last (the upsert applies them in order).
 */
export function sqliteTraceUpserter(sqlite: BetterSqlite3.Database): (rows: readonly TraceRow[]) => void {
  const upsert = sqlite.prepare(UPSERT);
  return (rows) => {
    for (const r of rows) upsert.run(r);
  };
}

/**
 * The runner's trace writes on SQLite: one prepared upsert per trace in one transaction per
 * batch. Same rows as KyselyTraceStore.write, without building and preparing a 13 × 500-parameter
 * statement per batch. On a file database the rows go to the writer thread (db/sqlite-writer.ts),
 * which commits and syncs them off the event loop; else they are committed through the
 * connection's SqliteCommitter (the fsync off the event loop, shared with the measurement insert).
 */
export class SqliteTraceWriter implements TraceSink {
  private readonly upsert: ((rows: readonly TraceRow[]) => void) | undefined;
  private readonly commits: SqliteCommitter | undefined;

  constructor(
    sqlite: BetterSqlite3.Database,
    private readonly writer?: SqliteWriter | undefined,
  ) {
    if (!writer) {
      this.upsert = sqliteTraceUpserter(sqlite);
      this.commits = sqliteCommitter(sqlite);
    }
  }

  async write(traces: readonly TraceRecord[]): Promise<void> {
    if (traces.length === 0) return;
    // Serialised before the transaction: the write lock is held only for the inserts.
    const rows = this.rows(traces);
    if (this.writer) return this.writer.writeTraces(rows);
    const upsert = this.upsert as (rows: readonly TraceRow[]) => void;
    await (this.commits as SqliteCommitter).write(() => upsert(rows));
  }

  /** The upserts' parameters (traceRows), for write or the measurement store's insertWithTraces. */
  rows(traces: readonly TraceRecord[]): TraceRows {
    return traceRows(traces);
  }
}

/**
 * Rowids of traces one transaction of the device fold goes past: the scheduler's fold every 2 s in
 * one (up to 25,000 uplinks a second). Each transaction writes a leaf page of every device it
 * touches, so smaller ones write the same pages again.
 */
export const TRACE_FOLD_CHUNK = 50_000;

/**
 * One transaction's worth of the fold of `trace_devices` (migration 20261204-0840-trace-devices),
 * to run inside the caller's IMMEDIATE transaction: the traces past the fold mark, up to `limit`
 * rowids, get their device's entry and the mark moves past them. Answers how many rowids it went
 * past, 0 when none is left. Shared by the writer thread (db/sqlite-writer-thread.ts) and
 * traceDeviceFolding's path on the connection, so both run the same statements.
 */
export function sqliteTraceDeviceFolder(sqlite: BetterSqlite3.Database): (limit: number) => number {
  const readMark = sqlite.prepare<[], number>('select folded_rowid from trace_device_folds where id = 1').pluck();
  const readTop = sqlite.prepare<[], number>('select coalesce(max(rowid), 0) from traces').pluck();
  // In the table's key order: each device's entries go in one after the other, to the same leaf page.
  const fill = sqlite.prepare<[number, number]>(`insert or ignore into trace_devices (org_id, device_id, received_at, id)
    select org_id, device_id, received_at, id from traces where rowid > ? and rowid <= ? and device_id is not null
    order by org_id, device_id, received_at, id`);
  const setMark = sqlite.prepare<[number]>('update trace_device_folds set folded_rowid = ? where id = 1');
  return (limit) => {
    const mark = readMark.get() ?? 0;
    const top = readTop.get() ?? 0;
    // Traces past the mark were deleted and their rowids given again (retention clamps the mark; a fallback).
    const from = top < mark ? 0 : mark;
    const to = Math.min(top, from + limit);
    if (to > from) fill.run(from, to);
    if (to !== mark) setMark.run(to);
    return to - from;
  };
}

/**
 * The whole fold of `trace_devices`, a chunk per transaction, until no trace is left past the
 * mark; answers how many rowids it went past. On a file database it runs on the writer thread,
 * between the hot path's commits (it does not hold the event loop, nor the write lock against
 * them); else on the connection, through its committer. Not synced: after a crash the fold is
 * redone from the traces, which are.
 */
export function traceDeviceFolding(database: Extract<Database, { dialect: 'sqlite' }>): () => Promise<number> {
  const writer = sqliteWriterOf(database);
  if (writer) return () => writer.foldTraceDevices();
  const commits = sqliteCommitter(database.sqlite);
  let fold: ((limit: number) => number) | undefined;
  return async () => {
    fold ??= sqliteTraceDeviceFolder(database.sqlite);
    const chunk = fold;
    let total = 0;
    for (let n = 1; n > 0; total += n) n = await commits.write(() => chunk(TRACE_FOLD_CHUNK), false);
    return total;
  };
}
