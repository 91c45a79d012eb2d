/**
 * The runner's trace writes: batches of 500 traces (a real TTN v3 webhook body in each) written
 * with one upsert per batch, first as new traces, then overwriting the same ids (retries); then
 * a filtered list on the full table, and retention deleting them all in 5k-row chunks.
 * First, the trace sink's cost per uplink as the runner pays it (record built, message serialised
 * when kept, written through the runner's sink: the prepared SQLite writer, Kysely on PostgreSQL),
 * every message kept (traceMessages 'all', as before slim traces) against the default 'sample'
 * (failures and 1 in 100 others), in the same run.
 *   npm run bench trace-sink
 */

import type { TraceMessages, TraceRecord, TraceSink } from '../src/pipelines/pipelines.js';
import { keepsMessage } from '../src/pipelines/trace-messages.js';
import { TraceService } from '../src/pipelines/traces.service.js';
import { KyselyTraceStore } from '../src/pipelines/traces.store.js';
import { SqliteTraceWriter } from '../src/pipelines/traces.store.sqlite.js';
import { uuidv7 } from '../src/shared/ids.js';
import { messageToJson, type PipelineMessage } from '../src/workers/workers.js';
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

const SINK_TRACES = Math.min(TRACES, 50_000);

/** CPU (user + system of this process) and wall time per uplink of building and writing its trace. */
async function sinkCost(sink: TraceSink, orgId: string, mode: TraceMessages) {
  const pipelineId = uuidv7();
  const messages: PipelineMessage[][] = [];
  for (let n = 0; n < SINK_TRACES; n += BATCH)
    messages.push(
      Array.from({ length: BATCH }, (_, i) => ({
        ...messageOf(body, { kind: 'mqtt', topic: 'v3/app@ttn/devices/eui-1/up' }),
        id: uuidv7(),
        orgId,
        pipelineId,
        receivedAt: T0 + (n + i) * 100,
      })),
    );
  let kept = 0;
  const cpu0 = process.cpuUsage();
  const ms = await timed(async () => {
    for (const batch of messages) {
      const records: TraceRecord[] = batch.map((m) => {
        const message = keepsMessage(mode, 'stored', m.id) ? messageToJson(m) : null;
        if (message) kept++;
        return {
          id: m.id,
          orgId,
          pipelineId,
          deviceId: null,
          status: 'stored',
          receivedAt: m.receivedAt,
          finishedAt: m.receivedAt + 5,
          attempts: 1,
          transport: m.transport,
          steps: [
            { worker: 'ttn-v3', startedAt: m.receivedAt + 1, durationMs: 0.3 },
            { worker: 'store', startedAt: m.receivedAt + 2, durationMs: 0.1 },
          ],
          error: null,
          measurements: 3,
          message,
        };
      });
      await sink.write(records);
    }
  });
  const cpu = process.cpuUsage(cpu0);
  return { cpuUs: (cpu.user + cpu.system) / SINK_TRACES, wallUs: (ms * 1000) / SINK_TRACES, kept };
}

async function scenario(make: () => Promise<BenchDatabase>, label: string) {
  heading(`traces, ${label}: ${TRACES.toLocaleString('en-US')} traces in batches of ${BATCH}`);
  const b = await make();
  try {
    const store = new KyselyTraceStore(b.database);
    const org = await createOrganisation(b.database.db, 'bench');
    const sink: TraceSink = b.database.dialect === 'sqlite' ? new SqliteTraceWriter(b.database.sqlite) : store;
    const all = await sinkCost(sink, org, 'all');
    const sample = await sinkCost(sink, org, 'sample');
    for (const [mode, r] of [
      ['all (every message kept, as before)', all],
      ['sample (default: 1 in 100 kept)', sample],
    ] as const)
      figure(
        `trace sink, traceMessages ${mode}`,
        r.cpuUs,
        'µs CPU/uplink',
        `${r.wallUs.toFixed(1)} µs wall/uplink, ${r.kept.toLocaleString('en-US')} of ${SINK_TRACES.toLocaleString('en-US')} messages kept`,
      );
    figure('CPU per uplink, sample / all', sample.cpuUs / all.cpuUs, '×');
    if (b.database.dialect === 'postgres') await b.database.pool.query('truncate traces');
    else b.database.sqlite.exec('delete from traces');
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
