import type BetterSqlite3 from 'better-sqlite3';
import { type SqliteCommitter, sqliteCommitter } from '../db/sqlite-commit.js';
import type { SqliteWriter, TraceRow } from '../db/sqlite-writer.js';
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
