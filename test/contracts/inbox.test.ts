import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AmqpInbox, deleteInboxQueues } from '../../src/queue/amqp-inbox.js';
import { DatabaseInbox } from '../../src/queue/database-inbox.js';
import type { BatchHandler, BatchOutcome, Delivery, Inbox } from '../../src/queue/inbox.js';
import type { PipelineMessage } from '../../src/workers/message.js';
import { availableDialects, openTestDatabase, type TestDatabase } from '../support/databases.js';
import { fixtureMessages, manyMessages } from '../support/inbox-messages.js';
import { SERVICES, serviceAvailable } from '../support/services.js';

const logger = pino({ level: 'silent' });
/** Short so that "comes back after its lease" happens within a test. */
const LEASE_MS = 600;

/** A store that outlives the inboxes opened on it (a database, a pair of queues). */
interface InboxStore {
  open(): Inbox;
  teardown(): Promise<void>;
}

async function databaseStore(dialect: 'sqlite' | 'postgres', inline = false): Promise<InboxStore> {
  const tdb: TestDatabase = await openTestDatabase(dialect);
  return {
    open: () => new DatabaseInbox({ database: tdb.database, logger, leaseMs: LEASE_MS, pollMs: 50, errorBackoffMs: 100, inline }),
    teardown: () => tdb.drop(),
  };
}

async function amqpStore(inline = false, inFlight = 1): Promise<InboxStore> {
  const name = `polder.inbox.test-${randomBytes(4).toString('hex')}`;
  const queues = { queue: name, retryQueue: `${name}.retry` };
  return {
    open: () => new AmqpInbox({ url: SERVICES.rabbitmq.url, logger, ...queues, errorBackoffMs: 100, inline, inFlight }),
    teardown: () => deleteInboxQueues(SERVICES.rabbitmq.url, queues),
  };
}

/** name, store, and whether several processes may consume at once (a SQLite file has one owner). */
const targets: [string, () => Promise<InboxStore>, boolean][] = (await availableDialects()).flatMap(
  (d): [string, () => Promise<InboxStore>, boolean][] => [
    [`database inbox on ${d}`, () => databaseStore(d), d === 'postgres'],
    // Inline (as createInbox makes it): once started, enqueue hands messages to the handler first.
    [`database inbox on ${d}, inline`, () => databaseStore(d, true), d === 'postgres'],
  ],
);
if (await serviceAvailable('rabbitmq'))
  targets.push(
    ['AMQP inbox (RabbitMQ)', () => amqpStore(), true],
    ['AMQP inbox (RabbitMQ), inline', () => amqpStore(true), true],
    // As createInbox makes it: inline batches overlap (AMQP_IN_FLIGHT).
    ['AMQP inbox (RabbitMQ), inline, 3 batches in flight', () => amqpStore(true, 3), true],
  );

