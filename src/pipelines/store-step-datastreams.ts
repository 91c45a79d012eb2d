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

interface Entry {
  series: ResolvedSeries;
  at: number;
}

/** One device's cached series: by sensor, then observed property, then unit (no key string per value). */
interface DeviceSeries {
  orgId: string;
  bySensor: Map<string, Map<string, Map<string, Entry>>>;
}

export class DatastreamCache {
  private readonly devices = new Map<string, DeviceSeries>();
  /** Where each cached datastream id is, to forget it when it is deleted. */
  private readonly keyOfId = new Map<number, { deviceId: string; key: DatastreamKey }>();
  private entries = 0;
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
    const device = this.deviceOf(orgId, deviceId);
    const out: (ResolvedSeries | undefined)[] = keys.map((k) => this.fresh(device, k, clock));
    const missing = keys.filter((_, i) => out[i] === undefined);
    if (missing.length === 0) return out as ResolvedSeries[];
    const unique = [...new Map(missing.map((k) => [seriesKey(orgId, deviceId, k), k])).values()];
    const found = await this.opts.store.resolveSeries(orgId, deviceId, unique, now);
    const byKey = new Map<string, ResolvedSeries>();
    unique.forEach((k, i) => {
      const series = found[i] as ResolvedSeries;
      byKey.set(seriesKey(orgId, deviceId, k), series);
      this.remember(orgId, deviceId, k, series);
    });
    return keys.map((k, i) => out[i] ?? (byKey.get(seriesKey(orgId, deviceId, k)) as ResolvedSeries));
  }

  /**
   * Ids of `keys` (same order) when every one is cached and fresh, as `resolve` would answer
   * them, without a promise; undefined when any is not (then `resolve`).
   */
  cached(orgId: string, deviceId: string, keys: readonly DatastreamKey[]): ResolvedSeries[] | undefined {
    const device = this.deviceOf(orgId, deviceId);
    if (!device) return undefined;
    const clock = this.opts.clock();
    const out: ResolvedSeries[] = new Array(keys.length);
    for (let i = 0; i < keys.length; i++) {
      const series = this.fresh(device, keys[i] as DatastreamKey, clock);
      if (!series) return undefined;
      out[i] = series;
    }
    return out;
  }

  get size(): number {
    return this.entries;
  }

  close(): void {
    for (const off of this.off.splice(0)) off();
    this.clear();
  }

  private deviceOf(orgId: string, deviceId: string): DeviceSeries | undefined {
    const device = this.devices.get(deviceId);
    return device?.orgId === orgId ? device : undefined;
  }

  private fresh(device: DeviceSeries | undefined, k: DatastreamKey, clock: number): ResolvedSeries | undefined {
    const hit = device?.bySensor.get(k.sensor)?.get(k.observedProperty)?.get(k.unit);
    return hit && clock - hit.at < this.ttl ? hit.series : undefined;
  }

  private clear() {
    this.devices.clear();
    this.keyOfId.clear();
    this.entries = 0;
  }

  private remember(orgId: string, deviceId: string, k: DatastreamKey, series: ResolvedSeries) {
    if (this.entries >= this.maxEntries) this.clear();
    let device = this.devices.get(deviceId);
    if (device?.orgId !== orgId) {
      if (device) this.forgetDevice(deviceId);
      device = { orgId, bySensor: new Map() };
      this.devices.set(deviceId, device);
    }
    let byProperty = device.bySensor.get(k.sensor);
    if (!byProperty) {
      byProperty = new Map();
      device.bySensor.set(k.sensor, byProperty);
    }
    let byUnit = byProperty.get(k.observedProperty);
    if (!byUnit) {
      byUnit = new Map();
      byProperty.set(k.observedProperty, byUnit);
    }
    const before = byUnit.get(k.unit);
    if (before) this.keyOfId.delete(before.series.id);
    else this.entries++;
    byUnit.set(k.unit, { series, at: this.opts.clock() });
    this.keyOfId.set(series.id, { deviceId, key: k });
  }

  private forgetId(id: number) {
    const at = this.keyOfId.get(id);
    if (!at) return;
    this.keyOfId.delete(id);
    const byUnit = this.devices.get(at.deviceId)?.bySensor.get(at.key.sensor)?.get(at.key.observedProperty);
    if (byUnit?.get(at.key.unit)?.series.id !== id) return;
    byUnit.delete(at.key.unit);
    this.entries--;
  }

  private forgetDevice(deviceId: string) {
    const device = this.devices.get(deviceId);
    if (!device) return;
    for (const byProperty of device.bySensor.values())
      for (const byUnit of byProperty.values())
        for (const hit of byUnit.values()) {
          this.keyOfId.delete(hit.series.id);
          this.entries--;
        }
    this.devices.delete(deviceId);
  }
}
