import type { AlertService } from '../alerts/alerts.service.js';
import { groupBy } from '../shared/group.js';
import type { Logger } from '../shared/logger.js';
import { type Activity, type FleetStore, OFFLINE_ALERT } from './fleet.js';

/**
 * Collects signs of life in memory (one entry per device, the latest wins) and writes them in
 * one batch per flush: a message per second per device must not be a write per message.
 */
export class ActivityTracker {
  private pending = new Map<string, Activity>();
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly store: FleetStore,
    private readonly alerts: AlertService,
    private readonly logger: Logger,
  ) {}

  /** Marks a device seen at `at`; `status` is the JSON of a status message, if this was one. */
  seen(orgId: string, deviceId: string, at: number, status?: unknown): void {
    const prev = this.pending.get(deviceId);
    if (prev && prev.at > at && status === undefined) return;
    this.pending.set(deviceId, {
      orgId,
      deviceId,
      at: Math.max(at, prev?.at ?? 0),
      ...((status ?? prev?.status) !== undefined && { status: status ?? prev?.status }),
    });
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /** Writes what was collected; concurrent callers share one flush. */
  flush(): Promise<void> {
    this.flushing ??= this.write().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  private async write(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    try {
      const back = await this.store.applyActivity(batch);
      for (const [orgId, devices] of groupBy(back, (d) => d.orgId)) {
        await this.alerts.resolve(
          orgId,
          OFFLINE_ALERT,
          devices.map((d) => d.deviceId),
        );
      }
    } catch (err) {
      // Put the batch back (newer entries win) so nothing is lost; the next flush retries.
      for (const a of batch) if (!this.pending.has(a.deviceId)) this.pending.set(a.deviceId, a);
      this.logger.error({ err, devices: batch.length }, 'activity flush failed; will retry');
      throw err;
    }
  }
}
