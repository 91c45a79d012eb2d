import { type Kysely, sql } from 'kysely';
import type { Schema } from '../db/schema.js';
import type { ClaimedRow, InboxRows, NewInboxRow } from './inbox-rows.js';

/** Rows per INSERT statement: 6 parameters each, far below PostgreSQL's 65,535. */
const CHUNK = 1000;

/**
 * PostgreSQL: several processes compete for rows; `FOR UPDATE SKIP LOCKED` lets each claim a
 * different set without waiting on the others. Commits are durable with the server's default
 * synchronous_commit = on.
 */
export class PostgresInboxRows implements InboxRows {
  constructor(private readonly db: Kysely<Schema>) {}

  async insert(rows: readonly NewInboxRow[]): Promise<void> {
    if (rows.length === 0) return;
    const chunks: NewInboxRow[][] = [];
    for (let i = 0; i < rows.length; i += CHUNK) chunks.push(rows.slice(i, i + CHUNK));
    const write = async (db: Kysely<Schema>) => {
      for (const chunk of chunks) {
        await db
          .insertInto('inbox')
          .values(
            chunk.map((r) => ({
              id: r.id,
              org_id: r.orgId,
              pipeline_id: r.pipelineId,
              message: r.message,
              attempts: r.attempts ?? 0,
              available_at: r.availableAt,
              lease_until: null,
              created_at: r.createdAt,
            })),
          )
          .onConflict((oc) => oc.column('id').doNothing())
          .execute();
      }
    };
    if (chunks.length === 1) await write(this.db);
    else await this.db.transaction().execute(write);
  }

  async claim(now: number, leaseUntil: number, limit: number): Promise<ClaimedRow[]> {
    const { rows } = await sql<ClaimedRow>`
      update inbox set attempts = attempts + 1, available_at = ${leaseUntil}, lease_until = ${leaseUntil}
      where id in (
        select id from inbox where available_at <= ${now}
        order by available_at, id limit ${limit}
        for update skip locked)
      returning id, message, attempts`.execute(this.db);
    return rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async settle(done: readonly string[], retry: readonly { id: string; availableAt: number }[], leaseUntil: number) {
    if (done.length === 0 && retry.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      if (done.length > 0)
        await sql`delete from inbox where id = any(${[...done]}::text[]) and lease_until = ${leaseUntil}`.execute(trx);
      if (retry.length > 0) {
        const ids = retry.map((r) => r.id);
        const ats = retry.map((r) => r.availableAt);
        await sql`
          update inbox set available_at = v.at, lease_until = null
          from unnest(${ids}::text[], ${ats}::bigint[]) as v(id, at)
          where inbox.id = v.id and inbox.lease_until = ${leaseUntil}`.execute(trx);
      }
    });
  }

  async releaseLeases(now: number): Promise<number> {
    const r = await this.db
      .updateTable('inbox')
      .set({ available_at: now, lease_until: null })
      .where('lease_until', 'is not', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  async count(): Promise<number> {
    const r = await this.db
      .selectFrom('inbox')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }
}
