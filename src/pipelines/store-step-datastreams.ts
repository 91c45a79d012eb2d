/**
 * Datastream ids of (device, sensor, property, unit), found or created by the registry's
 * DatastreamStore and kept in memory: after the first uplink of a series the store step asks
 * the database nothing. Deleted datastreams and devices leave the cache on the registry's events.
 */
import type { DeviceEvents } from '../devices/device-events.js';
import type { DatastreamKey, DatastreamStore, ResolvedSeries } from '../devices/devices.js';
import type { Clock } from '../shared/clock.js';

export interface DatastreamCacheOptions {
  store: Pick<DatastreamStore, 'resolveSeries'>;
  events?: Pick<DeviceEvents, 'on'> | undefined;
  clock: Clock;
  /** Bounds staleness when another process deletes a datastream (ms, default 5 min). */
  ttlMs?: number;
  /** Entries kept before the cache starts over (default 200 000). */
  maxEntries?: number;
}

const seriesKey = (orgId: string, deviceId: string, k: DatastreamKey) =>
  `${orgId}\u0000${deviceId}\u0000${k.sensor}\u0000${k.observedProperty}\u0000${k.unit}`;

export class DatastreamCache {
  private readonly ids = new Map<string, { series: ResolvedSeries; at: number }>();
  private readonly keyOfId = new Map<number, string>();
  private readonly keysOfDevice = new Map<string, Set<string>>();
  private readonly off: (() => void)[] = [];
  private readonly ttl: number;
  private readonly maxEntries: number;

  constructor(private readonly opts: DatastreamCacheOptions) {
    this.ttl = opts.ttlMs ?? 300_000;
    this.maxEntries = opts.maxEntries ?? 200_000;
    if (opts.events) {
      this.off.push(
        opts.events.on('datastreamsDeleted', ({ ids }) => {
          for (const id of ids) this.forgetId(id);
        }),
        opts.events.on('deviceDeleted', (d) => this.forgetDevice(d.id)),
      );
    }
  }

  /**
   * Ids of `keys` (same order) for one device, with the kind of value each datastream holds;
   * one store call for the ones not cached.
   */
  async resolve(orgId: string, deviceId: string, keys: readonly DatastreamKey[], now: number): Promise<ResolvedSeries[]> {
    const clock = this.opts.clock();
    const out: (ResolvedSeries | undefined)[] = keys.map((k) => {
      const hit = this.ids.get(seriesKey(orgId, deviceId, k));
      return hit && clock - hit.at < this.ttl ? hit.series : undefined;
    });
    const missing = keys.filter((_, i) => out[i] === undefined);
    if (missing.length === 0) return out as ResolvedSeries[];
    const unique = [...new Map(missing.map((k) => [seriesKey(orgId, deviceId, k), k])).values()];
    const found = await this.opts.store.resolveSeries(orgId, deviceId, unique, now);
    const byKey = new Map<string, ResolvedSeries>();
    unique.forEach((k, i) => {
      const series = found[i] as ResolvedSeries;
      byKey.set(seriesKey(orgId, deviceId, k), series);
      this.remember(seriesKey(orgId, deviceId, k), deviceId, series);
    });
    return keys.map((k, i) => out[i] ?? (byKey.get(seriesKey(orgId, deviceId, k)) as ResolvedSeries));
  }

  /**
   * Ids of `keys` (same order) when every one is cached and fresh, as `resolve` would answer
   * them, without a promise; undefined when any is not (then `resolve`).
   */
  cached(orgId: string, deviceId: string, keys: readonly DatastreamKey[]): ResolvedSeries[] | undefined {
    const clock = this.opts.clock();
    const out: ResolvedSeries[] = new Array(keys.length);
    for (let i = 0; i < keys.length; i++) {
      const hit = this.ids.get(seriesKey(orgId, deviceId, keys[i] as DatastreamKey));
      if (!hit || clock - hit.at >= this.ttl) return undefined;
      out[i] = hit.series;
    }
    return out;
  }

  get size(): number {
    return this.ids.size;
  }

  close(): void {
    for (const off of this.off.splice(0)) off();
    this.ids.clear();
    this.keyOfId.clear();
    this.keysOfDevice.clear();
  }

  private remember(key: string, deviceId: string, series: ResolvedSeries) {
    const id = series.id;
    if (this.ids.size >= this.maxEntries) {
      this.ids.clear();
      this.keyOfId.clear();
      this.keysOfDevice.clear();
    }
    this.ids.set(key, { series, at: this.opts.clock() });
    this.keyOfId.set(id, key);
    let mine = this.keysOfDevice.get(deviceId);
    if (!mine) {
      mine = new Set();
      this.keysOfDevice.set(deviceId, mine);
    }
    mine.add(key);
  }

  private forgetId(id: number) {
    const key = this.keyOfId.get(id);
    if (key === undefined) return;
    this.keyOfId.delete(id);
    if (this.ids.get(key)?.series.id === id) this.ids.delete(key);
  }

  private forgetDevice(deviceId: string) {
    for (const key of this.keysOfDevice.get(deviceId) ?? []) {
      const hit = this.ids.get(key);
      if (hit) this.keyOfId.delete(hit.series.id);
      this.ids.delete(key);
    }
    this.keysOfDevice.delete(deviceId);
  }
}
