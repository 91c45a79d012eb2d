import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createPolder, type Polder } from '../../src/main.js';
import { createLogger } from '../../src/shared/logger.js';
import { availableDialects, openTestDatabase, type TestDatabase } from '../support/databases.js';
import { createDatastream } from '../support/fixtures.js';
import { connectMqtt, eventually } from '../support/mqtt.js';
import { ADMIN_TOKEN } from '../support/polder.js';

const T0 = Date.parse('2026-12-01T10:00:00Z');
const s = (seconds: number) => T0 + seconds * 1000;

/** Polders started one after the other on one database, as a restart does. */
describe.each(await availableDialects())('rule state across a restart, and order actions (%s)', (dialect) => {
  let tdb: TestDatabase;
  let dataDir: string;
  let env: Record<string, string>;
  let current: Polder | undefined;

  const boot = async () => {
    const config = loadConfig(env, undefined);
    current = await createPolder(config, { logger: createLogger({ level: 'silent', format: 'json' }) });
    await current.start();
    return current;
  };
  const call = (p: Polder, method: 'GET' | 'POST', url: string, payload?: Record<string, unknown>) =>
    p.app.inject({ method, url, headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, ...(payload && { payload }) });

  beforeAll(async () => {
    tdb = await openTestDatabase(dialect);
    await tdb.database.close();
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'polder-rules-'));
    env = {
      POLDER_DATABASE_URL: tdb.url,
      POLDER_DATA_DIR: dataDir,
      POLDER_ADMIN_TOKEN: ADMIN_TOKEN,
      POLDER_DEMO: '0',
      POLDER_LOG_LEVEL: 'silent',
      POLDER_HTTP_PORT: '0',
      POLDER_HTTP_HOST: '127.0.0.1',
      POLDER_MQTT_PORT: '0',
    };
  });
  afterAll(async () => {
    await current?.stop().catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
    await tdb.drop().catch(() => {});
  });

  it('keeps a pending forSeconds and an open alert through a restart, and sends an order when it fires', async () => {
    let p = await boot();
    const db = p.database.db;
    const orgId = p.bootstrap.org.id;
    const type = await db
      .selectFrom('device_types')
      .select('id')
      .where('org_id', '=', orgId)
      .where('connectivity', '=', 'mqtt')
      .executeTakeFirstOrThrow();
    const ds = await createDatastream(db, orgId, { observedProperty: 'illuminance', unit: 'lx' });
    const shutter = await createDatastream(db, orgId, { observedProperty: 'position' });
    await db
      .updateTable('devices')
      .set({ type_id: type.id, base_topic: `u4/302-${dialect}`, code: `shutter-${dialect}` })
      .where('id', '=', shutter.deviceId)
      .execute();
    const rule = await call(p, 'POST', '/api/rules', {
      name: 'Too bright',
      property: 'illuminance',
      condition: { kind: 'threshold', op: '>', value: 800, forSeconds: 300 },
      clear: { op: '<', value: 500 },
      actions: [{ kind: 'alert' }, { kind: 'order', device: `shutter-${dialect}`, module: 'shutter', order: 'down' }],
    });
    expect(rule.statusCode).toBe(201);
    const ruleId = rule.json().id;

    await p.measurements.insert([{ datastreamId: ds.id, time: s(0), value: 900 }]);
    await p.stop();

    p = await boot();
    const orders: { topic: string; payload: unknown }[] = [];
    const watcher = await connectMqtt(`mqtt://127.0.0.1:${p.registry.brokerAddress.port}`, {
      username: 'ops',
      password: ADMIN_TOKEN,
    });
    watcher.on('message', (topic, payload) => orders.push({ topic, payload: JSON.parse(payload.toString()) }));
    await watcher.subscribeAsync(`u4/302-${dialect}/shutter/command`, { qos: 1 });
    // 301 s after the first value, seen by the previous process: fires only if the pending state survived.
    await p.measurements.insert([{ datastreamId: ds.id, time: s(301), value: 950 }]);
    await p.stream.engine.idle();
    const open = (await call(p, 'GET', `/api/alerts?rule=${ruleId}&status=open`)).json().data;
    expect(open).toHaveLength(1);
    const order = await eventually('order on MQTT', () => orders[0]);
    expect(order.payload).toEqual({ dest: 'all', order: 'down' });
    const log = (await call(p, 'GET', `/api/devices/${shutter.deviceId}/commands`)).json().data;
    expect(log[0]).toMatchObject({ order: 'down', module: 'shutter', sentBy: { kind: 'rule', id: ruleId, name: 'Too bright' } });
    await watcher.endAsync();
    await p.stop();

    p = await boot();
    // 600 lx: above the clear level, no second alert; 400 lx resolves the one opened before the restart.
    await p.measurements.insert([{ datastreamId: ds.id, time: s(400), value: 600 }]);
    await p.stream.engine.idle();
    expect((await call(p, 'GET', `/api/alerts?rule=${ruleId}`)).json().data.map((a: { status: string }) => a.status)).toEqual([
      'firing',
    ]);
    await p.measurements.insert([{ datastreamId: ds.id, time: s(500), value: 400 }]);
    await p.stream.engine.idle();
    expect((await call(p, 'GET', `/api/alerts?rule=${ruleId}`)).json().data.map((a: { status: string }) => a.status)).toEqual([
      'resolved',
    ]);
    await p.stop();
    current = undefined;
  });
});
