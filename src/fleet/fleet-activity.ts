import type { DeviceState } from './fleet.js';

/** A device's liveness as the fleet view shows it. */
export interface DeviceActivity {
  id: string;
  state: DeviceState;
  enabled: boolean;
  /** Epoch ms, or null when never seen. */
  lastSeenAt: number | null;
}

export interface FleetActivityStore {
  /** Every device of the organisation with its state and last-seen time (one query). */
  deviceActivity(orgId: string): Promise<DeviceActivity[]>;
}

/** What changed since the previous look: devices new or changed, and ids that are gone. */
export interface ActivityChange {
  devices: DeviceActivity[];
  removed: string[];
}

type Listener = (change: ActivityChange) => void;

interface Watch {
  listeners: Set<Listener>;
  last: Map<string, string>;
  timer?: NodeJS.Timeout;
  busy: boolean;
}

const keyOf = (d: DeviceActivity) => `${d.state}|${d.enabled ? 1 : 0}|${d.lastSeenAt ?? ''}`;

/** The difference between two looks at an organisation's devices. */
export function diffActivity(last: ReadonlyMap<string, string>, now: readonly DeviceActivity[]): ActivityChange {
  const devices: DeviceActivity[] = [];
  const seen = new Set<string>();
  for (const d of now) {
    seen.add(d.id);
    if (last.get(d.id) !== keyOf(d)) devices.push(d);
  }
  const removed = [...last.keys()].filter((id) => !seen.has(id));
  return { devices, removed };
}

/**
 * Device activity as it changes, per organisation. The devices table is the truth (activity is
 * flushed there by whichever process received it, and the offline sweep runs in the process that
 * holds the scheduler lease), so this looks at it every `intervalMs` while someone is watching an
 * organisation (one query per organisation, whatever the number of watchers) and hands the
 * differences to the watchers. Nobody watching: no query.
 */
export class FleetActivityFeed {
  private readonly watches = new Map<string, Watch>();

  constructor(
    private readonly store: FleetActivityStore,
    private readonly opts: { intervalMs: number; onError: (err: unknown) => void },
  ) {}

  /** Starts watching (the first look is taken before this resolves); call the result to stop. */
  async subscribe(orgId: string, listener: Listener): Promise<() => void> {
    let watch = this.watches.get(orgId);
    if (!watch) {
      const w: Watch = { listeners: new Set(), last: new Map(), busy: false };
      this.watches.set(orgId, w);
      watch = w;
      w.busy = true;
      try {
        for (const d of await this.store.deviceActivity(orgId)) w.last.set(d.id, keyOf(d));
      } finally {
        w.busy = false;
      }
      w.timer = setInterval(() => void this.tick(orgId, w), this.opts.intervalMs);
      w.timer.unref();
    }
    watch.listeners.add(listener);
    const w = watch;
    return () => {
      w.listeners.delete(listener);
      if (w.listeners.size === 0 && this.watches.get(orgId) === w) {
        clearInterval(w.timer);
        this.watches.delete(orgId);
      }
    };
  }

  /** Organisations being watched now. */
  get watched(): number {
    return this.watches.size;
  }

  private async tick(orgId: string, w: Watch) {
    if (w.busy) return;
    w.busy = true;
    try {
      const now = await this.store.deviceActivity(orgId);
      const change = diffActivity(w.last, now);
      if (change.devices.length === 0 && change.removed.length === 0) return;
      for (const d of change.devices) w.last.set(d.id, keyOf(d));
      for (const id of change.removed) w.last.delete(id);
      for (const listener of w.listeners) listener(change);
    } catch (err) {
      this.opts.onError(err);
    } finally {
      w.busy = false;
    }
  }
}
