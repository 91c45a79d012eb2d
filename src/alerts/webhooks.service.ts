import { backoffDelay } from '../shared/backoff.js';
import type { Clock } from '../shared/clock.js';
import { invalid, notFound } from '../shared/errors.js';
import { groupBy } from '../shared/group.js';
import type { IdGenerator } from '../shared/ids.js';
import type { Logger } from '../shared/logger.js';
import type { PageRequest } from '../shared/page.js';
import { alertView } from './alert-view.js';
import type { Alert, AlertEvent, AlertSink } from './alerts.js';
import type { Delivery, Webhook, WebhookStore } from './webhooks.js';

/** Sends one POST; injected so tests and other transports can replace fetch. */
export type HttpPoster = (url: string, body: string, timeoutMs: number) => Promise<{ status: number }>;

export const fetchPoster: HttpPoster = async (url, body, timeoutMs) => {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': 'polder-webhooks' },
    body,
    signal: AbortSignal.timeout(timeoutMs),
  });
  await res.body?.cancel();
  return { status: res.status };
};

export interface WebhookOptions {
  /** First retry after this many ms, doubling each time. */
  retryBaseMs: number;
  /** After this many failed attempts a delivery is `failed` for good. */
  maxAttempts: number;
  timeoutMs: number;
  poster: HttpPoster;
}

/** Retries never wait more than an hour (the default 10 attempts from 2 s stay below it). */
const RETRY_MAX_MS = 3_600_000;
const DEFAULTS: WebhookOptions = { retryBaseMs: 2000, maxAttempts: 10, timeoutMs: 10_000, poster: fetchPoster };

function checkUrl(url: string): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw invalid('url', 'url is not a URL');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw invalid('url', 'url must be http:// or https://');
}

/**
 * Webhook CRUD, and the alert sink that writes one delivery per (hook, alert) into a durable
 * outbox; `dispatchDue` posts what is due and reschedules failures with exponential backoff.
 */
export class WebhookService implements AlertSink {
  private readonly opts: WebhookOptions;
  private dispatching: Promise<number> | undefined;

  constructor(
    private readonly store: WebhookStore,
    private readonly clock: Clock,
    private readonly newId: IdGenerator,
    private readonly logger: Logger,
    opts: Partial<WebhookOptions> = {},
  ) {
    this.opts = { ...DEFAULTS, ...opts };
  }

  async create(
    orgId: string,
    input: { name: string; url: string; events?: AlertEvent[] | undefined; enabled?: boolean | undefined },
  ) {
    checkUrl(input.url);
    const now = this.clock();
    const hook: Webhook = {
      id: this.newId(),
      orgId,
      name: input.name,
      url: input.url,
      events: input.events ?? [],
      enabled: input.enabled ?? true,
      createdAt: now,
      updatedAt: now,
    };
    await this.store.insert(hook);
    return hook;
  }

  async update(orgId: string, id: string, patch: Partial<Pick<Webhook, 'name' | 'url' | 'events' | 'enabled'>>) {
    if (patch.url !== undefined) checkUrl(patch.url);
    if (!(await this.store.update(orgId, id, patch, this.clock()))) throw notFound('webhook', id);
    return this.get(orgId, id);
  }

  async remove(orgId: string, id: string) {
    if (!(await this.store.remove(orgId, id))) throw notFound('webhook', id);
  }

  async get(orgId: string, id: string) {
    const hook = await this.store.get(orgId, id);
    if (!hook) throw notFound('webhook', id);
    return hook;
  }

  list(orgId: string, page: PageRequest) {
    return this.store.list(orgId, page);
  }

  async deliveries(orgId: string, id: string, page: PageRequest) {
    await this.get(orgId, id);
    return this.store.deliveries(orgId, id, page);
  }

