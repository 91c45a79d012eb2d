import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import amqp, { type Channel, type ChannelModel } from 'amqplib';
import pino from 'pino';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AmqpSource } from '../../src/ingest/amqp-source.js';
import { IngestService } from '../../src/ingest/ingest.service.js';
import { createIngestMetrics } from '../../src/ingest/ingest-metrics.js';
import { uuidv7 } from '../../src/shared/ids.js';
import { createLogger } from '../../src/shared/logger.js';
import { MapCatalog, RecordingInbox } from '../support/ingest-doubles.js';
import { eventually } from '../support/poll.js';
import { SERVICES, serviceAvailable } from '../support/services.js';
import { senmlCsv, ttnV3Body } from '../support/uplink-fixtures.js';

const up = await serviceAvailable('rabbitmq');

/** AMQP sources against the real RabbitMQ: ack after enqueue, requeue on failure, drop for good. */
describe.skipIf(!up)('AMQP source (RabbitMQ)', () => {
  const url = SERVICES.rabbitmq.url;
  let conn: ChannelModel;
  let ch: Channel;
  const queues: string[] = [];
  let source: AmqpSource | undefined;

  /** What the source logged (warnings and up). */
  const lines: string[] = [];

  function setup(queue: string) {
    const catalog = new MapCatalog();
    const inbox = new RecordingInbox();
    const service = new IngestService({
      catalog,
      inbox,
      clock: Date.now,
      newId: uuidv7,
      logger: createLogger({ level: 'silent', format: 'json' }),
      metrics: createIngestMetrics(new Registry()),
      maxBytes: 4096,
    });
    catalog.save({ id: 'p-amqp', orgId: 'org-a', sources: [{ kind: 'amqp', queue }] });
    source = new AmqpSource({
      catalog,
      service,
      logger: pino(
        { level: 'warn' },
        new Writable({
          write(chunk, _enc, done) {
            lines.push(String(chunk));
            done();
          },
        }),
      ),
      defaultUrl: url,
      backoff: { minMs: 50, maxMs: 200 },
    });
    return { catalog, inbox, source };
  }

  async function freshQueue(): Promise<string> {
    const q = `polder-test-${randomBytes(6).toString('hex')}`;
    queues.push(q);
    await ch.assertQueue(q, { durable: false });
    return q;
  }

  /** Ready plus unacknowledged messages, once the consumer is gone. */
  const ready = async (q: string) => (await ch.checkQueue(q)).messageCount;

  beforeAll(async () => {
    conn = await amqp.connect(url);
    ch = await conn.createChannel();
  });
  afterEach(async () => {
    await source?.stop();
    source = undefined;
  });
  afterAll(async () => {
    for (const q of queues) await ch.deleteQueue(q).catch(() => {});
    await conn?.close();
  });

  it('enqueues each message with its content type, and acks it only then', async () => {
    const q = await freshQueue();
    const { inbox, source } = setup(q);
    ch.sendToQueue(q, ttnV3Body().subarray(0, 4000), { contentType: 'application/json' });
    ch.sendToQueue(q, Buffer.from(senmlCsv()), { contentType: 'text/csv' });
    await source.start();
    await eventually('two uplinks', () => inbox.messages.length === 2);
    expect(inbox.messages.map((m) => m.transport)).toEqual([
      { kind: 'amqp', topic: q, path: q, contentType: 'application/json' },
      { kind: 'amqp', topic: q, path: q, contentType: 'text/csv' },
    ]);
    expect(Buffer.from(inbox.messages[1]?.payload ?? []).toString()).toBe(senmlCsv());
    await source.stop();
    // Stopped: anything not acked would be back in the queue.
    expect(await ready(q)).toBe(0);
  });

  it('requeues a message the inbox did not store, and takes it once the inbox is back', async () => {
    const q = await freshQueue();
    const { inbox, source } = setup(q);
    inbox.failing = true;
    ch.sendToQueue(q, Buffer.from(senmlCsv()), { contentType: 'text/csv' });
    await source.start();
    await eventually('several failed deliveries', () => inbox.calls >= 3);
    expect(inbox.messages).toEqual([]);
    inbox.failing = false;
    await eventually('the uplink stored', () => inbox.messages.length === 1);
    await source.stop();
    expect(await ready(q)).toBe(0);
  });

  it('drops a message refused for good (too large) without requeueing it', async () => {
    const q = await freshQueue();
    const { inbox, source } = setup(q);
    ch.sendToQueue(q, Buffer.alloc(5000, 1));
    ch.sendToQueue(q, Buffer.from('marker'));
    await source.start();
    await eventually('the marker', () => inbox.messages.length === 1);
    expect(Buffer.from(inbox.messages[0]?.payload ?? []).toString()).toBe('marker');
    await source.stop();
    expect(await ready(q)).toBe(0);
  });

  it('comes back when its queue disappears and reappears', async () => {
    const q = await freshQueue();
    const { inbox, source } = setup(q);
    await source.start();
    ch.sendToQueue(q, Buffer.from('first'));
    await eventually('the first uplink', () => inbox.messages.length === 1);
    lines.length = 0;
    await ch.deleteQueue(q);
    await eventually('the source to see its consumer cancelled', () => lines.some((l) => l.includes('consumer cancelled')));
    await ch.assertQueue(q, { durable: false });
    ch.sendToQueue(q, Buffer.from('second'));
    await eventually('the second uplink', () => inbox.messages.length === 2);
    expect(inbox.messages.map((m) => Buffer.from(m.payload).toString())).toEqual(['first', 'second']);
  });

  it('stops consuming when the pipeline loses the source', async () => {
    const q = await freshQueue();
    const { inbox, catalog, source } = setup(q);
    await source.start();
    ch.sendToQueue(q, Buffer.from('before'));
    await eventually('the first uplink', () => inbox.messages.length === 1);
    catalog.save({ id: 'p-amqp', orgId: 'org-a', sources: [] });
    await eventually('no consumer', async () => (await ch.checkQueue(q)).consumerCount === 0);
    ch.sendToQueue(q, Buffer.from('after'));
    await eventually('the message waiting', async () => (await ready(q)) === 1);
    expect(inbox.messages).toHaveLength(1);
  });
});
