/**
 * 1M measurement inserts through Polder's store against the raw driver, same machine, same
 * run, fresh database each time: SQLite (prepared insert in 10k-row transactions) and
 * PostgreSQL (COPY). Rows as in design.md: one datastream per 10k rows, 1 Hz, batches of 10k.
 * Each side runs three times (alternating) and the best run counts.
 *   npm run bench measurement-insert        POLDER_BENCH_ROWS=200000 for a quick look
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { createMeasurementStore } from '../src/measurements/measurement-store.js';
import type { Measurement } from '../src/measurements/measurements.js';
import {
  type BenchDatabase,
  figure,
  heading,
  note,
  postgresAvailable,
  postgresBenchDatabase,
  sqliteBenchDatabase,
  timed,
} from './support/bench-kit.js';

const ROWS = Number(process.env.POLDER_BENCH_ROWS ?? 1_000_000);
const BATCH = 10_000;
/** Each side runs this many times, alternating; the best run counts (other processes add noise). */
const ROUNDS = 3;
const T0 = Date.UTC(2024, 0, 1);

const rows: Measurement[] = Array.from({ length: ROWS }, (_, i) => ({
  datastreamId: Math.floor(i / BATCH) + 1,
  time: T0 + (i % BATCH) * 1000,
  value: Math.round(Math.random() * 1e6) / 100,
}));
const batches: Measurement[][] = [];
for (let i = 0; i < ROWS; i += BATCH) batches.push(rows.slice(i, i + BATCH));

const perSecond = (ms: number) => (ROWS / ms) * 1000;

async function fresh(make: () => Promise<BenchDatabase>, work: (b: BenchDatabase) => Promise<unknown>): Promise<number> {
  const b = await make();
  try {
    return await timed(() => work(b));
  } finally {
    await b.drop();
  }
}

async function best(runs: number, make: () => Promise<BenchDatabase>, work: (b: BenchDatabase) => Promise<unknown>) {
  let ms = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) ms = Math.min(ms, await fresh(make, work));
  return ms;
}

async function storeInsert(b: BenchDatabase): Promise<void> {
  const store = createMeasurementStore(b.database);
  for (const batch of batches) await store.insert(batch);
}

async function sqlite(): Promise<void> {
  heading(`measurement inserts, SQLite (WAL, synchronous=FULL), ${ROWS.toLocaleString('en-US')} rows`);
  const raw = async (b: BenchDatabase) => {
    if (b.database.dialect !== 'sqlite') return;
    // The recent table the hot path appends to (under the `measurements` view), without its checks.
    const st = b.database.sqlite.prepare('insert into measurements_recent (datastream_id, time, value) values (?, ?, ?)');
    const tx = b.database.sqlite.transaction((batch: Measurement[]) => {
      for (const r of batch) st.run(r.datastreamId, r.time, r.value);
    });
    for (const batch of batches) tx(batch);
  };
  let rawMs = Number.POSITIVE_INFINITY;
  let storeMs = Number.POSITIVE_INFINITY;
  for (let i = 0; i < ROUNDS; i++) {
    rawMs = Math.min(rawMs, await fresh(sqliteBenchDatabase, raw));
    storeMs = Math.min(storeMs, await fresh(sqliteBenchDatabase, storeInsert));
  }
  figure('sqlite raw driver: prepared insert, 10k-row transactions', perSecond(rawMs), 'rows/s');
  figure('sqlite store.insert (insert or ignore + rollups)', perSecond(storeMs), 'rows/s');
  figure('sqlite store / raw', (rawMs / storeMs) * 100, '%');
  await fresh(sqliteBenchDatabase, async (b) => {
    await storeInsert(b);
    const ms = await timed(() => storeInsert(b));
    figure('sqlite store.insert of already stored rows (redelivery)', perSecond(ms), 'rows/s');
  });
}

/** COPY straight into the table: the PostgreSQL ceiling. Partitions exist beforehand. */
async function copyAll(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    for (const batch of batches) {
      let text = '';
      for (const r of batch) text += `${r.datastreamId}\t${r.time}\t${r.value}\n`;
      await pipeline(Readable.from([text]), client.query(copyFrom('copy measurements (datastream_id, time, value) from stdin')));
    }
  } finally {
    client.release();
  }
}

async function withPartitions(b: BenchDatabase): Promise<void> {
  // The store creates partitions on demand; the raw COPY needs them first (not timed).
  await createMeasurementStore(b.database).insert([{ datastreamId: 0, time: T0, value: 0 }]);
  if (b.database.dialect === 'postgres') await b.database.pool.query('delete from measurements; delete from rollups');
}

async function postgres(): Promise<void> {
  heading(`measurement inserts, PostgreSQL (stock settings), ${ROWS.toLocaleString('en-US')} rows`);
  let rawMs = Number.POSITIVE_INFINITY;
  let storeMs = Number.POSITIVE_INFINITY;
  for (let i = 0; i < ROUNDS; i++) {
    const b = await postgresBenchDatabase();
    try {
      await withPartitions(b);
      if (b.database.dialect === 'postgres') {
        const pool = b.database.pool;
        rawMs = Math.min(rawMs, await timed(() => copyAll(pool)));
      }
    } finally {
      await b.drop();
    }
    storeMs = Math.min(storeMs, await fresh(postgresBenchDatabase, storeInsert));
  }
  figure('postgres raw driver: COPY, 10k-row batches', perSecond(rawMs), 'rows/s');
  figure('postgres store.insert (COPY + rollups, partitions on demand)', perSecond(storeMs), 'rows/s');
  figure('postgres store / raw', (rawMs / storeMs) * 100, '%');

  // The fallback when a batch holds rows stored before (redelivery): insert … on conflict.
  await fresh(postgresBenchDatabase, async (b) => {
    await storeInsert(b);
    const ms = await timed(() => storeInsert(b));
    figure('postgres store.insert of already stored rows (redelivery)', perSecond(ms), 'rows/s');
  });

  // The alternatives the brief named, measured so the choice stays justified.
  const variant = async (name: string, sql: (client: pg.PoolClient, batch: Measurement[]) => Promise<unknown>) => {
    const ms = await best(1, postgresBenchDatabase, async (b) => {
      await withPartitions(b);
      if (b.database.dialect !== 'postgres') return;
      const client = await b.database.pool.connect();
      try {
        await client.query('create temp table stage (datastream_id bigint, time bigint, value float8) on commit delete rows');
        for (const batch of batches) {
          await client.query('begin');
          await sql(client, batch);
          await client.query('commit');
        }
      } finally {
        client.release();
      }
    });
    figure(name, perSecond(ms), 'rows/s', 'without rollups');
  };
  await variant('alternative: unnest … on conflict do nothing returning', (client, batch) =>
    client.query(
      `insert into measurements select * from unnest($1::bigint[], $2::bigint[], $3::float8[])
       on conflict do nothing returning datastream_id, time, value`,
      [batch.map((r) => r.datastreamId), batch.map((r) => r.time), batch.map((r) => r.value)],
    ),
  );
  await variant('alternative: COPY to temp table + insert … on conflict returning', async (client, batch) => {
    let text = '';
    for (const r of batch) text += `${r.datastreamId}\t${r.time}\t${r.value}\n`;
    await pipeline(Readable.from([text]), client.query(copyFrom('copy stage from stdin')));
    await client.query(
      'insert into measurements select * from stage on conflict do nothing returning datastream_id, time, value',
    );
  });
}

await sqlite();
if (await postgresAvailable()) await postgres();
else note('PostgreSQL is not reachable: its figures are skipped');
