import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrokerAuth, InboundMessage, MqttPrincipal } from '../../src/broker/broker.js';
import { type EmbeddedBroker, startEmbeddedBroker } from '../../src/broker/embedded-broker.js';
import { createLogger } from '../../src/shared/logger.js';
import { eventually } from '../support/poll.js';

const device: MqttPrincipal = { kind: 'device', orgId: 'o', deviceId: 'd1', login: 'dev1', baseTopic: 'u4/301' };
const auth: BrokerAuth = {
  authenticate: async (u, p) => (u === 'dev1' && p === 'secret' ? device : undefined),
  canPublish: (who, topic) => who.kind !== 'device' || topic.startsWith(`${who.baseTopic}/`),
  canSubscribe: () => false,
  canSubscribeStrict: () => false,
  canReceive: () => true,
  isSuperuser: () => false,
};

describe('embedded broker: reading on while publishes are being stored', () => {
  let broker: EmbeddedBroker;
  let client: MqttClient;
  /** Publishes handed to Polder and not answered yet, with their answers. */
  const held: { message: InboundMessage; accept: () => void; refuse: (err: Error) => void }[] = [];

  beforeAll(async () => {
    broker = await startEmbeddedBroker({
      port: 0,
      host: '127.0.0.1',
      auth,
      clock: Date.now,
      logger: createLogger({ level: 'silent', format: 'json' }),
      onInbound: (message) =>
        new Promise<void>((accept, refuse) => {
          held.push({ message, accept, refuse });
        }),
    });
    client = mqtt.connect(`mqtt://127.0.0.1:${broker.port}`, {
      username: 'dev1',
      password: 'secret',
      reconnectPeriod: 0,
    });
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    });
  });
  afterAll(async () => {
    client.end(true);
    await broker.close();
  });

  it('hands over publishes of many reads before any is stored, and acknowledges them in the order they came', async () => {
    // 120 publishes of 8 KiB: about 15 socket reads of 64 KiB. Without reading on, Polder would
    // hold only the first read's publishes until they are stored.
    const n = 120;
    const body = Buffer.alloc(8 * 1024, 'x');
    const acked: number[] = [];
    const sent = Array.from(
      { length: n },
      (_, i) =>
        new Promise<void>((resolve, reject) =>
          client.publish(`u4/301/t/${i}`, body, { qos: 1 }, (err) => {
            if (err) return reject(err);
            acked.push(i);
            resolve();
          }),
        ),
    );
    await eventually(`${n} publishes handed over`, () => held.length === n);
    expect(acked).toEqual([]);
    // Stored in reverse order: the PUBACKs still follow the PUBLISHes' order (MQTT 3.1.1 §4.6).
    for (const h of [...held].reverse()) h.accept();
    await Promise.all(sent);
    expect(acked).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(held.map((h) => h.message.topic)).toEqual(Array.from({ length: n }, (_, i) => `u4/301/t/${i}`));
    held.length = 0;
  });

  it('sends no PUBACK for a publish Polder could not store, and none after it', async () => {
    const acked: string[] = [];
    client.on('packetreceive', (p) => {
      if (p.cmd === 'puback') acked.push(String(p.messageId));
    });
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    for (let i = 0; i < 3; i++) client.publish(`u4/301/f/${i}`, 'x', { qos: 1 });
    await eventually('3 publishes handed over', () => held.length === 3);
    // The first is refused: Aedes closes the connection; the two after it were accepted but answer after it.
    held[2]?.accept();
    held[1]?.accept();
    held[0]?.refuse(new Error('database unavailable'));
    await closed;
    expect(acked).toEqual([]);
  });
});
