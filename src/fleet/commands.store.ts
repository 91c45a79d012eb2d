import type { Kysely, Selectable } from 'kysely';
import { paginate } from '../db/paginate.js';
import type { CommandTable, Schema } from '../db/schema.js';
import { toJsonColumn } from '../shared/json.js';
import type { Page, PageRequest } from '../shared/page.js';
import type { Command, CommandStore, FateStep } from './commands.js';

const toCommand = (r: Selectable<CommandTable>): Command => ({
  id: r.id,
  orgId: r.org_id,
  deviceId: r.device_id,
  module: r.module,
  order: r.order_name,
  value: r.value === null ? undefined : JSON.parse(r.value as string),
  dest: r.dest,
  topic: r.topic,
  payload: r.payload,
  sentBy: { kind: r.sent_by_kind, id: r.sent_by_id, name: r.sent_by_name },
  sentAt: r.sent_at,
  status: r.status as Command['status'],
  error: r.error,
  history: historyOf(r.history),
  updatedAt: r.updated_at === null ? null : Number(r.updated_at),
});

const historyOf = (text: string | null): FateStep[] => (text === null ? [] : (JSON.parse(text) as FateStep[]));

export class KyselyCommandStore implements CommandStore {
  constructor(private readonly db: Kysely<Schema>) {}

  async insert(c: Command): Promise<void> {
    await this.db
      .insertInto('commands')
      .values({
        id: c.id,
        org_id: c.orgId,
        device_id: c.deviceId,
        module: c.module,
        order_name: c.order,
        value: c.value === undefined ? null : toJsonColumn(c.value),
        dest: c.dest,
        topic: c.topic,
        payload: c.payload,
        sent_by_kind: c.sentBy.kind,
        sent_by_id: c.sentBy.id,
        sent_by_name: c.sentBy.name,
        sent_at: c.sentAt,
        status: c.status,
        error: c.error,
        // Only downlinks have a fate; neOCampus orders keep null (and are never updated by fate events).
        history: c.history.length > 0 ? JSON.stringify(c.history) : null,
        updated_at: c.updatedAt,
      })
      .execute();
  }

  async fate(orgId: string, id: string) {
    const r = await this.db
      .selectFrom('commands')
      .select(['status', 'error', 'history'])
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .where('history', 'is not', null)
      .executeTakeFirst();
    return r && { status: r.status as Command['status'], error: r.error, history: historyOf(r.history) };
  }

  async updateFate(
    orgId: string,
    id: string,
    expected: Pick<Command, 'status' | 'history'>,
    next: Pick<Command, 'status' | 'error' | 'history' | 'updatedAt'>,
  ): Promise<boolean> {
    const r = await this.db
      .updateTable('commands')
      .set({ status: next.status, error: next.error, history: JSON.stringify(next.history), updated_at: next.updatedAt })
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .where('status', '=', expected.status)
      .where('history', '=', JSON.stringify(expected.history))
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async list(orgId: string, deviceId: string, req: PageRequest): Promise<Page<Command>> {
    const q = this.db.selectFrom('commands').selectAll().where('org_id', '=', orgId).where('device_id', '=', deviceId);
    // Newest first: ids are UUIDv7.
    const page = await paginate(q, req, [{ column: 'id', desc: true }], (r) => [r.id]);
    return { ...page, items: page.items.map(toCommand) };
  }
}
