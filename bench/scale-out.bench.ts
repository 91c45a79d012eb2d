/**
 * Scale-out of the worker role: the throughput of 1 and then 2 `polder worker` processes draining
 * one RabbitMQ inbox into PostgreSQL. The inbox is filled first (N TTN v3 uplinks with Cayenne LPP,
 * 3 values each, 100 devices, through the ingest service), then the workers start on it; the clock
 * runs from the moment all of them are up to the last stored trace, and their CPU time comes from /proc.
 * On 2 cores shared with PostgreSQL and RabbitMQ (and, here, other work), it is a figure, not a target.
 *   npm run bench scale-out.bench          POLDER_BENCH_SCALE_N=20000 for more
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { sql } from 'kysely';
import { loadConfig } from '../src/config.js';
import { createPolder } from '../src/main.js';
import { deleteInboxQueues } from '../src/queue/amqp-inbox.js';
import { createLogger } from '../src/shared/logger.js';
import { type RoleProcess, startRole } from '../test/roles/role-processes.js';
import { readingOf, ttnUplink } from '../test/support/uplinks.js';
import {
  BENCH_TOKEN,
  cpuSecondsByPid,
  cpuSecondsOf,
  cpuSecondsSince,
  FULL,
  figure,
  heading,
  note,
  postgresAvailable,
  postgresBenchDatabase,
  reachable,
} from './support/bench-kit.js';

const N = Number(process.env.POLDER_BENCH_SCALE_N ?? (FULL ? 20_000 : 5000));
const AMQP_URL = process.env.POLDER_BENCH_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const DEVICES = 100;
const T0 = Date.UTC(2026, 0, 1);

if (!(await postgresAvailable()) || !(await reachable(AMQP_URL, 5672))) {
  note('scale-out: needs PostgreSQL and RabbitMQ; skipped');
  process.exit(0);
}

heading(`Scale-out: 1 vs 2 worker processes (${N.toLocaleString('en-US')} uplinks, RabbitMQ inbox, PostgreSQL)`);
const results: { workers: number; perSecond: number; cpuUs: number }[] = [];
for (const workers of [1, 2]) {
  const b = await postgresBenchDatabase();
  await b.database.close();
  const queue = `polder.inbox.scale-${randomBytes(4).toString('hex')}`;
  const env = {
    POLDER_DATABASE_URL: b.url,
    POLDER_AMQP_URL: AMQP_URL,
    POLDER_AMQP_QUEUE: queue,
    POLDER_ADMIN_TOKEN: BENCH_TOKEN,
    POLDER_DEMO: '0',
    POLDER_LOG_LEVEL: 'silent',
  };
  // The inbox is filled through the ingest service of a Polder that starts nothing.
  const config = loadConfig({ ...env, POLDER_DATA_DIR: '/tmp' }, undefined);
  const filler = await createPolder(config, { role: 'api', logger: createLogger({ level: 'silent', format: 'json' }) });
  const orgId = filler.bootstrap.org.id;
  const pipeline = await filler.pipelines.service.create(orgId, {
    name: 'ttn-lpp',
    // The workload of bench/ingest-ceiling.bench.ts: the gateway's RSSI/SNR not stored, 3 points an uplink.
    steps: [{ worker: 'ttn-v3', config: { radio: false } }, { worker: 'cayenne-lpp' }],
    sources: [],
    autoRegister: true,
  });
  const stored = async () => {
    const r = await sql<{ n: string }>`SELECT count(*) AS n FROM traces WHERE status = 'stored'`.execute(filler.database.db);
    return Number(r.rows[0]?.n);
  };

  // The inbox is filled first: filling while the workers drain would share the two cores with
  // the filler and with RabbitMQ taking the messages in, and time the filling as much as the workers.
  const eui = (i: number) => `70B3D57E0${workers}${String(i % DEVICES).padStart(6, '0')}`;
  const fillStart = performance.now();
  for (let i = 0; i < N; i += 500) {
    const batch = Array.from({ length: Math.min(500, N - i) }, (_, k) => i + k).map((n) => ({
      pipelineId: pipeline.id,
      orgId,
      transport: { kind: 'http' as const, contentType: 'application/json' },
      payload: Buffer.from(JSON.stringify(ttnUplink(eui(n), n, T0 + n * 1000, readingOf(n)))),
    }));
    await filler.ingest.service.acceptMany(batch);
  }
  const fillSeconds = (performance.now() - fillStart) / 1000;
  // The workers start on the full inbox; the clock runs from the moment all of them are up to the
  // last trace stored, and counts what they stored in that span (the first up may start alone).
  const procs: RoleProcess[] = await Promise.all(
    Array.from({ length: workers }, (_, k) => startRole(`bench-worker-${workers}-${k}`, 'worker', env)),
  );
  const cpu0 = procs.map((p) => cpuSecondsOf(p.served.child.pid ?? 0));
  const services0 = { rabbitmq: cpuSecondsByPid('beam.smp'), postgres: cpuSecondsByPid('postgres') };
  const first = performance.now();
  const before = await stored();
  let done = 0;
  for (;;) {
    const n = await stored();
    if (n >= N) {
      done = performance.now();
      break;
    }
    // The count is a scan of the traces: seldom while far from the end (the database's CPU is measured).
    await new Promise((r) => setTimeout(r, n < 0.9 * N ? 250 : 20));
  }
  const cpu = procs.reduce((s, p, k) => s + cpuSecondsOf(p.served.child.pid ?? 0) - (cpu0[k] ?? 0), 0);
  const rabbitmq = cpuSecondsSince('beam.smp', services0.rabbitmq);
  const postgres = cpuSecondsSince('postgres', services0.postgres);
  const counted = N - before;
  const perSecond = (counted / (done - first)) * 1000;
  const cpuUs = (cpu / counted) * 1e6;
  results.push({ workers, perSecond, cpuUs });
  const name = `${workers} worker process${workers > 1 ? 'es' : ''}`;
  figure(`${name}: uplinks stored per second`, perSecond, 'uplinks/s');
  figure(`${name}: worker CPU per uplink (all workers)`, cpuUs, 'µs');
  if (!Number.isNaN(rabbitmq)) figure(`${name}: RabbitMQ CPU per uplink (delivery, ack)`, (rabbitmq / counted) * 1e6, 'µs');
  if (!Number.isNaN(postgres)) figure(`${name}: PostgreSQL CPU per uplink (all its processes)`, (postgres / counted) * 1e6, 'µs');
  note(
    `inbox filled beforehand in ${fillSeconds.toFixed(1)} s; ${before.toLocaleString('en-US')} stored before every worker was up, ${counted.toLocaleString('en-US')} timed`,
  );
  await Promise.all(procs.map((p) => p.stop()));
  await filler.stop();
  await deleteInboxQueues(AMQP_URL, { queue, retryQueue: `${queue}.retry` }).catch(() => {});
  await b.drop().catch(() => {});
}
const [one, two] = results;
if (one && two) figure('2 workers / 1 worker throughput', two.perSecond / one.perSecond, '×', 'same run');
note(
  `load average at the end: ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} (2 cores, shared with the services and other work)`,
);
