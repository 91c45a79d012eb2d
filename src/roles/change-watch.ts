/**
 * Changes made by other processes of a deployment, seen within a few seconds: every `everyMs`
 * this process reads a fingerprint of a table (row count, latest and sum of `updated_at`); only
 * when it moved are the rows' versions read and compared with the last ones, and each row that
 * appeared, changed or went is announced. The same SQL runs on SQLite and PostgreSQL. A change
 * this process made itself is announced again (the listeners are idempotent).
 */
import { type Kysely, sql } from 'kysely';
import type { Logger } from '../shared/logger.js';

/** A row as the watch sees it. */
export interface RowVersion {
  id: string;
  orgId: string;
  updatedAt: number;
}

export interface WatchedTable {
  /** Changes whenever a row is added, changed (its updated_at) or removed. */
  fingerprint(): Promise<string>;
  versions(): Promise<RowVersion[]>;
}

/** A table with id, org_id and updated_at columns (pipelines, rules, devices). */
export function watchedTable(db: Kysely<unknown>, table: 'pipelines' | 'rules' | 'devices'): WatchedTable {
  const t = sql.table(table);
  return {
    async fingerprint() {
      const r = await sql<{ n: unknown; latest: unknown; total: unknown }>`
        SELECT count(*) AS n, max(updated_at) AS latest, sum(updated_at) AS total FROM ${t}`.execute(db);
      const row = r.rows[0];
      return `${row?.n}:${row?.latest}:${row?.total}`;
    },
    async versions() {
      const r = await sql<{ id: string; org_id: string; updated_at: number | string }>`
        SELECT id, org_id, updated_at FROM ${t}`.execute(db);
      return r.rows.map((x) => ({ id: x.id, orgId: x.org_id, updatedAt: Number(x.updated_at) }));
    },
  };
}

export interface RowChange {
  row: RowVersion;
  change: 'saved' | 'deleted';
}

export interface ChangeWatchOptions {
  table: WatchedTable;
  /** The rows that appeared or changed (`saved`) or went (`deleted`) since the last check, in one call. */
  onChanges(changes: RowChange[]): Promise<void>;
  everyMs: number;
  name: string;
  logger: Logger;
}

export class ChangeWatch {
  private known = new Map<string, RowVersion>();
  private fingerprint = '';
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;

  constructor(private readonly opts: ChangeWatchOptions) {}

  /** Takes the current versions as known (what this process loaded at start), then checks every everyMs. */
  async start(): Promise<void> {
    this.fingerprint = await this.opts.table.fingerprint();
    this.known = new Map((await this.opts.table.versions()).map((v) => [v.id, v]));
    this.timer ??= setInterval(() => void this.check(), this.opts.everyMs);
    this.timer.unref();
  }

  /** One check (the timer's; tests may call it). Overlapping calls share one run. */
  check(): Promise<void> {
    this.checking ??= this.compare()
      .catch((err: unknown) => this.opts.logger.error({ err, watch: this.opts.name }, 'change watch failed'))
      .finally(() => {
        this.checking = undefined;
      });
    return this.checking;
  }

  private async compare() {
    // The fingerprint first: a change between the two reads shows in the versions now and in
    // the fingerprint at the next check, never in neither.
    const fingerprint = await this.opts.table.fingerprint();
    if (fingerprint === this.fingerprint) return;
    const now = new Map((await this.opts.table.versions()).map((v) => [v.id, v]));
    const changes: RowChange[] = [];
    for (const row of now.values())
      if (this.known.get(row.id)?.updatedAt !== row.updatedAt) changes.push({ row, change: 'saved' });
    for (const row of this.known.values()) if (!now.has(row.id)) changes.push({ row, change: 'deleted' });
    this.opts.logger.debug({ watch: this.opts.name, changes: changes.length }, 'changes seen');
    if (changes.length > 0) await this.opts.onChanges(changes);
    this.known = now;
    this.fingerprint = fingerprint;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.checking;
  }
}
