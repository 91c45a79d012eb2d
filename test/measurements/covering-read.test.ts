import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PARTITION_MS, partitionName, partitionStart } from '../../src/measurements/measurement-partitions.postgres.js';
import { createMeasurementStore } from '../../src/measurements/measurement-store.js';
import { availableDialects, postgresDatabase, postgresDatabaseAt, type TestDatabase } from '../support/databases.js';
import { createDatastream, createOrganisation } from '../support/fixtures.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 2, 2, 12);
const VACUUM = ['autovacuum_vacuum_insert_threshold=100000', 'autovacuum_vacuum_insert_scale_factor=0'];

/** The primary key's definition on the table and on each partition, and each partition's options. */
async function keysAndOptions(pool: pg.Pool) {
  const parent = await pool.query<{ def: string }>(
    `select pg_get_indexdef(indexrelid) as def from pg_index where indrelid = 'measurements'::regclass and indisprimary`,
  );
  const parts = await pool.query<{ name: string; def: string; options: string[] | null }>(
    `select c.relname as name, pg_get_indexdef(x.indexrelid) as def, c.reloptions as options
     from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_index x on x.indrelid = c.oid and x.indisprimary
     where i.inhparent = 'measurements'::regclass order by 1`,
  );
  return { parent: parent.rows.map((r) => r.def), partitions: parts.rows };
}

/** The plan of a range read of one datastream, as the store's reads filter and order it. */
async function planOfRange(pool: pg.Pool, datastreamId: number, from: number, to: number): Promise<string> {
  const client = await pool.connect();
  try {
    // Only plans that walk the primary key: whether the values come from it alone or from the heap.
    await client.query('set enable_seqscan = off');
    await client.query('set enable_bitmapscan = off');
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(
      `explain (analyze, costs off, timing off, summary off) select time, value from measurements
       where datastream_id = $1 and time >= $2 and time < $3 order by time limit 100000`,
      [datastreamId, from, to],
    );
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  } finally {
    client.release();
  }
}

/**
 * PostgreSQL reads a datastream's range from the primary key alone (migration
 * 20261206-0400-measurements-covering): the key carries the value, and each weekly partition is
 * vacuumed often enough for its pages to be marked all-visible.
 */
describe.runIf((await availableDialects()).includes('postgres'))('measurements read from the primary key on PostgreSQL', () => {
  let tdb: TestDatabase;
  let pool: pg.Pool;
  const ids: number[] = [];

  beforeAll(async () => {
    tdb = await postgresDatabase();
    if (tdb.database.dialect !== 'postgres') throw new Error('postgres expected');
    pool = tdb.database.pool;
    const org = await createOrganisation(tdb.database.db, 'covering');
    for (let i = 0; i < 4; i++) ids.push((await createDatastream(tdb.database.db, org)).id);
    // Four datastreams interleaved in time, as they arrive, over 14 days: three weekly partitions.
    const store = createMeasurementStore(tdb.database);
    const rows = [];
    for (let t = 0; t < 2000; t++) for (const id of ids) rows.push({ datastreamId: id, time: T0 + t * 600_000, value: t / 100 });
    await store.insert(rows);
    await pool.query('vacuum analyze measurements');
  });
  afterAll(() => tdb.drop());

  it('keeps the value in the primary key of the table and of every partition, which new partitions vacuum early', async () => {
    const { parent, partitions } = await keysAndOptions(pool);
    expect(parent).toEqual([expect.stringMatching(/\(datastream_id, "time"\) INCLUDE \(value\)$/)]);
    const weeks = [...new Set(Array.from({ length: 2000 }, (_, t) => partitionName(partitionStart(T0 + t * 600_000))))];
    expect(weeks).toHaveLength(3);
    expect(partitions.map((p) => p.name)).toEqual(weeks);
    for (const p of partitions) {
      expect(p.def).toMatch(/\(datastream_id, "time"\) INCLUDE \(value\)$/);
      expect(p.options).toEqual(VACUUM);
    }
  });

  it('reads a range with an index-only scan that fetches nothing from the heap', async () => {
    const plan = await planOfRange(pool, ids[2] as number, T0 + DAY, T0 + 8 * DAY);
    expect(plan).toMatch(/Index Only Scan using measurements_w\d+_pkey/);
    expect(plan).toMatch(/Heap Fetches: 0/);
    expect(plan).not.toMatch(/Index Scan using/);
  });

  it('still makes a repeated value a no-op and reads back what was stored', async () => {
    const store = createMeasurementStore(tdb.database);
    const again = await store.insert([{ datastreamId: ids[0] as number, time: T0, value: 99 }]);
    expect(again.map((r) => r.time)).toEqual([]);
    const got = await store.readRaw([{ datastreamId: ids[0] as number, from: T0, to: T0 + 1_800_000 }], 'asc', 10);
    expect(got.map((r) => [r.time - T0, r.value])).toEqual([
      [0, 0],
      [600_000, 0.01],
      [1_200_000, 0.02],
    ]);
  });
});

describe.runIf((await availableDialects()).includes('postgres'))('migration 20261206-0400-measurements-covering', () => {
  it('rebuilds the primary key of a table with rows and partitions, keeping every row, and sets their vacuum', async () => {
    const tdb = await postgresDatabaseAt('20261205-1900-rollups-at-move');
    try {
      if (tdb.database.dialect !== 'postgres') throw new Error('postgres expected');
      const pool = tdb.database.pool;
      const org = await createOrganisation(tdb.database.db, 'upgrade');
      const id = (await createDatastream(tdb.database.db, org)).id;
      // Partitions as the store of before made them (without options), and rows in them.
      for (const start of [partitionStart(T0), partitionStart(T0) + PARTITION_MS])
        await pool.query(
          `create table ${partitionName(start)} partition of measurements for values from (${start}) to (${start + PARTITION_MS})`,
        );
      await pool.query(
        'insert into measurements (datastream_id, time, value) select $1, $2::bigint + i * 3600000, i from generate_series(0, 299) i',
        [id, T0],
      );
      const before = await keysAndOptions(pool);
      expect(before.parent).toEqual([expect.stringMatching(/\(datastream_id, "time"\)$/)]);
      expect(before.partitions).toHaveLength(2);
      for (const p of before.partitions) expect(p.options).toBeNull();

      const up = await tdb.migrator.migrateTo('20261206-0400-measurements-covering');
      expect(up.error).toBeUndefined();
      expect(up.results?.map((r) => r.migrationName)).toEqual(['20261206-0400-measurements-covering']);
      const after = await keysAndOptions(pool);
      expect(after.parent).toEqual([expect.stringMatching(/INCLUDE \(value\)$/)]);
      expect(after.partitions.map((p) => p.name)).toEqual(before.partitions.map((p) => p.name));
      for (const p of after.partitions) {
        expect(p.def).toMatch(/INCLUDE \(value\)$/);
        expect(p.options).toEqual(VACUUM);
      }
      const { rows: stored } = await pool.query<{ n: number; s: number }>(
        'select count(*) as n, sum(value) as s from measurements',
      );
      expect(stored[0]).toEqual({ n: 300, s: (299 * 300) / 2 });
    } finally {
      await tdb.drop();
    }
  });
});
