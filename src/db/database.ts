import { mkdirSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { CompiledQuery, type Driver, Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { redactUrlCredentials } from '../shared/url.js';
import type { Dialect } from './dialect.js';
import { migrations } from './migrations/index.js';
import type { Schema } from './schema.js';
import { keepingStatements } from './sqlite-statements.js';

/**
 * One open database. Stores use `db` (Kysely); hot paths may use the raw driver handle of
 * their dialect (`sqlite` or `pool`) for prepared statements and COPY.
 */
export type Database =
  | { dialect: 'sqlite'; db: Kysely<Schema>; sqlite: BetterSqlite3.Database; location: string; close(): Promise<void> }
  | { dialect: 'postgres'; db: Kysely<Schema>; pool: pg.Pool; location: string; close(): Promise<void> };

/**
 * int8 (counts, Unix ms) as JS numbers: every value Polder stores is below 2^53. Scoped to
 * Polder's pool (its `types` option), so that other pg users in the process keep pg's defaults.
 */
const int8AsNumber = (v: string) => Number(v);
const polderTypes = new pg.TypeOverrides();
polderTypes.setTypeParser(pg.types.builtins.INT8, int8AsNumber);

export interface DatabaseOptions {
  /** postgres://… , sqlite:<file>, or undefined for SQLite in dataDir. */
  url?: string | undefined;
  dataDir: string;
  poolSize?: number;
  /**
   * Told of a connection that broke (PostgreSQL restarted, pg_terminate_backend, network cut).
   * The process carries on: the query in flight fails (a retryable error, see
   * isConnectionError) and the next one connects anew.
   */
  onConnectionError?: (err: Error) => void;
}

export function openDatabase(opts: DatabaseOptions): Database {
  const url = opts.url;
  if (url && /^postgres(ql)?:/.test(url)) {
    const pool = new pg.Pool({
      connectionString: url,
      max: opts.poolSize ?? 10,
      // A cut network must not leave callers waiting forever for a connection.
      connectionTimeoutMillis: 10_000,
      keepAlive: true,
      types: polderTypes,
    });
    const report = opts.onConnectionError ?? (() => {});
    // An 'error' event without a listener kills Node. The pool listens on idle clients only;
    // a client checked out when its connection dies (a query in flight) emits on itself.
    // Every client gets a listener for its whole life; pg fails its queries and the pool
    // drops it on release (it is no longer queryable).
    pool.on('error', (err) => report(err));
    pool.on('connect', (client) => {
      client.on('error', (err) => report(err));
    });
    const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
    return { dialect: 'postgres', db, pool, location: redactUrlCredentials(url), close: () => db.destroy() };
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
  // A page cache of 16 MiB (not 64): it is memory held for good once filled, and with 10,000
  // boards every MiB counts (docs/benchmarks.md, "Memory of 10,000 boards"); the writer thread has
  // its own connection and the OS caches the file too.
  sqlite.pragma('cache_size = -16384');
  const db = new Kysely<Schema>({ dialect: new ImmediateSqliteDialect({ database: keepingStatements(sqlite) }) });
  return { dialect: 'sqlite', db, sqlite, location: path.resolve(file), close: () => db.destroy() };
}

/**
 * Kysely's SQLite transactions begin IMMEDIATE (with the write lock) instead of deferred: one that
 * read first and wrote after another connection's commit (the writer thread's, the rule engine
 * thread's) would fail at once with SQLITE_BUSY_SNAPSHOT, which busy_timeout does not wait out.
 */
class ImmediateSqliteDialect extends SqliteDialect {
  override createDriver(): Driver {
    const driver = super.createDriver();
    driver.beginTransaction = async (connection) => {
      await connection.executeQuery(CompiledQuery.raw('begin immediate'));
    };
    return driver;
  }
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

/** True when a trivial query answers within `timeoutMs`: what /readyz reports. */
export async function ping(database: Database, timeoutMs = 3000): Promise<boolean> {
  try {
    if (database.dialect === 'sqlite') database.sqlite.prepare('select 1').get();
    else {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('database ping timed out')), timeoutMs);
      });
      try {
        await Promise.race([database.pool.query('select 1'), late]);
      } finally {
        clearTimeout(timer);
      }
    }
    return true;
  } catch {
    return false;
  }
}

/**
 * The database is unreachable or the connection broke (not a bad query): worth retrying once it
 * is back. PostgreSQL SQLSTATE class 08 (connection exception), 57P01–57P03 (admin shutdown,
 * crash shutdown, cannot connect now), socket errors, and pg's own "Connection terminated".
 */
export function isConnectionError(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | undefined;
  const code = typeof e?.code === 'string' ? e.code : '';
  if (/^08/.test(code) || ['57P01', '57P02', '57P03'].includes(code)) return true;
  if (['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND'].includes(code)) return true;
  const message = typeof e?.message === 'string' ? e.message : '';
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|terminating connection/i.test(
    message,
  );
}
