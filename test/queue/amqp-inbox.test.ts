import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { AmqpInbox, deleteInboxQueues } from '../../src/queue/amqp-inbox.js';
import { DomainError } from '../../src/shared/errors.js';
import { manyMessages } from '../support/inbox-messages.js';
import { SERVICES, serviceAvailable } from '../support/services.js';

const up = await serviceAvailable('rabbitmq');

/** A TCP proxy to RabbitMQ whose connections the test can cut, as a network failure would. */
async function cuttableProxy(target: URL) {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
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
    cut: () => {
      for (const s of sockets) s.destroy();
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe.runIf(up)('AMQP inbox: losing the connection', () => {
  it('rejects enqueue with UNAVAILABLE (the transport answers 503) and logs it', async () => {
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
      const [a, b] = manyMessages(2);
      await inbox.enqueue([a!]);
      proxy.cut();
      await new Promise((r) => setTimeout(r, 200));
      const err = await inbox.enqueue([b!]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DomainError);
      expect((err as DomainError).code).toBe('UNAVAILABLE');
      expect(lines.some((l) => l.includes('connection lost'))).toBe(true);
    } finally {
      await inbox.close();
      await proxy.close();
      await deleteInboxQueues(SERVICES.rabbitmq.url, names);
    }
  });
});
