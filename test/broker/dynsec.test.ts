import { existsSync } from 'node:fs';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynsecClient } from '../../src/broker/dynsec.js';
import { DynsecSync } from '../../src/broker/dynsec-sync.js';
import { createLogger } from '../../src/shared/logger.js';
import { DYNSEC_PLUGIN, startDynsecMosquitto } from '../support/mosquitto.js';
import { eventually } from '../support/poll.js';
import { IN_CI } from '../support/services.js';

const available = existsSync(DYNSEC_PLUGIN);
if (!available) {
  if (IN_CI) throw new Error(`CI: Mosquitto's dynamic-security plugin is missing at ${DYNSEC_PLUGIN}`);
  console.warn(`\n!!! SKIPPING dynsec tests: ${DYNSEC_PLUGIN} not found (install mosquitto) !!!\n`);
}

function connect(url: string): Promise<MqttClient> {
  const c = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 5000, protocolVersion: 5 });
  return new Promise((resolve, reject) => {
    c.once('connect', () => resolve(c));
    c.once('error', (err) => {
      c.end(true);
      reject(err);
    });
  });
}

describe.skipIf(!available)('Mosquitto dynamic security, kept in step by Polder', () => {
  let broker: Awaited<ReturnType<typeof startDynsecMosquitto>>;
  let client: DynsecClient;
  let sync: DynsecSync;
  let watcher: MqttClient;
  const seen: string[] = [];

  beforeAll(async () => {
    broker = await startDynsecMosquitto();
    const logger = createLogger({ level: 'silent', format: 'json' });
    client = await DynsecClient.connect(broker.url('admin', 'adminpw'), logger);
    sync = new DynsecSync(client, logger);
    await sync.grantService('admin');
    watcher = await connect(broker.url('admin', 'adminpw'));
    await watcher.subscribeAsync('#', { qos: 1 });
    watcher.on('message', (topic) => seen.push(topic));
  });
  afterAll(async () => {
    await watcher?.endAsync();
    await client?.close();
    await broker?.stop();
  });

  it('creates a device that connects with its issued password and may publish only under its base topic', async () => {
    await sync.upsert({ login: 'rpi3-u4-301', baseTopic: 'u4/301', enabled: true });
    await expect(connect(broker.url('rpi3-u4-301', 'anything'))).rejects.toThrow();
    await sync.setPassword('rpi3-u4-301', 'first-password');
    const dev = await connect(broker.url('rpi3-u4-301', 'first-password'));
    await dev.publishAsync('u4/301/temperature', '{"value":21}', { qos: 1 });
    // MQTT 5: the broker answers PUBACK with reason 0x87 (not authorised) outside the base topic
    await expect(dev.publishAsync('u4/302/temperature', '{"value":99}', { qos: 1 })).rejects.toThrow();
    const granted = await dev.subscribeAsync('u4/301/shutter/command', { qos: 1 });
    expect(granted[0]?.qos).toBe(1);
    // Mosquitto forwards one client's messages in order: once a later one is seen, the refused one would be too.
    await dev.publishAsync('u4/301/last', '{}', { qos: 1 });
    await eventually('the last message forwarded', () => seen.includes('u4/301/last'));
    expect(seen).toContain('u4/301/temperature');
    expect(seen).not.toContain('u4/302/temperature');
    await dev.endAsync();
  });

  it('refuses a disabled device, and a revoked password', async () => {
    await sync.upsert({ login: 'rpi3-u4-301', baseTopic: 'u4/301', enabled: false });
    await expect(connect(broker.url('rpi3-u4-301', 'first-password'))).rejects.toThrow();
    await sync.upsert({ login: 'rpi3-u4-301', baseTopic: 'u4/301', enabled: true });
    const dev = await connect(broker.url('rpi3-u4-301', 'first-password'));
    const closed = new Promise<void>((r) => dev.once('close', () => r()));
    await sync.revokePassword('rpi3-u4-301', true);
    await closed;
    dev.end(true);
    await expect(connect(broker.url('rpi3-u4-301', 'first-password'))).rejects.toThrow();
  });

  it('reconciles: creates the missing, moves ACLs, deletes stale managed clients, leaves the admin alone', async () => {
    await sync.upsert({ login: 'gone', baseTopic: 'old/place', enabled: true });
    const result = await sync.reconcile([
      { login: 'rpi3-u4-301', baseTopic: 'u4/302', enabled: true },
      { login: 'esp32-bu-hall', baseTopic: 'bu/hall', enabled: true },
    ]);
    expect(result).toEqual({ created: 1, updated: 1, deleted: 1 });
    const [list] = await client.send([{ command: 'listClients', verbose: false, count: -1 }]);
    expect([...((list?.data?.clients ?? []) as string[])].sort()).toEqual(['admin', 'esp32-bu-hall', 'rpi3-u4-301']);
    await sync.setPassword('rpi3-u4-301', 'second');
    const dev = await connect(broker.url('rpi3-u4-301', 'second'));
    await dev.publishAsync('u4/302/temperature', '1', { qos: 1 });
    await expect(dev.publishAsync('u4/301/temperature', '1', { qos: 1 })).rejects.toThrow();
    await dev.endAsync();
  });
});
