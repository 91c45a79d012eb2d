import { mkdirSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { maskUrl } from '../shared/mask-url.js';
import type { Dialect } from './dialect.js';
import { migrations } from './migrations/index.js';
import type { Schema } from './schema.js';

/**
 * One open database. Stores use `db` (Kysely); hot paths may use the raw driver handle of
 * their dialect (`sqlite` or `pool`) for prepared statements and COPY.
 */
export type Database =
  | { dialect: 'sqlite'; db: Kysely<Schema>; sqlite: BetterSqlite3.Database; location: string; close(): Promise<void> }
  | { dialect: 'postgres'; db: Kysely<Schema>; pool: pg.Pool; location: string; close(): Promise<void> };

// int8 (counts, Unix ms) as JS numbers: every value Polder stores is below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export interface DatabaseOptions {
  /** postgres://… , sqlite:<file>, or undefined for SQLite in dataDir. */
  url?: string | undefined;
  dataDir: string;
  poolSize?: number;
}

export function openDatabase(opts: DatabaseOptions): Database {
  const url = opts.url;
  if (url && /^postgres(ql)?:/.test(url)) {
    const pool = new pg.Pool({ connectionString: url, max: opts.poolSize ?? 10 });
    // A broken idle connection must not crash the process; the next query reconnects.
    pool.on('error', () => {});
    const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
    return { dialect: 'postgres', db, pool, location: redactUrl(url), close: () => db.destroy() };
  }
  const file = url?.startsWith('sqlite:') ? url.slice('sqlite:'.length) : path.join(opts.dataDir, 'polder.db');
  if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new BetterSqlite3(file);
  // WAL lets readers run beside the writer; FULL fsyncs each commit, so what we acknowledge
  // survives power loss, and batching keeps that cheap.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('cache_size = -65536');
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { dialect: 'sqlite', db, sqlite, location: path.resolve(file), close: () => db.destroy() };
}

export const dialectOf = (database: Database): Dialect => database.dialect;

/** Brings the schema to the latest migration; returns the names applied now. */
export async function migrateToLatest(database: Database): Promise<string[]> {
  const migrator = new Migrator({
    db: database.db,
    provider: { getMigrations: async () => migrations(database.dialect) },
    // Domains add migrations side by side; their names sort, but one may land after a later one ran.
    allowUnorderedMigrations: true,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** True when a trivial query answers: what /readyz reports. */
export async function ping(database: Database): Promise<boolean> {
  try {
    if (database.dialect === 'sqlite') database.sqlite.prepare('select 1').get();
    else await database.pool.query('select 1');
    return true;
  } catch {
    return false;
  }
}

/** The URL without its credentials (userinfo and `?password=`), for banners and logs. */
export const redactUrl = maskUrl;
