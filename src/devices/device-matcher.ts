/**
 * Which registered device each message of a batch is about. A DeviceRef names a device by id,
 * identity, code or MQTT base topic; the refs of a batch are looked up together (one query per
 * kind and organisation) and the answers cached until the registry says the device changed.
 * Unknown devices are created when the pipeline auto-registers them. Boards sharing a base topic
 * are told apart by the payload's unitID (pickBoard, which the fleet's DeviceDirectory uses).
 */

import type { Clock } from '../shared/clock.js';
import { DomainError, notFound } from '../shared/errors.js';
import type { DeviceRef } from '../workers/workers.js';
import type { DeviceEvents } from './device-events.js';
import type { Device, DeviceInput } from './devices.js';
import { DEVICE_CODE_RE } from './devices.js';
import { type Identity, normaliseIdentityValue } from './identity.js';

/** What the matcher reads of a device. */
export interface DeviceMatch {
  id: string;
  code: string;
  identity: Identity | null;
  enabled: boolean;
}

/** Batch lookups of devices of one organisation (device-lookup.store.ts implements it over SQL). */
export interface DeviceLookup {
  byIds(orgId: string, ids: string[]): Promise<DeviceMatch[]>;
  byIdentities(orgId: string, identities: Identity[]): Promise<DeviceMatch[]>;
  byCodes(orgId: string, codes: string[]): Promise<DeviceMatch[]>;
}

/**
 * The device that published under a base topic (`u4/302`), told apart by the payload's unitID
 * when several boards share the room: the fleet's DeviceDirectory answers it in memory.
 */
export type TopicResolver = (
  orgId: string,
  topic: string,
  payload: Uint8Array,
) => string | undefined | Promise<string | undefined>;

/** Creates a device (DeviceService.create): validates, emits `deviceSaved`. */
export interface DeviceCreator {
  create(orgId: string, input: DeviceInput): Promise<Device>;
}

export interface MatchRequest {
  orgId: string;
  ref: DeviceRef;
  /** The raw payload as received (its unitID picks a board among those sharing a topic). */
  payload: Uint8Array;
  /** Set when the pipeline auto-registers unknown devices: the type they get (null: by identity). */
  autoRegister?: { deviceType: string | null } | undefined;
}

export type MatchResult = { deviceId: string } | { error: DomainError };

/**
 * Cache keys inside one organisation's map. A device id (a UUID) is its own key, so the id
 * string the device holds is not copied; identities and codes get a prefix no UUID starts with.
 */
const key = {
  id: (id: string) => id,
  identity: (i: Identity) => `e\u0000${i.kind}\u0000${i.value}`,
  code: (code: string) => `c\u0000${code}`,
};

/** Canonical identity of a ref, or undefined when absent or not a valid value of its kind. */
function identityOf(ref: DeviceRef): Identity | undefined {
  if (!ref.identity) return undefined;
  const value = normaliseIdentityValue(ref.identity.kind, ref.identity.value);
  return value === undefined ? undefined : { kind: ref.identity.kind, value };
}

/** The keys a cached device is found by. */
const keysOfMatch = (d: DeviceMatch): string[] => [
  key.id(d.id),
  key.code(d.code),
  ...(d.identity ? [key.identity(d.identity)] : []),
];

/** A registry code for an auto-registered device: its identity (or code) made a valid code. */
export function autoCode(ref: DeviceRef): string | undefined {
  const raw = identityOf(ref)?.value ?? ref.code;
  if (!raw) return undefined;
  const code = raw.replace(/[^A-Za-z0-9._:@-]/g, '-').slice(0, 128);
  return DEVICE_CODE_RE.test(code) ? code : `d${code.slice(0, 127)}`;
}

/** The `unitID` a neOCampus payload names, if it is a JSON object with one. */
export function unitIdOf(payload: Buffer | unknown): string | undefined {
  let body = payload;
  if (Buffer.isBuffer(payload)) {
    if (payload.length === 0 || payload[0] !== 0x7b /* { */) return undefined;
    try {
      body = JSON.parse(payload.toString('utf8'));
    } catch {
      return undefined;
    }
  }
  const unit = (body as { unitID?: unknown } | null)?.unitID;
  return typeof unit === 'string' && unit !== '' ? unit : undefined;
}

/** What telling boards apart on one base topic reads of each (the fleet's DeviceAccount). */
export interface BoardCandidate {
  /** The unitID its last status named (null: not known yet). */
  unitId: string | null;
  /** The unitIDs it is expected to report (`properties.unitID`, the firmware's default). */
  unitHints: string[];
}

