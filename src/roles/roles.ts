/**
 * The roles a Polder process can take (`polder serve | api | ingest | worker | scheduler`): which
 * parts of the composition each one starts, and what its HTTP port answers.
 */
export const ROLE_NAMES = ['serve', 'api', 'ingest', 'worker', 'scheduler'] as const;
export type Role = (typeof ROLE_NAMES)[number];

/** The parts a role is made of; `serve` is all of them. */
export type Part = 'api' | 'ingest' | 'worker' | 'scheduler';

export interface RoleSpec {
  parts: readonly Part[];
  /** One line for `polder --help`. */
  summary: string;
  /** What its HTTP server answers (POLDER_HTTP_PORT), for `polder <role> --help` and the docs. */
  http: string;
}

const PROBES = '/healthz, /readyz, /metrics';

export const ROLES: Record<Role, RoleSpec> = {
  serve: {
    parts: ['api', 'ingest', 'worker', 'scheduler'],
    summary: 'run every role in one process (HTTP API, ingestion, workers, scheduler, embedded MQTT broker)',
    http: `the whole API and the dashboard (/api, /sta, /ogc, ${PROBES}), and the embedded broker's /mqtt WebSocket`,
  },
  api: {
    parts: ['api'],
    summary: 'the HTTP API and the dashboard only (CRUD, queries, exports, POST /api/uplinks into the inbox)',
    http: `the whole API and the dashboard (/api, /sta, /ogc, ${PROBES})`,
  },
  ingest: {
    parts: ['ingest'],
    summary:
      'transports into the inbox: MQTT sources (the embedded broker, or shared subscriptions on POLDER_MQTT_URL), ' +
      'AMQP sources, POST /api/uplinks',
    http: `${PROBES}, POST /api/uplinks/{pipeline}, and the embedded broker's /mqtt WebSocket (without POLDER_MQTT_URL)`,
  },
  worker: {
    parts: ['worker'],
    summary: 'takes uplinks from the inbox, runs the pipelines and stores measurements (rules run on what it stored)',
    http: PROBES,
  },
  scheduler: {
    parts: ['scheduler'],
    summary:
      'the periodic jobs of the deployment (offline sweep, retention, rollup fold, trace retention, webhook dispatch, ' +
      'HTTP/FTP pollers, broker account reconcile), run by the one process holding the scheduler lease',
    http: PROBES,
  },
};

/** Which request paths a role's HTTP server routes to the app (roles without the API answer only these). */
export function servesPath(role: Role, path: string): boolean {
  const parts = ROLES[role].parts;
  if (parts.includes('api')) return true;
  if (path === '/healthz' || path === '/readyz' || path === '/metrics') return true;
  return parts.includes('ingest') && path.startsWith('/api/uplinks/');
}
