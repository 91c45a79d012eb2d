import net from 'node:net';
import type { MqttClient } from 'mqtt';
import mqttPacket from 'mqtt-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectMqtt, type LivePolder, startLivePolder } from '../support/mqtt.js';
import { ADMIN_TOKEN } from '../support/polder.js';
import { eventually } from '../support/poll.js';
import { createTenant, record, type Tenant } from './tenants.js';

/** Issue 9 item 9: the embedded broker's packet size, retained-message bound and client-id rule. */
describe('embedded broker limits', () => {
  let live: LivePolder;
  let beta: Tenant;
  const clients: MqttClient[] = [];
  const connect = async (opts: Parameters<typeof connectMqtt>[1]) => {
    const c = await connectMqtt(live.brokerUrl, opts);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    live = await startLivePolder('embedded', {
      POLDER_MQTT_MAX_PACKET_BYTES: '4096',
      POLDER_MQTT_RETAINED_MAX: '3',
      POLDER_MQTT_RETAINED_MAX_BYTES: '2500',
    });
    beta = await createTenant(live, 'beta');
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true).catch(() => {})));
    await live?.close();
  });

  it('closes a connection that sends a packet over POLDER_MQTT_MAX_PACKET_BYTES, before forwarding it', async () => {
    const watcher = await connect({ username: 'ops', password: ADMIN_TOKEN });
    const seen = record(watcher);
    await watcher.subscribeAsync('polder/beta/#', { qos: 1 });
    const sender = await connect({ username: 'beta-ops', password: beta.admin });
    const closed = new Promise<void>((r) => sender.once('close', () => r()));
    await sender.publishAsync('polder/beta/small', Buffer.alloc(3000, 1), { qos: 0 });
    sender.publish('polder/beta/big', Buffer.alloc(8000, 1), { qos: 0 });
    await closed;
    // The sender is gone: whatever it could have had forwarded is ahead of the watcher's own message.
    await watcher.publishAsync('polder/beta/fence', '{}', { qos: 1 });
    await eventually("the watcher's own message", () => seen.some((m) => m.topic === 'polder/beta/fence'));
    expect(seen.map((m) => m.topic)).toEqual(['polder/beta/small', 'polder/beta/fence']);
  });

  it("bounds an organisation's retained messages (count and bytes); past the bound they are delivered, not kept", async () => {
    const key = await connect({ username: 'beta-ops', password: beta.admin });
    for (let i = 1; i <= 5; i++) await key.publishAsync(`polder/beta/r/${i}`, `value-${i}`, { qos: 1, retain: true });
    const late = await connect({ username: 'ops', password: ADMIN_TOKEN });
    const got = record(late);
    await late.subscribeAsync('polder/beta/r/#', { qos: 1 });
    await retainedThenFence(key, got);
    expect(got.map((m) => m.topic).sort()).toEqual(['polder/beta/r/1', 'polder/beta/r/2', 'polder/beta/r/3']);
    // Clearing one (empty retained payload) frees its place; bytes count too (2,600 > 2,500).
    await key.publishAsync('polder/beta/r/1', '', { qos: 1, retain: true });
    await key.publishAsync('polder/beta/r/big', Buffer.alloc(2600, 1), { qos: 1, retain: true });
    await key.publishAsync('polder/beta/r/6', 'value-6', { qos: 1, retain: true });
    const later = await connect({ username: 'ops', password: ADMIN_TOKEN });
    const got2 = record(later);
    await later.subscribeAsync('polder/beta/r/#', { qos: 1 });
    await retainedThenFence(key, got2);
    expect(got2.map((m) => m.topic).sort()).toEqual(['polder/beta/r/2', 'polder/beta/r/3', 'polder/beta/r/6']);
  });

  /**
   * Waits for the retained messages a new subscriber gets (they come together, on subscription),
   * then for a live message published after them, and takes that one out of `got`.
   */
  async function retainedThenFence(publisher: MqttClient, got: { topic: string }[]) {
    await eventually('the retained messages', () => got.length >= 3);
    await publisher.publishAsync('polder/beta/r/fence', '{}', { qos: 1 });
    await eventually('a live message after them', () => got.some((m) => m.topic === 'polder/beta/r/fence'));
    got.splice(
      got.findIndex((m) => m.topic === 'polder/beta/r/fence'),
      1,
    );
  }

  it('answers CONNACK 0x02 to an empty client id with clean session off (MQTT 3.1.1 §3.1.3.1)', async () => {
    const port = Number(new URL(live.brokerUrl).port);
    const connack = async (clean: boolean) => {
      const socket = net.connect(port, '127.0.0.1');
      const parser = mqttPacket.parser({ protocolVersion: 4 });
      const answer = new Promise<number | undefined>((resolve) => {
        parser.on('packet', (p) => resolve(p.cmd === 'connack' ? p.returnCode : undefined));
        socket.on('close', () => resolve(undefined));
      });
      socket.on('data', (d) => parser.parse(d));
      // Written by hand: MQTT.js and mqtt-packet refuse to send this CONNECT.
      const str = (s: string) => {
        const b = Buffer.from(s);
        return Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b]);
      };
      const body = Buffer.concat([
        str('MQTT'),
        Buffer.from([4, 0x80 | 0x40 | (clean ? 0x02 : 0), 0, 30]),
        str(''),
        str('ops'),
        str(ADMIN_TOKEN),
      ]);
      socket.write(Buffer.concat([Buffer.from([0x10, body.length]), body]));
      const code = await answer;
      socket.destroy();
      return code;
    };
    expect(await connack(false)).toBe(2);
    expect(await connack(true)).toBe(0);
  });
});
