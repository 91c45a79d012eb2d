/**
 * The runner's trace writes: batches of 500 traces (a real TTN v3 webhook body in each) written
 * with one upsert per batch, first as new traces, then overwriting the same ids (retries); then
 * a filtered list on the full table, and retention deleting them all in 5k-row chunks.
 *   npm run bench trace-sink
 */

import type { TraceRecord } from '../src/pipelines/pipelines.js';
import { TraceService } from '../src/pipelines/traces.service.js';
import { KyselyTraceStore } from '../src/pipelines/traces.store.js';
import { uuidv7 } from '../src/shared/ids.js';
import { messageToJson } from '../src/workers/workers.js';
import { createOrganisation } from '../test/support/fixtures.js';
import { fixture, messageOf } from '../test/workers/fixtures.js';
import {
  type BenchDatabase,
  FULL,
  figure,
  heading,
  medianMs,
  note,
  postgresAvailable,
  postgresBenchDatabase,
  sqliteBenchDatabase,
  timed,
} from './support/bench-kit.js';

const TRACES = Number(process.env.POLDER_BENCH_ROWS ?? (FULL ? 1_000_000 : 100_000));
const BATCH = 500;
const T0 = Date.UTC(2025, 0, 1);
const body = fixture('ttn-v3-uplink.json').samples.tts_docs_uplink_example;

function batchOf(orgId: string, pipelineId: string, from: number, status: TraceRecord['status']): TraceRecord[] {
  return Array.from({ length: BATCH }, (_, i) => {
    const receivedAt = T0 + (from + i) * 100;
    const message = messageToJson({
      ...messageOf(body, { kind: 'mqtt', topic: 'v3/app@ttn/devices/eui-1/up' }),
      id: uuidv7(),
      orgId,
      pipelineId,
      receivedAt,
    });
    return {
      id: message.id,
      orgId,
      pipelineId,
      deviceId: null,
      status,
      receivedAt,
      finishedAt: receivedAt + 5,
      attempts: 1,
      transport: message.transport,
      steps: [
        { worker: 'ttn-v3', startedAt: receivedAt + 1, durationMs: 0.3 },
        { worker: 'cayenne-lpp', startedAt: receivedAt + 2, durationMs: 0.1 },
      ],
      error: null,
      measurements: 3,
      message,
    };
  });
}

async function scenario(make: () => Promise<BenchDatabase>, label: string) {
  heading(`traces, ${label}: ${TRACES.toLocaleString('en-US')} traces in batches of ${BATCH}`);
  const b = await make();
  try {
    const store = new KyselyTraceStore(b.database.db);
    const org = await createOrganisation(b.database.db, 'bench');
    const pipelineId = uuidv7();
    const batches: TraceRecord[][] = [];
    for (let n = 0; n < TRACES; n += BATCH) batches.push(batchOf(org, pipelineId, n, n % 10_000 === 0 ? 'failed' : 'stored'));
    const insertMs = await timed(async () => {
      for (const batch of batches) await store.write(batch);
    });
    figure(
      'new traces written (one upsert per batch)',
      (TRACES / insertMs) * 1000,
      'traces/s',
      `${(insertMs / batches.length).toFixed(1)} ms a batch`,
    );
    const retries = batches
      .slice(0, 20)
      .map((batch) => batch.map((t) => ({ ...t, attempts: 2, finishedAt: t.finishedAt + 1000 })));
    const updateMs = await timed(async () => {
      for (const batch of retries) await store.write(batch);
    });
    figure('existing traces overwritten (retries)', ((retries.length * BATCH) / updateMs) * 1000, 'traces/s');
    if (b.database.dialect === 'postgres') await b.database.pool.query('analyze traces');
    const page = { limit: 100 };
    figure('list newest 100 of the org', await medianMs(9, () => store.list(org, {}, page)), 'ms');
    figure('list failed traces (dead letters), 100', await medianMs(9, () => store.list(org, { status: 'failed' }, page)), 'ms');
    figure(
      'list one hour of a pipeline, 100',
      await medianMs(9, () => store.list(org, { pipelineId, start: T0 + 3_600_000, end: T0 + 7_200_000 }, page)),
      'ms',
    );
    const retention = new TraceService(store, async () => {}, { retentionDays: 1 });
    let removed = 0;
    const deleteMs = await timed(async () => {
      removed = await retention.removeExpiredTraces(T0 + 1000 * 86_400_000);
    });
    figure(
      'retention deletion (5k-row chunks)',
      (removed / deleteMs) * 1000,
      'traces/s',
      `${removed.toLocaleString('en-US')} removed`,
    );
  } finally {
    await b.drop();
  }
}

await scenario(sqliteBenchDatabase, 'SQLite');
if (await postgresAvailable()) await scenario(postgresBenchDatabase, 'PostgreSQL');
else note('PostgreSQL is not reachable: its figures are skipped');
