import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { AmqpInbox, deleteInboxQueues } from '../../src/queue/amqp-inbox.js';
import { DomainError } from '../../src/shared/errors.js';
import { manyMessages } from '../support/inbox-messages.js';
import { eventually } from '../support/poll.js';
import { SERVICES, serviceAvailable } from '../support/services.js';

const up = await serviceAvailable('rabbitmq');

/** A TCP proxy to RabbitMQ that the test can take down (cut and refuse) and bring back, as a network failure would. */
async function cuttableProxy(target: URL) {
  const sockets = new Set<net.Socket>();
  let refusing = false;
  const server = net.createServer((client) => {
    if (refusing) return void client.destroy();
    const broker = net.connect({ host: target.hostname, port: Number(target.port || 5672) });
    client.pipe(broker).pipe(client);
    for (const s of [client, broker]) {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => sockets.delete(s));
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  const url = new URL(target);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return {
    url: url.toString(),
    down: () => {
      refusing = true;
      for (const s of sockets) s.destroy();
    },
    up: () => {
      refusing = false;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe.runIf(up)('AMQP inbox: losing the connection', () => {
  it('rejects enqueue with UNAVAILABLE (the transport answers 503) while RabbitMQ is away, and works again once it is back', async () => {
    const lines: string[] = [];
    const logger = pino(
      { level: 'error' },
      new Writable({
        write(chunk, _enc, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    const proxy = await cuttableProxy(new URL(SERVICES.rabbitmq.url));
    const q = `polder.inbox.test-${randomBytes(4).toString('hex')}`;
    const names = { queue: q, retryQueue: `${q}.retry` };
    const inbox = new AmqpInbox({ url: proxy.url, logger, ...names });
    try {
      const [a, b, c, d] = manyMessages(4);
      const delivered: string[] = [];
      inbox.start(
        async (batch) => {
          delivered.push(...batch.map((x) => x.message.id));
          return { done: batch.map((x) => x.message.id), retry: [] };
        },
        { batchSize: 10 },
      );
      await inbox.enqueue([a!]);
      proxy.down();
      await eventually('the inbox to see the connection lost', () => lines.some((l) => l.includes('connection lost')));
      const err = await inbox.enqueue([b!]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DomainError);
      expect((err as DomainError).code).toBe('UNAVAILABLE');
      expect(lines.some((l) => l.includes('connection lost'))).toBe(true);
      proxy.up();
      // The next enqueue makes a new connection; the consumer comes back after its backoff.
      await inbox.enqueue([c!]);
      await inbox.enqueue([d!]);
      await eventually('c and d delivered', () => delivered.includes(c!.id) && delivered.includes(d!.id));
      expect(delivered).toContain(a!.id);
      expect(delivered).toContain(c!.id);
      expect(delivered).toContain(d!.id);
      expect(delivered).not.toContain(b!.id);
    } finally {
      await inbox.close();
      await proxy.close();
      await deleteInboxQueues(SERVICES.rabbitmq.url, names);
    }
  });
});
