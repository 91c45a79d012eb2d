/**
 * What the transports cost before the inbox: uplinks/s through `POST /api/uplinks/{id}` (HTTP
 * keep-alive, ingest token) and MQTT QoS 1 through the embedded broker, into an inbox that
 * stores nothing (the inbox and pipeline have their own benchmarks).
 * Run: npx tsx bench/uplinks-transports.ts [uplinks]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mqtt from 'mqtt';
import { loadConfig } from '../src/config.js';
import { createPolder } from '../src/main.js';
import type { Pipeline, PipelineCatalog } from '../src/pipelines/pipelines.js';
import type { Inbox } from '../src/queue/inbox.js';
import { createLogger } from '../src/shared/logger.js';
import { digestSecret } from '../src/shared/secrets.js';
import { FULL, figure, heading, note } from './support/bench-kit.js';

const N = Number(process.argv[2] ?? (FULL ? 100_000 : 20_000));
const TOKEN = 'bench-ingest-token-0123456789abcdef';
const CONCURRENCY = 64;

// A TTN v3 uplink webhook body (the shape of the Cayenne LPP docs example).
const body = Buffer.from(
  JSON.stringify({
    end_device_ids: { device_id: 'dev1', application_ids: { application_id: 'app1' }, dev_eui: '0004A30B001C0530' },
    received_at: '2020-02-12T15:15:46.014773143Z',
    uplink_message: {
      f_port: 8,
      f_cnt: 113,
      frm_payload: Buffer.from('007327BF006700DE016864', 'hex').toString('base64'),
      rx_metadata: [{ gateway_ids: { gateway_id: 'gtw1' }, rssi: -35, channel_rssi: -35, snr: 5 }],
      settings: { data_rate: { lora: { bandwidth: 125000, spreading_factor: 7 } }, frequency: '868300000' },
    },
  }),
);

let enqueued = 0;
const inbox: Inbox = {
  kind: 'database',
  enqueue: async (m) => {
    enqueued += m.length;
  },
  start: () => {},
  depth: async () => 0,
  close: async () => {},
};
const pipeline = (orgId: string): Pipeline => ({
  id: 'bench',
  orgId,
  name: 'bench',
  description: '',
  status: 'active',
  steps: [],
  sources: [{ kind: 'mqtt', topic: 'bench/+/up' }],
  autoRegister: false,
  deviceType: null,
  hasIngestToken: true,
  createdAt: 0,
  updatedAt: 0,
});
let orgId = '';
const catalog: PipelineCatalog = {
  byId: async (id) => (id === 'bench' ? pipeline(orgId) : undefined),
  tokenMatches: async (_id, token) => digestSecret(token) === digestSecret(TOKEN),
  withSources: async () => [pipeline(orgId)],
  onChange: () => () => {},
};

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'polder-bench-'));
const config = loadConfig(
  {
    POLDER_DATA_DIR: dataDir,
    POLDER_ADMIN_TOKEN: 'bench-admin-token-0123456789',
    POLDER_DEMO: '0',
    POLDER_LOG_LEVEL: 'warn',
    POLDER_HTTP_PORT: '0',
    POLDER_MQTT_PORT: '0',
    POLDER_HTTP_HOST: '127.0.0.1',
  },
  undefined,
);
const polder = await createPolder(config, {
  logger: createLogger({ level: 'warn', format: 'json' }),
  ingestCatalog: catalog,
  inbox,
});
orgId = polder.bootstrap.org.id;
const { httpUrl } = await polder.start();

heading(`uplink transports, ${N.toLocaleString('en')} uplinks of ${body.length} bytes, no-op inbox`);

let sent = 0;
const t0 = process.hrtime.bigint();
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    while (sent < N) {
      sent++;
      const r = await fetch(`${httpUrl}/api/uplinks/bench`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-ingest-token': TOKEN },
        body,
      });
      if (r.status !== 202) throw new Error(`HTTP ${r.status}: ${await r.text()}`);
      await r.arrayBuffer();
    }
  }),
);
const httpS = Number(process.hrtime.bigint() - t0) / 1e9;
figure('http uplinks (64 concurrent, keep-alive)', Math.round(N / httpS), 'uplinks/s');

const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${polder.registry.brokerAddress.port}`, {
  username: 'bench',
  password: 'bench-admin-token-0123456789',
});
const before = enqueued;
const t1 = process.hrtime.bigint();
let next = 0;
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    while (next < N) {
      next++;
      await client.publishAsync('bench/dev1/up', body, { qos: 1 });
    }
  }),
);
const mqttS = Number(process.hrtime.bigint() - t1) / 1e9;
figure('mqtt QoS 1 uplinks (one client, 64 in flight)', Math.round(N / mqttS), 'uplinks/s');
note(`enqueued ${enqueued - before} by MQTT, ${before} by HTTP`);
await client.endAsync();
await polder.stop();
rmSync(dataDir, { recursive: true, force: true });
