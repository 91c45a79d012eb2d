import type { Kysely, Selectable } from 'kysely';
import { paginate } from '../db/paginate.js';
import type { Schema, WebhookDeliveryTable, WebhookTable } from '../db/schema.js';
import { fromJsonColumn, toJsonColumn } from '../shared/json.js';
import type { Page, PageRequest } from '../shared/page.js';
import type { AlertEvent } from './alerts.js';
import type { Delivery, DeliveryStatus, Webhook, WebhookStore } from './webhooks.js';

const toHook = (r: Selectable<WebhookTable>): Webhook => ({
  id: r.id,
  orgId: r.org_id,
  name: r.name,
  url: r.url,
  events: fromJsonColumn<AlertEvent[]>(r.events, []),
  enabled: r.enabled === 1,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const toDelivery = (r: Selectable<WebhookDeliveryTable>): Delivery => ({
  id: r.id,
  orgId: r.org_id,
  webhookId: r.webhook_id,
  event: r.event as AlertEvent,
  payload: fromJsonColumn(r.payload, null),
  status: r.status as DeliveryStatus,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  lastError: r.last_error,
  lastStatus: r.last_status,
  createdAt: r.created_at,
  deliveredAt: r.delivered_at,
});

export class KyselyWebhookStore implements WebhookStore {
  constructor(private readonly db: Kysely<Schema>) {}

  async insert(h: Webhook) {
    await this.db
      .insertInto('webhooks')
      .values({
        id: h.id,
        org_id: h.orgId,
        name: h.name,
        url: h.url,
        events: toJsonColumn(h.events),
        enabled: h.enabled ? 1 : 0,
        created_at: h.createdAt,
        updated_at: h.updatedAt,
      })
      .execute();
  }

  async update(orgId: string, id: string, p: Partial<Pick<Webhook, 'name' | 'url' | 'events' | 'enabled'>>, now: number) {
    const res = await this.db
      .updateTable('webhooks')
      .set({
        updated_at: now,
        ...(p.name !== undefined && { name: p.name }),
        ...(p.url !== undefined && { url: p.url }),
        ...(p.events !== undefined && { events: toJsonColumn(p.events) }),
        ...(p.enabled !== undefined && { enabled: p.enabled ? 1 : 0 }),
      })
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  async remove(orgId: string, id: string) {
    const res = await this.db.deleteFrom('webhooks').where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }

  async get(orgId: string, id: string) {
    const row = await this.db
      .selectFrom('webhooks')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toHook(row);
  }

  async list(orgId: string, req: PageRequest) {
    const page = await paginate(
      this.db.selectFrom('webhooks').selectAll().where('org_id', '=', orgId),
      req,
      [{ column: 'id' }],
      (r) => [r.id],
    );
    return { ...page, items: page.items.map(toHook) };
  }

  async subscribed(orgId: string, event: AlertEvent) {
    const rows = await this.db.selectFrom('webhooks').selectAll().where('org_id', '=', orgId).where('enabled', '=', 1).execute();
    return rows.map(toHook).filter((h) => h.events.length === 0 || h.events.includes(event));
  }

  async enqueue(deliveries: Delivery[]) {
    if (deliveries.length === 0) return;
    await this.db
      .insertInto('webhook_deliveries')
      .values(
        deliveries.map((d) => ({
          id: d.id,
          org_id: d.orgId,
          webhook_id: d.webhookId,
          event: d.event,
          payload: toJsonColumn(d.payload),
          status: d.status,
          attempts: d.attempts,
          next_attempt_at: d.nextAttemptAt,
          last_error: d.lastError,
          last_status: d.lastStatus,
          created_at: d.createdAt,
          delivered_at: d.deliveredAt,
        })),
      )
      .execute();
  }

  async due(now: number, limit: number) {
    const rows = await this.db
      .selectFrom('webhook_deliveries as d')
      .innerJoin('webhooks as w', 'w.id', 'd.webhook_id')
      .selectAll('d')
      .select('w.url')
      .where('d.status', '=', 'pending')
      .where('d.next_attempt_at', '<=', now)
      .orderBy('d.next_attempt_at')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ ...toDelivery(r), url: r.url }));
  }

  async settle(
    id: string,
    p: Pick<Delivery, 'status' | 'attempts' | 'nextAttemptAt' | 'lastError' | 'lastStatus' | 'deliveredAt'>,
  ) {
    await this.db
      .updateTable('webhook_deliveries')
      .set({
        status: p.status,
        attempts: p.attempts,
        next_attempt_at: p.nextAttemptAt,
        last_error: p.lastError,
        last_status: p.lastStatus,
        delivered_at: p.deliveredAt,
      })
      .where('id', '=', id)
      .execute();
  }

  async deliveries(orgId: string, webhookId: string, req: PageRequest): Promise<Page<Delivery>> {
    const q = this.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('webhook_id', '=', webhookId);
    const page = await paginate(q, req, [{ column: 'id', desc: true }], (r) => [r.id]);
    return { ...page, items: page.items.map(toDelivery) };
  }
}
