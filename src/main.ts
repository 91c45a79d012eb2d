import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { AlertService } from './alerts/alerts.service.js';
import { KyselyAlertStore } from './alerts/alerts.store.js';
import { mqttAlertSink } from './alerts/mqtt-alert-sink.js';
import { WebhookService } from './alerts/webhooks.service.js';
import { KyselyWebhookStore } from './alerts/webhooks.store.js';
import type { BrokerAuth, MqttBus } from './broker/broker.js';
import { apiKeyAuthenticator, composeBrokerAuth, serviceAuthenticator } from './broker/broker-auth.js';
import { DynsecClient } from './broker/dynsec.js';
import { DynsecSync } from './broker/dynsec-sync.js';
import { type EmbeddedBroker, startEmbeddedBroker } from './broker/embedded-broker.js';
import { connectExternalBus } from './broker/external-bus.js';
import { InboundRouter } from './broker/inbound-router.js';
import { PipelineTopics } from './broker/pipeline-topics.js';
import { TopicPolicy } from './broker/topic-policy.js';
import type { Config } from './config.js';
import { type Database, migrateToLatest, openDatabase } from './db/database.js';
import { registerThreadMetrics } from './db/thread-metrics.js';
import { createRegistry, type Registry } from './devices/registry.js';
import { ActivityTracker } from './fleet/activity-tracker.js';
import { BrokerAccounts, followRegistry } from './fleet/broker-accounts.js';
import { CommandService } from './fleet/commands.service.js';
import { KyselyCommandStore } from './fleet/commands.store.js';
import { deviceAuthenticator } from './fleet/device-auth.js';
import { DeviceDirectory } from './fleet/device-directory.js';
import { SqlFleetStore } from './fleet/fleet.store.js';
import { createFleetMetrics, timed } from './fleet/fleet-metrics.js';
import { heartbeatHandler, statusFilter } from './fleet/heartbeats.js';
import { sweepOffline } from './fleet/offline-sweep.js';
import { buildApp } from './http/app.js';
import { createMetrics, type Metrics } from './http/metrics.js';
import { createIngest, type Ingest } from './ingest/ingest.js';
import { MeasurementEvents } from './measurements/measurement-events.js';
import { measurementMetrics } from './measurements/measurement-metrics.js';
import { MeasurementRetention } from './measurements/measurement-retention.js';
import { createMeasurementStore } from './measurements/measurement-store.js';
import { MeasurementService } from './measurements/measurements.service.js';
import { MqttRepublisher } from './measurements/republish.js';
import { KyselyRepublishLookup } from './measurements/republish.store.js';
import { CachedPipelineCatalog } from './pipelines/pipeline-catalog.js';
import { createPipelineRunner, directoryTopicResolver } from './pipelines/pipeline-runner-factory.js';
import type { PipelineCatalog } from './pipelines/pipelines.js';
import { PipelineService } from './pipelines/pipelines.service.js';
import { KyselyPipelineStore } from './pipelines/pipelines.store.js';
import { TraceService } from './pipelines/traces.service.js';
import { KyselyTraceStore } from './pipelines/traces.store.js';
import { createInbox } from './queue/create-inbox.js';
import type { Inbox } from './queue/inbox.js';
import { type Component, startAll, stopAll } from './roles/component.js';
import { demoComponent } from './roles/demo.js';
import { deploymentJobs } from './roles/deployment-jobs.js';
import { deploymentWatches } from './roles/deployment-watches.js';
import { createRoleHttp } from './roles/role-http.js';
import { type Part, ROLES, type Role, servesPath } from './roles/roles.js';
import { registerStreamProcessing, type StreamProcessing } from './rules/register.js';
import { Lease } from './scheduler/lease.js';
import { Scheduler } from './scheduler/scheduler.js';
import { ScriptService } from './scripts/scripts.service.js';
import { KyselyScriptStore } from './scripts/scripts.store.js';
import { type Clock, systemClock } from './shared/clock.js';
import { type IdGenerator, uuidv7Generator } from './shared/ids.js';
import { createLogger, type Logger } from './shared/logger.js';
import { registerSensorThingsMqtt } from './standards/sensorthings/sta-mqtt.js';
import { type BootstrapResult, TenancyService } from './tenancy/tenancy.service.js';
import { KyselyTenancyStore } from './tenancy/tenancy.store.js';
import { version } from './version.js';
import { defaultDashboardDir } from './web/dashboard.js';
import { ScriptRunner } from './workers/workers.js';

