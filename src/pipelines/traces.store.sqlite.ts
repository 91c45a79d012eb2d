import type BetterSqlite3 from 'better-sqlite3';
import { type SqliteCommitter, sqliteCommitter } from '../db/sqlite-commit.js';
import type { TraceRecord, TraceSink } from './pipelines.js';

const UPSERT = `insert into traces
  (id, org_id, pipeline_id, device_id, status, received_at, finished_at, attempts, measurements, transport, steps, error, message)
  values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  on conflict (id) do update set
    device_id = excluded.device_id, status = excluded.status, finished_at = excluded.finished_at,
    attempts = excluded.attempts, measurements = excluded.measurements, transport = excluded.transport,
    steps = excluded.steps, error = excluded.error, message = excluded.message`;

/**
 * The runner's trace writes on SQLite: one prepared upsert per trace in one transaction per
 * batch, committed through the connection's SqliteCommitter (the fsync off the event loop,
 * shared with the measurement insert of the same batch). Same rows as KyselyTraceStore.write,
 * without building and preparing a 13 × 500-parameter statement per batch.
 */
export class SqliteTraceWriter implements TraceSink {
  private readonly upsert: BetterSqlite3.Statement;
  private readonly commits: SqliteCommitter;

  constructor(sqlite: BetterSqlite3.Database) {
    this.upsert = sqlite.prepare(UPSERT);
    this.commits = sqliteCommitter(sqlite);
  }

  async write(traces: readonly TraceRecord[]): Promise<void> {
    if (traces.length === 0) return;
    // Serialised before the transaction: the write lock is held only for the inserts.
    const rows = traces.map((t) => [
      t.id,
      t.orgId,
      t.pipelineId,
      t.deviceId,
      t.status,
      t.receivedAt,
      t.finishedAt,
      t.attempts,
      t.measurements,
      JSON.stringify(t.transport),
      JSON.stringify(t.steps),
      t.error === null ? null : JSON.stringify(t.error),
      t.message === null ? null : JSON.stringify(t.message),
    ]);
    // A batch naming a trace twice keeps the last (the upsert applies them in order).
    await this.commits.write(() => {
      for (const r of rows) this.upsert.run(r);
    });
  }
}
