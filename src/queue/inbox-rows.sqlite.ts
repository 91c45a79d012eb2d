import type BetterSqlite3 from 'better-sqlite3';
import { type SqliteCommitter, sqliteCommitter } from '../db/sqlite-commit.js';
import type { ClaimedRow, InboxRows, NewInboxRow } from './inbox-rows.js';

/**
 * SQLite through the raw better-sqlite3 handle: prepared statements in IMMEDIATE transactions,
 * synchronous, so a claim can never interleave with another claim or an insert.
 *
 * Durability: each write commits through the connection's SqliteCommitter (db/sqlite-commit.ts):
 * `insert` resolves once the WAL is fsynced, as with synchronous=FULL (which src/db sets), but
 * the fsync runs off the event loop and is shared with the other writers of the moment. That
 * survives a power loss, and a fortiori kill -9.
 */
export class SqliteInboxRows implements InboxRows {
  private readonly insertTx: (rows: readonly NewInboxRow[]) => void;
  private readonly claimTx: (now: number, leaseUntil: number, limit: number) => ClaimedRow[];
  private readonly settleTx: (
    done: readonly string[],
    retry: readonly { id: string; availableAt: number }[],
    leaseUntil: number,
  ) => void;
  private readonly commits: SqliteCommitter;

  constructor(private readonly sqlite: BetterSqlite3.Database) {
    this.commits = sqliteCommitter(sqlite);
    const insert = sqlite.prepare(
      `insert into inbox (id, org_id, pipeline_id, message, attempts, available_at, lease_until, created_at)
       values (?, ?, ?, ?, ?, ?, null, ?) on conflict (id) do nothing`,
    );
    this.insertTx = (rows: readonly NewInboxRow[]) => {
      for (const r of rows) insert.run(r.id, r.orgId, r.pipelineId, r.message, r.attempts ?? 0, r.availableAt, r.createdAt);
    };
    const due = sqlite.prepare<[number, number], ClaimedRow>(
      'select id, message, attempts from inbox where available_at <= ? order by available_at, id limit ?',
    );
    const lease = sqlite.prepare('update inbox set attempts = attempts + 1, available_at = ?, lease_until = ? where id = ?');
    this.claimTx = (now: number, leaseUntil: number, limit: number) => {
      const rows = due.all(now, limit);
      for (const r of rows) {
        lease.run(leaseUntil, leaseUntil, r.id);
        r.attempts += 1;
      }
      return rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    };
    const remove = sqlite.prepare('delete from inbox where id = ? and lease_until = ?');
    const again = sqlite.prepare('update inbox set available_at = ?, lease_until = null where id = ? and lease_until = ?');
    this.settleTx = (done, retry, leaseUntil) => {
      for (const id of done) remove.run(id, leaseUntil);
      for (const r of retry) again.run(r.availableAt, r.id, leaseUntil);
    };
  }

  async insert(rows: readonly NewInboxRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.commits.write(() => this.insertTx(rows));
  }

  async claim(now: number, leaseUntil: number, limit: number): Promise<ClaimedRow[]> {
    // A lease lost at a power cut only makes the message due again: no need to wait for the disk.
    return this.commits.write(() => this.claimTx(now, leaseUntil, limit), false);
  }

  async settle(done: readonly string[], retry: readonly { id: string; availableAt: number }[], leaseUntil: number) {
    if (done.length === 0 && retry.length === 0) return;
    // Lost at a power cut, the batch is delivered again (idempotent): no need to wait for the disk.
    await this.commits.write(() => this.settleTx(done, retry, leaseUntil), false);
  }

  async releaseLeases(now: number): Promise<number> {
    await this.idle();
    return this.sqlite.prepare('update inbox set available_at = ?, lease_until = null where lease_until is not null').run(now)
      .changes;
  }

  async count(): Promise<number> {
    return (this.sqlite.prepare('select count(*) as n from inbox').get() as { n: number }).n;
  }

  /**
   * Kysely shares this connection and may hold a transaction open across an await; a statement
   * run then would join it (and commit or roll back with it). Wait for it to end.
   */
  private async idle(): Promise<void> {
    while (this.sqlite.inTransaction) await new Promise((resolve) => setImmediate(resolve));
  }
}