  async notify(event: AlertEvent, alerts: Alert[]): Promise<void> {
    const now = this.clock();
    const deliveries: Delivery[] = [];
    for (const [orgId, group] of groupBy(alerts, (a) => a.orgId)) {
      for (const hook of await this.store.subscribed(orgId, event)) {
        for (const alert of group) deliveries.push(this.pending(orgId, hook.id, event, alert, now));
      }
    }
    await this.enqueue(deliveries);
  }

  /**
   * A test send: one POST of a `test` event to the hook now, answered with what the receiver said.
   * Not queued and not retried (the outbox is for alert events); a disabled hook is tried too.
   */
  async test(orgId: string, id: string): Promise<{ delivered: boolean; status: number | null; error: string | null }> {
    const hook = await this.get(orgId, id);
    const payload = { event: 'test', webhook: { id: hook.id, name: hook.name }, sentAt: new Date(this.clock()).toISOString() };
    try {
      const { status } = await this.opts.poster(hook.url, JSON.stringify(payload), this.opts.timeoutMs);
      const delivered = status >= 200 && status < 300;
      return { delivered, status, error: delivered ? null : `HTTP ${status}` };
    } catch (err) {
      return { delivered: false, status: null, error: (err as Error).message };
    }
  }

  /** Queues one delivery of an alert event to one hook of the organisation (a rule's `webhook` action). */
  async deliver(orgId: string, webhookId: string, event: AlertEvent, alert: Alert): Promise<void> {
    const hook = await this.get(orgId, webhookId);
    if (!hook.enabled) return;
    await this.enqueue([this.pending(orgId, hook.id, event, alert, this.clock())]);
  }

  private pending(orgId: string, webhookId: string, event: AlertEvent, alert: Alert, now: number): Delivery {
    return {
      id: this.newId(),
      orgId,
      webhookId,
      event,
      payload: { event, alert: alertView(alert) },
      status: 'pending',
      attempts: 0,
      nextAttemptAt: now,
      lastError: null,
      lastStatus: null,
      createdAt: now,
      deliveredAt: null,
    };
  }

  /** Stores the deliveries (the outbox), then tries them at once. */
  private async enqueue(deliveries: Delivery[]): Promise<void> {
    await this.store.enqueue(deliveries);
    if (deliveries.length > 0)
      void this.dispatchDue().catch((err: unknown) => this.logger.error({ err }, 'webhook dispatch failed'));
  }

  /** Posts every due delivery (one run at a time); returns how many were attempted. */
  dispatchDue(): Promise<number> {
    this.dispatching ??= this.runDue().finally(() => {
      this.dispatching = undefined;
    });
    return this.dispatching;
  }

  private async runDue(): Promise<number> {
    let attempted = 0;
    for (;;) {
      const due = await this.store.due(this.clock(), 50);
      if (due.length === 0) return attempted;
      await Promise.all(due.map((d) => this.attempt(d)));
      attempted += due.length;
    }
  }

  private async attempt(d: Delivery & { url: string }) {
    const attempts = d.attempts + 1;
    let status: number | null = null;
    let error: string | null = null;
    try {
      status = (await this.opts.poster(d.url, JSON.stringify(d.payload), this.opts.timeoutMs)).status;
      if (status < 200 || status >= 300) error = `HTTP ${status}`;
    } catch (err) {
      error = (err as Error).message;
    }
    const now = this.clock();
    if (!error) {
      await this.store.settle(d.id, {
        status: 'delivered',
        attempts,
        nextAttemptAt: now,
        lastError: null,
        lastStatus: status,
        deliveredAt: now,
      });
      return;
    }
    const giveUp = attempts >= this.opts.maxAttempts;
    if (giveUp) this.logger.warn({ webhookId: d.webhookId, deliveryId: d.id, error }, 'webhook delivery failed for good');
    await this.store.settle(d.id, {
      status: giveUp ? 'failed' : 'pending',
      attempts,
      nextAttemptAt: now + backoffDelay(attempts - 1, { baseMs: this.opts.retryBaseMs, maxMs: RETRY_MAX_MS, jitter: 0 }),
      lastError: error,
      lastStatus: status,
      deliveredAt: null,
    });
  }
}