/** Everything one Polder process is made of; built once here and handed down. */
export interface Polder {
  config: Config;
  /** Which parts start() runs (src/roles/roles.ts); `serve` is all of them. */
  role: Role;
  logger: Logger;
  database: Database;
  metrics: Metrics;
  tenancy: TenancyService;
  alerts: AlertService;
  webhooks: WebhookService;
  /** Signs of life of devices, kept in memory and written once a second. */
  activity: ActivityTracker;
  /** The live picture of MQTT accounts: who may connect, which device a topic belongs to. */
  directory: DeviceDirectory;
  /** Ends sessions and keeps an external broker's accounts (dynamic security) in step with the registry. */
  brokerAccounts: BrokerAccounts;
  registry: Registry;
  /** Stores and answers measurements; `measurements.events` announces each stored batch. */
  measurements: MeasurementService;
  retention: MeasurementRetention;
  /** User scripts; `scripts.resolve` names the worker of a pipeline step. */
  scripts: ScriptService;
  /**
   * Pipelines: `service` (CRUD, ingest tokens), `catalog` (any organisation's pipelines, cached:
   * for transports and the runner), `traces` (list, replay, retention; `traces.sink` is the
   * runner's TraceSink).
   */
  pipelines: { service: PipelineService; catalog: PipelineCatalog; traces: TraceService };
  /** Where transports put uplinks and the pipeline runner takes them. */
  inbox: Inbox;
  app: FastifyInstance;
  bootstrap: BootstrapResult;
  /** Every MQTT message that reaches Polder goes through here (heartbeats, pipelines …). */
  inbound: InboundRouter;
  /** Transports into the inbox: POST /api/uplinks, MQTT sources, AMQP consumers, pollers. */
  ingest: Ingest;
  /** Rules evaluated on stored measurements, their alerts and actions. */
  stream: StreamProcessing;
  /** The deployment-wide periodic jobs; `scheduler.active` while this process holds the lease. */
  scheduler: Scheduler;
  /** Set once start() has run: the embedded broker or the external broker's client. */
  mqtt?: MqttBus;
  /** Starts the role's components (HTTP, transports, workers, scheduler …) in order. */
  start(): Promise<{ httpUrl: string }>;
  /** Stops the components in reverse order, flushes what is buffered, closes connections. */
  stop(): Promise<void>;
}

export interface PolderOptions {
  /** Which parts start() runs (default `serve`: all of them). */
  role?: Role;
  logger?: Logger;
  clock?: Clock;
  newId?: IdGenerator;
  /** How long the old session may stay after a `reinstall` order (default 5 s). */
  reinstallGraceMs?: number;
  /** The inbox (default: as the config says, a database table or RabbitMQ); tests may record it. */
  inbox?: Inbox;
  /** The transports' view of pipelines (default: the pipelines domain's catalog); for tests of transports alone. */
  ingestCatalog?: PipelineCatalog;
  /**
   * Told the generated admin password as soon as the admin user is stored, before anything
   * else can fail (`polder serve` prints it there: a start that fails later does not lose it).
   */
  onAdminPassword?: (password: string) => void;
}

/**
 * The composition root: config in, adapters and services built, nothing global and nothing
 * started. start() runs the components of the role (src/roles): every role builds the same
 * services and starts only its parts.
 */
