/**
 * Everything that brings uplinks into the inbox: the service every transport calls, the HTTP
 * route, MQTT bindings, AMQP consumers and pollers, built from injected ports.
 */
import type { Registry } from 'prom-client';
import type { Database } from '../db/database.js';
import type { PipelineCatalog } from '../pipelines/pipelines.js';
import type { Inbox } from '../queue/inbox.js';
import type { Clock } from '../shared/clock.js';
import type { IdGenerator } from '../shared/ids.js';
import type { Logger } from '../shared/logger.js';
import { AmqpSource } from './amqp-source.js';
import { FtpPoller } from './ftp-poller.js';
import { HttpPoller } from './http-poller.js';
import type { UplinkRouteDeps } from './ingest.routes.js';
import { IngestService } from './ingest.service.js';
import { createIngestMetrics } from './ingest-metrics.js';
import { type DeviceOfTopic, type InboundRoutes, MqttSource } from './mqtt-source.js';
import { KyselyPipelineNames } from './pipeline-names.store.js';
import { KyselyPolledFileStore } from './poller-files.store.js';
import { Pollers } from './pollers.js';

export interface IngestDeps {
  catalog: PipelineCatalog;
  inbox: Inbox;
  database: Database;
  /** Polder's InboundRouter. */
  inbound: InboundRoutes;
  metricsRegistry: Registry;
  clock: Clock;
  newId: IdGenerator;
  logger: Logger;
  config: { uplinkMaxBytes: number; amqpUrl: string | undefined };
  /** The registered MQTT device publishing on a topic (the fleet's directory), for external brokers. */
  deviceOf?: DeviceOfTopic | undefined;
}

export interface Ingest {
  service: IngestService;
  /** What buildApp needs for POST /api/uplinks/{pipelineId}. */
  routes: UplinkRouteDeps;
  /** Binds MQTT sources (on the router) and starts AMQP consumers; follows the catalog. */
  start(): Promise<void>;
  /** Stops consumers and unbinds MQTT sources. */
  stop(): Promise<void>;
  /**
   * The HTTP and FTP pollers: a deployment-wide job, started and stopped apart (by the process
   * holding the scheduler lease); stop waits for runs in progress.
   */
  pollers: { start(): Promise<void>; stop(): Promise<void> };
  /** Uplinks this process has received so far, every transport (polder_uplinks_received_total's sum). */
  received(): number;
  /** Called when the MQTT filters bound on the router change (subscribe them on an external broker). */
  onMqttFiltersChanged(listener: () => void): () => void;
}

export function createIngest(deps: IngestDeps): Ingest {
  const logger = deps.logger.child({ component: 'ingest' });
  const metrics = createIngestMetrics(deps.metricsRegistry, () => deps.inbox.depth());
  const service = new IngestService({
    catalog: deps.catalog,
    inbox: deps.inbox,
    clock: deps.clock,
    newId: deps.newId,
    logger,
    metrics,
    maxBytes: deps.config.uplinkMaxBytes,
  });
  const mqtt = new MqttSource({
    catalog: deps.catalog,
    inbound: deps.inbound,
    service,
    metrics,
    logger,
    deviceOf: deps.deviceOf,
  });
  const amqp = new AmqpSource({ catalog: deps.catalog, service, logger, defaultUrl: deps.config.amqpUrl });
  const files = new KyselyPolledFileStore(deps.database.db);
  const pollers = new Pollers({
    catalog: deps.catalog,
    logger,
    forget: (id) => files.forget(id),
    create: (pipeline, index) => {
      const s = pipeline.sources[index];
      if (s?.kind === 'http-poll')
        return { task: new HttpPoller({ service, metrics, logger }, pipeline.id, s), intervalMs: s.intervalSeconds * 1000 };
      if (s?.kind === 'ftp-poll')
        return {
          task: new FtpPoller({ service, metrics, logger, store: files, clock: deps.clock }, pipeline.id, s),
          intervalMs: s.intervalSeconds * 1000,
        };
      return undefined;
    },
  });
  return {
    service,
    routes: { service, catalog: deps.catalog, metrics, names: new KyselyPipelineNames(deps.database.db) },
    async start() {
      await mqtt.start();
      await amqp.start();
    },
    async stop() {
      await amqp.stop();
      mqtt.stop();
    },
    received: metrics.receivedTotal,
    onMqttFiltersChanged: (listener) => mqtt.onFiltersChanged(listener),
    pollers,
  };
}
