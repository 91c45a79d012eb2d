import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { DatabaseInbox } from '../../src/queue/database-inbox.js';
import type { Delivery } from '../../src/queue/inbox.js';
import { availableDialects, openTestDatabase, type TestDatabase } from '../support/databases.js';
import { manyMessages } from '../support/inbox-messages.js';

/**
 * The database inbox with `inline` (as createInbox makes it): once started, an enqueue is handled
 * before it resolves, and the table keeps only what must come back.
 */
const logger = pino({ level: 'silent' });

async function until(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.each(await availableDialects())('inline database inbox on %s', (dialect) => {
  let tdb: TestDatabase | undefined;
  let inbox: DatabaseInbox | undefined;
  const open = async () => {
    tdb = await openTestDatabase(dialect);
    inbox = new DatabaseInbox({ database: tdb.database, logger, pollMs: 50, errorBackoffMs: 200, inline: true });
    return inbox;
  };
  afterEach(async () => {
    await inbox?.close();
    await tdb?.drop();
  });

  it('an enqueue resolves only after the handler answered, and writes nothing to the table', async () => {
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
    // Resolved: the retry is in the table, durable, before the sender hears "accepted".
    expect(await box.depth()).toBe(1);
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
    expect(await box.depth()).toBe(4);
    await until('delivered again', () => seen.length === 4);
    expect(seen.every((s) => s.attempt === 2)).toBe(true);
    await until('table empty', async () => (await box.depth()) === 0);
  });

  it('before start, enqueue writes to the table as without inline', async () => {
    const box = await open();
    await box.enqueue(manyMessages(5));
    expect(await box.depth()).toBe(5);
  });
});
