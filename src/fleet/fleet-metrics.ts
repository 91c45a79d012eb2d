import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { HeartbeatCounters } from './heartbeats.js';

/** The fleet's Prometheus series, on the Polder instance's registry. */
export function createFleetMetrics(registry: Registry, connectedClients: () => number | undefined) {
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

/** Runs `task` and observes how long it took. */
export async function timed<T>(histogram: Histogram, task: () => Promise<T>): Promise<T> {
  const end = histogram.startTimer();
  try {
    return await task();
  } finally {
    end();
  }
}
