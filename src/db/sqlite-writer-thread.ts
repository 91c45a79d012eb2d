import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import { packMeasurements, sqliteMeasurementWriter, unpackMeasurements } from '../measurements/measurement-writer.sqlite.js';
import type { Measurement } from '../measurements/measurements.js';
import { traceRows } from '../pipelines/trace-rows.js';
import { sqliteTraceDeviceFolder, sqliteTraceUpserter, TRACE_FOLD_CHUNK } from '../pipelines/traces.store.sqlite.js';
import { sqliteLaneReader } from '../pipelines/writer-lane-reader.sqlite.js';
import { LaneDecoder } from '../pipelines/writer-lane-thread.js';
import type { TraceRow, WriterAnswer, WriterRequest, WriterThreadData } from './sqlite-writer.js';
import { writerLock } from './sqlite-writer-lock.js';

/**
 * The SQLite writer thread (sqlite-writer.ts): its own connection to the database, one IMMEDIATE
 * transaction per request, committed with synchronous=NORMAL (written to the WAL), then one
 * fdatasync of the WAL for every request handled in the same turn of this thread's loop (group
 * commit) before the answers go out: what the main thread acknowledges after an answer survives
 * a power cut, as with synchronous=FULL.
 */
const data = workerData as WriterThreadData;
const port = parentPort;
if (!port) throw new Error('sqlite-writer-thread.ts runs as a worker thread');

const sqlite = new BetterSqlite3(data.file);
sqlite.pragma('journal_mode = WAL');
sqlite.pragma('synchronous = NORMAL');
sqlite.pragma('foreign_keys = ON');
sqlite.pragma('busy_timeout = 5000');
// The main connection's page cache (database.ts): the trace device fold runs here too, and with
// SQLite's default 2 MiB it pushed the measurement pages of the next commits out.
sqlite.pragma('cache_size = -16384');
const lock = writerLock(data.lock);
const measurements = sqliteMeasurementWriter(sqlite);
const upsertTraces = sqliteTraceUpserter(sqlite);
const run = sqlite.transaction((work: () => unknown) => work());
let foldTraceDevices: ((limit: number) => number) | undefined;
const lane = new LaneDecoder(sqliteLaneReader(sqlite));

let wal: number | undefined;
let answers: { answer: WriterAnswer; transfer: ArrayBuffer[] }[] = [];
let syncing = false;

function errorOf(err: unknown): NonNullable<WriterAnswer['error']> {
  const e: Error & { code?: unknown } = err instanceof Error ? err : new Error(String(err));
  return { message: e.message, name: e.name, code: typeof e.code === 'string' ? e.code : undefined, stack: e.stack };
}

/** One request's transaction, under the lock shared with the main connection's committer. */
function commit<T>(work: () => T): T {
  const held = lock.acquireThread();
  try {
    return run.immediate(work) as T;
  } finally {
    if (held) lock.releaseThread();
  }
}

/** After the requests of this turn: one fdatasync of the WAL covers every commit before it. */
function flush(): void {
  syncing = false;
  const out = answers;
  answers = [];
  try {
    // The WAL file lives as long as a connection is open (SQLite deletes it on the last close).
    wal ??= fs.openSync(`${data.file}-wal`, 'r');
    fs.fdatasyncSync(wal);
  } catch (err) {
    const error = errorOf(err);
    for (const a of out) port?.postMessage({ id: a.answer.id, error } satisfies WriterAnswer);
    return;
  }
  for (const a of out) port?.postMessage(a.answer, a.transfer);
}

function answerAfterSync(answer: WriterAnswer, transfer: ArrayBuffer[] = []): void {
  answers.push({ answer, transfer });
  if (!syncing) {
    syncing = true;
    setImmediate(flush);
  }
}

let movingRecent = false;

/**
 * The recent measurements moved into the ordered table (migration 20261204-1430-measurements-recent),
 * in a transaction of its own once this turn's answers are out. Not synced: a move lost at a power
 * cut leaves the rows where they were. A move that fails (SQLITE_BUSY) is tried again after the
 * next batch, as it is still due.
 */
function moveRecentSoon(): void {
  if (movingRecent) return;
  movingRecent = true;
  setImmediate(() => {
    movingRecent = false;
    if (!sqlite.open) return;
    try {
      commit(() => measurements.moveRecent());
    } catch {
      // Still due: the next batch schedules it again.
    }
  });
}

/**
 * The trace device fold: a chunk per transaction, and a turn of this thread's loop between two, so
 * that the requests that arrived meanwhile are committed in between. Answered without a sync (the
 * fold is redone from the traces after a crash).
 */
function foldAll(id: number, total: number): void {
  if (!sqlite.open) return void port?.postMessage({ id, result: total } satisfies WriterAnswer);
  try {
    foldTraceDevices ??= sqliteTraceDeviceFolder(sqlite);
    const fold = foldTraceDevices;
    const n = commit(() => fold(TRACE_FOLD_CHUNK));
    if (n > 0) setImmediate(foldAll, id, total + n);
    else port?.postMessage({ id, result: total } satisfies WriterAnswer);
  } catch (err) {
    port?.postMessage({ id, error: errorOf(err) } satisfies WriterAnswer);
  }
}

/**
 * A batch's measurements and its trace rows in one transaction; one flag per row, 1 if inserted
 * now. The move of the recent rows follows when due.
 */
function store(rows: readonly Measurement[], traces?: readonly TraceRow[]): Uint8Array {
  const fresh = commit(() => {
    const inserted = measurements.insert(rows);
    if (traces) upsertTraces(traces);
    return inserted;
  });
  if (measurements.moveDue) moveRecentSoon();
  return fresh;
}

port.on('message', (req: WriterRequest) => {
  try {
    switch (req.op) {
      case 'measurements':
        answerAfterSync({ id: req.id, result: store(unpackMeasurements(req.triples), req.traces) });
        return;
      case 'lane': {
        const { rows, traces, answer } = lane.decode(req.batch);
        if (rows.length === 0)
          return void port.postMessage({
            id: req.id,
            result: { ...answer, triples: new Float64Array(0), fresh: new Uint8Array(0) },
          } satisfies WriterAnswer);
        const fresh = store(rows, traceRows(traces));
        const triples = packMeasurements(rows);
        answerAfterSync({ id: req.id, result: { ...answer, triples, fresh } }, [
          triples.buffer as ArrayBuffer,
          answer.stepMs.buffer as ArrayBuffer,
        ]);
        return;
      }
      case 'lane-forget':
        lane.cache.forget(req.forget);
        return;
      case 'traces':
        commit(() => upsertTraces(req.rows));
        answerAfterSync({ id: req.id });
        return;
      case 'fold-trace-devices':
        foldAll(req.id, 0);
        return;
      case 'move-recent':
        // Not synced, as the moves this thread makes itself (moveRecentSoon).
        port.postMessage({ id: req.id, result: commit(() => measurements.moveRecent()) } satisfies WriterAnswer);
        return;
      case 'close':
        if (syncing) flush();
        if (wal !== undefined) fs.closeSync(wal);
        wal = undefined;
        sqlite.close();
        port.postMessage({ id: req.id } satisfies WriterAnswer);
        return;
    }
  } catch (err) {
    port.postMessage({ id: req.id, error: errorOf(err) } satisfies WriterAnswer);
  }
});
