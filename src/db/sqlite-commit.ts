import fs from 'node:fs';
import type BetterSqlite3 from 'better-sqlite3';
import type { WriterLock } from './sqlite-writer-lock.js';

/**
 * Durable SQLite commits that do not hold the event loop while the disk syncs.
 *
 * better-sqlite3 is synchronous: with `synchronous=FULL` every commit waits for an fsync of the
 * WAL (about 4 ms here) on the event loop, and a batch of the ingest path made five of them.
 * Here the transaction runs with `synchronous=NORMAL` (the commit is written to the WAL, i.e. the
 * OS page cache, without fsync), then `fdatasync` of the WAL file runs on libuv's thread pool;
 * the promise resolves once it has, so what a caller acknowledges after it survives power loss
 * as with FULL (a WAL fsync covers every frame written before it), and kill -9 in any case.
 * Concurrent callers share one fdatasync (group commit), and the loop keeps working meanwhile.
 *
 * One committer per connection (`sqliteCommitter(handle)`), shared by the inbox, the measurement
 * store and the trace writer. Other writers of the connection keep `synchronous` as opened:
 * it is set to NORMAL only for the synchronous span of a `write` and restored right after.
 * A database not in WAL mode (`:memory:`) commits as before, with its own setting.
 *
 * Where the database has a writer thread (sqlite-writer.ts: the hot path's inserts on their own
 * connection), each transaction here first takes the lock shared with it, waiting
 * asynchronously, so that BEGIN IMMEDIATE does not wait in busy_timeout on the event loop.
 */
export class SqliteCommitter {
  private readonly run: BetterSqlite3.Transaction<(work: () => unknown) => unknown>;
  private readonly wal: boolean;
  private readonly restore: number;
  private fd: number | undefined;
  private inflight: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  private lock: WriterLock | undefined;

  constructor(private readonly sqlite: BetterSqlite3.Database) {
    this.run = sqlite.transaction((work: () => unknown) => work());
    this.wal = String(sqlite.pragma('journal_mode', { simple: true })).toLowerCase() === 'wal' && !sqlite.memory;
    this.restore = Number(sqlite.pragma('synchronous', { simple: true }));
  }

  /**
   * Runs `work` in one IMMEDIATE transaction; resolves with its result once the commit is on
   * disk. Waits first for a transaction Kysely holds open on this connection across an await
   * (a statement run then would join it). `durable: false` resolves at commit, without waiting
   * for the sync: for writes whose loss at a power cut is harmless (an inbox lease, removing a
   * handled message: it is delivered again, and storing it again adds nothing); a later durable
   * write covers them too, as the WAL is replayed only up to its last intact frame.
   */
  async write<T>(work: () => T, durable = true): Promise<T> {
    while (this.sqlite.inTransaction) await new Promise((resolve) => setImmediate(resolve));
    if (!this.wal) return this.run.immediate(work) as T;
    const lock = this.lock;
    let held = false;
    if (lock) {
      held = await lock.acquireMain();
      // Kysely may have begun a transaction meanwhile: let it end first (without the lock held).
      while (this.sqlite.inTransaction) {
        if (held) lock.releaseMain();
        await new Promise((resolve) => setImmediate(resolve));
        held = await lock.acquireMain();
      }
    }
    this.sqlite.pragma('synchronous = NORMAL');
    let result: T;
    try {
      result = this.run.immediate(work) as T;
    } finally {
      if (held) lock?.releaseMain();
      this.sqlite.pragma(`synchronous = ${this.restore}`);
    }
    if (durable) await this.sync();
    return result;
  }

  /** Takes `lock` around each transaction from now on (the database's writer thread started). */
  share(lock: WriterLock): void {
    this.lock = lock;
  }

  /** Resolves once an fdatasync of the WAL that began after this call has finished. */
  private sync(): Promise<void> {
    if (!this.inflight) {
      this.inflight = this.fdatasync().finally(() => {
        this.inflight = undefined;
      });
      return this.inflight;
    }
    // The sync in flight may have begun before our commit: the next one covers it (and every
    // caller arriving meanwhile).
    const next = () => {
      this.queued = undefined;
      return this.sync();
    };
    this.queued ??= this.inflight.then(next, next);
    return this.queued;
  }

  private fdatasync(): Promise<void> {
    if (!this.sqlite.open) {
      this.close();
      return Promise.resolve();
    }
    // The WAL file lives as long as the connection (SQLite deletes it only on the last close).
    this.fd ??= fs.openSync(`${this.sqlite.name}-wal`, 'r');
    const fd = this.fd;
    return new Promise((resolve, reject) => fs.fdatasync(fd, (err) => (err ? reject(err) : resolve())));
  }

  /** Closes the WAL descriptor (the connection is closing). */
  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}

const committers = new WeakMap<BetterSqlite3.Database, SqliteCommitter>();

/** The committer of this connection (one per connection, so its writers share their syncs). */
export function sqliteCommitter(sqlite: BetterSqlite3.Database): SqliteCommitter {
  let c = committers.get(sqlite);
  if (!c) {
    c = new SqliteCommitter(sqlite);
    committers.set(sqlite, c);
  }
  return c;
}
