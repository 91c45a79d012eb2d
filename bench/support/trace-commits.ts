import type BetterSqlite3 from 'better-sqlite3';
import type { TraceRow } from '../../src/db/sqlite-writer.js';
import { sqliteTraceUpserter } from '../../src/pipelines/traces.store.sqlite.js';
import { sqliteBenchDatabase } from './bench-kit.js';

export interface TraceCommits {
  /** Traces in the table before the timed commits. */
  rows: number;
  commits: number;
  perCommit: number;
  /** The next trace (the caller's sequence: it starts again for each database). */
  row: () => TraceRow;
}

/**
 * Milliseconds per commit of the hot path's trace upserts on a fresh SQLite database: `indexes`
 * sets up the table's indexes, `rows` traces go in first (1,000 a commit), then `commits` IMMEDIATE
 * commits of `perCommit` traces are timed (their rows made beforehand), with synchronous=NORMAL as
 * the writer thread commits, its fdatasync apart.
 */
export async function traceCommitMs(indexes: (sqlite: BetterSqlite3.Database) => void, o: TraceCommits): Promise<number> {
  const bench = await sqliteBenchDatabase();
  try {
    const sqlite = bench.database.dialect === 'sqlite' ? bench.database.sqlite : undefined;
    if (!sqlite) throw new Error('sqlite only');
    sqlite.pragma('synchronous = NORMAL');
    indexes(sqlite);
    const upsert = sqliteTraceUpserter(sqlite);
    const commit = sqlite.transaction((rows: TraceRow[]) => upsert(rows));
    for (let i = 0; i < o.rows; i += 1000) commit.immediate(Array.from({ length: 1000 }, o.row));
    const batches = Array.from({ length: o.commits }, () => Array.from({ length: o.perCommit }, o.row));
    const t0 = process.hrtime.bigint();
    for (const batch of batches) commit.immediate(batch);
    return Number(process.hrtime.bigint() - t0) / 1e6 / o.commits;
  } finally {
    await bench.drop();
  }
}
