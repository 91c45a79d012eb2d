import { Counter, type Registry } from 'prom-client';
import type { TransportKind } from '../workers/message.js';

/** Counters of the transports; one set per Polder (tests build several in one process). */
export function createIngestMetrics(registry: Registry) {
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
  return {
    received: (transport: TransportKind, n = 1) => received.inc({ transport }, n),
    rejected: (transport: TransportKind, reason: string, n = 1) => rejected.inc({ transport, reason }, n),
  };
}

export type IngestMetrics = ReturnType<typeof createIngestMetrics>;
