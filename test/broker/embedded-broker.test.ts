import http from 'node:http';
import net from 'node:net';
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
  canSubscribe: (who, filter) => who.kind !== 'device' || (filter.startsWith(`${who.baseTopic}/`) && filter.endsWith('/command')),
  canSubscribeStrict: () => false,
  canReceive: () => true,
  isSuperuser: (who) => who.kind === 'service',
};

function connect(url: string, extra: mqtt.IClientOptions = {}): Promise<MqttClient> {
  const c = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 5000, ...extra });
  return new Promise((resolve, reject) => {
    c.once('connect', () => resolve(c));
    c.once('error', (err) => {
      c.end(true);
      reject(err);
    });
  });
}

describe('embedded MQTT broker', () => {
  let broker: EmbeddedBroker;
  let httpServer: http.Server;
  let httpPort: number;
  const received: InboundMessage[] = [];
  /** Messages the inbound handler is holding at the gate. */
  const waiting: InboundMessage[] = [];
  let gate: Promise<void> = Promise.resolve();

  beforeAll(async () => {
    httpServer = http.createServer();
    await new Promise<void>((r) => httpServer.listen(0, '127.0.0.1', () => r()));
    httpPort = (httpServer.address() as net.AddressInfo).port;
    broker = await startEmbeddedBroker({
      port: 0,
      host: '127.0.0.1',
      auth,
      clock: Date.now,
      logger: createLogger({ level: 'silent', format: 'json' }),
      httpServer,
      onInbound: async (m) => {
        waiting.push(m);
        await gate;
        waiting.splice(waiting.indexOf(m), 1);
        received.push(m);
      },
    });
  });
  afterAll(async () => {
    await broker.close();
    httpServer.close();
  });

  it('refuses unknown credentials at CONNACK', async () => {
    await expect(connect(`mqtt://127.0.0.1:${broker.port}`, { username: 'dev1', password: 'wrong' })).rejects.toThrow(
      /Bad username or password/i,
    );
  });

  it('acknowledges a QoS 1 publish only after the inbound handler has accepted it', async () => {
    const c = await connect(`mqtt://127.0.0.1:${broker.port}`, { username: 'dev1', password: 'secret' });
    let release!: () => void;
    gate = new Promise((r) => {
      release = r;
    });
    let acked = false;
    const published = c.publishAsync('u4/301/temperature', '{"value":21.5}', { qos: 1 }).then(() => {
      acked = true;
    });
    // The handler has the message and holds it: the broker must not have acknowledged it yet.
    await eventually('the handler to hold the message', () => waiting.length === 1);
    expect(acked).toBe(false);
    expect(received).toHaveLength(0);
    release();
    await published;
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ topic: 'u4/301/temperature', qos: 1, principal: device });
    expect(received[0]?.payload.toString()).toBe('{"value":21.5}');
    await c.endAsync();
  });

  it('disconnects a device publishing outside its base topic, and refuses foreign subscriptions', async () => {
    const c = await connect(`mqtt://127.0.0.1:${broker.port}`, { username: 'dev1', password: 'secret' });
    expect((await c.subscribeAsync('u4/301/shutter/command'))[0]?.qos).toBe(0);
    // MQTT 3.1.1 §3.9.3: a refused filter is granted 0x80, which MQTT.js reports as an error
    await expect(c.subscribeAsync('u4/#')).rejects.toThrow(/Subscribe error/);
    const closed = new Promise<void>((r) => c.once('close', () => r()));
    c.publish('u4/302/temperature', 'x', { qos: 1 });
    await closed;
    expect(received.some((m) => m.topic === 'u4/302/temperature')).toBe(false);
    c.end(true);
  });

  // The parser's buffer list is a plain list, not a stream (memory): packets cut anywhere, or
  // several in one read, still parse; a packet announcing more than the limit still closes.
  it('parses packets split byte by byte and packets sharing a read, over raw TCP', async () => {
    const str = (s: string) => Buffer.concat([Buffer.from([0, Buffer.byteLength(s)]), Buffer.from(s)]);
    const body = Buffer.concat([str('MQTT'), Buffer.from([4, 0xc2, 0, 60]), str('raw1'), str('dev1'), str('secret')]);
    const connectPacket = Buffer.concat([Buffer.from([0x10, body.length]), body]);
    const publish = (n: number) => {
      const topic = str('u4/301/raw');
      const payload = Buffer.from(`{"value":${n}}`);
      return Buffer.concat([Buffer.from([0x32, topic.length + 2 + payload.length]), topic, Buffer.from([0, n]), payload]);
    };
    const s = net.connect({ port: broker.port, host: '127.0.0.1' });
    const bytes: number[] = [];
    s.on('data', (d: Buffer) => bytes.push(...d));
    const until = async (n: number) => {
      for (let i = 0; i < 500 && bytes.length < n; i++) await new Promise((r) => setTimeout(r, 10));
      expect(bytes.length).toBeGreaterThanOrEqual(n);
    };
    await new Promise<void>((r) => s.once('connect', () => r()));
    for (const b of connectPacket) {
      s.write(Buffer.from([b]));
      await new Promise((r) => setImmediate(r));
    }
    await until(4);
    expect(bytes.slice(0, 4)).toEqual([0x20, 2, 0, 0]);
    const one = publish(1);
    for (const b of one) s.write(Buffer.from([b]));
    s.write(Buffer.concat([publish(2), publish(3), publish(4)]));
    await until(4 + 4 * 4); // a PUBACK (4 bytes) for each
    expect(received.filter((m) => m.topic === 'u4/301/raw').map((m) => m.payload.toString())).toEqual(
      [1, 2, 3, 4].map((n) => `{"value":${n}}`),
    );
    // Remaining length 2^21 (> the 1 MiB + 64 KiB limit): closed before the body arrives.
    const closed = new Promise<void>((r) => s.once('close', () => r()));
    s.write(Buffer.from([0x30, 0x80, 0x80, 0x80, 0x01]));
    await closed;
  });

  it('serves MQTT over WebSocket on /mqtt and delivers Polder publishes to subscribers', async () => {
    const c = await connect(`ws://127.0.0.1:${httpPort}/mqtt`, { username: 'dev1', password: 'secret' });
    await c.subscribeAsync('u4/301/shutter/command', { qos: 1 });
    const got = new Promise<string>((r) => c.once('message', (_t, p) => r(p.toString())));
    await broker.publish('u4/301/shutter/command', '{"dest":"all","order":"up"}', { qos: 1 });
    expect(await got).toBe('{"dest":"all","order":"up"}');
    expect(await broker.disconnect('dev1')).toBe(1);
    c.end(true);
  });

  it('tells whether a connected client listens: subscribe, refused, unsubscribe, disconnect, restored session', async () => {
    const url = `mqtt://127.0.0.1:${broker.port}`;
    const mine = 'u4/301/+/command';
    expect(broker.listens?.(mine)).toBe(false);
    const opts = { username: 'dev1', password: 'secret', clientId: 'listens-1', clean: false };
    let c = await connect(url, opts);
    await c.subscribeAsync('u4/301/x/command', { qos: 1 });
    await eventually('the subscription seen', () => broker.listens?.(mine) === true);
    expect(broker.listens?.('u4/302/+/command')).toBe(false);
    expect(broker.listens?.('u4/#')).toBe(true);
    // A refused subscription (outside the device's commands) listens to nothing.
    await c.subscribeAsync('elsewhere/#', { qos: 0 }).catch(() => undefined);
    expect(broker.listens?.('elsewhere/x')).toBe(false);
    await c.unsubscribeAsync('u4/301/x/command');
    await eventually('the unsubscription seen', () => broker.listens?.(mine) === false);
    await c.subscribeAsync('u4/301/x/command', { qos: 1 });
    await eventually('subscribed again', () => broker.listens?.(mine) === true);
    await c.endAsync();
    await eventually('the disconnection seen', () => broker.listens?.(mine) === false);
    // The persistent session brings its subscription back without a SUBSCRIBE.
    c = await connect(url, opts);
    await eventually('the restored subscription seen', () => broker.listens?.(mine) === true);
    await c.endAsync();
    await eventually('gone again', () => broker.listens?.(mine) === false);
  });

  it('names the port and both ways out when the port is taken', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as net.AddressInfo).port;
    await expect(
      startEmbeddedBroker({
        port,
        host: '127.0.0.1',
        auth,
        clock: Date.now,
        logger: createLogger({ level: 'silent', format: 'json' }),
        onInbound: async () => {},
      }),
    ).rejects.toThrow(new RegExp(`MQTT port ${port} is already in use.*POLDER_MQTT_PORT.*POLDER_MQTT_URL`));
    blocker.close();
  });
});
