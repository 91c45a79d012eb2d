/**
 * MeasurementStore.replace, the write of recomputed derived values: the time to replace a range
 * of one datastream (delete, insert, rebuild the 1m/1h/1d rollup buckets the range touches from
 * the raw rows). The day bucket is re-aggregated from its raw rows, so the cost grows with how
 * full that day is: a 12 Hz instant series (a million rows a day) against a per-minute one.
 *   npm run bench measurement-replace
 */
import { createMeasurementStore } from '../src/measurements/measurement-store.js';
import type { Measurement, MeasurementStore } from '../src/measurements/measurements.js';
import { createDatastream, createOrganisation } from '../test/support/fixtures.js';
import {
  type BenchDatabase,
  figure,
  heading,
  medianMs,
  note,
  postgresAvailable,
  postgresBenchDatabase,
  sqliteBenchDatabase,
} from './support/bench-kit.js';

const DAY = 86_400_000;
const MIN = 60_000;
const DAY0 = Date.UTC(2025, 6, 1);
const HZ = 12;
const BATCH = 10_000;

async function fill(store: MeasurementStore, id: number, stepMs: number): Promise<void> {
  let batch: Measurement[] = [];
  for (let t = DAY0; t < DAY0 + DAY; t += stepMs) {
    batch.push({ datastreamId: id, time: Math.round(t), value: Math.sin(t / 7e5) * 100 });
    if (batch.length === BATCH) {
      await store.insert(batch);
      batch = [];
    }
  }
  if (batch.length > 0) await store.insert(batch);
}

/** The rows a range of `minutes` from 13:05 holds, values changed: what a recompute writes. */
function chunk(id: number, stepMs: number, minutes: number, bump: number): { from: number; to: number; rows: Measurement[] } {
  const from = DAY0 + 13 * 3_600_000 + 5 * MIN;
  const to = from + minutes * MIN;
  const rows: Measurement[] = [];
  for (let t = from; t < to; t += stepMs) rows.push({ datastreamId: id, time: Math.round(t), value: bump });
  return { from, to, rows };
}

async function scenario(make: () => Promise<BenchDatabase>, label: string): Promise<void> {
  heading(
    `replace, ${label}: a day of 12 Hz (${((DAY / 1000) * HZ).toLocaleString('en-US')} rows) and a day of one value a minute`,
  );
  const b = await make();
  try {
    const store = createMeasurementStore(b.database);
    const org = await createOrganisation(b.database.db, 'bench', 30);
    const instant = (await createDatastream(b.database.db, org)).id;
    const perMinute = (await createDatastream(b.database.db, org)).id;
    await fill(store, instant, 1000 / HZ);
    await fill(store, perMinute, MIN);
    if (b.database.dialect === 'postgres') await b.database.pool.query('analyze');
    let bump = 0;
    const replaceMs = (id: number, stepMs: number, minutes: number) =>
      medianMs(5, async () => {
        const c = chunk(id, stepMs, minutes, ++bump);
        await store.replace(id, c.from, c.to, c.rows);
      });
    figure('12 Hz series: a 10-minute chunk (7,200 rows) replaced', await replaceMs(instant, 1000 / HZ, 10), 'ms', 'median of 5');
    figure('per-minute series: a 10-minute chunk (10 rows) replaced', await replaceMs(perMinute, MIN, 10), 'ms', 'median of 5');
    figure('per-minute series: one late window replaced', await replaceMs(perMinute, MIN, 1), 'ms', 'median of 5');
    note('a day of 12 Hz recomputed = 144 such chunks; the day bucket is re-read from raw rows each time');
  } finally {
    await b.drop();
  }
}

await scenario(sqliteBenchDatabase, 'SQLite');
if (await postgresAvailable()) await scenario(postgresBenchDatabase, 'PostgreSQL');
else note('PostgreSQL is not reachable: its figures are skipped');
