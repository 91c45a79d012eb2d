/**
 * Soak with chaos: the roles apart (api, ingest x2, worker x2, scheduler) on PostgreSQL and the
 * RabbitMQ inbox, each reached through a TCP proxy this script runs (never the machine's services
 * themselves), TTN v3 uplinks sent over HTTP to both ingest processes at a bounded rate while,
 * every few seconds in turn, an ingest, a worker or the scheduler is killed with SIGKILL and
 * restarted, or the PostgreSQL or RabbitMQ connections are cut for a few seconds. At the end it
 * waits for the inbox to drain and reports acknowledged uplinks against stored ones (by trace id).
 *
 *   npx tsx bench/soak.ts [--seconds 600] [--rate 100] [--chaos-every 30] [--cut-seconds 5]
 *
 * Localhost only: PostgreSQL 127.0.0.1:5432 (a database of its own, dropped at the end) and RabbitMQ
 * 127.0.0.1:5672 (queues of its own, deleted at the end). Bounded: at most rate x seconds uplinks.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import amqp from 'amqplib';
import pg from 'pg';
import { httpPipelineAdmin } from '../src/simulate/traffic/pipeline-admin.js';
import type { UplinkSender } from '../src/simulate/traffic/senders.js';
import { startTrafficSimulation } from '../src/simulate/traffic/traffic-simulation.js';
import { startTcpProxy, type TcpProxy } from '../test/e2e/tcp-proxy.js';
import { BENCH_TOKEN, cpuSecondsOf, figure, heading, note, PG_URL, reachable } from './support/bench-kit.js';

const flag = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const SECONDS = Math.min(Number(flag('seconds', '600')), 3600);
const RATE = Math.min(Number(flag('rate', '100')), 2000);
const CHAOS_EVERY = Number(flag('chaos-every', '30'));
const CUT_SECONDS = Number(flag('cut-seconds', '5'));
const AMQP_URL = process.env.POLDER_BENCH_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const root = path.resolve(import.meta.dirname, '..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

interface Proc {
  name: string;
  role: string;
  port: number;
  env: Record<string, string>;
  child?: ChildProcess;
  /** CPU seconds of the incarnations already killed. */
  cpuBefore: number;
  starts: number;
}

