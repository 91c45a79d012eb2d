import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import { sqliteMeasurementWriter, unpackMeasurements } from '../measurements/measurement-writer.sqlite.js';
import type { Measurement } from '../measurements/measurements.js';
import { sqliteTraceDeviceFolder, sqliteTraceUpserter, TRACE_FOLD_CHUNK } from '../pipelines/traces.store.sqlite.js';
import { answerError } from './sqlite-thread-errors.js';
import type { TraceRow, WriterAnswer, WriterRequest, WriterThreadData } from './sqlite-writer.js';
import { writerLock } from './sqlite-writer-lock.js';

/**
 * The SQLite writer thread (sqlite-writer.ts): its own connection to the database, one IMMEDIATE
 * transaction per request, committed with synchronous=NORMAL (written to the WAL), answered once
 * an fdatasync of the WAL begun after the commit has ended (group commit: syncSoon): what the
 * main thread acknowledges after an answer survives a power cut, as with synchronous=FULL. The
 * writer lane's batches arrive decoded from their own thread (sqlite-lane-thread.ts).
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

let wal: number | undefined;

/** One request's transaction, under the lock shared with the main connection's committer. */
function commit<T>(work: () => T): T {
  const held = lock.acquireThread();
  try {
    return run.immediate(work) as T;
  } finally {
    if (held) lock.releaseThread();
  }
}

type Answer = { answer: WriterAnswer; transfer: ArrayBuffer[] };
/** Committed, waiting for the next sync to start. */
let waiting: Answer[] = [];
/** Covered by the sync in flight. */
let syncing: Answer[] | undefined;
/** The close request that waits for the sync in flight. */
let closeAfterSync: number | undefined;

/**
 * Group commit: one fdatasync of the WAL at a time, off this thread (libuv's pool), covering every
 * commit made before it started; the commits made meanwhile wait for the next one, which starts
 * as soon as it ends. So this thread commits the next batch while the last one's sync runs, and
 * answers only what a finished sync covered.
 */
function syncSoon(): void {
  if (syncing || waiting.length === 0) return;
  const covered = waiting;
  waiting = [];
  syncing = covered;
  const done = (err: Error | null) => {
    syncing = undefined;
    if (err) {
      const error = answerError(err);
      for (const a of covered) port?.postMessage({ id: a.answer.id, error } satisfies WriterAnswer);
    } else for (const a of covered) port?.postMessage(a.answer, a.transfer);
    syncSoon();
    if (!syncing && closeAfterSync !== undefined) close(closeAfterSync);
  };
  try {
    // The WAL file lives as long as a connection is open (SQLite deletes it on the last close).
    wal ??= fs.openSync(`${data.file}-wal`, 'r');
  } catch (err) {
    done(err as Error);
    return;
  }
  fs.fdatasync(wal, done);
}

function answerAfterSync(answer: WriterAnswer, transfer: ArrayBuffer[] = []): void {
  waiting.push({ answer, transfer });
  syncSoon();
}

/** Closes the connection once every commit is synced and answered (nothing waits when no sync runs). */
function close(id: number): void {
  if (syncing) {
    closeAfterSync = id;
    return;
  }
  closeAfterSync = undefined;
  if (wal !== undefined) fs.closeSync(wal);
  wal = undefined;
  sqlite.close();
  port?.postMessage({ id } satisfies WriterAnswer);
}

let movingRecent = false;

/**
 * The recent measurements moved into the ordered table (migration 20261204-1430-measurements-recent),
 * in a transaction of its own in a later turn of this thread's loop. Not synced: a move lost at a power
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
    port?.postMessage({ id, error: answerError(err) } satisfies WriterAnswer);
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

function handle(req: WriterRequest): void {
  if (!port) return;
  try {
    switch (req.op) {
      case 'measurements':
        answerAfterSync({ id: req.id, result: store(unpackMeasurements(req.triples), req.traces) });
        return;
      case 'lane-store': {
        // From the lane's decoding thread (sqlite-lane-thread.ts); answered to the event loop.
        const { triples, answer } = req;
        const fresh = store(unpackMeasurements(triples), req.traces);
        answerAfterSync({ id: req.id, result: { ...answer, triples, fresh } }, [
          triples.buffer as ArrayBuffer,
          answer.stepMs.buffer as ArrayBuffer,
        ]);
        return;
      }
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
        close(req.id);
        return;
    }
  } catch (err) {
    port.postMessage({ id: req.id, error: answerError(err) } satisfies WriterAnswer);
  }
}

port.on('message', handle);
// The lane's batches, decoded: straight from its thread, in the order it decoded them.
data.lane.on('message', handle);
