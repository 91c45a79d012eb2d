import type { Database } from '../db/database.js';
import { sqliteWriterOf } from '../db/sqlite-writer.js';
import { PostgresMeasurementStore } from './measurement-store.postgres.js';
import { SqliteMeasurementStore } from './measurement-store.sqlite.js';
import type { MeasurementStore } from './measurements.js';

/**
 * The measurement store of the database's dialect; both pass test/contracts/measurement-store.test.ts.
 * On a SQLite file database, inserts are committed by the database's writer thread.
 */
export function createMeasurementStore(database: Database): MeasurementStore {
  return database.dialect === 'sqlite'
    ? new SqliteMeasurementStore(database.sqlite, database.db, sqliteWriterOf(database))
    : new PostgresMeasurementStore(database.pool, database.db);
}
