import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { type Clock, systemClock } from '../shared/clock.js';
import type { HeartbeatCounters } from './heartbeats.js';

/** Devices of one site (slug, null when unplaced) in one stored state (`unknown` = never seen). */
export interface DeviceStateCount {
  site: string | null;
  state: string;
  count: number;
}

/** The fleet store's grouped count (one query over every organisation). */
export interface DeviceStateCounts {
  deviceStateCounts(): Promise<DeviceStateCount[]>;
}

/** How long one count serves scrapes: Prometheus and several dashboards may scrape every few seconds. */
export const DEVICE_COUNTS_CACHE_MS = 5000;
/** Sites with the most devices keep their slug as `site` label; the rest are summed under `other`. */
export const DEVICE_COUNTS_MAX_SITES = 200;
/** `polder_devices` states: the stored states, `unknown` named for what it means. */
export const DEVICE_GAUGE_STATES = ['online', 'offline', 'never_seen', 'disabled'] as const;

/**
 * The fleet's Prometheus series, on the Polder instance's registry. `polder_devices` exists only
 * when `deviceStates` (the fleet store) is given.
 */
export function createFleetMetrics(
  registry: Registry,
  connectedClients: () => number | undefined,
  deviceStates?: DeviceStateCounts,
  clock: Clock = systemClock,
) {
  if (deviceStates) registerDeviceGauge(registry, deviceStates, clock);
  const heartbeats = new Counter({
    name: 'polder_device_heartbeats_total',
    help: 'MQTT messages counted as signs of life, and those no device could be found for (external broker).',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  const seen = heartbeats.labels('seen');
  const unattributed = heartbeats.labels('unattributed');
  new Gauge({
    name: 'polder_mqtt_connected_clients',
    help: 'Clients connected to the embedded MQTT broker.',
    registers: [registry],
    collect() {
      const n = connectedClients();
      if (n !== undefined) this.set(n);
    },
  });
  const sweepDuration = new Histogram({
    name: 'polder_fleet_sweep_duration_seconds',
    help: 'Duration of the offline sweep (flush of pending activity, marking, alerts).',
    buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const flushDuration = new Histogram({
    name: 'polder_fleet_activity_flush_duration_seconds',
    help: 'Duration of one batched write of device activity.',
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const commands = new Counter({
    name: 'polder_device_commands_total',
    help: 'Orders sent to devices, by result.',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  const counters: HeartbeatCounters = { seen: () => seen.inc(), unattributed: () => unattributed.inc() };
  return { heartbeats: counters, sweepDuration, flushDuration, commands };
}

export type FleetMetrics = ReturnType<typeof createFleetMetrics>;

type Series = { site: string; state: string; count: number }[];

/**
 * `polder_devices{state, site}`, counted on scrape from one grouped query, cached for
 * DEVICE_COUNTS_CACHE_MS (concurrent scrapes share one query). A failed query leaves the gauge
 * empty (polder_database_up says why) rather than failing the whole scrape.
 */
function registerDeviceGauge(registry: Registry, store: DeviceStateCounts, clock: Clock) {
  let cached: { at: number; series: Promise<Series> } | undefined;
  const read = (): Promise<Series> => {
    const now = clock();
    if (!cached || now - cached.at >= DEVICE_COUNTS_CACHE_MS) {
      const entry = { at: now, series: store.deviceStateCounts().then(deviceSeries) };
      // A failure is not kept: the next scrape asks again.
      entry.series.catch(() => {
        if (cached === entry) cached = undefined;
      });
      cached = entry;
    }
    return cached.series;
  };
  new Gauge({
    name: 'polder_devices',
    help:
      'Devices of every organisation by state (online, offline, never_seen, disabled) and site slug ' +
      `(the ${DEVICE_COUNTS_MAX_SITES} largest sites; the rest as other, unplaced devices as none).`,
    labelNames: ['state', 'site'] as const,
    registers: [registry],
    async collect() {
      const series = await read().catch(() => [] as Series);
      this.reset();
      for (const s of series) this.set({ state: s.state, site: s.site }, s.count);
    },
  });
}

/** Counts by site and state as series: bounded sites, every state of a site present (0 when none). */
export function deviceSeries(rows: DeviceStateCount[]): Series {
  const bySite = new Map<string, Map<string, number>>();
  for (const r of rows) {
    const state = r.state === 'unknown' ? 'never_seen' : r.state;
    if (!(DEVICE_GAUGE_STATES as readonly string[]).includes(state)) continue;
    const site = r.site ?? 'none';
    const states = bySite.get(site) ?? new Map<string, number>();
    states.set(state, (states.get(state) ?? 0) + r.count);
    bySite.set(site, states);
  }
  const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  const sites = [...bySite.entries()].sort((a, b) => total(b[1]) - total(a[1]) || (a[0] < b[0] ? -1 : 1));
  const kept = new Map<string, Map<string, number>>();
  sites.forEach(([site, states], i) => {
    const label = i < DEVICE_COUNTS_MAX_SITES ? site : 'other';
    const into = kept.get(label) ?? new Map<string, number>();
    for (const [state, n] of states) into.set(state, (into.get(state) ?? 0) + n);
    kept.set(label, into);
  });
  return [...kept.entries()].flatMap(([site, states]) =>
    DEVICE_GAUGE_STATES.map((state) => ({ site, state, count: states.get(state) ?? 0 })),
  );
}

/** Runs `task` and observes how long it took. */
export async function timed<T>(histogram: Histogram, task: () => Promise<T>): Promise<T> {
  const end = histogram.startTimer();
  try {
    return await task();
  } finally {
    end();
  }
}
