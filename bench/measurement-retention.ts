/**
 * Retention under load: 1M expired rows deleted in 10k-row chunks while a writer keeps
 * inserting 10k-row batches. Prints the deletion rate, and the writer's throughput and worst
 * batch time before and during retention (ingest must go on). One datastream keeps 400 days,
 * so on PostgreSQL no partition can be dropped whole and every row goes through chunks.
 *   npm run bench measurement-retention
 */
import { MeasurementRetention } from '../src/measurements/measurement-retention.js';
import { createMeasurementStore } from '../src/measurements/measurement-store.js';
import type { Measurement, MeasurementStore } from '../src/measurements/measurements.js';
import { createDatastream, createOrganisation } from '../test/support/fixtures.js';
import {
  type BenchDatabase,
  figure,
  heading,
  note,
  postgresAvailable,
  postgresBenchDatabase,
  sqliteBenchDatabase,
} from './support/bench-kit.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2025, 6, 1);
const EXPIRED = Number(process.env.POLDER_BENCH_ROWS ?? 1_000_000);
const STREAMS = 20;
const BATCH = 10_000;

async function scenario(make: () => Promise<BenchDatabase>, label: string): Promise<void> {
  heading(
    `retention, ${label}: ${EXPIRED.toLocaleString('en-US')} expired rows of ${STREAMS} datastreams, a writer inserting meanwhile`,
  );
  const b = await make();
  try {
    const store = createMeasurementStore(b.database);
    const org = await createOrganisation(b.database.db, 'bench', 30);
    const ids: number[] = [];
    for (let i = 0; i < STREAMS; i++) ids.push((await createDatastream(b.database.db, org)).id);
    const keeper = await createDatastream(b.database.db, org, { archiveDays: 400 });
    // Expired rows: 40 to 100 days old, spread over the datastreams; the keeper has a row a minute throughout.
    const perStream = Math.ceil(EXPIRED / STREAMS);
    const step = Math.floor((60 * DAY) / perStream);
    for (const id of ids) {
      for (let i = 0; i < perStream; i += BATCH) {
        const rows: Measurement[] = [];
        for (let j = i; j < Math.min(perStream, i + BATCH); j++)
          rows.push({ datastreamId: id, time: NOW - 100 * DAY + j * step, value: j });
        await store.insert(rows);
      }
    }
    const keep: Measurement[] = [];
    for (let t = NOW - 100 * DAY; t < NOW; t += 60_000) keep.push({ datastreamId: keeper.id, time: t, value: 1 });
    for (let i = 0; i < keep.length; i += BATCH) await store.insert(keep.slice(i, i + BATCH));
    if (b.database.dialect === 'postgres') await b.database.pool.query('analyze');

    const writer = startWriter(store, ids[0] as number);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const before = writer.lap();
    const retention = new MeasurementRetention(store, () => NOW, { rollupRetentionDays: { 60: 0, 3600: 0, 86400: 0 } });
    const started = performance.now();
    const report = await retention.run();
    const ms = performance.now() - started;
    const during = writer.lap();
    await writer.stop();
    const deleted = report?.raw.reduce((n, r) => n + r.rows, 0) ?? 0;
    figure('rows deleted by retention (10k-row chunks)', deleted, 'rows', `${report?.partitions.length ?? 0} partitions dropped`);
    figure('retention deletion rate', (deleted / ms) * 1000, 'rows/s', `${(ms / 1000).toFixed(1)} s`);
    figure('writer before retention', before.rate, 'rows/s', `worst batch ${before.worst.toFixed(0)} ms`);
    figure('writer during retention', during.rate, 'rows/s', `worst batch ${during.worst.toFixed(0)} ms`);
  } finally {
    await b.drop();
  }
}

/** Inserts 10k-row batches of new data back to back; `lap()` answers the rate and worst batch since the last lap. */
function startWriter(store: MeasurementStore, datastreamId: number) {
  let running = true;
  let rows = 0;
  let worst = 0;
  let since = performance.now();
  let time = NOW;
  const loop = (async () => {
    while (running) {
      const batch: Measurement[] = [];
      for (let i = 0; i < BATCH; i++) batch.push({ datastreamId, time: time++, value: i });
      const t = performance.now();
      await store.insert(batch);
      worst = Math.max(worst, performance.now() - t);
      rows += batch.length;
      await new Promise((resolve) => setImmediate(resolve));
    }
  })();
  return {
    lap() {
      const now = performance.now();
      const out = { rate: (rows / (now - since)) * 1000, worst };
      rows = 0;
      worst = 0;
      since = now;
      return out;
    },
    async stop() {
      running = false;
      await loop;
    },
  };
}

await scenario(sqliteBenchDatabase, 'SQLite');
if (await postgresAvailable()) await scenario(postgresBenchDatabase, 'PostgreSQL');
else note('PostgreSQL is not reachable: its figures are skipped');
