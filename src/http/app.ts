import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Logger as PinoLogger } from 'pino';
import { alertRoutes } from '../alerts/alerts.routes.js';
import type { AlertService } from '../alerts/alerts.service.js';
import type { WebhookService } from '../alerts/webhooks.service.js';
import type { BrokerAuth } from '../broker/broker.js';
import { type BrokerAuthRoutesOptions, brokerAuthRoutes } from '../broker/broker-auth.routes.js';
import type { Database } from '../db/database.js';
import type { Registry } from '../devices/registry.js';
import { registryRoutes } from '../devices/registry.routes.js';
import type { CommandService } from '../fleet/commands.service.js';
import { fleetRoutes } from '../fleet/fleet.routes.js';
import type { SummaryStore } from '../fleet/site-summary.js';
import { type UplinkRouteDeps, uplinkRoutes } from '../ingest/ingest.routes.js';
import { measurementRoutes } from '../measurements/measurements.routes.js';
import type { MeasurementService } from '../measurements/measurements.service.js';
import { pipelineRoutes } from '../pipelines/pipelines.routes.js';
import type { PipelineService } from '../pipelines/pipelines.service.js';
import { traceRoutes } from '../pipelines/traces.routes.js';
import type { TraceService } from '../pipelines/traces.service.js';
import { scriptRoutes } from '../scripts/scripts.routes.js';
import type { ScriptService } from '../scripts/scripts.service.js';
import { uuidv7 } from '../shared/ids.js';
import type { Logger } from '../shared/logger.js';
import { registerOgcApi } from '../standards/ogcapi/ogcapi.routes.js';
import { registerSensorThings } from '../standards/sensorthings/sta.routes.js';
import { tenancyRoutes } from '../tenancy/tenancy.routes.js';
import type { TenancyService } from '../tenancy/tenancy.service.js';
import { type DashboardDeps, registerDashboard } from '../web/dashboard.js';
import { registerAuth } from './auth.js';
import { errorBody, errorHandler } from './errors.js';
import { healthRoutes } from './health.routes.js';
import { registerInputGuards } from './input-guards.js';
import { type Metrics, registerHttpMetrics } from './metrics.js';
import { requestLogger } from './request-logger.js';
import { ErrorSchema } from './schemas.js';
import type { TypedApp } from './types.js';

/** Everything the HTTP layer needs, built by the composition root (src/main.ts). */
const OFF: BrokerAuthRoutesOptions = { mode: 'off', allow: [] };

export interface AppDeps {
  logger: Logger;
  database: Database;
  metrics: Metrics;
  tenancy: TenancyService;
  alerts: AlertService;
  webhooks: WebhookService;
  brokerAuth: BrokerAuth;
  /** Which broker's HTTP auth routes to serve (POLDER_MQTT_AUTH_ROUTES); default none. */
  brokerAuthRoutes?: BrokerAuthRoutesOptions;
  registry: Registry;
  measurements: MeasurementService;
  scripts: ScriptService;
  /** Pipelines (CRUD, ingest tokens) and their traces (dead letters, replay). */
  pipelines: { service: PipelineService; traces: TraceService };
  /** Orders to devices and site summaries. */
  fleet: { commands: CommandService; summaries: SummaryStore };
  /** POST /api/uplinks/{pipelineId} (src/ingest). */
  uplinks: UplinkRouteDeps;
  version: string;
  /** Whose X-Forwarded-* headers to believe (POLDER_TRUST_PROXY); default none. */
  trustProxy?: boolean | number | string[];
  /** Routes of features wired in through their own register(deps) (stream processing …). */
  extraRoutes?: ((app: TypedApp) => void)[];
  /** The web dashboard served at `/` (src/web); absent: API only. */
  dashboard?: DashboardDeps;
  /** Largest accepted request body in bytes. */
  bodyLimit?: number;
}

/**
 * Request lines at debug level: at thousands of uplinks a second, two info lines per request
 * would cost more than the request. Failures are still logged (errorHandler, 5xx).
 */
/** Request loggers are pino's or src/http/request-logger.ts's; Fastify's type leaves the method out. */
const debugOn = (log: FastifyBaseLogger) => (log as unknown as PinoLogger).isLevelEnabled('debug');

