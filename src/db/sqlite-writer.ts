import { MessageChannel, type MessagePort, type Worker } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';
import type { CompiledQuery, DatabaseConnection, QueryResult } from 'kysely';
import type { TraceRows } from '../measurements/measurements.js';
import type { LaneBatch } from '../pipelines/lane-batch.js';
import type { LaneForget } from '../pipelines/writer-lane-cache.js';
import type { LaneAnswer } from '../pipelines/writer-lane-thread.js';
import { startWorkerThread } from '../shared/worker-thread.js';
import type { Database } from './database.js';
import { sqliteCommitter } from './sqlite-commit.js';
import { type AnswerError, errorFromAnswer } from './sqlite-thread-errors.js';
import { type WriterLock, writerLock } from './sqlite-writer-lock.js';

/** A trace as the upsert's parameters, its JSON columns serialised (pipelines/trace-rows.ts). */
export type TraceRow = TraceRows[number];

/** What the thread is started with (sqlite-writer-thread.ts). */
export interface WriterThreadData {
  file: string;
  /** The write lock shared with the main connection's committer (sqlite-writer-lock.ts). */
  lock: SharedArrayBuffer;
  /** Where the lane's decoding thread hands over its batches (`lane-store`). */
  lane: MessagePort;
}

/** What the lane's decoding thread is started with (sqlite-lane-thread.ts). */
export interface LaneThreadData {
  file: string;
  /** The writer thread's end of their channel. */
  writer: MessagePort;
}

/** A request to the lane's decoding thread: a `lane` batch is answered as the writer answers. */
export type LaneRequest =
  | { id: number; op: 'lane'; batch: LaneBatch }
  | { id: number; op: 'lane-forget'; forget: LaneForget }
  | { id: number; op: 'close' };

/** A request to the thread, answered by `{ id, result }` or `{ id, error }` once committed and synced. */
export type WriterRequest =
  | { id: number; op: 'measurements'; triples: Float64Array; traces?: readonly TraceRow[] | undefined }
  | { id: number; op: 'traces'; rows: readonly TraceRow[] }
  | {
      id: number;
      op: 'lane-store';
      triples: Float64Array;
      traces: readonly TraceRow[];
      answer: Omit<LaneAnswer, 'triples' | 'fresh'>;
    }
  | { id: number; op: 'fold-trace-devices' }
  | { id: number; op: 'move-recent' }
  | { id: number; op: 'close' };

export interface WriterAnswer {
  id: number;
  result?: unknown;
  error?: AnswerError;
}

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };

/**
 * The hot path's SQLite commits on a second core (issue 10): one worker thread per file
 * database (WAL) with its own connection runs the measurement inserts (rows and rollups, with the
 * batch's trace upserts when given) and the trace upserts written apart, each call in one
 * IMMEDIATE transaction, commits with synchronous=NORMAL and
 * fdatasyncs the WAL before answering (calls queued meanwhile share the sync). The event loop
 * only packs a batch and posts it. A call rejects with the thread's error (SQLITE_BUSY, disk
 * full: the caller retries, as it did when the commit ran here); a thread that dies rejects the
 * calls in flight and is started again by the next call. The thread is started on the first call
 * and holds the process open only while answers are awaited.
 *
 * The writer lane's batches (pipelines/writer-lane.ts) go to a second thread started at the first
 * of them (sqlite-lane-thread.ts), which decodes them on a read-only connection and hands their
 * rows and traces to the writer thread over a channel of their own: a batch is decoded there
 * while the one before is committed here. Either thread dying stops both (their calls reject).
 *
 * The main connection's own writes wait for the thread's write lock asynchronously on a shared
 * lock (sqlite-writer-lock.ts): those through the committer (inbox, folds, replace) and Kysely's
 * (lockKyselyWrites below).
 */
export class SqliteWriter {
  private threads: Threads | undefined;
  private readonly pending = new Map<number, Pending>();
  private next = 1;
  private closed = false;
  /** close() waiting for the calls in flight. */
  private idle: (() => void) | undefined;
  private readonly lock: WriterLock;

  constructor(private readonly file: string) {
    this.lock = writerLock();
  }

  /** The shared lock, for the main connection's committer. */
  get sharedLock(): WriterLock {
    return this.lock;
  }

  /** The threads running now, by name (for `polder_thread_busy_seconds_total`: thread-metrics.ts). */
  runningThreads(): [name: 'writer' | 'lane', thread: Worker][] {
    const t = this.threads;
    if (!t) return [];
    return t.lane
      ? [
          ['writer', t.writer],
          ['lane', t.lane],
        ]
      : [['writer', t.writer]];
  }

