import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import type { InboundMessage, MqttBus } from '../../src/broker/broker.js';
import { connectExternalBus } from '../../src/broker/external-bus.js';
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
 * Polder on the machine's Mosquitto takes several deliveries at once (MQTT.js alone would hand it
 * one at a time, each waiting for its commit) and still acknowledges each only once it is stored.
 */
describe.skipIf(!reachable)('external bus: publishes handed over before they are stored', () => {
  const run = randomUUID().slice(0, 8);
  const clientId = `polder-acks-${run}`;
  const held: { message: InboundMessage; accept: () => void; refuse: (err: Error) => void }[] = [];
  const buses: MqttBus[] = [];
  const connect = async () => {
    const bus = await connectExternalBus({
      url: URL,
      clientId,
      onInbound: (message) =>
        new Promise<void>((accept, refuse) => {
          held.push({ message, accept, refuse });
        }),
      clock: systemClock,
      logger: createLogger({ level: 'silent', format: 'json' }),
    });
    buses.push(bus);
    await bus.subscribe([`${run}/#`]);
    return bus;
  };
  const publish = async (topics: string[]) => {
    const pub = await connectMqtt(URL, { clientId: `pub-${run}` });
    for (const t of topics) await pub.publishAsync(t, 'x', { qos: 1 });
    await pub.endAsync();
  };
  const topics = (what: string, n: number) => Array.from({ length: n }, (_, i) => `${run}/${what}/${i}`);
  afterAll(async () => {
    for (const b of buses) await b.close();
  });

  it('takes many deliveries before answering any, and is not sent them again once they are stored', async () => {
    const bus = await connect();
    const sent = topics('a', 30);
    await publish(sent);
    // Mosquitto keeps up to 20 unacknowledged deliveries in flight per client (max_inflight_messages).
    await eventually('deliveries handed over', () => held.length >= 10);
    // All stored, newest first; each PUBACK goes once its own publish and the ones before it are.
    const accepted = new Set<string>();
    await eventually('every delivery stored', () => {
      for (const h of held.splice(0).reverse()) {
        accepted.add(h.message.topic);
        h.accept();
      }
      return accepted.size === sent.length;
    });
    expect([...accepted].sort()).toEqual([...sent].sort());
    await bus.close();
    buses.length = 0;
    // The same session again: nothing is redelivered before a message published now.
    await connect();
    await publish([`${run}/fence`]);
    await eventually('the fence', () => held.some((h) => h.message.topic === `${run}/fence`));
    expect(held.map((h) => h.message.topic)).toEqual([`${run}/fence`]);
    for (const h of held.splice(0)) h.accept();
  });

  it('gets a publish that could not be stored again, after the ones stored beside it', async () => {
    const sent = topics('b', 5);
    await publish(sent);
    await eventually('deliveries handed over', () => held.length === sent.length);
    const first = held.splice(0);
    first[0]?.refuse(new Error('database unavailable'));
    for (const h of first.slice(1)) h.accept();
    // The bus reconnects for redelivery: only the refused one comes back.
    await eventually('the refused publish again', () => held.length > 0);
    await publish([`${run}/fence2`]);
    await eventually('the fence', () => held.some((h) => h.message.topic === `${run}/fence2`));
    expect(held.map((h) => h.message.topic)).toEqual([sent[0], `${run}/fence2`]);
    for (const h of held.splice(0)) h.accept();
  });
});