function spawnRole(p: Proc): void {
  p.child = spawn(process.execPath, ['--no-node-snapshot', path.join(root, 'bin/polder.js'), p.role], {
    env: { ...process.env, ...p.env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  p.child.stderr?.on('data', (d) => {
    err = (err + String(d)).slice(-2000);
  });
  p.child.once('exit', (code, signal) => {
    if (code && code !== 0 && signal === null) note(`${p.name} exited ${code}: ${err.trim().split('\n').at(-1)}`);
  });
  p.starts++;
}

async function healthy(p: Proc, timeoutMs = 60_000): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const ok = await fetch(`http://127.0.0.1:${p.port}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return true;
    await sleep(200);
  }
  return false;
}

async function kill9(p: Proc): Promise<void> {
  const child = p.child;
  if (!child?.pid || child.exitCode !== null) return;
  p.cpuBefore += cpuSecondsOf(child.pid);
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await gone;
}

async function main() {
  if (!(await reachable(PG_URL, 5432)) || !(await reachable(AMQP_URL, 5672))) {
    note('soak: needs PostgreSQL (127.0.0.1:5432) and RabbitMQ (127.0.0.1:5672); skipped');
    return;
  }
  execFileSync(process.execPath, [path.join(root, 'scripts/build-if-needed.mjs')], { stdio: 'inherit' });
  const id = randomBytes(4).toString('hex');
  const dbName = `polder_soak_${id}`;
  const queue = `polder.soak.${id}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  const pgTarget = new URL(PG_URL);
  const amqpTarget = new URL(AMQP_URL);
  const pgProxy: TcpProxy = await startTcpProxy({ host: pgTarget.hostname, port: Number(pgTarget.port || 5432) });
  const amqpProxy: TcpProxy = await startTcpProxy({ host: amqpTarget.hostname, port: Number(amqpTarget.port || 5672) });
  const dbUrl = new URL(PG_URL);
  dbUrl.port = String(pgProxy.port);
  dbUrl.pathname = `/${dbName}`;
  const viaProxy = new URL(AMQP_URL);
  viaProxy.port = String(amqpProxy.port);
  const dataRoot = mkdtempSync(path.join(os.tmpdir(), 'polder-soak-'));
  const procs: Proc[] = [];
  const cleanup = async () => {
    for (const p of procs) if (p.child && p.child.exitCode === null) p.child.kill('SIGKILL');
    await pgProxy.close();
    await amqpProxy.close();
    await admin.query(`drop database if exists ${dbName} with (force)`).catch(() => {});
    await admin.end();
    const conn = await amqp.connect(AMQP_URL).catch(() => undefined);
    if (conn) {
      const ch = await conn.createChannel();
      for (const q of [queue, `${queue}.retry`]) await ch.deleteQueue(q).catch(() => {});
      await conn.close().catch(() => {});
    }
    rmSync(dataRoot, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));

  try {
    const common = {
      POLDER_DATABASE_URL: dbUrl.toString(),
      POLDER_AMQP_URL: viaProxy.toString(),
      POLDER_AMQP_QUEUE: queue,
      POLDER_ADMIN_TOKEN: BENCH_TOKEN,
      POLDER_HTTP_HOST: '127.0.0.1',
      POLDER_DEMO: '0',
      POLDER_LOG_LEVEL: 'error',
      POLDER_LOG_FORMAT: 'json',
    };
    const layout: [string, string][] = [
      ['api', 'api'],
      ['ingest-1', 'ingest'],
      ['ingest-2', 'ingest'],
      ['worker-1', 'worker'],
      ['worker-2', 'worker'],
      ['scheduler', 'scheduler'],
    ];
    // Migrations first, once, as compose's migrate service and the Kubernetes init containers do
    // (spawned, not execFileSync: the proxies run on this process's event loop).
    await new Promise<void>((resolve, reject) => {
      const m = spawn(process.execPath, ['--no-node-snapshot', path.join(root, 'bin/polder.js'), 'migrate'], {
        env: { ...process.env, ...common, POLDER_DATA_DIR: dataRoot },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let err = '';
      m.stderr?.on('data', (d) => {
        err += String(d);
      });
      m.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`polder migrate exited ${code}: ${err}`))));
    });
    for (const [name, role] of layout) {
      const port = await freePort();
      procs.push({
        name,
        role,
        port,
        cpuBefore: 0,
        starts: 0,
        env: {
          ...common,
          POLDER_HTTP_PORT: String(port),
          POLDER_MQTT_PORT: String(await freePort()),
          POLDER_DATA_DIR: path.join(dataRoot, name),
          POLDER_INSTANCE_ID: `soak-${name}`,
        },
      });
    }
    for (const p of procs) spawnRole(p);
    for (const p of procs) if (!(await healthy(p))) throw new Error(`${p.name} did not start`);
    const api = procs[0] as Proc;
    const ingests = procs.filter((p) => p.role === 'ingest');
    const base = `http://127.0.0.1:${api.port}`;

    heading(`soak: ${SECONDS} s, ${RATE} uplinks/s over HTTP to 2 ingest processes, chaos every ${CHAOS_EVERY} s`);
    const acked = new Set<string>();
    const refused: Record<string, number> = {};
    let turn = 0;
    // Round robin over the ingest processes; a 202 carries the trace id the end compares against.
    const sender: UplinkSender = {
      async send(pipelineId, uplink) {
        const target = ingests[turn++ % ingests.length] as Proc;
        try {
          const res = await fetch(`http://127.0.0.1:${target.port}/api/uplinks/${encodeURIComponent(pipelineId)}`, {
            method: 'POST',
            headers: { 'content-type': uplink.contentType, authorization: `Bearer ${BENCH_TOKEN}` },
            body: uplink.body,
            signal: AbortSignal.timeout(15_000),
          });
          const text = await res.text();
          if (res.status === 202) {
            acked.add((JSON.parse(text) as { traceId: string }).traceId);
            return { ok: true };
          }
          return { ok: false, reason: `HTTP ${res.status} ${/"code"\s*:\s*"([A-Z_]+)"/.exec(text)?.[1] ?? ''}`.trim() };
        } catch (err) {
          return { ok: false, reason: (err as Error).name === 'TimeoutError' ? 'timeout' : 'network' };
        }
      },
      async close() {},
    };
    const sim = await startTrafficSimulation({
      baseUrl: base,
      token: BENCH_TOKEN,
      kinds: ['ttn'],
      devices: 200,
      rate: RATE,
      concurrency: 32,
      durationS: SECONDS,
      prefix: 'soak-',
      sender,
      admin: httpPipelineAdmin(base, BENCH_TOKEN),
      onResult: (_u, r) => {
        if (!r.ok) refused[r.reason] = (refused[r.reason] ?? 0) + 1;
      },
    });

    const actions: [string, () => Promise<void>][] = [
      ['kill -9 ingest', async () => restart(ingests[0] as Proc)],
      ['cut PostgreSQL', async () => cut(pgProxy)],
      ['kill -9 worker', async () => restart(procs[3] as Proc)],
      ['cut RabbitMQ', async () => cut(amqpProxy)],
      ['kill -9 scheduler', async () => restart(procs[5] as Proc)],
      ['kill -9 ingest', async () => restart(ingests[1] as Proc)],
      ['kill -9 worker', async () => restart(procs[4] as Proc)],
    ];
    const done: Record<string, number> = {};
    async function restart(p: Proc) {
      await kill9(p);
      spawnRole(p);
      await healthy(p);
    }
    async function cut(proxy: TcpProxy) {
      await proxy.cut();
      await sleep(CUT_SECONDS * 1000);
      await proxy.restore();
    }
    const t0 = Date.now();
    let next = 0;
    let finished = false;
    void sim.done.then(() => {
      finished = true;
    });
    while (!finished) {
      await Promise.race([sleep(CHAOS_EVERY * 1000), sim.done]);
      if (finished) break;
      const [what, act] = actions[next++ % actions.length] as [string, () => Promise<void>];
      process.stdout.write(`  ${Math.round((Date.now() - t0) / 1000)} s: ${what} (acked so far ${acked.size})\n`);
      await act();
      done[what] = (done[what] ?? 0) + 1;
    }
    const sendSeconds = (Date.now() - t0) / 1000;

    // Drain: every acknowledged uplink stored, or nothing moving for 60 s.
    const db = new pg.Client({ connectionString: PG_URL.replace(/\/[^/]*$/, `/${dbName}`) });
    await db.connect();
    const ids = [...acked];
    const count = async () => {
      const r = await db.query<{ status: string; n: string; m: string }>(
        'select status, count(*) as n, coalesce(sum(measurements), 0) as m from traces where id = any($1) group by status',
        [ids],
      );
      return Object.fromEntries(r.rows.map((x) => [x.status, { n: Number(x.n), m: Number(x.m) }]));
    };
    const drainStart = Date.now();
    let last = -1;
    let lastMove = Date.now();
    let byStatus = await count();
    for (;;) {
      const settled = (byStatus.stored?.n ?? 0) + (byStatus.failed?.n ?? 0) + (byStatus.skipped?.n ?? 0);
      if (settled >= ids.length) break;
      if (settled !== last) {
        last = settled;
        lastMove = Date.now();
      } else if (Date.now() - lastMove > 60_000) break;
      await sleep(1000);
      byStatus = await count();
    }
    const drainSeconds = (Date.now() - drainStart) / 1000;
    const rows = Number((await db.query<{ n: string }>('select count(*) as n from measurements')).rows[0]?.n ?? 0);
    await db.end();
    const cpu = procs.reduce((s, p) => s + p.cpuBefore + (p.child?.pid ? cpuSecondsOf(p.child.pid) : 0), 0);

    const stored = byStatus.stored?.n ?? 0;
    figure('uplinks acknowledged (202)', ids.length, '');
    figure(
      'uplinks refused or failed to send',
      Object.values(refused).reduce((a, b) => a + b, 0),
      '',
      JSON.stringify(refused),
    );
    figure('acknowledged and stored', stored, '', `${((100 * stored) / Math.max(1, ids.length)).toFixed(3)} %`);
    figure('acknowledged, dead-lettered', byStatus.failed?.n ?? 0, '');
    figure('acknowledged, no trace (lost)', ids.length - Object.values(byStatus).reduce((s, x) => s + x.n, 0), '');
    figure('measurements in the table', rows, '', `stored traces account for ${byStatus.stored?.m ?? 0}`);
    figure('sending time', sendSeconds, 's', `drain after it ${drainSeconds.toFixed(1)} s`);
    figure(
      'chaos actions',
      Object.values(done).reduce((a, b) => a + b, 0),
      '',
      JSON.stringify(done),
    );
    figure(
      'process starts',
      procs.reduce((s, p) => s + p.starts, 0),
      '',
      procs.map((p) => `${p.name}:${p.starts}`).join(' '),
    );
    figure(
      'Polder CPU per acknowledged uplink (all processes)',
      (cpu * 1e6) / Math.max(1, ids.length),
      'µs',
      `${cpu.toFixed(1)} s in all`,
    );
  } finally {
    await cleanup();
  }
}

await main();
