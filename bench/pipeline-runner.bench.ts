/**
 * The pipeline runner on batches of 500 TTN v3 uplinks carrying a Cayenne LPP frame of three
 * values (temperature, humidity, pressure: byte sequences of the LPP spec's examples), through
 * [ttn-v3 (radio off), cayenne-lpp] and the store step, on a whole Polder (registry,
 * measurements with rollups, fleet activity). 200 registered devices. The first batch creates
 * the sensors and datastreams (cold); the others find them cached (warm). Traces go to an
 * in-memory sink (the trace store is not part of this figure).
 *   npm run bench pipeline-runner.bench [--full]
 */
import { readFileSync } from 'node:fs';
import { loadConfig } from '../src/config.js';
import { createPolder } from '../src/main.js';
import { createPipelineRunner, directoryTopicResolver } from '../src/pipelines/pipeline-runner-factory.js';
import type { Pipeline, TraceRecord } from '../src/pipelines/pipelines.js';
import type { Delivery } from '../src/queue/inbox.js';
import { uuidv7 } from '../src/shared/ids.js';
import { createLogger } from '../src/shared/logger.js';
import { FIXTURES_DIR } from '../test/workers/fixtures.js';
import {
  type BenchDatabase,
  FULL,
  figure,
  heading,
  note,
  postgresAvailable,
  postgresBenchDatabase,
  sqliteBenchDatabase,
} from './support/bench-kit.js';

const BATCH = 500;
const BATCHES = FULL ? 100 : 20;
const DEVICES = 200;
const VALUES = 3;
/** LPP: channel 3 temperature 27.2 °C, channel 2 humidity 50 %, channel 0 barometer 1017.5 hPa. */
const LPP = Buffer.from('03670110026864007327BF', 'hex').toString('base64');
const template = JSON.parse(readFileSync(`${FIXTURES_DIR}/ttn-v3-uplink.json`, 'utf8')).samples.tts_docs_uplink_example;
const devEui = (i: number) => `70B3D57ED0${i.toString(16).padStart(6, '0').toUpperCase()}`;
const T0 = Date.UTC(2025, 0, 1);

async function run(make: () => Promise<BenchDatabase>, label: string): Promise<void> {
  const b = await make();
  await b.database.close();
  const config = loadConfig(
    { POLDER_DATABASE_URL: b.url, POLDER_DATA_DIR: '/tmp', POLDER_DEMO: '0', POLDER_LOG_LEVEL: 'silent' },
    undefined,
  );
  const polder = await createPolder(config, { logger: createLogger({ level: 'silent', format: 'json' }) });
  const orgId = polder.bootstrap.org.id;
  const pipeline: Pipeline = {
    id: uuidv7(),
    orgId,
    name: 'bench',
    description: '',
    status: 'active',
    steps: [{ worker: 'ttn-v3', config: { radio: false } }, { worker: 'cayenne-lpp' }],
    sources: [],
    autoRegister: false,
    deviceType: null,
    hasIngestToken: false,
    createdAt: T0,
    updatedAt: T0,
  };
  let traces = 0;
  let insertMs = 0;
  let stored = 0;
  const running = createPipelineRunner({
    database: polder.database,
    catalog: { byId: async (id) => (id === pipeline.id ? pipeline : undefined), onChange: () => () => {} },
    traces: {
      async write(records: readonly TraceRecord[]) {
        traces += records.length;
        stored += records.filter((r) => r.status === 'stored').length;
      },
    },
    scripts: polder.scripts,
    registry: polder.registry,
    measurements: {
      async insert(rows) {
        const t0 = performance.now();
        await polder.measurements.insert(rows);
        insertMs += performance.now() - t0;
      },
    },
    activity: polder.activity,
    resolveTopic: directoryTopicResolver(polder.directory),
    config: { inboxMaxAttempts: 5 },
    metrics: polder.metrics.registry,
    clock: () => Date.now(),
    newId: uuidv7,
    logger: polder.logger,
  });
  try {
    for (let i = 0; i < DEVICES; i++) {
      await polder.registry.devices.create(orgId, {
        code: `bench-${i}`,
        type: 'lorawan-node',
        identity: { kind: 'deveui', value: devEui(i) },
      });
    }
    let seq = 0;
    const batch = (): Delivery[] =>
      Array.from({ length: BATCH }, () => {
        const n = seq++;
        const body = structuredClone(template);
        body.end_device_ids.dev_eui = devEui(n % DEVICES);
        body.uplink_message.frm_payload = LPP;
        body.uplink_message.f_port = 8;
        body.uplink_message.received_at = new Date(T0 + Math.floor(n / DEVICES) * 60_000).toISOString();
        return {
          attempt: 1,
          message: {
            id: uuidv7(),
            orgId,
            pipelineId: pipeline.id,
            receivedAt: Date.now(),
            transport: { kind: 'http', contentType: 'application/json' },
            payload: new Uint8Array(Buffer.from(JSON.stringify(body))),
            metadata: {},
            measurements: [],
          },
        };
      });

    heading(`${label}: pipeline runner, batches of ${BATCH} TTN v3 + Cayenne LPP uplinks (${VALUES} values each)`);
    const cold = batch();
    let t = performance.now();
    await running.handle(cold);
    const coldMs = performance.now() - t;
    figure('first batch (creates 600 sensors and datastreams)', BATCH / (coldMs / 1000), 'messages/s', `${coldMs.toFixed(0)} ms`);

    const batches = Array.from({ length: BATCHES }, batch);
    const before = polder.activity.pendingCount;
    insertMs = 0;
    t = performance.now();
    for (const d of batches) {
      const outcome = await running.handle(d);
      if (outcome.retry.length > 0 || outcome.done.length !== BATCH) throw new Error('a message was not stored');
    }
    const ms = performance.now() - t;
    const messages = BATCHES * BATCH;
    figure(`warm: ${BATCHES} batches, ${messages.toLocaleString('en-US')} messages`, messages / (ms / 1000), 'messages/s');
    figure('warm: measurements stored', (messages * VALUES) / (ms / 1000), 'points/s');
    figure('warm: per batch', ms / BATCHES, 'ms');
    figure('warm: of which MeasurementService.insert (with rollups)', insertMs / BATCHES, 'ms');
    const steps = await polder.metrics.registry.getSingleMetricAsString('polder_pipeline_step_seconds');
    for (const m of steps.matchAll(/^polder_pipeline_step_seconds_sum\{worker="([^"]+)"\} ([\d.e+-]+)/gm)) {
      figure(`all batches: time in ${m[1]} (per message)`, (Number(m[2]) * 1e6) / (messages + BATCH), 'µs');
    }
    const metrics = await polder.metrics.registry.getSingleMetricAsString('polder_measurements_stored_total');
    note(`traces written ${traces}, stored ${stored}; devices pending activity ${polder.activity.pendingCount} (was ${before})`);
    note(metrics.split('\n').find((l) => l.startsWith('polder_measurements_stored_total')) ?? '');
  } finally {
    running.close();
    await polder.stop();
    await b.drop().catch(() => {});
  }
}

await run(sqliteBenchDatabase, 'SQLite');
if (await postgresAvailable()) await run(postgresBenchDatabase, 'PostgreSQL');
else note('PostgreSQL: not reachable, skipped');
