/**
 * The writer lane's cache on the writer thread (writer-lane-thread.ts): devices by the ref an
 * uplink names them by, and number datastreams by device and key, as the store step found them
 * (`learn`), dropped on the registry's changes (`forget`). Nested maps, so that a look-up per
 * uplink builds no key string (a key made per uplink cost its flattening and hashing each time).
 */
import { normaliseIdentityValue } from '../devices/identity.js';
import type { DeviceRef } from '../workers/message.js';

/** A device ref as the lane keys it: `id` and the device id, or an identity kind and its normalised value. */
export type LaneRef = [kind: string, value: string];

/** What the event loop learnt (see laneRef). */
export interface LaneLearn {
  generation: number;
  devices: [orgId: string, kind: string, value: string, deviceId: string][];
  series: [deviceId: string, sensor: string, observedProperty: string, unit: string, datastreamId: number][];
}

/** What changed in the registry: the cache drops these devices (with their datastreams) and datastreams. */
export interface LaneForget {
  generation: number;
  devices: readonly string[];
  datastreams: readonly number[];
}

/**
 * The ref as the device matcher finds it: by id, else by identity (normalised); undefined for a
 * ref the lane does not take (a code, a topic, or both an id and an identity, which the matcher
 * could answer by either).
 */
export function laneRef(ref: DeviceRef | undefined): LaneRef | undefined {
  if (!ref || ref.code !== undefined || ref.topic !== undefined) return undefined;
  if (ref.id !== undefined) return ref.identity === undefined ? ['id', ref.id] : undefined;
  if (!ref.identity) return undefined;
  const value = normaliseIdentityValue(ref.identity.kind, ref.identity.value);
  return value === undefined ? undefined : [ref.identity.kind, value];
}

/** As long as the event loop's caches keep an entry without hearing of a change (device-matcher.ts, store-step-datastreams.ts). */
const DEVICE_TTL_MS = 60_000;
const SERIES_TTL_MS = 300_000;
const MAX_ENTRIES = 200_000;

interface Entry<T> {
  value: T;
  at: number;
}

interface Series {
  sensor: string;
  property: string;
  unit: string;
  id: number;
  at: number;
}

/** map.get(k), made when absent. */
function inner<K, V>(map: Map<K, V>, k: K, make: () => V): V {
  let v = map.get(k);
  if (v === undefined) {
    v = make();
    map.set(k, v);
  }
  return v;
}

export class LaneCache {
  /** Organisation → ref kind → value → device id. */
  private readonly devices = new Map<string, Map<string, Map<string, Entry<string>>>>();
  /** Device id → its datastreams (a device has a handful: scanned, where nested maps cost a look-up per level). */
  private readonly series = new Map<string, Series[]>();
  /** A device's refs, to forget it whatever it was found by; a datastream's place. */
  private readonly refsOf = new Map<string, [orgId: string, kind: string, value: string][]>();
  private readonly placeOf = new Map<number, string>();
  private generation = 0;

  learn(l: LaneLearn): void {
    if (l.generation < this.generation) return;
    if (this.refsOf.size + this.placeOf.size > MAX_ENTRIES) this.clear();
    const at = Date.now();
    for (const [orgId, kind, value, deviceId] of l.devices) {
      const byValue = inner(
        inner(this.devices, orgId, () => new Map()),
        kind,
        () => new Map<string, Entry<string>>(),
      );
      byValue.set(value, { value: deviceId, at });
      const refs = inner(this.refsOf, deviceId, () => []);
      if (!refs.some((r) => r[0] === orgId && r[1] === kind && r[2] === value)) refs.push([orgId, kind, value]);
    }
    for (const [deviceId, sensor, property, unit, id] of l.series) {
      const list = inner(this.series, deviceId, () => []);
      const known = list.find((x) => x.sensor === sensor && x.property === property && x.unit === unit);
      if (known) {
        known.id = id;
        known.at = at;
      } else list.push({ sensor, property, unit, id, at });
      this.placeOf.set(id, deviceId);
    }
  }

  /** Drops the devices (with their datastreams) and datastreams that changed; what was learnt before `generation` is not taken any more. */
  forget(f: LaneForget): void {
    this.generation = Math.max(this.generation, f.generation);
    for (const deviceId of f.devices) {
      for (const [orgId, kind, value] of this.refsOf.get(deviceId) ?? []) this.devices.get(orgId)?.get(kind)?.delete(value);
      this.refsOf.delete(deviceId);
      this.series.delete(deviceId);
    }
    for (const id of f.datastreams) {
      const deviceId = this.placeOf.get(id);
      if (deviceId === undefined) continue;
      this.placeOf.delete(id);
      const list = this.series.get(deviceId);
      if (list)
        this.series.set(
          deviceId,
          list.filter((x) => x.id !== id),
        );
    }
  }

  device(orgId: string, ref: LaneRef, now: number): string | undefined {
    const e = this.devices.get(orgId)?.get(ref[0])?.get(ref[1]);
    return e && now - e.at < DEVICE_TTL_MS ? e.value : undefined;
  }

  /** A device's datastreams, to find each draft's with `datastream`. */
  datastreamsOf(deviceId: string): readonly Series[] | undefined {
    return this.series.get(deviceId);
  }

  datastream(list: readonly Series[], sensor: string, property: string, unit: string, now: number): number | undefined {
    for (const x of list)
      if (x.sensor === sensor && x.property === property && x.unit === unit) return now - x.at < SERIES_TTL_MS ? x.id : undefined;
    return undefined;
  }

  private clear(): void {
    this.devices.clear();
    this.series.clear();
    this.refsOf.clear();
    this.placeOf.clear();
  }
}