  /**
   * Inserts the rows (see sqliteMeasurementInserter); answers one flag per row, 1 if inserted now.
   * `traces` are upserted in the same transaction (one commit and one sync for a batch's
   * measurements and its traces).
   */
  insertMeasurements(triples: Float64Array, traces?: readonly TraceRow[]): Promise<Uint8Array> {
    return this.call('writer', { id: 0, op: 'measurements', triples, traces }, [
      triples.buffer as ArrayBuffer,
    ]) as Promise<Uint8Array>;
  }

  /**
   * Decodes and stores the uplinks of built-in pipelines it can (pipelines/writer-lane.ts), their
   * measurements and traces in one transaction; answers once committed and synced.
   */
  lane(batch: LaneBatch): Promise<LaneAnswer> {
    return this.call('lane', { id: 0, op: 'lane', batch }, [batch.payloads.buffer as ArrayBuffer]) as Promise<LaneAnswer>;
  }

  /**
   * Drops devices and datastreams from the lane's cache (they changed), before any lane call
   * made after this one; nothing is answered. A thread not started has nothing to drop.
   */
  laneForget(forget: LaneForget): void {
    if (this.closed || !this.threads?.lane) return;
    this.threads.lane.postMessage({ id: 0, op: 'lane-forget', forget } satisfies LaneRequest);
  }

  /** Upserts the traces (see sqliteTraceUpserter). */
  async writeTraces(rows: readonly TraceRow[]): Promise<void> {
    await this.call('writer', { id: 0, op: 'traces', rows });
  }

  /**
   * Folds `trace_devices` up to the newest trace (pipelines/traces.store.sqlite.ts
   * sqliteTraceDeviceFolder), a chunk per transaction with the other calls let in between;
   * answers how many rowids it went past.
   */
  foldTraceDevices(): Promise<number> {
    return this.call('writer', { id: 0, op: 'fold-trace-devices' }) as Promise<number>;
  }

  /**
   * Moves the recent measurements into the ordered table with their rollups now
   * (measurements/measurement-writer.sqlite.ts moveRecent), after the calls before it; answers
   * how many rows moved. For readers of rollups, which count moved rows only.
   */
  moveRecent(): Promise<number> {
    return this.call('writer', { id: 0, op: 'move-recent' }) as Promise<number>;
  }

  /**
   * Stops the threads once the calls in flight are answered (the lane's connection closed, then
   * the writer's); later calls reject.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.pending.size > 0) await new Promise<void>((resolve) => (this.idle = resolve));
    const threads = this.threads;
    if (!threads) return;
    if (threads.lane) await this.post(threads, 'lane', { id: 0, op: 'close' }).catch(() => {});
    await this.post(threads, 'writer', { id: 0, op: 'close' }).catch(() => {});
    this.threads = undefined;
    await Promise.all(threads.all().map((w) => w.terminate()));
  }

  private call(to: 'writer' | 'lane', req: WriterRequest | LaneRequest, transfer: ArrayBuffer[] = []): Promise<unknown> {
    if (this.closed) return Promise.reject(new Error('the SQLite writer is closed'));
    return this.post(this.started(), to, req, transfer);
  }

  private post(threads: Threads, to: 'writer' | 'lane', req: WriterRequest | LaneRequest, transfer: ArrayBuffer[] = []) {
    const worker = to === 'writer' ? threads.writer : threads.startLane();
    return new Promise<unknown>((resolve, reject) => {
      const id = this.next++;
      if (this.pending.size === 0) for (const w of threads.all()) w.ref();
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ ...req, id }, transfer);
    });
  }

  /** After the last call in flight settled: idle threads no longer hold the process, a close goes on. */
  private settledAll(threads: Threads): void {
    for (const w of threads.all()) w.unref();
    const idle = this.idle;
    this.idle = undefined;
    idle?.();
  }