async function until(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const allDone = (batch: Delivery[]): BatchOutcome => ({ done: batch.map((d) => d.message.id), retry: [] });

/** A handler that acks everything and records each delivery. */
function recorder(answer: (batch: Delivery[]) => BatchOutcome = allDone) {
  const batches: Delivery[][] = [];
  const seen = new Map<string, number>();
  const handler: BatchHandler = async (batch) => {
    batches.push(batch);
    for (const d of batch) seen.set(d.message.id, (seen.get(d.message.id) ?? 0) + 1);
    return answer(batch);
  };
  return { handler, batches, seen, deliveries: () => batches.flat() };
}

describe.each(targets)('Inbox contract: %s', (_name, makeStore, competing) => {
  let store: InboxStore;
  const opened: Inbox[] = [];
  const open = () => {
    const inbox = store.open();
    opened.push(inbox);
    return inbox;
  };

  beforeEach(async () => {
    store = await makeStore();
  });
  afterEach(async () => {
    for (const inbox of opened.splice(0)) await inbox.close();
    await store.teardown();
  });

  it('delivers what enqueue stored, intact: payload bytes, metadata, first attempt', async () => {
    const inbox = open();
    const messages = fixtureMessages();
    expect(messages.length).toBeGreaterThan(6);
    await inbox.enqueue(messages);
    expect(await inbox.depth()).toBe(messages.length);
    const r = recorder();
    inbox.start(r.handler, { batchSize: 100 });
    await until('all delivered', () => r.seen.size === messages.length);
    const byId = new Map(r.deliveries().map((d) => [d.message.id, d]));
    for (const m of messages) {
      const d = byId.get(m.id);
      expect(d?.attempt).toBe(1);
      expect(d?.message).toEqual(m);
      expect(Buffer.from(d?.message.payload ?? []).equals(Buffer.from(m.payload))).toBe(true);
    }
    await until('inbox empty', async () => (await inbox.depth()) === 0);
  });

  it('never hands out a batch larger than batchSize', async () => {
    const inbox = open();
    const messages = manyMessages(50);
    await inbox.enqueue(messages);
    const r = recorder();
    inbox.start(r.handler, { batchSize: 7 });
    await until('all delivered', () => r.seen.size === 50);
    expect(Math.max(...r.batches.map((b) => b.length))).toBeLessThanOrEqual(7);
    expect(r.deliveries()).toHaveLength(50);
  });

  it('removes done messages and redelivers retried ones after their delay, attempt + 1', async () => {
    const inbox = open();
    const [keep, again] = manyMessages(2) as [PipelineMessage, PipelineMessage];
    await inbox.enqueue([keep, again]);
    const firstSeen = new Map<string, number>();
    const attempts: { id: string; attempt: number; at: number }[] = [];
    inbox.start(
      async (batch) => {
        const at = Date.now();
        for (const d of batch) {
          attempts.push({ id: d.message.id, attempt: d.attempt, at });
          if (!firstSeen.has(d.message.id)) firstSeen.set(d.message.id, at);
        }
        const retry = batch
          .filter((d) => d.message.id === again.id && d.attempt < 3)
          .map((d) => ({ id: d.message.id, delayMs: 300 }));
        const done = batch.filter((d) => !retry.some((r) => r.id === d.message.id)).map((d) => d.message.id);
        return { done, retry };
      },
      { batchSize: 10 },
    );
    await until('third attempt done', () => attempts.some((a) => a.id === again.id && a.attempt === 3));
    await until('inbox empty', async () => (await inbox.depth()) === 0);
    expect(attempts.filter((a) => a.id === keep.id).map((a) => a.attempt)).toEqual([1]);
    const tries = attempts.filter((a) => a.id === again.id);
    expect(tries.map((a) => a.attempt)).toEqual([1, 2, 3]);
    // Never redelivered before its delay ran out.
    expect(tries[1]!.at - tries[0]!.at).toBeGreaterThanOrEqual(300);
    expect(tries[2]!.at - tries[1]!.at).toBeGreaterThanOrEqual(300);
  });

  it('loses nothing when the handler throws: the batch comes back', async () => {
    const inbox = open();
    const messages = manyMessages(5);
    await inbox.enqueue(messages);
    let calls = 0;
    const r = recorder();
    inbox.start(
      async (batch) => {
        calls++;
        if (calls === 1) throw new Error('the store step crashed');
        return r.handler(batch);
      },
      { batchSize: 10 },
    );
    await until('all delivered after the failure', () => r.seen.size === 5);
    expect(calls).toBeGreaterThan(1);
    for (const d of r.deliveries()) expect(d.attempt).toBe(2);
    await until('inbox empty', async () => (await inbox.depth()) === 0);
  });

  it('1,000 concurrent single-message enqueues all resolve and each is delivered exactly once', async () => {
    const inbox = open();
    const r = recorder();
    inbox.start(r.handler, { batchSize: 100 });
    const messages = manyMessages(1000);
    await Promise.all(messages.map((m) => inbox.enqueue([m])));
    await until('all delivered', () => r.seen.size === 1000);
    await until('inbox empty', async () => (await inbox.depth()) === 0);
    expect(r.deliveries()).toHaveLength(1000);
    expect([...r.seen.values()].every((n) => n === 1)).toBe(true);
    expect(new Set(r.seen.keys())).toEqual(new Set(messages.map((m) => m.id)));
  });

  it('the same id enqueued three times: stored once (a table), handled, nothing left behind', async () => {
    const inbox = open();
    const [m] = manyMessages(1) as [PipelineMessage];
    await Promise.all([inbox.enqueue([m]), inbox.enqueue([m])]);
    await inbox.enqueue([m]);
    const kind = inbox.kind;
    // A broker cannot look a message up by id: RabbitMQ keeps the copies, the runner's store
    // step is idempotent on (datastream, time). The table keeps one row.
    if (kind === 'database') expect(await inbox.depth()).toBe(1);
    else expect(await inbox.depth()).toBe(3);
    const r = recorder();
    inbox.start(r.handler, { batchSize: 10 });
    await until('handled', () => r.seen.has(m.id));
    await until('inbox empty', async () => (await inbox.depth()) === 0);
    // close() returns once what it took is answered; a copy left unanswered would be back in the
    // store (RabbitMQ requeues a closed channel's unacknowledged messages before confirming the close).
    await inbox.close();
    // No copy was left unanswered: a new inbox on the same store finds nothing.
    const again = open();
    expect(await again.depth()).toBe(0);
  });

  it('after close(), a new inbox on the same store delivers what was left', async () => {
    const first = open();
    const messages = manyMessages(20);
    await first.enqueue(messages);
    const r1 = recorder();
    let calls = 0;
    first.start(
      async (batch) => {
        calls++;
        if (calls === 1) void first.close();
        return r1.handler(batch);
      },
      { batchSize: 5 },
    );
    await until('first inbox closed after one batch', () => calls >= 1);
    await first.close();
    const handled = new Set(r1.deliveries().map((d) => d.message.id));
    expect(handled.size).toBe(5);

    const second = open();
    // A broker settles acks asynchronously: its count catches up shortly after close().
    await until('15 left', async () => (await second.depth()) === 15);
    const r2 = recorder();
    second.start(r2.handler, { batchSize: 5 });
    await until('the rest delivered', () => r2.seen.size === 15);
    expect([...r2.seen.keys()].some((id) => handled.has(id))).toBe(false);
    expect(new Set([...handled, ...r2.seen.keys()])).toEqual(new Set(messages.map((m) => m.id)));
  });

  it('depth() counts waiting messages, delayed retries included', async () => {
    const inbox = open();
    expect(await inbox.depth()).toBe(0);
    const messages = manyMessages(3);
    await inbox.enqueue(messages);
    expect(await inbox.depth()).toBe(3);
    const delayed = messages[0]!.id;
    const r = recorder((batch) => ({
      done: batch.filter((d) => d.message.id !== delayed).map((d) => d.message.id),
      retry: batch.filter((d) => d.message.id === delayed).map((d) => ({ id: d.message.id, delayMs: 60_000 })),
    }));
    inbox.start(r.handler, { batchSize: 10 });
    await until('all delivered once', () => r.seen.size === 3);
    await until('only the delayed one waits', async () => (await inbox.depth()) === 1);
  });

  it.runIf(competing)('competing consumers share the work: each message goes to exactly one of them', async () => {
    const [a, b] = [open(), open()];
    const ra = recorder();
    const rb = recorder();
    a.start(ra.handler, { batchSize: 50 });
    b.start(rb.handler, { batchSize: 50 });
    const messages = manyMessages(1000);
    await Promise.all(messages.map((m, i) => (i % 2 ? a : b).enqueue([m])));
    await until('all delivered', () => ra.seen.size + rb.seen.size >= 1000);
    await until('inbox empty', async () => (await a.depth()) === 0);
    const both = [...ra.deliveries(), ...rb.deliveries()].map((d) => d.message.id);
    expect(both).toHaveLength(1000);
    expect(new Set(both)).toEqual(new Set(messages.map((m) => m.id)));
  });
});
