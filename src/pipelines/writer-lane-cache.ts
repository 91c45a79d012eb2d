/**
 * The writer lane's cache on the lane's thread (writer-lane-thread.ts): devices by the ref an
 * uplink names them by, and number datastreams by device and key, read from the thread's own
 * connection (`LaneReader`) the first time and again once as old as the event loop's caches let
 * theirs get (device-matcher.ts, store-step-datastreams.ts), and dropped at once on the registry's
 * changes in this process (`forget`). It finds only what exists: a device or datastream that is
 * not there yet is the pipeline runner's to register or create. Nested maps and a short list per
 * device, so that a look-up per uplink builds no key string.
 */
import { normaliseIdentityValue } from '../devices/identity.js';
import type { DeviceRef } from '../workers/message.js';

/** A device ref as the lane keys it: `id` and the device id, or an identity kind and its normalised value. */
export type LaneRef = [kind: string, value: string];

/** What changed in the registry: the cache drops these devices (with their datastreams) and datastreams. */
export interface LaneForget {
  devices: readonly string[];
  datastreams: readonly number[];
}

/** Reads of the registry (the lane thread's read-only connection: sqliteLaneReader). */
export interface LaneReader {
  /** The device a ref names in the organisation, enabled or not. */
  device(orgId: string, ref: LaneRef): { id: string; enabled: boolean } | undefined;
  /** The datastream of a device's sensor (external id), property and unit. */
  datastream(deviceId: string, sensor: string, property: string, unit: string): { id: number; kind: string } | undefined;
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

/** As long as the event loop's caches keep an entry without reading it again (device-matcher.ts, store-step-datastreams.ts). */
export const DEVICE_TTL_MS = 60_000;
export const SERIES_TTL_MS = 300_000;
const MAX_DEVICES = 50_000;

interface Device {
  id: string;
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
  /** Organisation → ref kind → value → enabled device. */
  private readonly devices = new Map<string, Map<string, Map<string, Device>>>();
  /** Device id → its number datastreams (a device has a handful: scanned). */
  private readonly series = new Map<string, Series[]>();
  /** A device's refs, to forget it whatever it was found by; a datastream's device. */
  private readonly refsOf = new Map<string, [orgId: string, kind: string, value: string][]>();
  private readonly deviceOf = new Map<number, string>();

  constructor(private readonly reader: LaneReader) {}

  /** The enabled device `ref` names in the organisation; undefined when there is none (yet) or it is disabled. */
  device(orgId: string, ref: LaneRef, now: number): string | undefined {
    const byValue = this.devices.get(orgId)?.get(ref[0]);
    const known = byValue?.get(ref[1]);
    if (known && now - known.at < DEVICE_TTL_MS) return known.id;
    const found = this.reader.device(orgId, ref);
    if (!found?.enabled) {
      if (known) this.forgetDevice(known.id);
      return undefined;
    }
    if (known && known.id !== found.id) this.forgetDevice(known.id);
    if (this.refsOf.size >= MAX_DEVICES) this.clear();
    inner(
      inner(this.devices, orgId, () => new Map()),
      ref[0],
      () => new Map<string, Device>(),
    ).set(ref[1], { id: found.id, at: now });
    const refs = inner(this.refsOf, found.id, () => []);
    if (!refs.some((r) => r[0] === orgId && r[1] === ref[0] && r[2] === ref[1])) refs.push([orgId, ref[0], ref[1]]);
    return found.id;
  }

  /** The device's number datastream of that sensor, property and unit; undefined when there is none (yet). */
  datastream(deviceId: string, sensor: string, property: string, unit: string, now: number): number | undefined {
    const list = inner(this.series, deviceId, () => []);
    const at = list.findIndex((x) => x.sensor === sensor && x.property === property && x.unit === unit);
    const known = at < 0 ? undefined : (list[at] as Series);
    if (known && now - known.at < SERIES_TTL_MS) return known.id;
    const found = this.reader.datastream(deviceId, sensor, property, unit);
    if (known) {
      list.splice(at, 1);
      this.deviceOf.delete(known.id);
    }
    if (!found || found.kind !== 'number') return undefined;
    list.push({ sensor, property, unit, id: found.id, at: now });
    this.deviceOf.set(found.id, deviceId);
    return found.id;
  }

  /** Drops the devices (with their datastreams) and the datastreams that changed. */
  forget(f: LaneForget): void {
    for (const deviceId of f.devices) this.forgetDevice(deviceId);
    for (const id of f.datastreams) {
      const deviceId = this.deviceOf.get(id);
      if (deviceId === undefined) continue;
      this.deviceOf.delete(id);
      const list = this.series.get(deviceId);
      if (list)
        this.series.set(
          deviceId,
          list.filter((x) => x.id !== id),
        );
    }
  }

  private forgetDevice(deviceId: string): void {
    for (const [orgId, kind, value] of this.refsOf.get(deviceId) ?? []) this.devices.get(orgId)?.get(kind)?.delete(value);
    this.refsOf.delete(deviceId);
    for (const s of this.series.get(deviceId) ?? []) this.deviceOf.delete(s.id);
    this.series.delete(deviceId);
  }

  private clear(): void {
    this.devices.clear();
    this.series.clear();
    this.refsOf.clear();
    this.deviceOf.clear();
  }
}
