import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { AmqpInbox, deleteInboxQueues } from '../../src/queue/amqp-inbox.js';
import { DatabaseInbox } from '../../src/queue/database-inbox.js';
import type { Delivery, Inbox } from '../../src/queue/inbox.js';
import { availableDialects, openTestDatabase } from '../support/databases.js';
import { manyMessages } from '../support/inbox-messages.js';
import { SERVICES, serviceAvailable } from '../support/services.js';

/**
 * Both inboxes with `inline` (as createInbox makes them): once started, an enqueue is handled
 * before it resolves, and the table or queue keeps only what must come back.
 */
const logger = pino({ level: 'silent' });

type Opened = { inbox: Inbox; teardown: () => Promise<void> };
const adapters: [string, () => Promise<Opened>][] = (await availableDialects()).map((dialect) => [
  `database inbox on ${dialect}`,
  async () => {
    const tdb = await openTestDatabase(dialect);
    const inbox = new DatabaseInbox({ database: tdb.database, logger, pollMs: 50, errorBackoffMs: 200, inline: true });
    return { inbox, teardown: () => tdb.drop() };
  },
]);
if (await serviceAvailable('rabbitmq'))
  adapters.push([
    'AMQP inbox',
    async () => {
      const name = `polder.inbox.inline-${randomBytes(4).toString('hex')}`;
      const queues = { queue: name, retryQueue: `${name}.retry` };
      const inbox = new AmqpInbox({ url: SERVICES.rabbitmq.url, logger, ...queues, errorBackoffMs: 200, inline: true });
      return { inbox, teardown: () => deleteInboxQueues(SERVICES.rabbitmq.url, queues) };
    },
  ]);

