/**
 * `startTrafficSimulation`: a fleet of simulated devices sending uplinks to a Polder at a chosen
 * total rate, over HTTP or MQTT, until stopped or for a duration. Used by `polder simulate
 * traffic`, the demo (`POLDER_DEMO`) and the ingest benchmark. The clock and sleep are injected,
 * so the pacing is tested without waiting.
 */
import type { Clock } from '../../shared/clock.js';
import { GENERATORS, simulatedDevices } from './generators.js';
import { Pacer, roundRobin } from './pacer.js';
import { httpPipelineAdmin, type PipelineAdmin, type PipelineRef } from './pipeline-admin.js';
import { httpSender, mqttSender, type SendResult, type UplinkSender } from './senders.js';
import { TRAFFIC_KINDS, type TrafficDevice, type TrafficKind, type Uplink } from './uplink.js';

export interface TrafficOptions {
  /** Polder's HTTP base URL (pipelines API, HTTP uplinks). */
  baseUrl: string;
  /** API key: pipelines:write and uplinks:write (and admin:write to publish on the embedded broker). */
  token?: string | undefined;
  /** Uplinks per second, all devices together; Infinity: as fast as the sender takes them. */
  rate: number;
  /** Devices, spread over the kinds in turn (default: 2 per kind). */
  devices?: number;
  kinds?: readonly TrafficKind[];
  /** Stop by itself after this many seconds (default: run until stop()). */
  durationS?: number | undefined;
  transport?: 'http' | 'mqtt';
  /** MQTT broker URL (default: Polder's host, port 1883). */
  mqttUrl?: string | undefined;
  /** Uplinks in flight at most (HTTP requests awaiting their 202, publications awaiting PUBACK). */
  concurrency?: number;
  /** Same seed, same devices and payloads (default 1). */
  seed?: number;
  /** Pipeline names are `<prefix><kind>` (default `sim-`). */
  prefix?: string;
  /** Relative share of uplinks per device of each kind (default 1 each). */
  weights?: Partial<Record<TrafficKind, number>>;
  /** Overrides (tests, the demo): how pipelines are ensured and uplinks sent. */
  admin?: PipelineAdmin;
  sender?: UplinkSender;
  clock?: Clock;
  sleep?: (ms: number) => Promise<void>;
  /** Told about every uplink once its fate is known (benchmarks match it against stored data). */
  onResult?: (uplink: Uplink, result: SendResult, pipeline: PipelineRef) => void;
}

export interface TrafficStats {
  devices: number;
  /** Handed to the transport. */
  sent: number;
  /** 202 / PUBACK. */
  accepted: number;
  rejected: number;
  inFlight: number;
  /** Sends the schedule gave up because the target could not keep up (see Pacer). */
  skipped: number;
  /** Rejections by reason ("HTTP 404 PIPELINE_NOT_FOUND", "timeout" …). */
  reasons: Record<string, number>;
  startedAt: number;
}

export interface RunningTraffic {
  pipelines: ReadonlyMap<TrafficKind, PipelineRef>;
  devices: readonly TrafficDevice[];
  stats(): TrafficStats;
  /** Resolves once the run ended (duration reached or stopped) and every uplink in flight has its answer. */
  done: Promise<void>;
  stop(): Promise<void>;
}

/** The MQTT broker next to a Polder: same host, port 1883. */
export const defaultMqttUrl = (baseUrl: string): string => `mqtt://${new URL(baseUrl).hostname}:1883`;

/** A promise and its resolve (Promise.withResolvers is Node 22+). */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

export async function startTrafficSimulation(opts: TrafficOptions): Promise<RunningTraffic> {
  const kinds = opts.kinds && opts.kinds.length > 0 ? [...new Set(opts.kinds)] : [...TRAFFIC_KINDS];
  const count = opts.devices ?? 2 * kinds.length;
  if (!Number.isInteger(count) || count < 1) throw new RangeError('devices must be a whole number of at least 1');
  const clock = opts.clock ?? Date.now;
  const stopSignal = deferred();
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const concurrency = opts.concurrency ?? 32;

  const admin = opts.admin ?? httpPipelineAdmin(opts.baseUrl, opts.token ?? '');
  const refs = new Map<TrafficKind, PipelineRef>();
  for (const kind of kinds) refs.set(kind, await admin.ensurePipeline(GENERATORS[kind].pipeline(opts.prefix ?? 'sim-')));
  const sender =
    opts.sender ??
    (opts.transport === 'mqtt'
      ? await mqttSender({ url: opts.mqttUrl ?? defaultMqttUrl(opts.baseUrl), username: 'polder-sim', password: opts.token })
      : httpSender({ baseUrl: opts.baseUrl, token: opts.token }));

  const devices = simulatedDevices(kinds, count, opts.seed ?? 1);
  const turns = roundRobin(devices, (d) => opts.weights?.[d.kind] ?? 1);
  const startedAt = clock();
  const pacer = new Pacer(opts.rate, startedAt);
  const deadline = opts.durationS === undefined ? Number.POSITIVE_INFINITY : startedAt + opts.durationS * 1000;
  const stats: TrafficStats = {
    devices: count,
    sent: 0,
    accepted: 0,
    rejected: 0,
    inFlight: 0,
    skipped: 0,
    reasons: {},
    startedAt,
  };
  let stopped = false;
  let slotFreed = deferred();
  const pending = new Set<Promise<void>>();

  const dispatch = (device: TrafficDevice) => {
    const uplink = device.next(clock());
    const ref = refs.get(device.kind) as PipelineRef;
    stats.sent++;
    stats.inFlight++;
    const p = sender
      .send(ref.id, uplink)
      .catch((err: unknown): SendResult => ({ ok: false, reason: (err as Error).message }))
      .then((result) => {
        stats.inFlight--;
        if (result.ok) stats.accepted++;
        else {
          stats.rejected++;
          stats.reasons[result.reason] = (stats.reasons[result.reason] ?? 0) + 1;
        }
        opts.onResult?.(uplink, result, ref);
        slotFreed.resolve();
      });
    pending.add(p);
    void p.finally(() => pending.delete(p));
  };

  const loop = async () => {
    while (!stopped) {
      const now = clock();
      if (now >= deadline) break;
      const room = concurrency - stats.inFlight;
      if (room <= 0) {
        slotFreed = deferred();
        await Promise.race([slotFreed.promise, stopSignal.promise]);
        continue;
      }
      const n = pacer.take(now, room);
      stats.skipped = pacer.skipped;
      if (n === 0) {
        await Promise.race([sleep(Math.min(pacer.waitMs(now), deadline - now)), stopSignal.promise]);
        continue;
      }
      for (let i = 0; i < n; i++) dispatch(turns.next().value);
      // Let answers and timers run between bursts (an unbounded rate would starve them).
      if (opts.rate === Number.POSITIVE_INFINITY) await new Promise<void>((r) => setImmediate(r));
    }
    while (pending.size > 0) await Promise.all([...pending]);
  };
  // A sender made here is closed here, once; a given one belongs to the caller.
  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= opts.sender ? Promise.resolve() : sender.close();
    return closed;
  };
  const done = loop().then(close);

  return {
    pipelines: refs,
    devices,
    stats: () => ({ ...stats, reasons: { ...stats.reasons } }),
    done,
    stop() {
      stopped = true;
      stopSignal.resolve();
      return done;
    },
  };
}
