/**
 * The durable inbox: what an uplink costs between the transport and the pipeline.
 *  - enqueue: C concurrent callers, each enqueueing one message at a time (the HTTP/MQTT
 *    transports' shape), until N are stored: messages/s (group commit / publisher confirms).
 *  - round trip: the same callers while a consumer (batchSize 500) takes and acks them:
 *    messages/s from the first enqueue until the last is done.
 *  - latency: one message at a time, enqueue → handler → done, median and p99 (idle inbox).
 * For the database inbox on SQLite (WAL, synchronous=FULL), on PostgreSQL, and RabbitMQ.
 *   npm run bench inbox.bench          POLDER_BENCH_INBOX_N=50000 for more
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import pino from 'pino';
import { AmqpInbox, deleteInboxQueues } from '../src/queue/amqp-inbox.js';
import { DatabaseInbox } from '../src/queue/database-inbox.js';
import type { BatchHandler, Inbox } from '../src/queue/inbox.js';
import { uuidv7 } from '../src/shared/ids.js';
import type { PipelineMessage } from '../src/workers/message.js';
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

const N = Number(process.env.POLDER_BENCH_INBOX_N ?? (FULL ? 100_000 : 20_000));
const CALLERS = [1, 100, 1000];
const LATENCY_RUNS = 200;
const AMQP_URL = process.env.POLDER_BENCH_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const logger = pino({ level: 'warn' });

// A The Things Stack v3 webhook body (the docs' example uplink), about 700 bytes as most are.
const body = Buffer.from(
  JSON.stringify({
    end_device_ids: { device_id: 'dev1', application_ids: { application_id: 'app1' }, dev_eui: '0004A30B001C0530' },
    correlation_ids: ['as:up:01E0WZGT6Y7657CPFPE5WEYDSQ', 'gs:uplink:01E0WZGSZWT07NE5TS2APTV1Z9'],
    received_at: '2020-02-12T15:15:46.014773143Z',
    uplink_message: {
      f_port: 2,
      f_cnt: 1,
      frm_payload: 'gkHe',
      decoded_payload: { temperature: 1.0, luminosity: 0.64 },
      rx_metadata: [{ gateway_ids: { gateway_id: 'gtw1', eui: '9C5C8EFFFE1EB2AB' }, rssi: -35, snr: 5.2, channel_index: 4 }],
      settings: { data_rate: { lora: { bandwidth: 125000, spreading_factor: 7 } }, frequency: '868300000' },
      received_at: '2020-02-12T15:15:45.789585559Z',
    },
  }),
);
const message = (): PipelineMessage => ({
  id: uuidv7(),
  orgId: 'org-bench',
  pipelineId: 'pipe-bench',
  receivedAt: Date.now(),
  transport: { kind: 'http', contentType: 'application/json' },
  payload: new Uint8Array(body),
  metadata: {},
  measurements: [],
});

interface Target {
  name: string;
  /** A fresh store; `open` gives an inbox on it, `drop` throws it away. */
  make(): Promise<{ open(): Inbox; drop(): Promise<void> }>;
}

const databaseTarget = (name: string, make: () => Promise<BenchDatabase>): Target => ({
  name,
  async make() {
    const b = await make();
    return { open: () => new DatabaseInbox({ database: b.database, logger }), drop: () => b.drop() };
  },
});

const amqpTarget: Target = {
  name: 'amqp',
  async make() {
    const q = `polder.inbox.bench-${randomBytes(4).toString('hex')}`;
    const names = { queue: q, retryQueue: `${q}.retry` };
    return { open: () => new AmqpInbox({ url: AMQP_URL, logger, ...names }), drop: () => deleteInboxQueues(AMQP_URL, names) };
  },
};

/** C callers, each enqueueing one message at a time, until N in total; returns ms. */
async function enqueueAll(inbox: Inbox, callers: number, n: number): Promise<number> {
  let left = n;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (left > 0) {
        left--;
        await inbox.enqueue([message()]);
      }
    }),
  );
  return performance.now() - start;
}

async function run(target: Target): Promise<void> {
  heading(`inbox: ${target.name}, ${N.toLocaleString('en-US')} messages of ${body.length} bytes`);
  for (const callers of CALLERS) {
    const n = callers === 1 ? Math.min(N, 2000) : N;
    const store = await target.make();
    const inbox = store.open();
    try {
      const ms = await enqueueAll(inbox, callers, n);
      figure(`${target.name} enqueue, ${callers} concurrent single-message callers`, (n / ms) * 1000, 'msg/s');
    } finally {
      await inbox.close();
      await store.drop();
    }
  }
  {
    const store = await target.make();
    const inbox = store.open();
    let done = 0;
    let finished: () => void = () => {};
    const all = new Promise<void>((r) => (finished = r));
    const handler: BatchHandler = async (batch) => {
      done += batch.length;
      if (done >= N) finished();
      return { done: batch.map((d) => d.message.id), retry: [] };
    };
    inbox.start(handler, { batchSize: 500 });
    try {
      const start = performance.now();
      await enqueueAll(inbox, 1000, N);
      await all;
      const ms = performance.now() - start;
      figure(`${target.name} round trip (1000 callers, consumer batchSize 500)`, (N / ms) * 1000, 'msg/s');
    } finally {
      await inbox.close();
      await store.drop();
    }
  }
  {
    const store = await target.make();
    const inbox = store.open();
    let arrived: () => void = () => {};
    inbox.start(
      async (batch) => {
        arrived();
        return { done: batch.map((d) => d.message.id), retry: [] };
      },
      { batchSize: 500 },
    );
    const times: number[] = [];
    try {
      for (let i = 0; i < LATENCY_RUNS; i++) {
        const seen = new Promise<void>((r) => (arrived = r));
        const start = performance.now();
        await inbox.enqueue([message()]);
        await seen;
        times.push(performance.now() - start);
      }
    } finally {
      await inbox.close();
      await store.drop();
    }
    times.sort((a, b) => a - b);
    figure(`${target.name} latency enqueue → handler, median`, times[Math.floor(times.length / 2)] ?? 0, 'ms');
    figure(`${target.name} latency enqueue → handler, p99`, times[Math.floor(times.length * 0.99)] ?? 0, 'ms');
  }
}

function reachable(url: string): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const s = net.connect({ host: u.hostname, port: Number(u.port || 5672) }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

await run(databaseTarget('sqlite', sqliteBenchDatabase));
if (await postgresAvailable()) await run(databaseTarget('postgres', postgresBenchDatabase));
else note('PostgreSQL not reachable: skipped');
if (await reachable(AMQP_URL)) await run(amqpTarget);
else note('RabbitMQ not reachable: skipped');
