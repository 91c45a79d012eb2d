import os from 'node:os';
import path from 'node:path';
import { alertStatsRoutes } from '../alerts/alert-stats.routes.js';
import { KyselyAlertStats } from '../alerts/alert-stats.store.js';
import type { AlertService } from '../alerts/alerts.service.js';
import type { WebhookService } from '../alerts/webhooks.service.js';
import type { Database, DatabaseOptions } from '../db/database.js';
import { derivedRoutes } from '../derived/derived.routes.js';
import { DerivedService } from '../derived/derived.service.js';
import { KyselyDerivedStore } from '../derived/derived.store.js';
import { DerivedEngine } from '../derived/derived-engine.js';
import type { HttpPort } from '../downlinks/downlinks.js';
import { downlinkRoutes } from '../downlinks/downlinks.routes.js';
import { DownlinkService, fetchHttp } from '../downlinks/downlinks.service.js';
import { KyselyDownlinkRouteStore } from '../downlinks/downlinks.store.js';
import { sandboxEncoder } from '../downlinks/encoder.js';
import { mqttLinks } from '../downlinks/mqtt-links.js';
import type { CommandService } from '../fleet/commands.service.js';
import { ForecastEngine } from '../forecasts/forecast-engine.js';
import { forecastRoutes } from '../forecasts/forecasts.routes.js';
import { ForecastService } from '../forecasts/forecasts.service.js';
import { KyselyForecastStore, seriesReader } from '../forecasts/forecasts.store.js';
import type { TypedApp } from '../http/types.js';
import type { MeasurementEvents } from '../measurements/measurement-events.js';
import type { MeasurementStore } from '../measurements/measurements.js';
import type { Clock } from '../shared/clock.js';
import type { IdGenerator } from '../shared/ids.js';
import type { Logger } from '../shared/logger.js';
import { ScriptRunner } from '../workers/workers.js';
import { RuleActions } from './rule-actions.js';
import { RuleEngine } from './rule-engine.js';
import { replay } from './rule-tester.js';
import { ruleRoutes } from './rules.routes.js';
import { RuleService } from './rules.service.js';
import { KyselyRuleStateStore, KyselyRuleStore, KyselyStreamContexts } from './rules.store.js';
import { smtpMailer } from './smtp-mailer.js';

export interface StreamDeps {
  database: Database;
  events: MeasurementEvents;
  measurementStore: MeasurementStore;
  alerts: AlertService;
  webhooks: WebhookService;
  commands: CommandService;
  config: { smtpUrl?: string | undefined; smtpFrom: string };
  clock: Clock;
  newId: IdGenerator;
  logger: Logger;
  /** Evaluation state and no-data checks run this often (ms); default 1000. */
  flushMs?: number;
  /** How downlinks reach LoRaWAN network servers (default: fetch). */
  http?: HttpPort;
}

export interface StreamProcessing {
  rules: RuleService;
  engine: RuleEngine;
  /** Derived datastreams: definitions, and the engine computing them from stored batches. */
  derived: { service: DerivedService; engine: DerivedEngine };
  /** Forecasts: configuration, and the engine that trains, checks and re-issues them. */
  forecasts: { service: ForecastService; engine: ForecastEngine };
  /** LoRaWAN downlink routes per device type; orders to LoRaWAN devices go through it. */
  downlinks: DownlinkService;
  /** HTTP routes: /api/rules, /api/alerts/stats. */
  routes(app: TypedApp): void;
  /** Loads rules and their state, subscribes to stored measurements, starts the timers. */
  start(): Promise<void>;
  /** Unsubscribes, finishes what is queued and writes the state. */
  stop(): Promise<void>;
}

/**
 * How another thread opens the same database (the rule engine's, to write its states): a
 * second SQLite connection to the file (WAL), or a small pool to the same PostgreSQL. None for
 * an in-memory SQLite database (only this connection sees it).
 */
export function reopened(database: Database): DatabaseOptions | undefined {
  if (database.dialect === 'postgres') {
    const url = database.pool.options.connectionString;
    return url ? { url, dataDir: os.tmpdir(), poolSize: 2 } : undefined;
  }
  if (database.sqlite.memory) return undefined;
  return { url: `sqlite:${database.location}`, dataDir: path.dirname(database.location) };
}

/** Derived datastreams and forecasts are re-read this often (changes by other processes, deletions). */
const RELOAD_MS = 30_000;

