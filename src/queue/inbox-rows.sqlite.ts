import type BetterSqlite3 from 'better-sqlite3';
import type { ClaimedRow, InboxRows, NewInboxRow } from './inbox-rows.js';

/**
 * SQLite through the raw better-sqlite3 handle: prepared statements in IMMEDIATE transactions,
 * synchronous, so a claim can never interleave with another claim or an insert.
 *
 * Durability: src/db opens the file in WAL mode with synchronous=FULL, so each commit is
 * fsynced before `insert` returns. That survives a power loss, and a fortiori kill -9 (our
 * requirement; WAL with NORMAL would survive kill -9 too, as the WAL is in the OS page cache,
 * but could lose the last commits on power loss).
 */
export class SqliteInboxRows implements InboxRows {
  private readonly insertTx: BetterSqlite3.Transaction<(rows: readonly NewInboxRow[]) => void>;
  private readonly claimTx: BetterSqlite3.Transaction<(now: number, leaseUntil: number, limit: number) => ClaimedRow[]>;
  private readonly settleTx: BetterSqlite3.Transaction<
    (done: readonly string[], retry: readonly { id: string; availableAt: number }[], leaseUntil: number) => void
  >;

  constructor(private readonly sqlite: BetterSqlite3.Database) {
    const insert = sqlite.prepare(
      `insert into inbox (id, org_id, pipeline_id, message, attempts, available_at, lease_until, created_at)
       values (?, ?, ?, ?, 0, ?, null, ?) on conflict (id) do nothing`,
    );
    this.insertTx = sqlite.transaction((rows: readonly NewInboxRow[]) => {
      for (const r of rows) insert.run(r.id, r.orgId, r.pipelineId, r.message, r.availableAt, r.createdAt);
    });
    const due = sqlite.prepare<[number, number], ClaimedRow>(
      'select id, message, attempts from inbox where available_at <= ? order by available_at, id limit ?',
    );
    const lease = sqlite.prepare('update inbox set attempts = attempts + 1, available_at = ?, lease_until = ? where id = ?');
    this.claimTx = sqlite.transaction((now: number, leaseUntil: number, limit: number) => {
      const rows = due.all(now, limit);
      for (const r of rows) {
        lease.run(leaseUntil, leaseUntil, r.id);
        r.attempts += 1;
      }
      return rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    });
    const remove = sqlite.prepare('delete from inbox where id = ? and lease_until = ?');
    const again = sqlite.prepare('update inbox set available_at = ?, lease_until = null where id = ? and lease_until = ?');
    this.settleTx = sqlite.transaction((done, retry, leaseUntil) => {
      for (const id of done) remove.run(id, leaseUntil);
      for (const r of retry) again.run(r.availableAt, r.id, leaseUntil);
    });
  }

  async insert(rows: readonly NewInboxRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.idle();
    this.insertTx.immediate(rows);
  }

  async claim(now: number, leaseUntil: number, limit: number): Promise<ClaimedRow[]> {
    await this.idle();
    return this.claimTx.immediate(now, leaseUntil, limit);
  }

  async settle(done: readonly string[], retry: readonly { id: string; availableAt: number }[], leaseUntil: number) {
    if (done.length === 0 && retry.length === 0) return;
    await this.idle();
    this.settleTx.immediate(done, retry, leaseUntil);
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