/**
 * Which of the enabled devices sharing a base topic published `payload`: the one whose last
 * status named the payload's unitID, else the one expecting it; failing that, the only one whose
 * unitID is not known yet. Otherwise none (undefined), rather than a wrong one.
 */
export function pickBoard<T extends BoardCandidate>(candidates: readonly T[], payload: Buffer): T | undefined {
  if (candidates.length === 1) return candidates[0];
  const unit = unitIdOf(payload)?.toLowerCase();
  if (unit !== undefined) {
    const named =
      candidates.find((a) => a.unitId?.toLowerCase() === unit) ??
      candidates.find((a) => a.unitId === null && a.unitHints.some((h) => h.toLowerCase() === unit));
    if (named) return named;
  }
  const unknown = candidates.filter((a) => a.unitId === null);
  return unknown.length === 1 ? unknown[0] : undefined;
}

interface Cached {
  orgId: string;
  device: DeviceMatch;
  at: number;
}

export interface DeviceMatcherOptions {
  lookup: DeviceLookup;
  resolveTopic?: TopicResolver | undefined;
  creator: DeviceCreator;
  /** Registry events: saved, disabled, deleted and bulk-changed devices leave the cache. */
  events?: Pick<DeviceEvents, 'on'> | undefined;
  clock: Clock;
  /** Bounds staleness when another process changes the registry (ms, default 60 s). */
  ttlMs?: number;
  /** Devices kept before the cache starts over (default 50 000; each is found by up to 3 keys). */
  maxEntries?: number;
}

export class DeviceMatcher {
  /**
   * Organisation → key → entry; one entry per device, under each of its keys (id, code,
   * identity). With 10,000 boards every byte of an entry counts (docs/benchmarks.md).
   */
  private readonly cache = new Map<string, Map<string, Cached>>();
  /** Device id → its entry, to forget a device whatever it was looked up by (its keys follow from it). */
  private readonly entries = new Map<string, Cached>();
  private readonly off: (() => void)[] = [];
  private readonly ttl: number;
  private readonly maxEntries: number;

  constructor(private readonly opts: DeviceMatcherOptions) {
    this.ttl = opts.ttlMs ?? 60_000;
    this.maxEntries = opts.maxEntries ?? 50_000;
    const ev = opts.events;
    if (ev) {
      this.off.push(
        ev.on('deviceSaved', ({ device, previous }) => {
          this.forget(device.id);
          if (previous) this.forget(previous.id);
        }),
        ev.on('deviceDisabled', (d) => this.forget(d.id)),
        ev.on('deviceDeleted', (d) => this.forget(d.id)),
        ev.on('devicesChanged', ({ ids }) => {
          for (const id of ids) this.forget(id);
        }),
      );
    }
  }

  /** One answer per request, in order. Throws only when the database does not answer (retry). */
  async match(requests: readonly MatchRequest[]): Promise<MatchResult[]> {
    // Each request's cache entry is looked up once (it runs per uplink); only the misses are loaded, then looked up again.
    const known = requests.map((r) => this.cached(r.orgId, r.ref));
    const misses = requests.filter((_, i) => known[i] === undefined);
    if (misses.length > 0) {
      await this.load(misses);
      for (const [i, r] of requests.entries()) known[i] ??= this.cached(r.orgId, r.ref);
    }
    const results: (MatchResult | undefined)[] = [];
    const toCreate: number[] = [];
    for (const [i, r] of requests.entries()) {
      const found = known[i];
      if (found) results[i] = resultOf(found, r.ref);
      else if (r.ref.topic !== undefined && this.opts.resolveTopic) {
        const id = await this.opts.resolveTopic(r.orgId, r.ref.topic, r.payload);
        if (id !== undefined) results[i] = { deviceId: id };
      }
      if (results[i] === undefined) {
        if (r.autoRegister) toCreate.push(i);
        else results[i] = { error: notFoundError(r.ref) };
      }
    }
    for (const i of toCreate) {
      const r = requests[i] as MatchRequest;
      // Created by an earlier request of this batch: found in the cache now.
      const found = this.cached(r.orgId, r.ref);
      results[i] = found ? resultOf(found, r.ref) : await this.register(r);
    }
    return results as MatchResult[];
  }

  close(): void {
    for (const off of this.off.splice(0)) off();
    this.cache.clear();
    this.entries.clear();
  }

