import { Type } from '@sinclair/typebox';
import type { Database } from '../db/database.js';
import { ping } from '../db/database.js';
import { type Metrics, registerDatabaseUp } from './metrics.js';
import type { TypedApp } from './types.js';

const Status = Type.Object({ status: Type.String() });

/** Liveness, readiness and Prometheus metrics: public, for orchestrators and scrapers. */
export function healthRoutes(app: TypedApp, deps: { database: Database; metrics: Metrics }) {
  registerDatabaseUp(deps.metrics.registry, () => ping(deps.database));
  app.get(
    '/healthz',
    { config: { public: true }, schema: { tags: ['operations'], summary: 'The process is up', response: { 200: Status } } },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/readyz',
    {
      config: { public: true },
      schema: {
        tags: ['operations'],
        summary: 'The database answers',
        response: { 200: Status, 503: Type.Object({ status: Type.String(), failing: Type.Array(Type.String()) }) },
      },
    },
    async (_request, reply) => {
      if (await ping(deps.database)) return { status: 'ready' };
      return reply.status(503).send({ status: 'unavailable', failing: ['database'] });
    },
  );

  app.get(
    '/metrics',
    {
      config: { public: true },
      schema: { tags: ['operations'], summary: 'Prometheus metrics (text exposition format 0.0.4)', hide: false },
    },
    async (_request, reply) => {
      reply.header('content-type', deps.metrics.registry.contentType);
      return deps.metrics.registry.metrics();
    },
  );
}
