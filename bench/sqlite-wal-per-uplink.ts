/**
 * What each part of the SQLite writer thread's commit writes to the WAL, per uplink. Batches of
 * POLDER_BENCH_UPLINKS uplinks (180: an inline batch's median in the embedded MQTT phase) from
 * 1,000 devices with 3 datastreams each, in the benchmark's order (every device once, then the next
 * second), each batch in its own IMMEDIATE transaction with synchronous=NORMAL and automatic
 * checkpoints off, so that the WAL's growth is the pages the commit wrote. The parts run apart, on
 * the statements the writer thread runs:
 *   measurements          INSERT_MEASUREMENT per value (into `measurements_recent`)
 *   measurements+rollups  sqliteMeasurementWriter.insert (the same, and the 1-minute rollups)
 *   traces                sqliteTraceUpserter on `traceRows` of stored uplinks (three steps)
 * Each in the devices' order (as the ingest benchmark publishes) and in a random order per second
 * (as devices of a real deployment send). POLDER_BENCH_ROWS rows (default 0) are put into
 * `measurements_folded` first, as history. The first 100 batches warm the tables up; the figures
 * are the means of the next 200 (time: the transaction with its commit, no fdatasync).
 *   npm run bench sqlite-wal-per-uplink
 */
import { statSync } from 'node:fs';
import { INSERT_MEASUREMENT, sqliteMeasurementWriter } from '../src/measurements/measurement-writer.sqlite.js';
import type { Measurement } from '../src/measurements/measurements.js';
import type { TraceRecord } from '../src/pipelines/pipelines.js';
import { traceRows } from '../src/pipelines/trace-rows.js';
import { sqliteTraceUpserter } from '../src/pipelines/traces.store.sqlite.js';
import { uuidv7 } from '../src/shared/ids.js';
import { figure, heading, note, sqliteBenchDatabase, walMeasuringConnection } from './support/bench-kit.js';

const DEVICES = 1000;
const UPLINKS = Number(process.env.POLDER_BENCH_UPLINKS ?? 180);
const HISTORY = Number(process.env.POLDER_BENCH_ROWS ?? 0);
const WARM = 100;
const MEASURED = 200;
const T0 = Date.now() - 600_000;
const ORG = '0190a8a0-0000-7000-8000-000000000001';
const PIPELINE = '0190a8a0-0000-7000-8000-000000000002';

type Part = 'measurements' | 'measurements+rollups' | 'traces';

type Order = 'in order' | 'random';

/** The devices of one second, in order or shuffled. */
function round(order: Order): number[] {
  const ids = Array.from({ length: DEVICES }, (_, i) => i);
  if (order === 'random')
    for (let i = ids.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [ids[i], ids[j]] = [ids[j] as number, ids[i] as number];
    }
  return ids;
}

function* batches(order: Order): Generator<{ rows: Measurement[]; traces: TraceRecord[] }> {
  let at = 0;
  let devices = round(order);
  let t = T0;
  for (let b = 0; b < WARM + MEASURED; b++) {
    const rows: Measurement[] = [];
    const traces: TraceRecord[] = [];
    for (let u = 0; u < UPLINKS; u++) {
      const device = devices[at] as number;
      for (let k = 0; k < 3; k++) rows.push({ datastreamId: device * 3 + k + 1, time: t, value: (device + k) % 50 });
      traces.push({
        id: uuidv7(),
        orgId: ORG,
        pipelineId: PIPELINE,
        deviceId: `0190a8a0-0000-7000-8000-${String(device).padStart(12, '0')}`,
        status: 'stored',
        receivedAt: t,
        finishedAt: t + 5,
        attempts: 1,
        measurements: 3,
        transport: { kind: 'mqtt', topic: `bench/node-${device}/up` },
        steps: [
          { worker: 'ttn-v3', startedAt: t, durationMs: 0.012 },
          { worker: 'cayenne-lpp', startedAt: t, durationMs: 0.004 },
          { worker: 'store', startedAt: t, durationMs: 3.2 },
        ],
        error: null,
        message: null,
      });
      at = (at + 1) % DEVICES;
      if (at === 0) {
        t += 1000;
        devices = round(order);
      }
    }
    yield { rows, traces };
  }
}

async function run(part: Part, order: Order): Promise<void> {
  const bench = await sqliteBenchDatabase();
  const sqlite = walMeasuringConnection(bench);
  try {
    const file = sqlite.name;
    // No devices or datastreams exist: foreign keys off.
    sqlite.pragma('foreign_keys = OFF');
    sqlite.pragma('cache_size = -16384');
    if (HISTORY > 0) {
      const put = sqlite.prepare('insert into measurements_folded (datastream_id, time, value) values (?, ?, ?)');
      sqlite.transaction(() => {
        for (let i = 0; i < HISTORY; i++)
          put.run((i % (DEVICES * 3)) + 1, T0 - 86_400_000 + Math.floor(i / (DEVICES * 3)), i % 100);
      })();
    }
    sqlite.pragma('wal_checkpoint(TRUNCATE)');
    const writer = sqliteMeasurementWriter(sqlite);
    const insertRow = sqlite.prepare<[number, number, number]>(INSERT_MEASUREMENT);
    const upsertTraces = sqliteTraceUpserter(sqlite);
    const work = sqlite.transaction(({ rows, traces }: { rows: Measurement[]; traces: TraceRecord[] }) => {
      if (part === 'measurements') for (const r of rows) insertRow.run(r.datastreamId, r.time, r.value);
      else if (part === 'measurements+rollups') writer.insert(rows);
      else upsertTraces(traceRows(traces));
    });
    const wal = () => statSync(`${file}-wal`).size;
    let bytes = 0;
    let ms = 0;
    let n = 0;
    for (const batch of batches(order)) {
      const before = wal();
      const t0 = performance.now();
      work.immediate(batch);
      if (n++ < WARM) continue;
      ms += performance.now() - t0;
      bytes += wal() - before;
    }
    figure(
      `${part}, ${order}: WAL written per uplink`,
      bytes / (MEASURED * UPLINKS),
      'B',
      `${(bytes / MEASURED / 1024).toFixed(1)} KiB a commit`,
    );
    figure(`${part}, ${order}: time in the transaction per uplink`, (ms * 1000) / (MEASURED * UPLINKS), 'µs');
  } finally {
    sqlite.close();
    await bench.drop();
  }
}

heading(
  `SQLite writer commits: WAL per uplink by part, batches of ${UPLINKS} uplinks (3 values each), ${HISTORY.toLocaleString('en-US')} rows of history`,
);
note('page size 4 KiB; synchronous=NORMAL, automatic checkpoints off: no fdatasync or checkpoint counted');
for (const order of ['in order', 'random'] as const)
  for (const part of ['measurements', 'measurements+rollups', 'traces'] as const) await run(part, order);