  /** Looks up the refs (the caller's cache misses): per organisation, one query per kind of key. */
  private async load(requests: readonly MatchRequest[]) {
    const wanted = new Map<string, { ids: Set<string>; identities: Map<string, Identity>; codes: Set<string> }>();
    for (const r of requests) {
      let w = wanted.get(r.orgId);
      if (!w) {
        w = { ids: new Set(), identities: new Map(), codes: new Set() };
        wanted.set(r.orgId, w);
      }
      if (r.ref.id) w.ids.add(r.ref.id);
      const identity = identityOf(r.ref);
      if (identity) w.identities.set(key.identity(identity), identity);
      if (r.ref.code) w.codes.add(r.ref.code);
    }
    for (const [orgId, w] of wanted) {
      const { lookup } = this.opts;
      const found = [
        ...(w.ids.size > 0 ? await lookup.byIds(orgId, [...w.ids]) : []),
        ...(w.identities.size > 0 ? await lookup.byIdentities(orgId, [...w.identities.values()]) : []),
        ...(w.codes.size > 0 ? await lookup.byCodes(orgId, [...w.codes]) : []),
      ];
      for (const d of found) this.remember(orgId, d);
    }
  }

  private cached(orgId: string, ref: DeviceRef): DeviceMatch | undefined {
    const org = this.cache.get(orgId);
    if (!org) return undefined;
    const now = this.opts.clock();
    // Tried in this order: id, identity, code (no array of keys per look-up: it runs per uplink).
    // An id with a NUL is no device's id and could pose as an identity or code key.
    let hit = ref.id && !ref.id.includes('\u0000') ? org.get(key.id(ref.id)) : undefined;
    if (hit && now - hit.at < this.ttl) return hit.device;
    const identity = identityOf(ref);
    hit = identity ? org.get(key.identity(identity)) : undefined;
    if (hit && now - hit.at < this.ttl) return hit.device;
    hit = ref.code ? org.get(key.code(ref.code)) : undefined;
    return hit && now - hit.at < this.ttl ? hit.device : undefined;
  }

  private remember(orgId: string, d: DeviceMatch) {
    if (this.entries.size >= this.maxEntries) {
      this.cache.clear();
      this.entries.clear();
    }
    this.forget(d.id);
    const entry: Cached = { orgId, device: d, at: this.opts.clock() };
    let org = this.cache.get(orgId);
    if (!org) {
      org = new Map();
      this.cache.set(orgId, org);
    }
    for (const k of keysOfMatch(d)) org.set(k, entry);
    this.entries.set(d.id, entry);
  }

  private forget(deviceId: string) {
    const entry = this.entries.get(deviceId);
    if (!entry) return;
    this.entries.delete(deviceId);
    const org = this.cache.get(entry.orgId);
    for (const k of keysOfMatch(entry.device)) if (org?.get(k) === entry) org.delete(k);
    if (org?.size === 0) this.cache.delete(entry.orgId);
  }

  /**
   * Creates the device a ref names. A concurrent creator (another worker process) makes our
   * insert a CONFLICT: the device is then looked up again and used.
   */
  private async register(r: MatchRequest): Promise<MatchResult> {
    const identity = identityOf(r.ref);
    const code = autoCode(r.ref);
    // Without a pipeline deviceType: the built-in types (DevEUIs are LoRaWAN nodes).
    const type = r.autoRegister?.deviceType ?? (identity?.kind === 'deveui' ? 'lorawan-node' : 'sensor');
    if (code === undefined) {
      return { error: notFoundError(r.ref, '; not auto-registered: it has no identity or code to register it by') };
    }
    try {
      const device = await this.opts.creator.create(r.orgId, { code, type, ...(identity && { identity }) });
      this.remember(r.orgId, { id: device.id, code: device.code, identity: device.identity, enabled: device.enabled });
      return { deviceId: device.id };
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      if (err.code !== 'CONFLICT') return { error: err };
    }
    await this.load([{ ...r, ref: { ...(identity && { identity }), code } }]);
    const found = this.cached(r.orgId, { ...(identity && { identity }), code });
    // The code was taken by a device with another identity: better unmatched than mixed up.
    if (found && (identity === undefined || found.identity?.value === identity.value)) return resultOf(found, r.ref);
    return { error: notFoundError(r.ref, `; not auto-registered: code ${code} belongs to another device`) };
  }
}

function resultOf(d: DeviceMatch, ref: DeviceRef): MatchResult {
  if (!d.enabled)
    return {
      error: new DomainError('DEVICE_DISABLED', `device ${d.code} is disabled: its uplinks are refused`, { id: d.id, ref }),
    };
  return { deviceId: d.id };
}

function describe(ref: DeviceRef): string {
  if (ref.id) return ref.id;
  if (ref.identity) return `${ref.identity.kind} ${ref.identity.value}`;
  return ref.code ?? (ref.topic !== undefined ? `on topic ${ref.topic}` : '(none named)');
}

function notFoundError(ref: DeviceRef, more = ''): DomainError {
  const base = notFound('device', describe(ref));
  return new DomainError(base.code, `${base.message}${more}`, { ref });
}