  /** The writer thread, started now if need be; the lane's thread starts at the first lane call. */
  private started(): Threads {
    if (this.threads) return this.threads;
    const channel = new MessageChannel();
    const answered = (msg: WriterAnswer) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (this.pending.size === 0) this.settledAll(threads);
      if (msg.error) p.reject(errorFromAnswer(msg.error));
      else p.resolve(msg.result);
    };
    const stopped = (err: Error) => {
      if (this.threads !== threads) return;
      this.threads = undefined;
      // A thread that died holding the lock must not leave the main connection waiting.
      this.lock.releaseThread();
      const calls = [...this.pending.values()];
      this.pending.clear();
      for (const p of calls) p.reject(err);
      this.settledAll(threads);
      for (const w of threads.all()) void w.terminate();
    };
    const watch = (name: string, w: Worker) => {
      if (this.pending.size === 0) w.unref();
      w.on('message', answered);
      w.on('error', (err) => stopped(err));
      w.on('exit', (code) => stopped(new Error(`the SQLite ${name} thread exited (code ${code})`)));
      return w;
    };
    const writer = watch(
      'writer',
      startWorkerThread(import.meta.url, 'sqlite-writer-thread', {
        workerData: { file: this.file, lock: this.lock.buffer, lane: channel.port1 } satisfies WriterThreadData,
        transferList: [channel.port1],
      }),
    );
    const threads: Threads = {
      writer,
      lane: undefined,
      startLane: () => {
        threads.lane ??= watch(
          'lane',
          startWorkerThread(import.meta.url, 'sqlite-lane-thread', {
            workerData: { file: this.file, writer: channel.port2 } satisfies LaneThreadData,
            transferList: [channel.port2],
          }),
        );
        return threads.lane;
      },
      all: () => (threads.lane ? [writer, threads.lane] : [writer]),
    };
    this.threads = threads;
    return threads;
  }
}

/** The writer thread and, once a lane call started it, the lane's. */
interface Threads {
  writer: Worker;
  lane: Worker | undefined;
  startLane(): Worker;
  all(): Worker[];
}

const writers = new WeakMap<BetterSqlite3.Database, SqliteWriter | null>();

/**
 * The writer thread of this database (one per database, shared by the measurement store and the
 * trace writer), or undefined where commits stay on the connection: PostgreSQL, `:memory:`, a
 * database not in WAL mode. Closing the database stops the thread first (its connection closes
 * before the main one, which then checkpoints the WAL as the last connection).
 */
export function sqliteWriterOf(database: Database): SqliteWriter | undefined {
  if (database.dialect !== 'sqlite') return undefined;
  const sqlite = database.sqlite;
  const known = writers.get(sqlite);
  if (known !== undefined) return known ?? undefined;
  const wal = String(sqlite.pragma('journal_mode', { simple: true })).toLowerCase() === 'wal';
  if (!wal || sqlite.memory || sqlite.name === '' || !sqlite.open) {
    writers.set(sqlite, null);
    return undefined;
  }
  const writer = new SqliteWriter(sqlite.name);
  writers.set(sqlite, writer);
  sqliteCommitter(sqlite).share(writer.sharedLock);
  lockKyselyWrites(database, writer.sharedLock);
  const close = database.close;
  database.close = async () => {
    await writer.close();
    await close();
  };
  return writer;
}

/** Statements that write nothing (Kysely's reads): they never wait for the lock. */
const READ_ONLY = /^\s*(select|pragma|explain)\b/i;

/**
 * Kysely's writes on the main connection (registrations, settings, deferred transactions) take
 * the shared lock too, waiting asynchronously: without it they would sleep in busy_timeout on
 * the event loop while the thread commits a batch, and a transaction that read before the
 * thread's commit would fail to write (SQLITE_BUSY_SNAPSHOT). A transaction holds the lock from
 * `begin` until it ends (the thread waits meanwhile, then falls back to busy_timeout). Kysely's
 * SQLite driver has one connection object; its `executeQuery` is wrapped, once.
 */
function lockKyselyWrites(database: Extract<Database, { dialect: 'sqlite' }>, lock: WriterLock): void {
  const sqlite = database.sqlite;
  let inTxn = false;
  const wrap = (conn: DatabaseConnection) => {
    const execute = conn.executeQuery.bind(conn);
    conn.executeQuery = async <R>(query: CompiledQuery): Promise<QueryResult<R>> => {
      if (READ_ONLY.test(query.sql)) return execute<R>(query);
      if (inTxn || sqlite.inTransaction) {
        try {
          return await execute<R>(query);
        } finally {
          if (inTxn && !sqlite.inTransaction) {
            inTxn = false;
            lock.releaseMain();
          }
        }
      }
      const held = await lock.acquireMain();
      let result: QueryResult<R>;
      try {
        result = await execute<R>(query);
      } catch (err) {
        if (held) lock.releaseMain();
        throw err;
      }
      // `begin`: held until the transaction ends (above).
      if (held && sqlite.inTransaction) inTxn = true;
      else if (held) lock.releaseMain();
      return result;
    };
  };
  void database.db
    .getExecutor()
    .provideConnection(async (conn) => wrap(conn))
    .catch(() => {});
}
