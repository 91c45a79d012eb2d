/**
 * The floor's shape with Polder's own work (bench/ingest-ceiling.bench.ts, phase `lane`): what a
 * durable MQTT ingest would cost if a built-in pipeline ran where the floor decodes, on the writer
 * thread, with Polder's code and schema. An experiment that measures a design, not a product path.
 *
 *   node --import tsx bench/support/lane-peer.ts <port> <sqlite file>
 *       prints "ready" once listening.
 *
 * The event loop: Aedes, whose `authorizePublish` gathers the publishes of one turn with an
 * uplink id (UUIDv7) and a receive time each, as the ingest service makes them, and posts them to
 * the thread. The thread, per uplink: Polder's `ttn-v3` (radio off) and `cayenne-lpp` workers
 * through `runStepNow`, timed per step as the pipeline runner does; the device by DevEUI and the
 * datastreams by key from maps (a cache the event loop would keep filled: a miss would go the
 * usual way); a trace record; then, per batch, Polder's statements in one IMMEDIATE transaction
 * (`sqliteMeasurementWriter` into `measurements_recent`, `traceRows` + `sqliteTraceUpserter`), one
 * fdatasync of the WAL per turn, the move of the recent rows when due and the trace device fold
 * every 2 s as Polder's writer thread does. It answers with the stored triples (transferred: what
 * the post-commit hook would get), and the PUBACKs go. Not here: device matching and datastream
 * creation on a miss, retries and dead letters, scripts, metrics, the broker's authentication.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import { migrateToLatest, openDatabase } from '../../src/db/database.js';
import { packMeasurements, sqliteMeasurementWriter } from '../../src/measurements/measurement-writer.sqlite.js';
import type { Measurement } from '../../src/measurements/measurements.js';
import type { TraceRecord, TraceStep } from '../../src/pipelines/pipelines.js';
import { traceRows } from '../../src/pipelines/trace-rows.js';
import { sqliteTraceDeviceFolder, sqliteTraceUpserter, TRACE_FOLD_CHUNK } from '../../src/pipelines/traces.store.sqlite.js';
import { uuidv7 } from '../../src/shared/ids.js';
import { startWorkerThread } from '../../src/shared/worker-thread.js';
import { prepareStep, runStepNow } from '../../src/workers/catalog.js';
import type { PipelineMessage } from '../../src/workers/message.js';
import { batchingBroker } from './batching-broker.js';

interface Batch {
  id: number;
  ids: string[];
  receivedAt: number[];
  topics: string[];
  payloads: Uint8Array[];
}

const ORG = '01890000-0000-7000-8000-000000000001';
const PIPELINE = '01890000-0000-7000-8000-000000000002';

if (isMainThread) {
  const [portText, file] = process.argv.slice(2);
  const db = openDatabase({ url: `sqlite:${file}`, dataDir: path.dirname(file as string) });
  await migrateToLatest(db);
  await db.close();
  await batchingBroker<Batch>({
    port: Number(portText),
    writer: startWorkerThread(import.meta.url, 'lane-peer', { workerData: { file } }),
    batch: (id) => ({ id, ids: [], receivedAt: [], topics: [], payloads: [] }),
    add(batch, packet) {
      batch.ids.push(uuidv7());
      batch.receivedAt.push(Date.now());
      batch.topics.push(packet.topic);
      batch.payloads.push(packet.payload as Uint8Array);
    },
  });
} else {
  const { file } = workerData as { file: string };
  const sqlite = new BetterSqlite3(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('cache_size = -16384');
  const measurements = sqliteMeasurementWriter(sqlite);
  const upsertTraces = sqliteTraceUpserter(sqlite);
  const fold = sqliteTraceDeviceFolder(sqlite);
  const run = sqlite.transaction((work: () => unknown) => work());
  const steps = [prepareStep('ttn-v3', { radio: false }), prepareStep('cayenne-lpp')];
  const devices = new Map<string, string>();
  const streams = new Map<string, number>();
  let wal: number | undefined;
  let answers: { id: number; triples: Float64Array }[] = [];
  let syncing = false;
  let moving = false;

  const deviceOf = (msg: PipelineMessage): string => {
    const eui = msg.device?.identity?.value ?? '';
    let id = devices.get(eui);
    if (id === undefined) {
      id = uuidv7();
      devices.set(eui, id);
    }
    return id;
  };
  const streamOf = (deviceId: string, sensor: string, property: string, unit: string): number => {
    const key = `${deviceId}\u0000${sensor}\u0000${property}\u0000${unit}`;
    let id = streams.get(key);
    if (id === undefined) {
      id = streams.size + 1;
      streams.set(key, id);
    }
    return id;
  };

  const decode = (b: Batch, i: number, rows: Measurement[], traces: TraceRecord[]) => {
    const receivedAt = b.receivedAt[i] as number;
    const topic = b.topics[i] as string;
    let msg: PipelineMessage = {
      id: b.ids[i] as string,
      orgId: ORG,
      pipelineId: PIPELINE,
      receivedAt,
      transport: { kind: 'mqtt', topic },
      payload: b.payloads[i] as Uint8Array,
      metadata: {},
      measurements: [],
    };
    const done: TraceStep[] = [];
    for (const step of steps) {
      const startedAt = Date.now();
      const t0 = performance.now();
      msg = runStepNow(step, msg) as PipelineMessage;
      done.push({ worker: step.worker.name, startedAt, durationMs: Math.round((performance.now() - t0) * 1000) / 1000 });
    }
    const deviceId = deviceOf(msg);
    for (const d of msg.measurements) {
      rows.push({
        datastreamId: streamOf(deviceId, d.sensor, d.observedProperty, d.unit),
        time: Math.round(d.time ?? msg.observedAt ?? receivedAt),
        value: d.value as number,
      });
    }
    done.push({ worker: 'store', startedAt: Date.now(), durationMs: 0 });
    traces.push({
      id: msg.id,
      orgId: ORG,
      pipelineId: PIPELINE,
      deviceId,
      status: 'stored',
      receivedAt,
      finishedAt: Date.now(),
      attempts: 1,
      measurements: msg.measurements.length,
      transport: { kind: 'mqtt', topic },
      steps: done,
      error: null,
      message: null,
    });
  };

  const flush = () => {
    syncing = false;
    const out = answers;
    answers = [];
    wal ??= fs.openSync(`${file}-wal`, 'r');
    fs.fdatasyncSync(wal);
    for (const a of out) parentPort?.postMessage(a, [a.triples.buffer as ArrayBuffer]);
  };

  const foldSoon = () => {
    try {
      while (run.immediate(() => fold(TRACE_FOLD_CHUNK)) === TRACE_FOLD_CHUNK) {}
    } finally {
      setTimeout(foldSoon, 2000).unref();
    }
  };
  setTimeout(foldSoon, 2000).unref();

  parentPort?.on('message', (b: Batch) => {
    try {
      const rows: Measurement[] = [];
      const traces: TraceRecord[] = [];
      for (let i = 0; i < b.ids.length; i++) decode(b, i, rows, traces);
      const trows = traceRows(traces);
      run.immediate(() => {
        measurements.insert(rows);
        upsertTraces(trows);
      });
      answers.push({ id: b.id, triples: packMeasurements(rows) });
      if (!syncing) {
        syncing = true;
        setImmediate(flush);
      }
      if (measurements.moveDue && !moving) {
        moving = true;
        setImmediate(() => {
          moving = false;
          run.immediate(() => measurements.moveRecent());
        });
      }
    } catch (err) {
      parentPort?.postMessage({ id: b.id, error: String((err as Error).stack ?? err) });
    }
  });
}
