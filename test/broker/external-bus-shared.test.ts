import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttBus } from '../../src/broker/broker.js';
import { connectExternalBus } from '../../src/broker/external-bus.js';
import { InboundRouter } from '../../src/broker/inbound-router.js';
import { systemClock } from '../../src/shared/clock.js';
import { createLogger } from '../../src/shared/logger.js';
import { connectMqtt } from '../support/mqtt.js';
import { eventually } from '../support/poll.js';

const URL = 'mqtt://127.0.0.1:1883';
const reachable = await new Promise<boolean>((resolve) => {
  const s = net.connect(1883, '127.0.0.1', () => resolve(!!s.end()));
  s.on('error', () => resolve(false));
});

/**
 * Two Polder processes (two buses, two routers) on the machine's Mosquitto, in one share group:
 * each QoS 1 message is taken by one process, and each route sees it once even when the topic
 * matches two subscribed filters.
 */
describe.skipIf(!reachable)('external bus: shared subscriptions across processes', () => {
  const run = randomUUID().slice(0, 8);
  const group = `test-${run}`;
  const seen: Record<string, string[]> = { data: [], all: [], passive: [] };
  const perProcess = [0, 0];
  /** Processes that received a fence: a message published after all the others (not counted). */
  const fenced = new Set<number>();
  const isFence = (topic: string) => topic.startsWith(`${run}/fence/`);
  const buses: MqttBus[] = [];

  beforeAll(async () => {
    for (const i of [0, 1]) {
      const router = new InboundRouter();
      router.on(`${run}/+/up`, async (m) => void seen.data?.push(m.topic));
      router.on(`${run}/#`, async (m) => {
        if (isFence(m.topic)) return void fenced.add(i);
        seen.all?.push(m.topic);
        perProcess[i] = (perProcess[i] ?? 0) + 1;
      });
      router.on('#', async (m) => void (isFence(m.topic) || seen.passive?.push(m.topic)), { passive: true });
      const bus = await connectExternalBus({
        url: URL,
        clientId: `polder-${run}-${i}`,
        shareGroup: group,
        onInbound: router.dispatch,
        clock: systemClock,
        logger: createLogger({ level: 'silent', format: 'json' }),
      });
      await bus.subscribe(router.filters);
      buses.push(bus);
    }
  });
  afterAll(async () => {
    for (const b of buses) await b.close();
  });

  it('gives each message to one process, once per route', async () => {
    const n = 200;
    const publisher = await connectMqtt(URL, { clientId: `pub-${run}` });
    await Promise.all(Array.from({ length: n }, (_, i) => publisher.publishAsync(`${run}/d${i}/up`, `${i}`, { qos: 1 })));
    await eventually(
      'every message routed',
      () => seen.all?.length === n && seen.data?.length === n && seen.passive?.length === n,
    );
    // A message given twice would reach a process before a fence published after all of them:
    // publish fences until each process has had one.
    let k = 0;
    await eventually('a fence in each process', async () => {
      await publisher.publishAsync(`${run}/fence/${k++}`, '', { qos: 1 });
      return fenced.size === 2;
    });
    await publisher.endAsync();
    for (const key of ['data', 'all', 'passive']) expect(new Set(seen[key]).size, key).toBe(n);
    expect(seen.all?.length).toBe(n);
    expect(seen.data?.length).toBe(n);
    expect(seen.passive?.length).toBe(n);
    // Both processes took a share.
    expect(
      perProcess.every((c) => c > 0),
      JSON.stringify(perProcess),
    ).toBe(true);
  });
});
