import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Migrator } from 'kysely';
import pg from 'pg';
import { type Database, migrateToLatest, openDatabase } from '../../src/db/database.js';
import { migrations } from '../../src/db/migrations/index.js';
import { SERVICES, serviceAvailable } from './services.js';

/** A migrated, empty database of one dialect, and how to throw it away. */
export interface TestDatabase {
  database: Database;
  url: string;
  drop(): Promise<void>;
}

export type DialectName = 'sqlite' | 'postgres';

/** A fresh SQLite file in a temporary directory. */
export async function sqliteDatabase(): Promise<TestDatabase> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'polder-test-'));
  const url = `sqlite:${path.join(dir, 'polder.db')}`;
  const database = openDatabase({ url, dataDir: dir });
  await migrateToLatest(database);
  return {
    database,
    url,
    async drop() {
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A migrated SQLite database in memory: its commits stay on the connection (no writer thread). */
export async function sqliteMemoryDatabase(): Promise<TestDatabase> {
  const database = openDatabase({ url: 'sqlite::memory:', dataDir: os.tmpdir() });
  await migrateToLatest(database);
  return { database, url: 'sqlite::memory:', drop: () => database.close() };
}

/** A migrator of Polder's migrations on `database`, for upgrade tests to step through them. */
const migratorOf = (database: Database) =>
  new Migrator({
    db: database.db,
    provider: { getMigrations: async () => migrations(database.dialect) },
    allowUnorderedMigrations: true,
  });

/**
 * A SQLite `:memory:` database migrated up to `migration` only, for upgrade tests: they put rows of
 * the old layout in, then run the migrations after it (`migrator.migrateTo`, or migrateToLatest).
 */
export async function sqliteDatabaseAt(
  migration: string,
): Promise<{ database: Extract<Database, { dialect: 'sqlite' }>; migrator: Migrator }> {
  const database = openDatabase({ url: 'sqlite::memory:', dataDir: os.tmpdir() });
  const migrator = migratorOf(database);
  const { error } = await migrator.migrateTo(migration);
  if (error) throw error;
  if (database.dialect !== 'sqlite') throw new Error('sqlite expected');
  return { database, migrator };
}

/** A fresh PostgreSQL database with a random name, dropped afterwards; tests never share one. */
export async function postgresDatabase(): Promise<TestDatabase> {
  const created = await createPostgresDatabase();
  await migrateToLatest(created.database);
  return created;
}

/**
 * A fresh PostgreSQL database migrated up to `migration` only, for upgrade tests (as
 * sqliteDatabaseAt); dropped by `drop`.
 */
export async function postgresDatabaseAt(migration: string): Promise<TestDatabase & { migrator: Migrator }> {
  const created = await createPostgresDatabase();
  const migrator = migratorOf(created.database);
  const { error } = await migrator.migrateTo(migration);
  if (error) {
    await created.drop();
    throw error;
  }
  return { ...created, migrator };
}

async function createPostgresDatabase(): Promise<TestDatabase> {
  const admin = new pg.Client({ connectionString: SERVICES.postgres.url });
  await admin.connect();
  const name = `polder_test_${randomBytes(6).toString('hex')}`;
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(SERVICES.postgres.url);
  url.pathname = `/${name}`;
  const database = openDatabase({ url: url.toString(), dataDir: os.tmpdir(), poolSize: 4 });
  return {
    database,
    url: url.toString(),
    async drop() {
      await database.close();
      const c = new pg.Client({ connectionString: SERVICES.postgres.url });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export const openTestDatabase = (dialect: DialectName) => (dialect === 'sqlite' ? sqliteDatabase() : postgresDatabase());

/** The dialects a suite should run on: both, unless PostgreSQL is missing outside CI. */
export async function availableDialects(): Promise<DialectName[]> {
  return (await serviceAvailable('postgres')) ? ['sqlite', 'postgres'] : ['sqlite'];
}
