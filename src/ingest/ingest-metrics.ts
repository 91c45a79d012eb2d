import { Counter, Gauge, type Registry } from 'prom-client';
import { OneLabelHistogram } from '../shared/histogram.js';
import type { TransportKind } from '../workers/message.js';

/**
 * Counters of the transports; one set per Polder (tests build several in one process).
 * `inboxDepth`, when given, is read at scrape time into `polder_inbox_depth`.
 */
export function createIngestMetrics(registry: Registry, inboxDepth?: () => Promise<number>) {
  const received = new Counter({
    name: 'polder_uplinks_received_total',
    help: 'Uplinks accepted into the inbox, by transport.',
    labelNames: ['transport'] as const,
    registers: [registry],
  });
  const rejected = new Counter({
    name: 'polder_uplinks_rejected_total',
    help: 'Uplinks refused or not stored, by transport and reason (an error code, or a poller failure).',
    labelNames: ['transport', 'reason'] as const,
    registers: [registry],
  });
  // From the uplink's arrival in Polder to the inbox holding it durably: what the acknowledgement waits for.
  const ackSeconds = new OneLabelHistogram(
    registry,
    'polder_uplink_ack_duration_seconds',
    'Time from an uplink reaching Polder to the inbox holding it durably (the acknowledgement waits for this), by transport.',
    'transport',
    [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  );
  if (inboxDepth && !registry.getSingleMetric('polder_inbox_depth'))
    new Gauge({
      name: 'polder_inbox_depth',
      help: 'Uplinks waiting in the inbox (accepted, not yet stored or dead-lettered), read when scraped.',
      registers: [registry],
      async collect() {
        this.set(await inboxDepth().catch(() => Number.NaN));
      },
    });
  let total = 0;
  return {
    received: (transport: TransportKind, n = 1) => {
      total += n;
      received.inc({ transport }, n);
    },
    /** Uplinks received so far, every transport (the counter's sum, read without a scrape). */
    receivedTotal: () => total,
    rejected: (transport: TransportKind, reason: string, n = 1) => rejected.inc({ transport, reason }, n),
    /** One uplink made durable `seconds` after it arrived. */
    acked: (transport: TransportKind, seconds: number) => ackSeconds.observe(transport, seconds),
  };
}

export type IngestMetrics = ReturnType<typeof createIngestMetrics>;
