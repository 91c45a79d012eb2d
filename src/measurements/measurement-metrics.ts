import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { MeasurementEvents } from './measurement-events.js';
import type { RetentionObserver } from './measurement-retention.js';
import type { MeasurementObserver } from './measurements.service.js';

/** Prometheus metrics of the measurements domain, on the instance's registry. */
export function measurementMetrics(registry: Registry, events: MeasurementEvents): MeasurementObserver & RetentionObserver {
  const registers = [registry];
  const stored = new Counter({ name: 'polder_measurements_stored_total', help: 'Measurements stored.', registers });
  const duplicates = new Counter({
    name: 'polder_measurements_duplicates_total',
    help: 'Measurements offered again for a (datastream, time) already stored, and skipped.',
    registers,
  });
  const insertSeconds = new Histogram({
    name: 'polder_measurement_insert_duration_seconds',
    help: 'Time to store one batch of measurements (with its rollups).',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers,
  });
  const deleted = new Counter({
    name: 'polder_retention_deleted_rows_total',
    help: 'Rows deleted by retention, by table.',
    labelNames: ['table'] as const,
    registers,
  });
  const dropped = new Counter({
    name: 'polder_retention_partitions_dropped_total',
    help: 'Measurement partitions dropped whole by retention (PostgreSQL).',
    registers,
  });
  new Gauge({
    name: 'polder_live_subscriptions',
    help: 'Open live-value subscriptions (server-sent events and other in-process listeners).',
    registers,
    collect() {
      this.set(events.listenerCount);
    },
  });
  return {
    stored(offered, inserted, seconds) {
      stored.inc(inserted);
      duplicates.inc(offered - inserted);
      insertSeconds.observe(seconds);
    },
    deleted: (table, rows) => deleted.inc({ table }, rows),
    partitionDropped: () => dropped.inc(),
  };
}
