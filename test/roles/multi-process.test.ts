/**
 * The roles apart, on PostgreSQL, a RabbitMQ inbox and Mosquitto: 1 api, 2 ingest, 2 worker and
 * 2 scheduler processes. A pipeline created through the api process is bound by both ingest
 * processes; uplinks go in over MQTT (QoS 1 to Mosquitto, shared subscriptions) and HTTP (POST
 * /api/uplinks on the ingest processes) while one process of each role in turn is killed with
 * SIGKILL and started again. Then every acknowledged uplink is stored, with exactly one stored
 * trace (a duplicate only where MQTT's at-least-once redelivers what a killed ingest process had
 * taken but not acknowledged), and the periodic jobs ran in one scheduler at a time.
 */
import { randomBytes } from 'node:crypto';
import amqplib from 'amqplib';
import { sql } from 'kysely';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { postgresDatabase, type TestDatabase } from '../support/databases.js';
import { eventually } from '../support/mqtt.js';
import { ADMIN_TOKEN } from '../support/polder.js';
import { SERVICES, serviceAvailable } from '../support/services.js';
import { readingOf, ttnUplink } from '../support/uplinks.js';
import { logLines, metric, type RoleProcess, startRole } from './role-processes.js';

const ready =
  (await serviceAvailable('postgres')) && (await serviceAvailable('rabbitmq')) && (await serviceAvailable('mosquitto'));

