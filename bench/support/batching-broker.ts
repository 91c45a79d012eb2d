/**
 * The event loop of the floor and lane peers (floor-peer.ts, lane-peer.ts): Aedes, whose
 * `authorizePublish` gathers the publishes of one turn of the loop into a batch posted to the
 * writer thread; their PUBACKs go once the thread answers that batch (`{ id }`, or `{ id, error }`).
 * Prints "ready" once listening on 127.0.0.1:`port`.
 */
import net from 'node:net';
import type { Worker } from 'node:worker_threads';
import { Aedes, type PublishPacket } from 'aedes';

export async function batchingBroker<B extends { id: number }>(opts: {
  port: number;
  writer: Worker;
  /** An empty batch. */
  batch(id: number): B;
  /** Adds a publish to the batch. */
  add(batch: B, packet: PublishPacket): void;
}): Promise<void> {
  const { writer } = opts;
  const waiting = new Map<number, ((err: Error | null) => void)[]>();
  let next = 1;
  let batch: B | undefined;
  let dones: ((err: Error | null) => void)[] = [];
  writer.on('message', (m: { id: number; error?: string }) => {
    const err = m.error ? new Error(m.error) : null;
    for (const done of waiting.get(m.id) ?? []) done(err);
    waiting.delete(m.id);
  });
  writer.on('error', (err) => {
    process.stderr.write(`writer thread: ${err.stack ?? err}\n`);
    process.exit(1);
  });
  const flush = () => {
    const b = batch as B;
    waiting.set(b.id, dones);
    writer.postMessage(b);
    batch = undefined;
    dones = [];
  };
  const aedes = await Aedes.createBroker({
    authorizePublish(client, packet, done) {
      if (!client) return done(null);
      if (!batch) {
        batch = opts.batch(next++);
        setImmediate(flush);
      }
      opts.add(batch, packet);
      dones.push(done);
    },
  });
  const server = net.createServer((socket) => aedes.handle(socket));
  server.listen(opts.port, '127.0.0.1', () => process.stdout.write('ready\n'));
}