/** Stream processing (rules, alerts from them, actions) wired from Polder's parts. */
export function registerStreamProcessing(deps: StreamDeps): StreamProcessing {
  const db = deps.database.db;
  const mailer = deps.config.smtpUrl ? smtpMailer(deps.config.smtpUrl, deps.config.smtpFrom) : undefined;
  const contexts = new KyselyStreamContexts(db);
  const store = new KyselyRuleStore(db);
  const rules = new RuleService(store, deps.clock, deps.newId, async (orgId, rule) => {
    for (const a of rule.actions) if (a.kind === 'webhook') await deps.webhooks.get(orgId, a.webhook);
  });
  const actions = new RuleActions({
    alerts: deps.alerts,
    deliverWebhook: (orgId, id, event, alert) => deps.webhooks.deliver(orgId, id, event, alert),
    sendOrder: (orgId, device, input, sender) => deps.commands.send(orgId, device, input, sender),
    mailer,
    logger: deps.logger,
  });
  const engine = new RuleEngine(store, new KyselyRuleStateStore(db), contexts, actions, deps.clock, deps.logger, {
    contextTtlMs: 60_000,
    stateDatabase: reopened(deps.database),
  });
  rules.onChange((orgId, id) => engine.ruleChanged(orgId, id));
  const derivedStore = new KyselyDerivedStore(db);
  const derivedEngine = new DerivedEngine(
    derivedStore,
    {
      // As MeasurementService.insert does: stored, then announced (rules, SSE, forecasts follow).
      insert: async (rows) => {
        const stored = await deps.measurementStore.insert(rows);
        deps.events.emit(stored);
        return stored;
      },
      replace: async (id, from, to, rows, announce) => {
        const stored = await deps.measurementStore.replace(id, from, to, rows);
        if (announce) deps.events.emit(stored);
        return stored;
      },
      readRaw: (ranges, order, limit, limitEach) => deps.measurementStore.readRaw(ranges, order, limit, limitEach),
    },
    deps.clock,
    deps.logger,
  );
  const derived = { service: new DerivedService(derivedStore, derivedEngine, deps.clock), engine: derivedEngine };
  const forecastStore = new KyselyForecastStore(db);
  const forecastEngine = new ForecastEngine(
    forecastStore,
    seriesReader(deps.measurementStore),
    {
      // A deviation feeds forecast-deviation rules.
      deviation: (ds, time, value) => engine.deviation(ds, time, value),
      trained: (m) =>
        deps.logger.info({ datastreamId: m.datastreamId, version: m.version, reason: m.reason }, 'forecast model trained'),
    },
    deps.clock,
    deps.logger,
  );
  const forecasts = { service: new ForecastService(forecastStore, forecastEngine, deps.clock), engine: forecastEngine };
  // Its own sandbox for encoders (the pipelines' runner is not among the deps main.ts passes).
  const encoderRunner = new ScriptRunner({ timeoutMs: 100, memoryLimitMb: 32 });
  const downlinks = new DownlinkService(
    new KyselyDownlinkRouteStore(db),
    sandboxEncoder(encoderRunner),
    deps.http ?? fetchHttp,
    deps.clock,
    deps.logger,
    { links: mqttLinks(deps.logger), fates: deps.commands },
  );
  deps.commands.attachLorawan(downlinks);
  let unsubscribe: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  let reloadTimer: NodeJS.Timeout | undefined;
  return {
    rules,
    engine,
    derived,
    forecasts,
    downlinks,
    routes(app) {
      downlinkRoutes(app, downlinks);
      derivedRoutes(app, derived.service);
      forecastRoutes(app, forecasts.service);
      ruleRoutes(app, rules, (rule, from, to, ds) =>
        replay(
          { byProperty: (o, p) => contexts.byProperty(o, p), readRaw: (r, o, l) => deps.measurementStore.readRaw(r, o, l) },
          rule,
          from,
          to,
          ds,
        ),
      );
      alertStatsRoutes(app, new KyselyAlertStats(db));
    },
    async start() {
      await engine.load();
      await derivedEngine.load();
      await forecastEngine.load();
      await downlinks.start();
      const stops = [engine.onStored, derivedEngine.onStored, forecastEngine.onStored].map((l) => deps.events.subscribe(l));
      unsubscribe = () => {
        for (const stop of stops) stop();
      };
      timer = setInterval(() => {
        void engine.tick().then(() => engine.flush());
        derivedEngine.tick().catch((err: unknown) => deps.logger.error({ err }, 'derived datastreams tick failed'));
        void forecastEngine.tick();
      }, deps.flushMs ?? 1000);
      timer.unref();
      // Definitions changed by another process, or gone with their datastream.
      reloadTimer = setInterval(() => {
        Promise.all([derivedEngine.reload(), forecastEngine.reload()]).catch((err: unknown) =>
          deps.logger.error({ err }, 'reloading derived datastreams and forecasts failed'),
        );
      }, RELOAD_MS);
      reloadTimer.unref();
    },
    async stop() {
      unsubscribe?.();
      if (timer) clearInterval(timer);
      if (reloadTimer) clearInterval(reloadTimer);
      // Every changed state written, the engine's thread stopped.
      await engine.close();
      await derivedEngine.idle();
      await derivedEngine.flush();
      await forecastEngine.idle();
      await encoderRunner.dispose();
      await downlinks.stop();
      mailer?.close();
    },
  };
}