const run = randomBytes(4).toString('hex');
const T0 = Date.UTC(2026, 0, 1);
/** Uplink i comes from its own device, observed at T0 + i s: its trace and its reading name it. */
const devEui = (i: number) => `70B3D57E${run.toUpperCase()}`.slice(0, 10) + i.toString(16).toUpperCase().padStart(6, '0');
const json = { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` };
/** Mosquitto's default max_inflight_messages: QoS 1 messages sent to a session and not yet acknowledged. */
const BROKER_INFLIGHT = 20;
const BACKLOG = 200;

describe.skipIf(!ready)('roles apart: 2 ingest, 2 worker, 2 scheduler processes, kill -9 one of each', () => {
  let tdb: TestDatabase;
  let db: Database;
  const procs: RoleProcess[] = [];
  let env: Record<string, string>;

  beforeAll(async () => {
    tdb = await postgresDatabase();
    db = tdb.database;
    env = {
      POLDER_DATABASE_URL: tdb.url,
      POLDER_AMQP_URL: SERVICES.rabbitmq.url,
      POLDER_AMQP_QUEUE: `polder.inbox.roles-${run}`,
      POLDER_MQTT_URL: SERVICES.mosquitto.url,
      POLDER_MQTT_SHARE_GROUP: `roles-${run}`,
      POLDER_FLEET_SWEEP_SECONDS: '1',
    };
  });
  afterAll(async () => {
    await Promise.all(procs.map((p) => p.stop().catch(() => {})));
    const conn = await amqplib.connect(SERVICES.rabbitmq.url);
    const ch = await conn.createChannel();
    for (const q of [env.POLDER_AMQP_QUEUE, `${env.POLDER_AMQP_QUEUE}.retry`]) await ch.deleteQueue(q as string);
    await conn.close();
    await tdb.drop().catch(() => {});
  }, 120_000);

  it('stores every acknowledged uplink once and runs each periodic job in one process at a time', async () => {
    // The api process first: it creates the default organisation the others find.
    const api = await startRole(`api-${run}`, 'api', env);
    procs.push(api);
    const started = await Promise.all([
      startRole(`ingest1-${run}`, 'ingest', env),
      startRole(`ingest2-${run}`, 'ingest', env),
      startRole(`worker1-${run}`, 'worker', env),
      startRole(`worker2-${run}`, 'worker', env),
      startRole(`sched1-${run}`, 'scheduler', { ...env, POLDER_LOG_LEVEL: 'debug' }),
      startRole(`sched2-${run}`, 'scheduler', { ...env, POLDER_LOG_LEVEL: 'debug' }),
    ]);
    procs.push(...started);
    const [ingest1, ingest2, worker1, , sched1, sched2] = started as [RoleProcess, ...RoleProcess[]] as RoleProcess[];
    const ingests = [ingest1, ingest2] as RoleProcess[];

    // A role without the API answers its probes and its routes only.
    expect((await fetch(`${worker1?.served.url}/readyz`)).status).toBe(200);
    expect((await fetch(`${worker1?.served.url}/api/devices`, { headers: json })).status).toBe(404);

    // Created through the api process after the ingest processes started: they bind it within seconds.
    const created = await fetch(`${api.served.url}/api/pipelines`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({
        name: 'ttn-lpp',
        steps: [{ worker: 'ttn-v3' }, { worker: 'cayenne-lpp' }],
        sources: [{ kind: 'mqtt', topic: `mp${run}/+/devices/+/up` }],
        autoRegister: true,
      }),
    });
    expect(created.status).toBe(201);
    const pipelineId = ((await created.json()) as { id: string }).id;

    // Uplink i: HTTP or MQTT, acknowledged by a 202 (ingest process) or a PUBACK (Mosquitto).
    const acked = new Map<number, 'http' | 'mqtt'>();
    let next = 0;
    let loading = true;
    // The load keeps at most BACKLOG uplinks sent and not yet stored: an ingest process takes the
    // messages of its MQTT session one at a time, and a session filled while its process was down
    // is drained before its subscriptions are confirmed at restart.
    let storedNow = 0;
    let limit = BACKLOG;
    const room = () => eventually('room in the backlog', () => next - storedNow <= limit || !loading, 120_000);
    const publisher = await mqtt.connectAsync(SERVICES.mosquitto.url, { clientId: `pub-${run}`, reconnectPeriod: 1000 });
    const mqttLoop = async () => {
      while (loading) {
        await room();
        const i = next++;
        const body = JSON.stringify(ttnUplink(devEui(i), i, T0 + i * 1000, readingOf(i)));
        await publisher.publishAsync(`mp${run}/app/devices/d${i}/up`, body, { qos: 1 });
        acked.set(i, 'mqtt');
      }
    };
    let turn = 0;
    const httpLoop = async () => {
      while (loading) {
        await room();
        const i = next++;
        const target = ingests[turn++ % ingests.length]?.served.url;
        const body = JSON.stringify(ttnUplink(devEui(i), i, T0 + i * 1000, readingOf(i)));
        const res = await fetch(`${target}/api/uplinks/${pipelineId}`, { method: 'POST', headers: json, body }).catch(
          () => undefined,
        );
        if (res?.status === 202) acked.set(i, 'http');
        else await res?.text();
        // The pipeline is not bound or the process is gone: try again (the uplink is a new one).
        if (!res) await new Promise((r) => setTimeout(r, 50));
      }
    };
    const stored = async () => {
      const r = await sql<{ n: string }>`SELECT count(*) AS n FROM traces WHERE pipeline_id = ${pipelineId}`.execute(db.db);
      return Number(r.rows[0]?.n);
    };
    const counting = (async () => {
      while (loading) {
        storedNow = await stored();
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    // A PUBACK from Mosquitto before any ingest process subscribed the new pipeline's filter
    // acknowledges nothing of Polder's: probes (devices of their own) go first, until one is stored.
    let probe = 0;
    await eventually(
      'an ingest process bound the pipeline made elsewhere',
      async () => {
        const i = 0xf00000 + probe++;
        const body = JSON.stringify(ttnUplink(devEui(i), i, T0 + i * 1000, readingOf(i)));
        await publisher.publishAsync(`mp${run}/app/devices/probe/up`, body, { qos: 1 });
        return (await stored()) > 0;
      },
      60_000,
    );
    const loops = [mqttLoop(), mqttLoop(), httpLoop(), httpLoop(), counting];
    await eventually('uplinks stored', async () => (await stored()) >= 50, 60_000);
    // Both ingest processes took MQTT uplinks of the pipeline made elsewhere (shared subscription).
    await eventually(
      'both ingest processes taking MQTT uplinks',
      async () => {
        const counts = await Promise.all(
          ingests.map((p) => metric(p.served.url, 'polder_uplinks_received_total', 'transport="mqtt"')),
        );
        return counts.every((n) => n > 0);
      },
      30_000,
    );

    const grow = async (by: number) => {
      const target = acked.size + by;
      await eventually(`${target} uplinks acknowledged`, () => acked.size >= target, 120_000).catch((err: Error) => {
        // What the processes said, to tell a stalled transport from a stalled worker.
        const said = procs.map((p) => `--- ${p.name}\n${p.served.output().slice(-3000)}`).join('\n');
        throw new Error(`${err.message} (sent ${next}, stored ${storedNow})\n${said}`);
      });
    };
    // Kill -9 one process of each role in turn, and start it again.
    await grow(100);
    // The loads keep the backlog full; while ingest1 is down, Mosquitto still hands its persistent
    // session a share of the MQTT uplinks, which stay unstored until it is back. Drain the backlog
    // first, so what piles up in that session while 100 more are acknowledged cannot fill it (which
    // would stop every load, HTTP too, until the restart that waits for those 100).
    limit = BACKLOG / 4;
    await eventually('the backlog drained', () => next - storedNow <= limit, 120_000);
    limit = BACKLOG;
    await ingest1?.kill();
    await grow(100);
    await ingest1?.restart();
    await grow(100);
    await worker1?.kill();
    await grow(100);
    await worker1?.restart();
    // The scheduler holding the lease (the one whose jobs ran).
    const holderOf = () => [sched1, sched2].find((s) => logLines(s?.served.output() ?? '', 'job run').length > 0);
    const holder = await eventually('a scheduler running jobs', holderOf, 60_000);
    const standby = holder === sched1 ? sched2 : sched1;
    await holder.kill();
    const takeover = Date.now();
    await eventually(
      'the other scheduler taking over',
      () => logLines(standby?.served.output() ?? '', 'job run').length > 0,
      90_000,
    );
    const takeoverMs = Date.now() - takeover;
    await holder.restart();
    await grow(50);
    loading = false;
    await Promise.all(loops);
    await publisher.endAsync();

    // Every acknowledged uplink is stored: its reading, and stored traces of its device.
    const check = async () => {
      const traces = await sql<{ eui: string; n: string }>`
        SELECT lower(d.identity_value) AS eui, count(*) AS n FROM traces t JOIN devices d ON d.id = t.device_id
        WHERE t.pipeline_id = ${pipelineId} AND t.status = 'stored' GROUP BY lower(d.identity_value)`.execute(db.db);
      const readings = await sql<{ eui: string; time: string; value: number }>`
        SELECT lower(d.identity_value) AS eui, m.time, m.value FROM measurements m
        JOIN datastreams s ON s.id = m.datastream_id JOIN devices d ON d.id = s.device_id
        WHERE s.observed_property = 'temperature'`.execute(db.db);
      const traceCount = new Map(traces.rows.map((r) => [r.eui, Number(r.n)]));
      const value = new Map(readings.rows.map((r) => [`${r.eui}@${Number(r.time)}`, Number(r.value)]));
      const missing = [...acked.keys()].filter(
        (i) =>
          !traceCount.get(devEui(i).toLowerCase()) ||
          value.get(`${devEui(i).toLowerCase()}@${T0 + i * 1000}`) !== readingOf(i).temperature,
      );
      return { missing, traceCount };
    };
    let result = await check();
    const until = Date.now() + 60_000;
    while (result.missing.length > 0 && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 500));
      result = await check();
    }
    expect(result.missing, `of ${acked.size} acknowledged (${next} sent), these are not stored`).toEqual([]);
    const extra = (i: number) => (result.traceCount.get(devEui(i).toLowerCase()) ?? 0) - 1;
    const httpTwice = [...acked].filter(([i, via]) => via === 'http' && extra(i) > 0).map(([i]) => i);
    const mqttTwice = [...acked].filter(([i, via]) => via === 'mqtt' && extra(i) > 0).map(([i]) => i);
    expect(httpTwice, 'HTTP uplinks with more than one stored trace').toEqual([]);
    // MQTT QoS 1 is at-least-once: what the killed ingest process had taken and not acknowledged
    // comes again (at most the broker's in-flight window of its session, once per ingest kill).
    expect(mqttTwice.length).toBeLessThanOrEqual(BROKER_INFLIGHT);
    const bad = await sql<{ n: string }>`
      SELECT count(*) AS n FROM traces WHERE pipeline_id = ${pipelineId} AND status <> 'stored'`.execute(db.db);
    expect(Number(bad.rows[0]?.n)).toBe(0);

    // The periodic jobs: runs of one scheduler life never interleave with another's (one holder
    // at a time); the killed holder's runs all come before the standby's first.
    for (const job of ['offline sweep', 'webhook dispatch']) {
      const runs = [sched1, sched2]
        .flatMap((s) => (s?.lives ?? []).map((life, n) => ({ life: `${s?.name}#${n}`, out: life.output() })))
        .flatMap(({ life, out }) =>
          logLines(out, 'job run')
            .filter((l) => l.job === job)
            .map((l) => ({ life, time: l.time })),
        )
        .sort((a, b) => a.time - b.time);
      const blocks = runs.filter((r, k) => k === 0 || runs[k - 1]?.life !== r.life).map((r) => r.life);
      expect(blocks, `${job}: which scheduler ran it, in order`).toEqual([`${holder.name}#0`, `${standby?.name}#0`]);
    }
    console.log(
      `roles: ${acked.size} acknowledged (${[...acked.values()].filter((v) => v === 'mqtt').length} MQTT), ` +
        `${mqttTwice.length} MQTT redelivered after the ingest kill; scheduler taken over in ${takeoverMs} ms`,
    );
  }, 600_000);
});