export async function createPolder(config: Config, opts: PolderOptions = {}): Promise<Polder> {
  const logger = opts.logger ?? createLogger({ level: config.logLevel, format: config.logFormat });
  const clock = opts.clock ?? systemClock;
  const newId = opts.newId ?? uuidv7Generator(clock);

  const database = openDatabase({
    url: config.databaseUrl,
    dataDir: config.dataDir,
    onConnectionError: (err) => logger.error({ err }, 'database connection lost; the next query reconnects'),
  });
  const applied = await migrateToLatest(database);
  if (applied.length > 0) logger.info({ applied }, 'database migrated');

  const metrics = createMetrics();
  const registry = createRegistry({ database, config, logger, clock, newId });
  const scriptRunner = new ScriptRunner({ timeoutMs: config.scriptTimeoutMs, memoryLimitMb: config.scriptMemoryMb });
  const scripts = new ScriptService(new KyselyScriptStore(database.db), scriptRunner, clock, newId);
  const pipelineStore = new KyselyPipelineStore(database.db);
  const catalog = new CachedPipelineCatalog(pipelineStore, clock, {
    onListenerError: (err) => logger.error({ err }, 'pipeline change listener failed'),
  });
  const pipelineService = new PipelineService({
    store: pipelineStore,
    resolveWorker: (orgId, worker, revision) => scripts.resolve(orgId, worker, revision),
    checkDeviceType: (orgId, ref) => registry.types.get(orgId, ref),
    changed: catalog.changed,
    clock,
    newId,
  });
  const tenancy = new TenancyService(new KyselyTenancyStore(database.db), clock, newId, {
    organisationCreated: async (org) => {
      await registry.ensureDefaults(org.id);
      await pipelineService.createDefaults(org.id);
    },
  });
  const bootstrap = await tenancy.bootstrap(config.adminToken);
  if (bootstrap.adminPassword) opts.onAdminPassword?.(bootstrap.adminPassword);
  // The default organisation may predate the registry: give it its defaults now.
  await registry.ensureDefaults(bootstrap.org.id);

  const alerts = new AlertService(new KyselyAlertStore(database.db), clock, newId, logger);
  const webhooks = new WebhookService(new KyselyWebhookStore(database.db), clock, newId, logger);
  alerts.addSink(webhooks);
  const fleetStore = new SqlFleetStore(database);
  const activity = new ActivityTracker(fleetStore, alerts, logger);

  let embedded: EmbeddedBroker | undefined;
  const role = opts.role ?? 'serve';
  const has = (part: Part) => ROLES[role].parts.includes(part);
  // Devices by state is one grouped query per scrape: exported where the API runs, not by every role.
  const fleetMetrics = createFleetMetrics(
    metrics.registry,
    () => embedded?.connectedClients(),
    has('api') ? fleetStore : undefined,
  );
  const directory = new DeviceDirectory(fleetStore);
  followRegistry(directory, registry.events);
  let dynsec: { client: DynsecClient; sync: DynsecSync } | undefined;
  const brokerAccounts = new BrokerAccounts({
    directory,
    events: registry.events,
    sessions: () => polder.mqtt,
    sink: () => dynsec?.sync,
    logger,
  });

  const rollupRetentionDays = {
    60: config.rollupRetention1mDays,
    3600: config.rollupRetention1hDays,
    86400: config.rollupRetention1dDays,
  };
  const measurementStore = createMeasurementStore(database);
  const measurementEvents = new MeasurementEvents((err) => logger.error({ err }, 'measurement listener failed'));
  const measurementObserver = measurementMetrics(metrics.registry, measurementEvents);
  registerThreadMetrics(metrics.registry, database);
  const republisher = new MqttRepublisher(new KyselyRepublishLookup(database.db), () => polder.mqtt, clock, logger);
  const stopRepublish = measurementEvents.subscribe(republisher.onStored);
  const measurements = new MeasurementService(
    measurementStore,
    measurementEvents,
    clock,
    { rollupRetentionDays },
    measurementObserver,
  );
  // The measurements table has no foreign key (it is the hot table): deleted series are removed here.
  registry.events.on('datastreamsDeleted', ({ ids }) => measurementStore.deleteDatastreamData(ids));
  const retention = new MeasurementRetention(measurementStore, clock, { rollupRetentionDays }, measurementObserver);

  const inbox = opts.inbox ?? createInbox({ database, amqpUrl: config.amqpUrl, queue: config.amqpQueue, logger, clock });
  const traces = new TraceService(new KyselyTraceStore(database), (messages) => inbox.enqueue(messages), {
    retentionDays: config.traceRetentionDays,
  });
  const pipelines = { service: pipelineService, catalog, traces };
  const runner = createPipelineRunner({
    database,
    catalog,
    traces: traces.sink,
    scripts,
    registry,
    measurements,
    activity,
    resolveTopic: directoryTopicResolver(directory),
    config,
    metrics: metrics.registry,
    clock,
    newId,
    logger,
  });
  const inbound = new InboundRouter();
  const sensorThingsMqtt = registerSensorThingsMqtt({
    database,
    measurements,
    inbound,
    bus: () => polder.mqtt,
    logger,
    clock,
    registry: registry.events,
  });
  // Every message that reaches Polder is a sign of life of the device that sent it.
  inbound.on('#', heartbeatHandler({ activity, directory, counters: fleetMetrics.heartbeats }), { passive: true });
  const mqttService = config.mqttUrl ? new URL(config.mqttUrl) : undefined;
  const serviceUser = mqttService && decodeURIComponent(mqttService.username);
  const pipelineTopics = new PipelineTopics(catalog);
  const brokerAuth: BrokerAuth = composeBrokerAuth(
    [
      serviceAuthenticator(serviceUser, mqttService && decodeURIComponent(mqttService.password)),
      deviceAuthenticator(registry.provisioning),
      apiKeyAuthenticator(tenancy),
    ],
    new TopicPolicy({
      baseTopicOwner: (topic) => directory.baseTopicOwner(topic),
      baseTopicsOf: (orgId) => directory.baseTopics(orgId),
      allBaseTopics: () => directory.baseTopics(),
      pipelineFilters: (orgId) => pipelineTopics.filtersOf(orgId),
      ownsStaTopic: (orgId, topic) => sensorThingsMqtt.ownsTopic(orgId, topic),
      staSubscribed: (filter) => sensorThingsMqtt.subscribed(filter),
    }),
  );

  const commands = new CommandService(
    new KyselyCommandStore(database.db),
    {
      get: (orgId, id) => registry.devices.get(orgId, id),
      resetCredentials: (orgId, id, o) => registry.provisioning.resetCredentials(orgId, id, o),
      announceReset: (device) => registry.provisioning.announceReset(device),
    },
    () => polder.mqtt,
    clock,
    newId,
    logger,
    { reinstallGraceMs: opts.reinstallGraceMs ?? 5000, counted: (status) => fleetMetrics.commands.inc({ result: status }) },
  );

  const ingest = createIngest({
    catalog: opts.ingestCatalog ?? catalog,
    inbox,
    database,
    inbound,
    metricsRegistry: metrics.registry,
    clock,
    newId,
    logger,
    config: { uplinkMaxBytes: config.uplinkMaxBytes, amqpUrl: config.amqpUrl },
    deviceOf: (topic, payload) => directory.resolve(topic, payload),
  });

  const stream = registerStreamProcessing({
    database,
    events: measurementEvents,
    measurementStore,
    alerts,
    webhooks,
    commands,
    config,
    clock,
    newId,
    logger,
  });
  registry.sensors.attachDerivation(stream.derived.service);

  const app = await buildApp({
    logger,
    database,
    metrics,
    tenancy,
    registry,
    alerts,
    webhooks,
    brokerAuth,
    brokerAuthRoutes: {
      mode: config.mqttAuthRoutes,
      allow: config.mqttAuthAllow,
      clock,
      stillValid: (who) => {
        if (who.kind !== 'device') return true;
        const a = directory.get(who.deviceId);
        return a?.enabled === true && a.login === who.login && a.baseTopic === who.baseTopic;
      },
    },
    measurements,
    scripts,
    pipelines,
    fleet: { commands, summaries: fleetStore },
    uplinks: ingest.routes,
    extraRoutes: [stream.routes],
    version,
    trustProxy: config.trustProxy,
    dashboard: { dir: defaultDashboardDir(), mapTiles: config.mapTiles },
  });

  const timers: NodeJS.Timeout[] = [];
  const every = (ms: number, task: () => Promise<void>, name: string) => {
    const t = setInterval(() => task().catch((err: unknown) => logger.error({ err }, `${name} failed`)), ms);
    t.unref();
    timers.push(t);
  };
  // Deployment-wide periodic jobs run only in the process holding the scheduler lease.
  const scheduler = new Scheduler({
    lease: new Lease(database.db as unknown as Kysely<unknown>, {
      name: 'scheduler',
      holder: `${config.instanceId ?? 'polder'}/${role}/${newId()}`,
      ...SCHEDULER_LEASE,
      clock,
      logger,
    }),
    jobs: deploymentJobs({
      dispatchWebhooks: () => webhooks.dispatchDue(),
      sweepOffline: () =>
        timed(
          fleetMetrics.sweepDuration,
          async () => void (await sweepOffline({ activity, store: fleetStore, alerts, now: clock() })),
        ),
      retention,
      removeExpiredTraces: (now) => traces.removeExpiredTraces(now),
      foldTraceDevices: () => traces.foldDevices(),
      config,
      clock,
      logger,
    }),
    whileHeld: [
      { name: 'pollers', start: () => ingest.pollers.start(), stop: () => ingest.pollers.stop() },
      // The broker's accounts made equal to the registry once per taking of the lease (each process
      // still pushes the changes it makes, and puts right its own failed pushes).
      {
        name: 'broker account reconcile',
        start: async () => void (dynsec && (await brokerAccounts.reconcile())),
        stop: async () => {},
      },
    ],
    logger,
    metrics: metrics.registry,
  });
  // Pipelines, devices and rules changed by another process of the deployment, followed here within seconds.
  const watches = deploymentWatches({
    db: database.db as unknown as Kysely<unknown>,
    logger,
    findPipeline: (id) => pipelineStore.findAnyOrg(id),
    pipelineChanged: catalog.changed,
    devicesChanged: (ids) => directory.refresh(ids),
    ruleChanged: (orgId, ruleId) => stream.engine.ruleChanged(orgId, ruleId),
  });

  const components: Component[] = [
    {
      name: 'directory',
      // Every role: the store step resolves base topics through it, transports name devices, the API checks broker logins.
      start: async () => {
        await directory.load({ quiet: true });
        await pipelineTopics.load();
        await watches.pipelines.start();
        await watches.devices.start();
      },
      stop: async () => {
        await watches.devices.stop();
        await watches.pipelines.stop();
        pipelineTopics.stop();
      },
    },
  ];
  if (has('worker'))
    components.push({
      name: 'worker',
      start: async () => {
        // After the directory: the store step resolves neOCampus base topics through it.
        await stream.start();
        await watches.rules.start();
        inbox.start(runner.handle, { batchSize: config.inboxBatchSize });
      },
      // Transports are closed before (reverse order): nothing new comes in. Let the batch in flight finish.
      stop: async () => {
        await inbox.close();
        runner.close();
        await watches.rules.stop();
        await stream.stop();
      },
    });
  if (has('ingest'))
    components.push({
      name: 'ingest',
      // Pipelines' MQTT sources are bound before the broker takes messages (else a device's publish
      // on a pipeline topic would be acknowledged unheard) and before an external one is subscribed.
      start: () => ingest.start(),
      stop: () => ingest.stop(),
    });
  // The server exists before the broker (its WebSocket attaches to it) and listens last: once
  // /healthz answers, every part of the role runs. It is closed after the broker (reverse order).
  const roleHttp = has('api') ? undefined : createRoleHttp(app, (path) => servesPath(role, path));
  const httpServer: HttpServer = roleHttp?.server ?? app.server;
  let http: { url: string; port: number } | undefined;
  let appClosed: Promise<void> | undefined;
  const closeHttp = () => {
    appClosed ??= (async () => {
      await roleHttp?.close();
      await app.close();
    })();
    return appClosed;
  };
  components.push({ name: 'http', start: async () => {}, stop: closeHttp });
  components.push({
    name: 'mqtt',
    start: async () => {
      if (config.mqttUrl) {
        if (config.mqttDynsec) {
          // Before Polder's own subscriptions: granting the service role kicks its sessions.
          const client = await DynsecClient.connect(config.mqttUrl, logger);
          dynsec = { client, sync: new DynsecSync(client, logger) };
          if (serviceUser) await dynsec.sync.grantService(serviceUser);
        }
        // Unique per process and stable across its restarts (its persistent session); roles apart
        // on one host and data directory get one session each.
        const suffix = role === 'serve' ? '' : `-${role}`;
        polder.mqtt = await connectExternalBus({
          url: config.mqttUrl,
          clientId: `polder-${config.instanceId ?? bootstrap.org.id}${suffix}`,
          shareGroup: config.mqttShareGroup,
          onInbound: inbound.dispatch,
          clock,
          logger,
        });
      } else if (has('ingest')) {
        embedded = await startEmbeddedBroker({
          port: config.mqttPort,
          host: config.httpHost,
          auth: brokerAuth,
          onInbound: inbound.dispatch,
          clock,
          logger,
          httpServer,
          maxPacketBytes: config.mqttMaxPacketBytes ?? config.uplinkMaxBytes + 64 * 1024,
          retained: { maxCount: config.mqttRetainedMax, maxBytes: config.mqttRetainedMaxBytes },
        });
        polder.mqtt = embedded;
        if (config.mqttPublicPort === undefined) registry.brokerAddress.port = embedded.port;
      } else {
        logger.warn(
          { role },
          'no POLDER_MQTT_URL: the embedded broker runs in the ingest role; this process publishes nothing on MQTT',
        );
      }
      const bus = polder.mqtt;
      if (!bus || !has('ingest')) return;
      // An external broker sends only what Polder subscribes to: every status topic, at every
      // depth of base topic in use (more depths appear as devices are placed).
      const subscribed = new Set<string>();
      const subscribeMissing = async () => {
        const wanted = [...inbound.filters, ...directory.depths().map(statusFilter)].filter((f) => !subscribed.has(f));
        for (const f of wanted) subscribed.add(f);
        if (wanted.length > 0) await bus.subscribe(wanted);
      };
      await subscribeMissing();
      if (bus.mode === 'external') {
        directory.onChange(() => subscribeMissing());
        ingest.onMqttFiltersChanged(() => {
          subscribeMissing().catch((err: unknown) => logger.error({ err }, 'subscribing pipeline topics failed'));
        });
      }
    },
    stop: async () => {
      commands.close();
      await stream.downlinks.stop();
      await brokerAccounts.idle();
      await polder.mqtt?.close();
      await dynsec?.client.close();
    },
  });
  components.push({
    name: 'process',
    // Buffers of this process, in every role.
    start: async () => {
      every(10_000, () => tenancy.flushUsage(), 'api key usage flush');
      every(1000, () => timed(fleetMetrics.flushDuration, () => activity.flush()), 'device activity flush');
      // Other Polder processes change the registry too (scale-out): this process's picture is reloaded.
      if (config.mqttUrl) every(300_000, async () => void (await directory.load()), 'device directory reload');
      // A broker account update of this process that failed is put right by a reconcile.
      every(60_000, () => brokerAccounts.reconcileIfDirty(), 'broker account reconcile');
    },
    stop: async () => {
      for (const t of timers.splice(0)) clearInterval(t);
    },
  });
  if (has('scheduler')) components.push({ name: 'scheduler', start: () => scheduler.start(), stop: () => scheduler.stop() });
  components.push({
    name: 'listen',
    start: async () => {
      const url = roleHttp
        ? await roleHttp.listen(config.httpPort, config.httpHost)
        : (await app.listen({ port: config.httpPort, host: config.httpHost }))
            .replace('0.0.0.0', 'localhost')
            .replace('[::]', 'localhost');
      http = { url, port: (httpServer.address() as AddressInfo).port };
    },
    stop: async () => {}, // closed by 'http', after the broker
  });
  if (role === 'serve' && config.demo)
    components.push(
      demoComponent({
        httpHost: config.httpHost,
        httpPort: () => http?.port,
        brokerUrl: () => (embedded ? `mqtt://127.0.0.1:${embedded.port}` : (config.mqttDynsec && config.mqttUrl) || undefined),
        orgId: bootstrap.org.id,
        registry,
        tenancy,
        logger,
      }),
    );

  let running: Component[] = [];
  const polder: Polder = {
    config,
    role,
    logger,
    database,
    metrics,
    tenancy,
    alerts,
    webhooks,
    activity,
    directory,
    brokerAccounts,
    registry,
    measurements,
    retention,
    scripts,
    pipelines,
    inbox,
    app,
    bootstrap,
    inbound,
    ingest,
    stream,
    scheduler,
    async start() {
      running = await startAll(components);
      logger.debug({ role, components: running.map((c) => c.name) }, 'started');
      return { httpUrl: http?.url ?? '' };
    },
    async stop() {
      await stopAll(running).catch((err: unknown) => logger.error({ err }, 'a component did not stop cleanly'));
      await closeHttp(); // also when start() never ran or failed: the app holds its plugins
      // The worker closes the inbox after its last batch; without one, uplinks were only published
      // to it (ingest, api), and its connection would keep the process alive.
      if (!has('worker')) await inbox.close().catch((err: unknown) => logger.error({ err }, 'the inbox did not close cleanly'));
      stopRepublish();
      sensorThingsMqtt.stop();
      await tenancy.flushUsage().catch(() => {});
      await activity.flush().catch(() => {});
      await scriptRunner.dispose();
      await database.close();
    },
  };
  alerts.addSink(
    mqttAlertSink(
      () => polder.mqtt,
      (orgId) => tenancy.slugOf(orgId),
    ),
  );
  return polder;
}

/** The scheduler lease: renewed every 2 s, taken over 10 s after its holder stopped renewing. */
export const SCHEDULER_LEASE = { ttlMs: 10_000, renewMs: 2000 };
