import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * prom-client's default gauges that end in `_total`, which Prometheus keeps for counters
 * (`promtool check metrics` refuses them); the same counts stay on `nodejs_active_handles` and
 * `nodejs_active_resources` (by type) and `nodejs_active_requests`.
 */
const GAUGES_NAMED_LIKE_COUNTERS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

/** One registry per Polder instance (tests build several apps in one process). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  for (const name of GAUGES_NAMED_LIKE_COUNTERS) registry.removeSingleMetric(name);
  const httpDuration = new Histogram({
    name: 'polder_http_request_duration_seconds',
    help: 'HTTP request duration by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return { registry, httpDuration };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** Observes every response under its route pattern (bounded label values), not its raw URL. */
export function registerHttpMetrics(app: FastifyInstance, metrics: Metrics) {
  // Callback style, not async: a hook every response runs should not cost a promise.
  app.addHook('onResponse', (request, reply, done) => {
    metrics.httpDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });
}

/** `polder_database_up`: 1 when the database answers a trivial query at scrape time (what /readyz checks), else 0. */
export function registerDatabaseUp(registry: Registry, ping: () => Promise<boolean>) {
  if (registry.getSingleMetric('polder_database_up')) return;
  new Gauge({
    name: 'polder_database_up',
    help: 'Whether the database answered a trivial query when scraped (1) or not (0).',
    registers: [registry],
    async collect() {
      this.set((await ping()) ? 1 : 0);
    },
  });
}
