import type { Clock } from '../shared/clock.js';
import { notFound } from '../shared/errors.js';
import type { IdGenerator } from '../shared/ids.js';
import type { Logger } from '../shared/logger.js';
import type { PageRequest } from '../shared/page.js';
import type { Alert, AlertDraft, AlertEvent, AlertFilter, AlertSink, AlertStore } from './alerts.js';

/**
 * Opens, acknowledges and resolves alerts, then tells the sinks (MQTT, webhooks). A sink that
 * fails is logged and does not undo the alert: the database is the record.
 */
export interface NotifyOption {
  notify?: boolean;
}

export class AlertService {
  private readonly sinks: AlertSink[] = [];

  constructor(
    private readonly store: AlertStore,
    private readonly clock: Clock,
    private readonly newId: IdGenerator,
    private readonly logger: Logger,
  ) {}

  addSink(sink: AlertSink): void {
    this.sinks.push(sink);
  }

  /**
   * Opens an alert per draft unless one of that kind is already open for the subject (and rule).
   * `notify: false` keeps it from the sinks (a rule without an `alert` action).
   */
  async open(orgId: string, drafts: AlertDraft[], opts: NotifyOption = {}): Promise<Alert[]> {
    if (drafts.length === 0) return [];
    const opened = await this.store.openMany(orgId, drafts, this.clock(), this.newId);
    if (opts.notify !== false) await this.emit('alert.opened', opened);
    return opened;
  }

  async resolve(orgId: string, kind: string, subjectIds: string[], opts: NotifyOption & { ruleId?: string } = {}) {
    if (subjectIds.length === 0) return [];
    const resolved = await this.store.resolveMany(orgId, kind, subjectIds, this.clock(), opts.ruleId);
    if (opts.notify !== false) await this.emit('alert.resolved', resolved);
    return resolved;
  }

  /** Tells the sinks again about alerts still open (a rule's `repeatSeconds`). */
  async repeat(alerts: Alert[]): Promise<void> {
    await this.emit('alert.repeated', alerts);
  }

  async acknowledge(orgId: string, id: string, by: string, comment?: string): Promise<Alert> {
    const acked = await this.store.acknowledge(orgId, id, by, this.clock(), comment?.trim() || null);
    if (acked) {
      await this.emit('alert.acknowledged', [acked]);
      return acked;
    }
    const existing = await this.store.get(orgId, id);
    if (!existing) throw notFound('alert', id);
    // Acknowledging an acknowledged or resolved alert changes nothing.
    return existing;
  }

  async get(orgId: string, id: string): Promise<Alert> {
    const alert = await this.store.get(orgId, id);
    if (!alert) throw notFound('alert', id);
    return alert;
  }

  /** A device id or code of the organisation as a device id; DEVICE_NOT_FOUND (404) otherwise. */
  async deviceId(orgId: string, idOrCode: string): Promise<string> {
    const id = await this.store.deviceIdOf(orgId, idOrCode);
    if (id === undefined) throw notFound('device', idOrCode);
    return id;
  }

  list(orgId: string, filter: AlertFilter, page: PageRequest) {
    return this.store.list(orgId, filter, page);
  }

  private async emit(event: AlertEvent, alerts: Alert[]) {
    if (alerts.length === 0) return;
    for (const sink of this.sinks) {
      await sink.notify(event, alerts).catch((err: unknown) => this.logger.error({ err, event }, 'alert sink failed'));
    }
  }
}
