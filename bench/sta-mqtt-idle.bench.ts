/**
 * What the SensorThings MQTT listener of MeasurementEvents costs the ingest path per stored row:
 * with nobody subscribed on the embedded broker (it asks `listens` once per datastream of a
 * batch and renders nothing), against publishing every row (an external broker, or the embedded
 * one before it could tell). Batches of 500 rows over 3 datastreams, as the ingest bench stores
 * them; CPU time of this process per 1,000 rows until every publication is handed to the bus.
 *   npm run bench sta-mqtt-idle
 */
import type { MqttBus } from '../src/broker/broker.js';
import { InboundRouter } from '../src/broker/inbound-router.js';
import { MeasurementEvents } from '../src/measurements/measurement-events.js';
import type { Measurement } from '../src/measurements/measurements.js';
import type { MeasurementService } from '../src/measurements/measurements.service.js';
import { createLogger } from '../src/shared/logger.js';
import { registerSensorThingsMqtt } from '../src/standards/sensorthings/sta-mqtt.js';
import { figure, heading, note, sqliteBenchDatabase } from './support/bench-kit.js';

const BATCHES = Number(process.env.POLDER_BENCH_STA_BATCHES ?? 400);
const ROWS = 500;

async function run(label: string, bus: MqttBus, published: () => number, expected: number) {
  const db = await sqliteBenchDatabase();
  const events = new MeasurementEvents();
  const sta = registerSensorThingsMqtt({
    database: db.database,
    measurements: { events } as unknown as MeasurementService,
    inbound: new InboundRouter(),
    bus: () => bus,
    logger: createLogger({ level: 'silent', format: 'json' }),
  });
  const batches: Measurement[][] = [];
  for (let b = 0; b < BATCHES; b++)
    batches.push(Array.from({ length: ROWS }, (_, i) => ({ datastreamId: 1 + (i % 3), time: b * ROWS + i, value: i / 7 })));
  // Warm-up (JIT, owner look-ups), then the measured run.
  events.emit(batches[0] as Measurement[]);
  while (published() < (expected > 0 ? ROWS * 2 : 0)) await new Promise((r) => setImmediate(r));
  const before = published();
  const cpu = process.cpuUsage();
  for (const batch of batches) events.emit(batch);
  while (published() - before < expected) await new Promise((r) => setImmediate(r));
  const used = process.cpuUsage(cpu);
  const rows = BATCHES * ROWS;
  figure(label, ((used.user + used.system) / rows) * 1000, 'µs CPU per 1,000 rows', `${published() - before} publications`);
  sta.stop();
  await db.drop();
}

heading(`SensorThings MQTT listener on ${BATCHES} × ${ROWS} stored rows`);
let none = 0;
const idle: MqttBus = {
  mode: 'embedded',
  listens: () => false,
  publish: async () => {
    none++;
  },
  subscribe: async () => {},
  disconnect: async () => 0,
  close: async () => {},
};
await run('embedded broker, no subscriber (skipped before rendering)', idle, () => none, 0);
let all = 0;
const everything: MqttBus = {
  mode: 'external',
  publish: async () => {
    all++;
  },
  subscribe: async () => {},
  disconnect: async () => 0,
  close: async () => {},
};
await run('every row rendered and published (v1.1 and v1.0)', everything, () => all, BATCHES * ROWS * 2);
note('the bus is a no-op: what is measured is the listener (rendering, JSON), not the broker');
