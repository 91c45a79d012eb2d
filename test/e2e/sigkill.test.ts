/**
 * Nothing acknowledged is lost: `polder serve` under a load of HTTP uplinks and MQTT QoS 1
 * publishes is killed with SIGKILL; after a restart on the same data, every uplink that got a
 * 202 or a PUBACK is stored, value by value.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import amqplib from 'amqplib';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects, openTestDatabase, type TestDatabase } from '../support/databases.js';
import { ADMIN_TOKEN } from '../support/polder.js';
import { type ServedPolder, servePolder } from '../support/serve.js';
import { SERVICES, serviceAvailable } from '../support/services.js';
import { readingOf, ttnUplink } from '../support/uplinks.js';

const dialects = await availableDialects();
const amqp = (await serviceAvailable('rabbitmq')) ? SERVICES.rabbitmq.url : undefined;
const setups = [
  ...dialects.map((d) => ({ name: `${d}, database inbox`, dialect: d, env: {} as Record<string, string> })),
  ...(dialects.includes('postgres') && amqp
    ? [{ name: 'postgres, RabbitMQ inbox', dialect: 'postgres' as const, env: { POLDER_AMQP_URL: amqp } }]
    : []),
];

const DEVICES = 10;
const T0 = Date.UTC(2026, 0, 1);
const devEui = (d: number) => `70B3D57ED00${String(d).padStart(5, '0')}`;
const json = { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` };

describe.each(setups)('SIGKILL under load ($name)', ({ dialect, env: extra }) => {
  let tdb: TestDatabase;
  let dataDir: string;
  let env: Record<string, string>;
  let served: ServedPolder | undefined;

  beforeAll(async () => {
    tdb = await openTestDatabase(dialect);
    await tdb.database.close();
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'polder-kill-'));
    const queue = `polder.inbox.kill-${Date.now()}`;
    env = { POLDER_DATABASE_URL: tdb.url, POLDER_DATA_DIR: dataDir, POLDER_AMQP_QUEUE: queue, ...extra };
  });
  afterAll(async () => {
    await served?.stop();
    if (env.POLDER_AMQP_URL) {
      const conn = await amqplib.connect(env.POLDER_AMQP_URL);
      const ch = await conn.createChannel();
      for (const q of [env.POLDER_AMQP_QUEUE, `${env.POLDER_AMQP_QUEUE}.retry`]) await ch.deleteQueue(q as string);
      await conn.close();
    }
    rmSync(dataDir, { recursive: true, force: true });
    await tdb.drop().catch(() => {});
  });

  it('stores every uplink that got a 202 or a PUBACK before the kill', async () => {
    served = await servePolder(env);
    const created = await fetch(`${served.url}/api/pipelines`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({
        name: 'ttn-lpp',
        steps: [{ worker: 'ttn-v3' }, { worker: 'cayenne-lpp' }],
        sources: [{ kind: 'mqtt', topic: 'v3/+/devices/+/up' }],
        autoRegister: true,
      }),
    });
    expect(created.status).toBe(201);
    const pipelineId = ((await created.json()) as { id: string }).id;

    // Uplink i belongs to device i % DEVICES and is observed at T0 + i seconds.
    const acked = new Set<number>();
    let next = 0;
    let dead = false;
    const httpLoop = async () => {
      while (!dead) {
        const i = next++;
        const body = JSON.stringify(ttnUplink(devEui(i % DEVICES), i, T0 + i * 1000, readingOf(i)));
        try {
          const res = await fetch(`${served?.url}/api/uplinks/${pipelineId}`, { method: 'POST', headers: json, body });
          if (res.status === 202) acked.add(i);
          else await res.text();
        } catch {
          return; // the process is gone
        }
      }
    };
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${served.mqttPort}`, {
      username: 'load',
      password: ADMIN_TOKEN,
      reconnectPeriod: 0,
    });
    client.on('error', () => {});
    const mqttLoop = async () => {
      while (!dead) {
        const i = next++;
        const body = JSON.stringify(ttnUplink(devEui(i % DEVICES), i, T0 + i * 1000, readingOf(i)));
        try {
          await client.publishAsync(`v3/app1/devices/d${i % DEVICES}/up`, body, { qos: 1 });
          acked.add(i); // PUBACK received
        } catch {
          return;
        }
      }
    };
    const loops = [...Array.from({ length: 6 }, httpLoop), ...Array.from({ length: 4 }, mqttLoop)];
    // Kill once a good share is acknowledged: the inbox then holds work in every state.
    while (acked.size < 600) await new Promise((r) => setTimeout(r, 20));
    await served.kill();
    dead = true;
    client.end(true);
    await Promise.all(loops);
    const sent = next;
    expect(acked.size).toBeGreaterThanOrEqual(600);

    served = await servePolder(env);
    // Wait until each device has every acknowledged reading (the inbox drains after restart).
    const missing = async () => {
      const stored = new Map<string, number>(); // `${device}:${time}` → temperature
      for (let d = 0; d < DEVICES; d++) {
        const res = await fetch(`${served?.url}/api/devices/${devEui(d)}/latest`, { headers: json });
        if (res.status === 404) continue; // not registered yet
        const streams = ((await res.json()) as { data: { datastream: number; observedProperty: string }[] }).data;
        const temp = streams.find((s) => s.observedProperty === 'temperature');
        if (!temp) continue;
        const rows = await fetch(`${served?.url}/api/measurements?datastream=${temp.datastream}&limit=100000`, { headers: json });
        for (const r of ((await rows.json()) as { data: { time: string; value: number }[] }).data)
          stored.set(`${d}:${Date.parse(r.time)}`, r.value);
      }
      return [...acked].filter((i) => stored.get(`${i % DEVICES}:${T0 + i * 1000}`) !== readingOf(i).temperature);
    };
    // A request that fails outright says what the restarted process printed.
    const checked = () =>
      missing().catch((err: unknown) => {
        throw new Error(
          `${String(err)} (${String((err as Error).cause)}); polder serve printed:\n${served?.output().slice(-6000)}`,
        );
      });
    let left = await checked();
    for (let round = 0; left.length > 0 && round < 150; round++) {
      await new Promise((r) => setTimeout(r, 400));
      left = await checked();
    }
    expect(left, `of ${acked.size} acknowledged (${sent} sent), these were lost`).toEqual([]);
  }, 180_000);
});