async function until(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.each(adapters)('inline: %s', (_name, make) => {
  let opened: Opened | undefined;
  const open = async () => {
    opened = await make();
    return opened.inbox;
  };
  afterEach(async () => {
    await opened?.inbox.close();
    await opened?.teardown();
    opened = undefined;
  });

  it('an enqueue resolves only after the handler answered, and queues nothing', async () => {
    const box = await open();
    const handled: string[] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    box.start(
      async (batch) => {
        await gate;
        handled.push(...batch.map((d) => d.message.id));
        return { done: batch.map((d) => d.message.id), retry: [] };
      },
      { batchSize: 100 },
    );
    const messages = manyMessages(3);
    let resolved = false;
    const enqueued = box.enqueue(messages).then(() => {
      resolved = true;
    });
    await until('the handler holds the batch', async () => (await box.depth()) === 0);
    await new Promise((r) => setImmediate(r));
    expect(resolved).toBe(false);
    release();
    await enqueued;
    expect(new Set(handled)).toEqual(new Set(messages.map((m) => m.id)));
    expect(await box.depth()).toBe(0);
  });

  it('a retry asked for inline is queued (first delivery counted) and comes back with attempt 2 after its delay', async () => {
    const box = await open();
    const deliveries: { id: string; attempt: number; at: number }[] = [];
    const [keep, again] = manyMessages(2) as [
      NonNullable<ReturnType<typeof manyMessages>[number]>,
      NonNullable<ReturnType<typeof manyMessages>[number]>,
    ];
    box.start(
      async (batch: Delivery[]) => {
        for (const d of batch) deliveries.push({ id: d.message.id, attempt: d.attempt, at: Date.now() });
        const retry = batch
          .filter((d) => d.message.id === again.id && d.attempt < 2)
          .map((d) => ({ id: d.message.id, delayMs: 300 }));
        return { done: batch.filter((d) => !retry.some((r) => r.id === d.message.id)).map((d) => d.message.id), retry };
      },
      { batchSize: 10 },
    );
    await box.enqueue([keep, again]);
    // Resolved: the retry is stored, durable, before the sender hears "accepted".
    await until('the retry waits', async () => (await box.depth()) === 1 || deliveries.length > 2);
    await until('second delivery', () => deliveries.some((d) => d.id === again.id && d.attempt === 2));
    await until('table empty', async () => (await box.depth()) === 0);
    expect(deliveries.filter((d) => d.id === keep.id).map((d) => d.attempt)).toEqual([1]);
    const tries = deliveries.filter((d) => d.id === again.id);
    expect(tries.map((d) => d.attempt)).toEqual([1, 2]);
    expect(tries[1]!.at - tries[0]!.at).toBeGreaterThanOrEqual(300);
  });

  it('a handler that throws on an inline batch: enqueue still resolves (queued), and the batch comes back with attempt 2', async () => {
    const box = await open();
    let calls = 0;
    const seen: { id: string; attempt: number }[] = [];
    box.start(
      async (batch) => {
        calls++;
        if (calls === 1) throw new Error('the store step crashed');
        for (const d of batch) seen.push({ id: d.message.id, attempt: d.attempt });
        return { done: batch.map((d) => d.message.id), retry: [] };
      },
      { batchSize: 10 },
    );
    const messages = manyMessages(4);
    await box.enqueue(messages);
    // Queued before enqueue resolved (the queue's count may lag behind its confirm).
    await until('queued or delivered again', async () => (await box.depth()) === 4 || seen.length > 0);
    await until('delivered again', () => seen.length === 4);
    expect(seen.every((s) => s.attempt === 2)).toBe(true);
    await until('table empty', async () => (await box.depth()) === 0);
  });

  it('before start, enqueue queues as without inline', async () => {
    const box = await open();
    await box.enqueue(manyMessages(5));
    await until('5 waiting', async () => (await box.depth()) === 5);
  });
});

describe.runIf(await serviceAvailable('rabbitmq'))('inline: AMQP inbox with 3 batches in flight', () => {
  const name = `polder.inbox.inflight-${randomBytes(4).toString('hex')}`;
  const queues = { queue: name, retryQueue: `${name}.retry` };
  let box: AmqpInbox | undefined;
  afterEach(async () => {
    await box?.close();
    await deleteInboxQueues(SERVICES.rabbitmq.url, queues);
    box = undefined;
  });

  it('overlaps up to 3 batches; each enqueue resolves once its own batch is answered, every message handled once', async () => {
    box = new AmqpInbox({ url: SERVICES.rabbitmq.url, logger, ...queues, inline: true, inFlight: 3 });
    const gates: (() => void)[] = [];
    const handled = new Map<string, number>();
    let running = 0;
    let most = 0;
    box.start(
      async (batch) => {
        running++;
        most = Math.max(most, running);
        await new Promise<void>((r) => gates.push(r));
        for (const d of batch) handled.set(d.message.id, (handled.get(d.message.id) ?? 0) + 1);
        running--;
        return { done: batch.map((d) => d.message.id), retry: [] };
      },
      { batchSize: 10 },
    );
    const messages = manyMessages(50);
    const resolved = new Set<string>();
    const enqueues = messages.map((m) => box!.enqueue([m]).then(() => resolved.add(m.id)));
    await until('3 batches held', () => gates.length === 3);
    await new Promise((r) => setTimeout(r, 50));
    expect(running).toBe(3);
    expect(resolved.size).toBe(0);
    // The second batch answers first: its senders hear "accepted", the first batch's do not yet.
    gates.splice(1, 1)[0]!();
    await until('the second batch resolved', () => resolved.size === 10);
    expect([...resolved].every((id) => handled.get(id) === 1)).toBe(true);
    while (handled.size < messages.length || gates.length > 0) {
      gates.shift()?.();
      await new Promise((r) => setTimeout(r, 5));
    }
    await Promise.all(enqueues);
    expect(most).toBe(3);
    expect(new Set(handled.keys())).toEqual(new Set(messages.map((m) => m.id)));
    expect([...handled.values()].every((n) => n === 1)).toBe(true);
    expect(await box.depth()).toBe(0);
  });
});
