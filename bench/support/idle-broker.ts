/**
 * The embedded broker alone in its own process, for bench/broker-idle-memory.ts: every client is
 * a device of one organisation (no database), publishes are accepted and dropped. Answers its
 * memory on each IPC message ("gc": after a forced collection).
 */
import { startEmbeddedBroker } from '../../src/broker/embedded-broker.js';
import { createLogger } from '../../src/shared/logger.js';

const broker = await startEmbeddedBroker({
  port: 0,
  host: '127.0.0.1',
  clock: Date.now,
  logger: createLogger({ level: 'silent', format: 'json' }),
  onInbound: async () => {},
  auth: {
    authenticate: async (username) =>
      username ? { kind: 'device', orgId: 'o', deviceId: username, login: username, baseTopic: `b/${username}` } : undefined,
    canPublish: () => true,
    canSubscribe: () => true,
    canSubscribeStrict: () => true,
    canReceive: () => true,
    isSuperuser: () => false,
  },
});
process.on('message', async (what) => {
  (globalThis as { gc?: () => void }).gc?.();
  if (what === 'snapshot') (await import('node:v8')).writeHeapSnapshot(process.env.POLDER_BENCH_SNAPSHOT);
  const m = process.memoryUsage();
  process.send?.({
    clients: broker.connectedClients(),
    rss: m.rss,
    heapUsed: m.heapUsed,
    heapTotal: m.heapTotal,
    external: m.external,
  });
});
process.send?.({ port: broker.port });