class RequestLog extends LogController {
  // The level is asked first: the line's object (and the reply's elapsed time) is not worth
  // making for a level that is off, which it is on every request in production.
  override incomingRequest(request: Parameters<LogController['incomingRequest']>[0]) {
    if (debugOn(request.log)) request.log.debug({ req: request }, 'incoming request');
  }
  override requestCompleted(...[error, _request, reply]: Parameters<LogController['requestCompleted']>) {
    if (error) reply.log.error({ res: reply, err: error, responseTime: reply.elapsedTime }, 'request errored');
    else if (debugOn(reply.log)) reply.log.debug({ res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }
}

/**
 * POLDER_TRUST_PROXY as Fastify wants it. A hop count becomes Express's rule (trust the n
 * nearest addresses): Fastify itself treats a number as "trust nothing".
 */
function trustProxyOption(tp: boolean | number | string[] | undefined) {
  if (typeof tp === 'number') return (_address: string, hop: number) => hop < tp;
  return tp ?? false;
}

/**
 * Builds the HTTP application without listening, so tests use `app.inject()` and the CLI
 * decides where to listen. Every route declares its schemas; the OpenAPI 3.1 document is
 * generated from them.
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : uuidv7();
    },
    logController: new RequestLog(),
    childLoggerFactory: requestLogger,
    trustProxy: trustProxyOption(deps.trustProxy),
    bodyLimit: deps.bodyLimit ?? 1024 * 1024,
    frameworkErrors: errorHandler,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: true } },
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as TypedApp;

  app.addSchema(ErrorSchema);
  app.setErrorHandler(errorHandler);
  registerInputGuards(app as unknown as FastifyInstance);
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send(errorBody('NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`)),
  );
  // Callback style, not async: a hook every response runs should not cost a promise.
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', request.id);
    done(null, payload);
  });

  await app.register(cookie);
  // Routes opt in with `config.rateLimit` (the device provisioning routes do); keyed by client address.
  await app.register(rateLimit, { global: false });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Polder API',
        version: deps.version,
        description: 'Receive, process, store and publish sensor data; manage the devices that produce it.',
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'API key: Authorization: Bearer <key>' },
          session: { type: 'apiKey', in: 'cookie', name: 'polder_session' },
          ingestToken: {
            type: 'apiKey',
            in: 'header',
            name: 'x-ingest-token',
            description: "A pipeline's ingest token (uplinks only); also as Authorization: Bearer",
          },
          ingestTokenQuery: {
            type: 'apiKey',
            in: 'query',
            name: 'token',
            description: "A pipeline's ingest token in the URL, for webhooks that set no headers",
          },
        },
      },
      security: [{ apiKey: [] }, { session: [] }],
    },
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  app.addHook('onRoute', (route) => {
    // The docs UI is public: it shows the schema, never data.
    if (route.url.startsWith('/api/docs')) route.config = { ...route.config, public: true };
    // Public routes say so in the OpenAPI document (an empty security requirement).
    if (route.config?.public && route.schema) route.schema = { ...route.schema, security: [] };
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

  registerAuth(app as unknown as FastifyInstance, deps.tenancy);
  registerHttpMetrics(app as unknown as FastifyInstance, deps.metrics);

  healthRoutes(app, deps);
  app.get('/api/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());
  tenancyRoutes(app, deps.tenancy);
  alertRoutes(app, deps.alerts, deps.webhooks);
  await app.register(async (scope) => brokerAuthRoutes(scope as TypedApp, deps.brokerAuth, deps.brokerAuthRoutes ?? OFF));
  registryRoutes(app, deps.registry);
  measurementRoutes(app, deps.measurements);
  scriptRoutes(app, deps.scripts);
  pipelineRoutes(app, deps.pipelines.service);
  traceRoutes(app, deps.pipelines.traces, deps.pipelines.service);
  fleetRoutes(app, { ...deps.fleet, locations: deps.registry.locations });
  await uplinkRoutes(app, deps.uplinks);
  registerSensorThings(app as unknown as FastifyInstance, deps);
  registerOgcApi(app as unknown as FastifyInstance, { database: deps.database, version: deps.version, clock: Date.now });
  for (const routes of deps.extraRoutes ?? []) routes(app);
  if (deps.dashboard) registerDashboard(app as unknown as FastifyInstance, deps.dashboard);

  await app.ready();
  return app as unknown as FastifyInstance;
}
