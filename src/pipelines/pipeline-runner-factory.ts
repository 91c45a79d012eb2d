/**
 * Builds the pipeline runner from Polder's parts (the composition root calls this): the step
 * resolver over the script domain, the store step over the registry, measurements and fleet.
 */
import type { Registry as Metrics } from 'prom-client';
import type { Database } from '../db/database.js';
import { sqliteWriterOf } from '../db/sqlite-writer.js';
import { KyselyDatastreamStore } from '../devices/datastreams.store.js';
import type { DeviceEvents } from '../devices/device-events.js';
import { KyselyDeviceLookup } from '../devices/device-lookup.store.js';
import { type DeviceCreator, DeviceMatcher, type TopicResolver } from '../devices/device-matcher.js';
import type { Clock } from '../shared/clock.js';
import type { IdGenerator } from '../shared/ids.js';
import type { Logger } from '../shared/logger.js';
import type { ScriptRunner } from '../workers/workers.js';
import { PipelineRunner } from './pipeline-runner.js';
import { pipelineRunnerMetrics } from './pipeline-runner-metrics.js';
import type { PipelineCatalog, TraceSink } from './pipelines.js';
import { type ScriptResolver, StepResolver } from './step-resolver.js';
import { StoreStep, type StoreStepOptions } from './store-step.js';
import { DatastreamCache } from './store-step-datastreams.js';
import { KyselyTraceStore } from './traces.store.js';
import { SqliteTraceWriter } from './traces.store.sqlite.js';
import { WriterLane, type WriterLaneOptions } from './writer-lane.js';

export interface PipelineRunnerDeps {
  /** The whole Database lets the runner write traces with prepared statements on SQLite. */
  database: Pick<Database, 'db'> | Database;
  catalog: Pick<PipelineCatalog, 'byId' | 'onChange'>;
  traces: TraceSink;
  /** ScriptService: resolves user workers, tells of script changes, and owns the sandbox. */
  scripts: ScriptResolver & { runner: ScriptRunner };
  /** The registry's device service (auto-registration) and its events (cache invalidation). */
  registry: { devices: DeviceCreator; events: Pick<DeviceEvents, 'on'> };
  /** MeasurementService: where it `takesTraces`, a batch's traces are committed with its measurements. */
  measurements: StoreStepOptions['measurements'] & Partial<Pick<WriterLaneOptions['measurements'], 'announce'>>;
  /** ActivityTracker: devices seen. */
  activity?: { seen(orgId: string, deviceId: string, at: number): void } | undefined;
  /** Base topic → device (DeviceDirectory; see directoryTopicResolver). */
  resolveTopic?: TopicResolver | undefined;
  config: { inboxMaxAttempts: number };
  /** prom-client registry (Polder's `metrics.registry`). */
  metrics?: Metrics | undefined;
  clock: Clock;
  newId: IdGenerator;
  logger: Logger;
}

export interface RunningPipelineRunner {
  runner: PipelineRunner;
  /** The inbox handler: `inbox.start(handle, { batchSize })`. */
  handle: PipelineRunner['handle'];
  /** Unsubscribes from the registry, catalog and script events. */
  close(): void;
}

export function createPipelineRunner(deps: PipelineRunnerDeps): RunningPipelineRunner {
  const { clock } = deps;
  const steps = new StepResolver({ scripts: deps.scripts, catalog: deps.catalog, clock });
  const devices = new DeviceMatcher({
    lookup: new KyselyDeviceLookup(deps.database.db),
    resolveTopic: deps.resolveTopic,
    creator: deps.registry.devices,
    events: deps.registry.events,
    clock,
  });
  const datastreams = new DatastreamCache({
    store: new KyselyDatastreamStore(deps.database.db, deps.newId),
    events: deps.registry.events,
    clock,
  });
  const lane = writerLaneOf(deps);
  const store = new StoreStep({ devices, datastreams, measurements: deps.measurements, activity: deps.activity, clock });
  const runner = new PipelineRunner({
    catalog: deps.catalog,
    steps,
    store,
    traces: traceSinkOf(deps),
    scripts: deps.scripts.runner,
    clock,
    logger: deps.logger,
    maxAttempts: deps.config.inboxMaxAttempts,
    observer: deps.metrics ? pipelineRunnerMetrics(deps.metrics) : undefined,
    lane,
  });
  return {
    runner,
    handle: runner.handle,
    close() {
      steps.close();
      devices.close();
      datastreams.close();
      lane?.close();
    },
  };
}

/**
 * The writer lane where the measurements and traces are committed on a SQLite writer thread (a
 * file database, Polder's trace store, a measurement service that announces what others stored).
 */
function writerLaneOf(deps: PipelineRunnerDeps): WriterLane | undefined {
  const db = deps.database;
  const writer = 'dialect' in db ? sqliteWriterOf(db) : undefined;
  const measurements = deps.measurements;
  if (!writer || !(deps.traces instanceof KyselyTraceStore) || !measurements.takesTraces || !measurements.announce)
    return undefined;
  return new WriterLane({
    writer,
    events: deps.registry.events,
    measurements: { announce: measurements.announce.bind(measurements) },
    activity: deps.activity,
  });
}

/**
 * Where the runner writes traces: on SQLite, Polder's trace store is written through prepared
 * statements (same table, same rows; see traces.store.sqlite.ts), by the database's writer
 * thread on a file database (db/sqlite-writer.ts); any other sink as given.
 */
function traceSinkOf(deps: PipelineRunnerDeps): TraceSink {
  const db = deps.database;
  if (deps.traces instanceof KyselyTraceStore && 'dialect' in db && db.dialect === 'sqlite')
    return new SqliteTraceWriter(db.sqlite, sqliteWriterOf(db));
  return deps.traces;
}

/**
 * The fleet's DeviceDirectory as the store step's topic resolver: the enabled MQTT device of
 * the organisation publishing under `<topic>/…`, told apart by the payload's unitID when
 * several boards share the base topic.
 */
export function directoryTopicResolver(directory: {
  resolve(topic: string, payload: Buffer): { id: string; orgId: string } | undefined;
}): TopicResolver {
  return (orgId, topic, payload) => {
    // resolve() takes a message topic `<base>/<module>`; any module level will do.
    const account = directory.resolve(`${topic}/`, Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength));
    return account && account.orgId === orgId ? account.id : undefined;
  };
}
