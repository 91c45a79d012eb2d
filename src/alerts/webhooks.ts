import type { Page, PageRequest } from '../shared/page.js';
import type { AlertEvent } from './alerts.js';

/** Webhooks receive alert events as JSON POSTs, retried with backoff from a durable outbox. */
export interface Webhook {
  id: string;
  orgId: string;
  name: string;
  url: string;
  /** Events to send; empty means all. */
  events: AlertEvent[];
  enabled: boolean;
  createdAt: number;
  updatedAt: number;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface Delivery {
  id: string;
  orgId: string;
  webhookId: string;
  event: AlertEvent;
  payload: unknown;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  lastStatus: number | null;
  createdAt: number;
  deliveredAt: number | null;
}

export interface WebhookStore {
  insert(hook: Webhook): Promise<void>;
  update(
    orgId: string,
    id: string,
    patch: Partial<Pick<Webhook, 'name' | 'url' | 'events' | 'enabled'>>,
    now: number,
  ): Promise<boolean>;
  remove(orgId: string, id: string): Promise<boolean>;
  get(orgId: string, id: string): Promise<Webhook | undefined>;
  list(orgId: string, page: PageRequest): Promise<Page<Webhook>>;
  /** Enabled hooks of the organisation that want this event. */
  subscribed(orgId: string, event: AlertEvent): Promise<Webhook[]>;

  enqueue(deliveries: Delivery[]): Promise<void>;
  /** Pending deliveries due at `now`, oldest first, with their hook's URL. */
  due(now: number, limit: number): Promise<(Delivery & { url: string })[]>;
  settle(
    id: string,
    patch: Pick<Delivery, 'status' | 'attempts' | 'nextAttemptAt' | 'lastError' | 'lastStatus' | 'deliveredAt'>,
  ): Promise<void>;
  deliveries(orgId: string, webhookId: string, page: PageRequest): Promise<Page<Delivery>>;
}
