/**
 * Issue 10's ingest workload against the transport ceiling, measured in the same run.
 *
 * Workload: POLDER_BENCH_UPLINKS (default 100,000) TTN v3 uplinks from 1,000 devices, each a
 * Cayenne LPP frame of 3 values (temperature, humidity, pressure), pipeline
 * `[ttn-v3 (radio off), cayenne-lpp]` = 3 points per uplink. One QoS 1 publisher with up to
 * 1,000 in flight; the clock runs from the first publish until every point is stored
 * (`polder_measurements_stored_total`, counted after commit); then count and sum of the stored
 * values are checked against what was sent. Every device sends one uplink before the clock
 * starts (auto-registration happens then; those points are in the count and sum checked).
 *
 * Phases (POLDER_BENCH_MODES, comma separated; default all):
 *   ceiling   bare Aedes broker (the package Polder embeds) + a QoS 1 subscriber, each in its own
 *             process: pub → sub of the same messages, no Polder work; with http or bulk also a
 *             bare node:http server in its own process, sent the same requests by the same client
 *   floor     the least a durable MQTT ingest does, without Polder (support/floor-peer.ts: Aedes,
 *             a writer thread that decodes and commits, PUBACK after the commit), same publisher
 *   lane      the floor's shape with Polder's own work (support/lane-peer.ts: its workers, trace
 *             records, statements and schema on the writer thread; not in the default list): what
 *             the hot path would cost with the pipeline on that thread
 *   embedded  `polder serve`, SQLite, embedded broker, MQTT
 *   paced     the same at 5,000 uplinks/s (POLDER_BENCH_RATE): ack → queryable latency
 *   http      POST /api/uplinks/{id}, one uplink per request, keep-alive, 64 concurrent
 *   bulk      POST /api/uplinks/{id}/batch, NDJSON, 500 uplinks per request, 4 concurrent
 *             (POLDER_BENCH_BULK_CONCURRENCY)
 *   postgres  PostgreSQL + RabbitMQ inbox, MQTT (needs both services)
 *   mosquitto SQLite, Polder a client of a Mosquitto the bench starts (POLDER_MQTT_URL; not in the
 *             default list): the publisher sends to Mosquitto, which delivers to Polder's session
 *   rules     `embedded` again with POLDER_BENCH_RULES (default 1,000) rules made through
 *             /api/rules after the warm-up (issue 12: their cost against the same run's
 *             `embedded`); POLDER_BENCH_DEVICES=3334 gives the issue's 10,000 datastreams
 *
 * Printed per phase: points/s, ratio to the ceiling, Polder's CPU µs per uplink (from
 * /proc/<pid>/stat, user + system, whole process) and the points/s it would allow with every core
 * busy with Polder alone (how far the phase is from CPU-bound), p50/p99 ack latency (publish →
 * PUBACK, or the HTTP answer), ack → queryable p50/p99 (GET /api/measurements polled for sampled
 * uplinks), peak RSS, bytes Polder's process wrote to disk (/proc/<pid>/io write_bytes: the WAL
 * and its checkpoints; for PostgreSQL only Polder's own files), how busy each of its threads was
 * (polder_thread_busy_seconds_total: the event loop, SQLite's writer and lane threads), and the
 * event loop's garbage collection (Polder runs with --trace-gc-nvp: time per uplink, scavenges and
 * full collections, bytes allocated and promoted per uplink).
 * POLDER_BENCH_CPU_PROF=<dir> starts Polder with `--cpu-prof` into that directory;
 * POLDER_BENCH_PERF=<dir> records each measured span with Linux `perf record -g` (every thread, on-CPU
 * time, kernel included) into <dir>/<phase>-<pid>.data; add POLDER_BENCH_NODE_FLAGS=--perf-basic-prof
 * for JavaScript's names (which go stale where V8 moves code: trust its threads and native frames).
 * POLDER_BENCH_ALLOC_PROF=<dir> samples where Polder's event loop allocates during each measured
 * span (support/alloc-sampler.mjs) into that directory; with POLDER_ALLOC_PROF_PROMOTED=1 only what
 * outlived the scavenges (promoted, or live). Read either with support/profile-share.ts.
 * POLDER_BENCH_ORDER=random sends each round of the devices in a new (seeded) random order, as a
 * real fleet's uplinks arrive; by default every round goes in the devices' order, so a batch's
 * datastreams are neighbours (as in the figures recorded before 2026-12-05).
 * POLDER_BENCH_NODE_FLAGS adds Node flags after the ones Polder ships with.
 * POLDER_BENCH_BEFORE=<another checkout> runs each phase against it first (before/after in one
 * run, on the same machine load). POLDER_BENCH_ROUNDS=<n> runs each phase n times (with a before
 * checkout, every other round in the other order) and prints the medians: on two shared cores one
 * pair moves by ±15 %. The ceiling is measured once, before the phases.
 *
 *   npm run bench ingest-ceiling
 *   POLDER_BENCH_UPLINKS=20000 POLDER_BENCH_MODES=ceiling,embedded npx tsx bench/ingest-ceiling.bench.ts
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import mqtt, { type MqttClient } from 'mqtt';
import pg from 'pg';
import { httpPipelineAdmin, type PipelineRef } from '../src/simulate/traffic/pipeline-admin.js';
import { seededRng } from '../src/simulate/traffic/rng.js';
import { ttnV3Generator } from '../src/simulate/traffic/ttn-v3.generator.js';
import { freePort, NODE_FLAGS, servePolder } from '../test/support/serve.js';
import {
  cpuSecondsOf,
  diskBytesOf,
  figure,
  heading,
  median,
  note,
  PG_URL,
  postgresAvailable,
  reachable,
  rssMiBOf,
  threadCpuSecondsOf,
} from './support/bench-kit.js';
import { gcFigures } from './support/gc-trace.js';
import { deviceIdOf, pollUntilQueryable } from './support/ingest-probe.js';

const N = Number(process.env.POLDER_BENCH_UPLINKS ?? 100_000);
const DEVICES = Number(process.env.POLDER_BENCH_DEVICES ?? 1000);
const SHUFFLED = process.env.POLDER_BENCH_ORDER === 'random';
const IN_FLIGHT = 1000;
const RATE = Number(process.env.POLDER_BENCH_RATE ?? 5000);
const MODES = (process.env.POLDER_BENCH_MODES ?? 'ceiling,floor,embedded,paced,http,bulk,postgres').split(',');
const RULES = Number(process.env.POLDER_BENCH_RULES ?? 1000);
const PROFILE_DIR = process.env.POLDER_BENCH_CPU_PROF;
const PERF_DIR = process.env.POLDER_BENCH_PERF;
const ALLOC_DIR = process.env.POLDER_BENCH_ALLOC_PROF;
const ALLOC_SAMPLER = fileURLToPath(new URL('./support/alloc-sampler.mjs', import.meta.url));
/** Another checkout (e.g. /work/main): each phase runs against it first, for a before/after in one run. */
const BEFORE = process.env.POLDER_BENCH_BEFORE;
const ROUNDS = Number(process.env.POLDER_BENCH_ROUNDS ?? 1);
const AMQP_URL = process.env.POLDER_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const TOKEN = 'bench-admin-token-0123456789';
const POINTS = 3;
const HTTP_CONCURRENCY = 64;
const BULK_SIZE = 500;
const BULK_CONCURRENCY = Number(process.env.POLDER_BENCH_BULK_CONCURRENCY ?? 4);
const PEER = path.join(import.meta.dirname, 'support', 'ceiling-peer.ts');
const FLOOR_PEER = path.join(import.meta.dirname, 'support', 'floor-peer.ts');
const LANE_PEER = path.join(import.meta.dirname, 'support', 'lane-peer.ts');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (sorted: ArrayLike<number>, p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

interface Up {
  topic: string;
  body: Buffer;
  devEui: string;
  /** Time and temperature as stored (probe check), and the sum of the 3 values as decoded. */
  at: number;
  temperature: number;
  sum: number;
}

/** The workload: one warm-up uplink per device, then `n` uplinks round robin; same every run. */
function workload(n: number, seed: number): { warm: Up[]; ups: Up[] } {
  const devices = Array.from({ length: DEVICES }, (_, i) => ttnV3Generator.device(i, seededRng(seed * 1_000_003 + i)));
  // Recent times, as live uplinks have (values older than the rollup fold mark are late data).
  const base = Date.now() - 600_000;
  const up = (i: number, now: number): Up => {
    const u = (devices[i % DEVICES] as (typeof devices)[number]).next(now);
    let sum = 0;
    let temperature = Number.NaN;
    for (const r of u.readings) {
      if (r.sensor === 'radio') continue;
      const v = Math.round(r.value / r.resolution) * r.resolution;
      sum += v;
      if (r.observedProperty === 'temperature') temperature = v;
    }
    return { topic: u.topic, body: u.body, devEui: u.device.value, at: u.observedAt, temperature, sum };
  };
  const warm = Array.from({ length: DEVICES }, (_, i) => up(i, base));
  // Round robin: every device once a round, in order, or in a new random order each round.
  const order = Array.from({ length: DEVICES }, (_, i) => i);
  const shuffle = seededRng(seed);
  const ups = Array.from({ length: n }, (_, k) => {
    if (SHUFFLED && k % DEVICES === 0)
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(shuffle.next() * (i + 1));
        [order[i], order[j]] = [order[j] as number, order[i] as number];
      }
    return up(order[k % DEVICES] as number, base + 1 + k);
  });
  return { warm, ups };
}

const pipelineSpec = {
  name: 'bench-ttn',
  steps: [{ worker: 'ttn-v3', config: { radio: false } }, { worker: 'cayenne-lpp' }],
  sources: [{ kind: 'mqtt', topic: 'v3/+/devices/+/up' }],
  autoRegister: true,
};

/** Publishes `ups` QoS 1 with up to `inFlight` unacknowledged, or at `rate` per second; ack latency per uplink. */
function publish(
  client: MqttClient,
  ups: Up[],
  opts: { inFlight: number; rate?: number; onAck?: (u: Up) => void },
): Promise<Float64Array> {
  const lat = new Float64Array(ups.length);
  return new Promise((resolve, reject) => {
    let next = 0;
    let done = 0;
    let open = 0;
    const t0 = performance.now();
    const send = () => {
      const i = next++;
      const u = ups[i] as Up;
      const s = performance.now();
      open++;
      client.publish(u.topic, u.body, { qos: 1 }, (err) => {
        open--;
        if (err) return reject(err);
        lat[i] = performance.now() - s;
        opts.onAck?.(u);
        if (++done === ups.length) resolve(lat);
        else if (!opts.rate && next < ups.length) send();
      });
    };
    if (!opts.rate) {
      for (let k = 0; k < Math.min(opts.inFlight, ups.length); k++) send();
      return;
    }
    const rate = opts.rate;
    const tick = () => {
      const due = Math.min(ups.length, Math.floor(((performance.now() - t0) / 1000) * rate) + 1);
      while (next < due && open < opts.inFlight) send();
      if (next < ups.length) setTimeout(tick, 2);
    };
    tick();
  });
}

/**
 * One HTTP/1.1 answer at the start of `buf`, once whole: its status, body (Content-Length, or chunked
 * without trailers, as node:http answers after writeHead) and the bytes it took.
 */
function readAnswer(buf: Buffer): { status: number; text: string; used: number } | undefined {
  const end = buf.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const head = buf.toString('latin1', 0, end);
  const status = Number(head.slice(9, 12));
  let at = end + 4;
  if (/^transfer-encoding:\s*chunked/im.test(head)) {
    const parts: Buffer[] = [];
    for (;;) {
      const line = buf.indexOf('\r\n', at);
      if (line < 0) return undefined;
      const size = Number.parseInt(buf.toString('latin1', at, line), 16);
      if (buf.length < line + 2 + size + 2) return undefined;
      if (size === 0) return { status, text: Buffer.concat(parts).toString('utf8'), used: line + 4 };
      parts.push(buf.subarray(line + 2, line + 2 + size));
      at = line + 2 + size + 2;
    }
  }
  const length = Number(/^content-length:\s*(\d+)/im.exec(head)?.[1] ?? 0);
  if (buf.length < at + length) return undefined;
  return { status, text: buf.toString('utf8', at, at + length), used: at + length };
}

/**
 * Posts `bodies` with `concurrency` requests open, each on a keep-alive connection of its own;
 * answer latency per request. A minimal HTTP/1.1 client on `net` sockets (each request written in
 * one piece, each answer read by readAnswer): the client shares the two cores with the server it
 * measures, and node:http cost this process ~80 µs of CPU a request (fetch 300–360), more than a
 * bare server spends answering it.
 */
async function post(url: string, bodies: Buffer[], contentType: string, concurrency: number): Promise<Float64Array> {
  const lat = new Float64Array(bodies.length);
  const { hostname, port, pathname } = new URL(url);
  const head = (length: number) =>
    Buffer.from(
      `POST ${pathname} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAuthorization: Bearer ${TOKEN}\r\n` +
        `Content-Type: ${contentType}\r\nContent-Length: ${length}\r\n\r\n`,
      'latin1',
    );
  const sockets: net.Socket[] = [];
  let next = 0;
  const worker = async () => {
    const socket = net.connect(Number(port), hostname);
    socket.setNoDelay(true);
    sockets.push(socket);
    await once(socket, 'connect');
    let pending: Buffer = Buffer.alloc(0);
    let answered: ((answer: { status: number; text: string }) => void) | undefined;
    let failed: ((err: Error) => void) | undefined;
    socket.on('error', (err) => failed?.(err));
    socket.on('close', () => failed?.(new Error(`POST ${url}: connection closed`)));
    socket.on('data', (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      const answer = readAnswer(pending);
      if (!answer) return;
      pending = pending.subarray(answer.used);
      answered?.(answer);
    });
    while (next < bodies.length) {
      const i = next++;
      const body = bodies[i] as Buffer;
      const s = performance.now();
      const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
        answered = resolve;
        failed = reject;
      });
      socket.write(Buffer.concat([head(body.length), body]));
      const res = await answer;
      if (res.status !== 202) throw new Error(`POST ${url}: HTTP ${res.status} ${res.text.slice(0, 200)}`);
      lat[i] = performance.now() - s;
    }
    failed = undefined;
    socket.end();
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    for (const socket of sockets) socket.destroy();
  }
  return lat;
}

/** The bulk route's bodies: NDJSON, BULK_SIZE uplinks per request. */
function bulkBodies(ups: Up[]): Buffer[] {
  const bodies: Buffer[] = [];
  for (let i = 0; i < ups.length; i += BULK_SIZE)
    bodies.push(Buffer.concat(ups.slice(i, i + BULK_SIZE).flatMap((u) => [u.body, Buffer.from('\n')])));
  return bodies;
}

function spawnPeer(args: string[], script = PEER): { child: ChildProcess; line(prefix: string): Promise<string> } {
  const child = spawn(process.execPath, [...NODE_FLAGS, '--import', 'tsx', script, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const waiters: { prefix: string; resolve: (l: string) => void }[] = [];
  child.stdout?.on('data', (d) => {
    out += String(d);
    for (const w of [...waiters]) {
      const l = out.split('\n').find((x) => x.startsWith(w.prefix));
      if (l) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(l);
      }
    }
  });
  return {
    child,
    line: (prefix) =>
      new Promise((resolve) => {
        const l = out.split('\n').find((x) => x.startsWith(prefix));
        if (l) resolve(l);
        else waiters.push({ prefix, resolve });
      }),
  };
}

/** Notes whether the count and sum of the stored values are those of the uplinks sent. */
function checkStored(got: { count: number; sum: number }, sent: Up[]): void {
  const expected = sent.length * POINTS;
  const want = sent.reduce((n, u) => n + u.sum, 0);
  const ok = got.count === expected && Math.abs(got.sum - want) <= Math.abs(want) * 1e-9 + 1e-6;
  note(
    `check: ${got.count} of ${expected} points stored, sum ${got.sum.toFixed(1)} (sent ${want.toFixed(1)}): ${ok ? 'OK' : 'MISMATCH'}`,
  );
}

/** The transport ceiling: bare broker + subscriber processes, this process publishes. Points/s. */
async function ceiling(ups: Up[]): Promise<number> {
  heading('ceiling: bare Aedes broker, QoS 1 publisher → QoS 1 subscriber (3 processes), no Polder work');
  const port = await freePort();
  const broker = spawnPeer(['broker', String(port)]);
  await broker.line('ready');
  const sub = spawnPeer(['subscriber', String(port), 'v3/#', String(ups.length)]);
  await sub.line('ready');
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: `ceiling-pub-${process.pid}` });
  const cpu0 = cpuSecondsOf(broker.child.pid as number);
  const t0 = Date.now();
  const lat = await publish(client, ups, { inFlight: IN_FLIGHT });
  const doneAt = Number((await sub.line('done')).split(' ')[1]);
  const seconds = (doneAt - t0) / 1000;
  const cpu = cpuSecondsOf(broker.child.pid as number) - cpu0;
  await client.endAsync();
  broker.child.kill();
  lat.sort();
  const pps = (ups.length * POINTS) / seconds;
  figure(
    'ceiling: points/s (first publish → last message at the subscriber)',
    pps,
    'points/s',
    `${ups.length} messages in ${seconds.toFixed(2)} s`,
  );
  figure('ceiling: broker CPU per message', (cpu / ups.length) * 1e6, 'µs');
  figure('ceiling: ack latency p50', pct(lat, 50), 'ms');
  figure('ceiling: ack latency p99', pct(lat, 99), 'ms');
  return pps;
}

/**
 * The HTTP ceiling: a bare node:http server in its own process, sent the http and bulk phases'
 * requests by the same client (this process). Points/s of each.
 */
async function httpCeiling(ups: Up[]): Promise<{ http: number; bulk: number }> {
  heading('ceiling: bare node:http server answering 202, the same requests from the same client, no Polder work');
  const port = await freePort();
  const server = spawnPeer(['http', String(port)]);
  await server.line('ready');
  const url = `http://127.0.0.1:${port}/api/uplinks/bench`;
  const out = { http: 0, bulk: 0 };
  try {
    for (const [kind, bodies, type, concurrency] of [
      ['http', ups.map((u) => u.body), 'application/json', HTTP_CONCURRENCY],
      ['bulk', bulkBodies(ups), 'application/x-ndjson', BULK_CONCURRENCY],
    ] as const) {
      if (!MODES.includes(kind)) continue;
      const cpu0 = cpuSecondsOf(server.child.pid as number);
      const t0 = performance.now();
      const lat = await post(url, [...bodies], type, concurrency);
      const seconds = (performance.now() - t0) / 1000;
      const cpu = cpuSecondsOf(server.child.pid as number) - cpu0;
      lat.sort();
      out[kind] = (ups.length * POINTS) / seconds;
      const what =
        kind === 'bulk' ? `${BULK_SIZE} per request, ${concurrency} concurrent` : `one per request, ${concurrency} concurrent`;
      figure(`ceiling ${kind}: points/s (${what})`, out[kind], 'points/s', `${ups.length} uplinks in ${seconds.toFixed(2)} s`);
      figure(`ceiling ${kind}: server CPU per uplink`, (cpu / ups.length) * 1e6, 'µs');
      figure(`ceiling ${kind}: answer latency p99`, pct(lat, 99), 'ms');
    }
  } finally {
    server.child.kill();
  }
  return out;
}

/**
 * The floor: the least a durable MQTT ingest does (support/floor-peer.ts: Aedes, a writer thread
 * that decodes and commits each turn's uplinks, PUBACK after the commit), sent the same workload
 * by the same publisher. Polder's phases are compared with it: what Polder adds costs the
 * difference. `lane` runs the same shape with Polder's workers, trace records, statements and
 * schema on the thread (support/lane-peer.ts). Checks its count and sum as Polder's phases do.
 */
async function floor(work: { warm: Up[]; ups: Up[] }, ceilingPps: number, kind: 'floor' | 'lane'): Promise<void> {
  heading(
    kind === 'floor'
      ? `${kind}: a minimal durable path (Aedes + a SQLite writer thread, PUBACK after commit), no Polder`
      : "lane: the floor's shape with Polder's workers, statements and schema on the writer thread (a design measured)",
  );
  const dir = mkdtempSync(path.join(os.tmpdir(), `polder-${kind}-`));
  const file = path.join(dir, `${kind}.db`);
  const port = await freePort();
  const peer = spawnPeer([String(port), file], kind === 'floor' ? FLOOR_PEER : LANE_PEER);
  try {
    await peer.line('ready');
    const pid = peer.child.pid as number;
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: `${kind}-pub-${process.pid}` });
    await publish(client, work.warm, { inFlight: IN_FLIGHT });
    const cpu0 = cpuSecondsOf(pid);
    const disk0 = diskBytesOf(pid);
    const t0 = performance.now();
    const lat = await publish(client, work.ups, { inFlight: IN_FLIGHT });
    const seconds = (performance.now() - t0) / 1000;
    const cpu = cpuSecondsOf(pid) - cpu0;
    const disk = diskBytesOf(pid) - disk0;
    const rss = rssMiBOf(pid);
    await client.endAsync();
    lat.sort();
    const pps = (work.ups.length * POINTS) / seconds;
    figure(
      `${kind}: points/s (first publish → last PUBACK, sent after the commit)`,
      pps,
      'points/s',
      `${work.ups.length} uplinks in ${seconds.toFixed(2)} s`,
    );
    if (ceilingPps > 0) figure(`${kind}: of the ceiling measured in this run`, (pps / ceilingPps) * 100, '%');
    figure(`${kind}: CPU per uplink`, (cpu / work.ups.length) * 1e6, 'µs', `${((cpu / seconds) * 100).toFixed(0)} % of one core`);
    figure(`${kind}: written to disk per uplink`, disk / work.ups.length, 'B');
    figure(`${kind}: ack latency p50`, pct(lat, 50), 'ms');
    figure(`${kind}: ack latency p99`, pct(lat, 99), 'ms');
    figure(`${kind}: RSS at the end`, rss, 'MiB');
    const db = new BetterSqlite3(file, { readonly: true });
    const table = kind === 'floor' ? 'points' : 'measurements';
    const got = db.prepare(`select count(*) as count, coalesce(sum(value), 0) as sum from ${table}`).get() as {
      count: number;
      sum: number;
    };
    db.close();
    checkStored(got, [...work.warm, ...work.ups]);
  } finally {
    peer.child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Setup {
  name: string;
  env: Record<string, string>;
  /** count and sum of every stored value */
  totals(dataDir: string): Promise<{ count: number; sum: number }>;
  /** A fresh database for the next Polder (each checkout migrates its own). */
  fresh?(): Promise<void>;
  cleanup(): Promise<void>;
  /** The broker the publisher sends to (default: Polder's embedded broker). */
  brokerUrl?: string;
}

const sqliteSetup = (): Setup => ({
  name: 'embedded (SQLite, inbox table, embedded broker)',
  env: {},
  async totals(dataDir) {
    const db = new BetterSqlite3(path.join(dataDir, 'polder.db'), { readonly: true });
    try {
      return db.prepare('select count(*) as count, coalesce(sum(value), 0) as sum from measurements').get() as {
        count: number;
        sum: number;
      };
    } finally {
      db.close();
    }
  },
  cleanup: async () => {},
});

/**
 * SQLite with Mosquitto as Polder's broker (POLDER_MQTT_URL): a Mosquitto of the bench's own on a free
 * port, configured as deploy/mosquitto/mosquitto.conf is for Polder's session (queue not capped at
 * Mosquitto's default 1,000 messages, which drops the rest while Polder stores them).
 */
async function mosquittoSetup(): Promise<Setup | string> {
  let broker: ChildProcess | undefined;
  let dir: string | undefined;
  const stop = () => {
    broker?.kill();
    if (dir) rmSync(dir, { recursive: true, force: true });
  };
  // A fresh Mosquitto for every Polder started: no session or queue of the last one left behind.
  const start = async (): Promise<string | undefined> => {
    stop();
    dir = mkdtempSync(path.join(os.tmpdir(), 'polder-bench-mosquitto-'));
    const port = await freePort();
    const conf = path.join(dir, 'mosquitto.conf');
    writeFileSync(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\nmax_queued_messages 1000000\n`);
    const b = spawn('mosquitto', ['-c', conf], { stdio: 'ignore' });
    broker = b;
    const failed = new Promise<string>((resolve) => b.once('error', (err) => resolve(`mosquitto: ${err.message}`)));
    const up = (async () => {
      for (let i = 0; i < 100 && !(await reachable(`mqtt://127.0.0.1:${port}`)); i++) await sleep(50);
      return undefined;
    })();
    const problem = await Promise.race([failed, up]);
    setup.env = { POLDER_MQTT_URL: `mqtt://127.0.0.1:${port}` };
    setup.brokerUrl = setup.env.POLDER_MQTT_URL;
    return problem;
  };
  const setup: Setup = {
    ...sqliteSetup(),
    name: 'SQLite, inbox table, external broker (Mosquitto)',
    fresh: async () => {
      const problem = await start();
      if (problem) throw new Error(problem);
    },
    cleanup: async () => stop(),
  };
  const problem = await start();
  return problem ?? setup;
}

/** PostgreSQL + RabbitMQ: a fresh database and queue for every Polder started (`fresh()`). */
async function postgresSetup(): Promise<Setup | string> {
  if (!(await postgresAvailable())) return `PostgreSQL does not answer at ${PG_URL}`;
  if (!(await reachable(AMQP_URL))) return 'RabbitMQ does not answer';
  const admin = async <T>(sql: string, url = PG_URL): Promise<T[]> => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      return (await c.query(sql)).rows as T[];
    } finally {
      await c.end();
    }
  };
  let n = 0;
  let current: { db: string; url: string } | undefined;
  const setup: Setup = {
    name: 'PostgreSQL + RabbitMQ inbox, embedded broker',
    env: {},
    async fresh() {
      if (current) await admin(`drop database if exists ${current.db} with (force)`);
      const db = `polder_ceiling_${process.pid}_${n++}`;
      await admin(`create database ${db}`);
      const url = new URL(PG_URL);
      url.pathname = `/${db}`;
      current = { db, url: url.toString() };
      setup.env = { POLDER_DATABASE_URL: current.url, POLDER_AMQP_URL: AMQP_URL, POLDER_AMQP_QUEUE: `polder.bench.${db}` };
    },
    async totals() {
      const [r] = await admin<{ count: string; sum: string }>(
        'select count(*) as count, coalesce(sum(value), 0) as sum from measurements',
        current?.url,
      );
      return { count: Number(r?.count), sum: Number(r?.sum) };
    },
    cleanup: async () => {
      if (current) await admin(`drop database if exists ${current.db} with (force)`);
    },
  };
  return setup;
}

/** `polder_thread_busy_seconds_total` by thread (empty for a checkout without it). */
const busyOf = async (base: string): Promise<Map<string, number>> => {
  const text = await (await fetch(`${base}/metrics`)).text();
  const busy = new Map<string, number>();
  for (const m of text.matchAll(/^polder_thread_busy_seconds_total\{thread="(\w+)"\} (\S+)$/gm))
    busy.set(m[1] as string, Number(m[2]));
  return busy;
};

const storedOf = async (base: string) => {
  const text = await (await fetch(`${base}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('polder_measurements_stored_total '));
  return line ? Number(line.split(' ')[1]) : 0;
};

async function waitStored(base: string, target: number, stallMs = 30_000): Promise<number> {
  let last = -1;
  let still = performance.now();
  for (;;) {
    const n = await storedOf(base);
    if (n >= target) return n;
    if (n !== last) {
      last = n;
      still = performance.now();
    } else if (performance.now() - still > stallMs) return n;
    await sleep(10);
  }
}

type Transport = 'mqtt' | 'paced' | 'http' | 'bulk';

/**
 * `count` rules as bench/rules.bench.ts mixes them (a third each: `threshold` held 60 s, `window`
 * avg over 300 s, `outside` 3 of 5), over the workload's 3 properties: 14 per property apply to
 * every device, the rest each to one device; about 14 evaluations per stored point.
 */
async function createRules(base: string, warm: Up[], count: number): Promise<void> {
  const properties = ['temperature', 'relative_humidity', 'barometric_pressure'];
  const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
  for (let r = 0; r < count; r++) {
    const property = properties[r % 3] as string;
    const everyDevice = r < 14 * 3;
    const device = everyDevice ? undefined : await deviceIdOf(base, TOKEN, (warm[r % warm.length] as Up).devEui);
    const condition =
      r % 3 === 0
        ? { kind: 'threshold', op: '>', value: 5000, forSeconds: 60 }
        : r % 3 === 1
          ? { kind: 'window', aggregate: 'avg', windowSeconds: 300, op: '>', value: 5000 }
          : { kind: 'threshold', op: 'outside', min: -100, max: 5000, count: 3, window: 5 };
    const res = await fetch(`${base}/api/rules`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        name: `bench ${property} ${r}`,
        scope: device ? { device } : {},
        property,
        condition,
        severity: 'warning',
        actions: [{ kind: 'alert' }],
      }),
    });
    if (res.status !== 201) throw new Error(`POST /api/rules: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
  }
}

async function polderPhase(
  setup: Setup,
  transport: Transport,
  work: { warm: Up[]; ups: Up[] },
  ceilingPps: number,
  checkout: { label: string; root: string },
  rules = 0,
): Promise<PhaseFigures> {
  const warm = work.warm;
  // Paced: 10 s at the rate.
  const ups = transport === 'paced' ? work.ups.slice(0, Math.min(work.ups.length, RATE * 10)) : work.ups;
  heading(`${checkout.label}${setup.name}: ${transport}, ${ups.length} uplinks${rules ? `, ${rules} rules` : ''}`);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'polder-ceiling-'));
  await setup.fresh?.();
  // One line per collection: the phase's GC figures (support/gc-trace.ts).
  const nodeFlags = [
    '--trace-gc-nvp',
    ...(PROFILE_DIR ? [`--cpu-prof`, `--cpu-prof-dir=${PROFILE_DIR}`] : []),
    ...(ALLOC_DIR ? ['--import', ALLOC_SAMPLER] : []),
  ];
  // After the shipped flags: a later V8 flag wins (e.g. another --max-semi-space-size).
  nodeFlags.push(...(process.env.POLDER_BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean));
  const served = await servePolder(
    {
      POLDER_DATA_DIR: dataDir,
      POLDER_ADMIN_TOKEN: TOKEN,
      POLDER_LOG_LEVEL: 'warn',
      ...(ALLOC_DIR && { POLDER_ALLOC_PROF_DIR: ALLOC_DIR }),
      ...setup.env,
    },
    120_000,
    [
      process.execPath,
      ...NODE_FLAGS,
      ...nodeFlags,
      '--import',
      'tsx',
      path.join(checkout.root, 'test', 'support', 'polder-cli.ts'),
      'serve',
    ],
  );
  const base = served.url;
  const pid = served.child.pid as number;
  try {
    const pipeline: PipelineRef = await httpPipelineAdmin(base, TOKEN).ensurePipeline(pipelineSpec as never);
    const client = await mqtt.connectAsync(setup.brokerUrl ?? `mqtt://127.0.0.1:${served.mqttPort}`, {
      clientId: `bench-pub-${process.pid}`,
      username: 'bench',
      password: TOKEN,
    });
    if (setup.brokerUrl) {
      // Polder subscribes to the new pipeline's topic on the external broker a moment after it is
      // made; what is published before is not for its session. Send the first uplink until it lands.
      const first = warm.slice(0, 1);
      for (let i = 0; (await storedOf(base)) < POINTS; i++) {
        if (i > 100) throw new Error('the external broker did not deliver to Polder in 10 s');
        if (i % 10 === 0) await publish(client, first, { inFlight: 1 });
        await sleep(100);
      }
    }
    await publish(client, warm, { inFlight: IN_FLIGHT });
    // A cold batch registers up to 500 devices before it stores anything: a long stall is allowed here.
    const warmStored = await waitStored(base, warm.length * POINTS, 180_000);
    if (warmStored < warm.length * POINTS)
      throw new Error(`warm-up: ${warmStored} of ${warm.length * POINTS} points stored\n${served.output().slice(-3000)}`);
    if (rules > 0) await createRules(base, warm, rules);
    const probeIds = new Map<string, string>();
    for (const u of warm.slice(0, 8)) {
      const id = await deviceIdOf(base, TOKEN, u.devEui);
      if (id) probeIds.set(u.devEui, id);
    }
    const queryable: number[] = [];
    let probing = false;
    // One probe at a time, on the next acknowledged uplink of a probe device.
    const onAck = (u: Up) => {
      const id = probeIds.get(u.devEui);
      if (probing || !id) return;
      probing = true;
      const ackAt = performance.now();
      void pollUntilQueryable(base, TOKEN, id, u.at, u.temperature)
        .then((ok) => {
          if (ok) queryable.push(performance.now() - ackAt);
        })
        .finally(() => {
          probing = false;
        });
    };
    const busy0 = await busyOf(base);
    const cpu0 = cpuSecondsOf(pid);
    const threads0 = threadCpuSecondsOf(pid);
    const disk0 = diskBytesOf(pid);
    const out0 = served.output().length;
    let peak = rssMiBOf(pid);
    const sampler = setInterval(() => {
      peak = Math.max(peak, rssMiBOf(pid));
    }, 200);
    const t0 = performance.now();
    const mono0 = process.hrtime.bigint() / 1000n;
    // The allocation sampler starts at the first signal and writes its profile at the second.
    if (ALLOC_DIR) served.child.kill('SIGUSR2');
    const perf =
      PERF_DIR &&
      spawn('perf', ['record', '-g', '-F', '999', '-p', String(pid), '-o', path.join(PERF_DIR, `${transport}-${pid}.data`)], {
        stdio: 'ignore',
      });
    // Made at the start: 'close' also comes (at once) when perf cannot start, after its 'error'.
    const perfClosed =
      perf && new Promise((resolve) => perf.once('error', (err) => note(`perf: ${err.message}`)).once('close', resolve));
    let lat: Float64Array;
    if (transport === 'mqtt') lat = await publish(client, ups, { inFlight: IN_FLIGHT, onAck });
    else if (transport === 'paced') lat = await publish(client, ups, { inFlight: IN_FLIGHT, rate: RATE, onAck });
    else if (transport === 'http')
      lat = await post(
        `${base}/api/uplinks/${pipeline.id}`,
        ups.map((u) => u.body),
        'application/json',
        HTTP_CONCURRENCY,
      );
    else lat = await post(`${base}/api/uplinks/${pipeline.id}/batch`, bulkBodies(ups), 'application/x-ndjson', BULK_CONCURRENCY);
    const ackS = (performance.now() - t0) / 1000;
    const expected = (warm.length + ups.length) * POINTS;
    const stored = await waitStored(base, expected);
    const seconds = (performance.now() - t0) / 1000;
    if (perf) {
      perf.kill('SIGINT');
      await perfClosed;
    }
    const cpu = cpuSecondsOf(pid) - cpu0;
    const threads = [...threadCpuSecondsOf(pid)].map(([tid, s]) => [tid, s - (threads0.get(tid) ?? 0)] as const);
    const disk = diskBytesOf(pid) - disk0;
    const busy = await busyOf(base);
    const gc = gcFigures(served.output().slice(out0));
    // The profile's timestamps are CLOCK_MONOTONIC µs, as hrtime: the measured span, to cut it out.
    if (PROFILE_DIR) note(`profile window (monotonic µs): ${mono0} ${process.hrtime.bigint() / 1000n}`);
    if (ALLOC_DIR) served.child.kill('SIGUSR2');
    clearInterval(sampler);
    peak = Math.max(peak, rssMiBOf(pid));
    for (let i = 0; i < 200 && probing; i++) await sleep(10);
    await client.endAsync();
    const pps = ((stored - warm.length * POINTS) / seconds) | 0;
    figure(
      `${transport}: points/s (first send → all points stored)`,
      pps,
      'points/s',
      `${ups.length} uplinks, ${seconds.toFixed(2)} s; acked in ${ackS.toFixed(2)} s`,
    );
    if (ceilingPps > 0) figure(`${transport}: of the ceiling measured in this run`, (pps / ceilingPps) * 100, '%');
    const cpuUs = (cpu / ups.length) * 1e6;
    figure(`${transport}: Polder CPU per uplink`, cpuUs, 'µs', `${((cpu / seconds) * 100).toFixed(0)} % of one core`);
    // The most that CPU an uplink allows here: every core busy with Polder alone (the client and
    // the other processes left out), whatever the overlap of its threads.
    const cores = os.availableParallelism();
    const bound = (cores * POINTS * 1e6) / cpuUs;
    figure(
      `${transport}: points/s at that CPU on all ${cores} cores`,
      bound | 0,
      'points/s',
      `${((pps / bound) * 100).toFixed(0)} % of it reached`,
    );
    // Where that CPU went: the event loop (the main thread), then the other threads, busiest first
    // (SQLite's writer and lane threads, V8's helper threads, libuv's pool); Node does not name them.
    const others = threads.filter(([tid]) => tid !== pid).sort((a, b) => b[1] - a[1]);
    figure(
      `${transport}: CPU per uplink on the event loop`,
      ((threads.find(([tid]) => tid === pid)?.[1] ?? 0) / ups.length) * 1e6,
      'µs',
      `other threads, busiest first: ${others
        .slice(0, 6)
        .map(([, s]) => ((s / ups.length) * 1e6).toFixed(1))
        .join(', ')} µs`,
    );
    figure(`${transport}: written to disk per uplink (Polder's process)`, disk / ups.length, 'B');
    // What bounds the phase: a thread busy nearly all of it.
    for (const [thread, s] of busy)
      figure(`${transport}: ${thread} thread busy`, ((s - (busy0.get(thread) ?? 0)) / seconds) * 100, '%', 'of the phase');
    if (gc) {
      figure(
        `${transport}: GC on the event loop per uplink (wall clock)`,
        (gc.ms / ups.length) * 1000,
        'µs',
        `${gc.scavenges} scavenges, ${gc.fullCollections} full collections`,
      );
      figure(`${transport}: allocated per uplink (event loop)`, gc.allocatedBytes / ups.length / 1024, 'KiB');
      figure(`${transport}: promoted to the old generation per uplink`, gc.promotedBytes / ups.length / 1024, 'KiB');
    }
    lat.sort();
    const what = transport === 'bulk' ? `per request of ${BULK_SIZE}` : 'per uplink';
    figure(`${transport}: ack latency p50 (${what})`, pct(lat, 50), 'ms');
    figure(`${transport}: ack latency p99 (${what})`, pct(lat, 99), 'ms');
    if (queryable.length > 0) {
      queryable.sort((a, b) => a - b);
      figure(`${transport}: ack → queryable p50`, pct(queryable, 50), 'ms', `${queryable.length} samples`);
      figure(`${transport}: ack → queryable p99`, pct(queryable, 99), 'ms');
    } else if (transport === 'mqtt' || transport === 'paced') note('ack → queryable: no sample (probe devices not found)');
    else note('ack → queryable: sampled on the MQTT phases only');
    figure(`${transport}: Polder peak RSS`, peak, 'MiB');
    checkStored(await setup.totals(dataDir), [...warm, ...ups]);
    return { pps, cpuUs, diskBytes: disk / ups.length };
  } finally {
    await served.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const work = workload(N, 10);
console.log(
  `ingest-ceiling: ${N} TTN v3 uplinks, ${DEVICES} devices${SHUFFLED ? ' (each round in a random order)' : ''}, LPP ${POINTS} values, QoS 1 with ${IN_FLIGHT} in flight; load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
const ceilings = { mqtt: 0, http: 0, bulk: 0 };
if (MODES.includes('ceiling')) {
  ceilings.mqtt = await ceiling(work.ups);
  if (MODES.includes('http') || MODES.includes('bulk')) Object.assign(ceilings, await httpCeiling(work.ups));
}
if (MODES.includes('floor')) await floor(work, ceilings.mqtt, 'floor');
if (MODES.includes('lane')) await floor(work, ceilings.mqtt, 'lane');
let failures = 0;
/** What a phase's summary over rounds compares. */
interface PhaseFigures {
  pps: number;
  cpuUs: number;
  diskBytes: number;
}
const here = { label: '', root: path.join(import.meta.dirname, '..') };
const checkouts = BEFORE ? [{ label: `before (${BEFORE}): `, root: BEFORE }, here] : [here];
/**
 * Each checkout's phase, ROUNDS times; with a before checkout, every other round starts with the
 * current one (the second Polder of a round may pay for the first one's disk writeback). With
 * several rounds, the medians of each checkout's figures.
 */
const run = async (setup: Setup, t: Transport, rules = 0) => {
  const figures = new Map(checkouts.map((c) => [c, [] as PhaseFigures[]]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const checkout of round % 2 === 0 ? checkouts : [...checkouts].reverse()) {
      try {
        const f = await polderPhase(setup, t, work, t === 'http' || t === 'bulk' ? ceilings[t] : ceilings.mqtt, checkout, rules);
        figures.get(checkout)?.push(f);
      } catch (err) {
        failures++;
        note(`failed: ${(err as Error).stack ?? err}`);
      }
    }
  }
  if (ROUNDS < 2) return;
  heading(`${setup.name}: ${t}, medians of ${ROUNDS} rounds`);
  for (const [checkout, fs] of figures) {
    const what = `${checkout.label || 'this checkout: '}${t}`;
    figure(`${what} points/s`, median(fs.map((f) => f.pps)), 'points/s', fs.map((f) => f.pps).join(', '));
    figure(`${what} CPU per uplink`, median(fs.map((f) => f.cpuUs)), 'µs', fs.map((f) => f.cpuUs.toFixed(0)).join(', '));
    figure(`${what} written to disk per uplink`, median(fs.map((f) => f.diskBytes)), 'B');
  }
};
const sqlite = sqliteSetup();
if (MODES.includes('embedded')) await run(sqlite, 'mqtt');
if (MODES.includes('rules')) await run(sqlite, 'mqtt', RULES);
if (MODES.includes('paced')) await run(sqlite, 'paced');
if (MODES.includes('http')) await run(sqlite, 'http');
if (MODES.includes('bulk')) await run(sqlite, 'bulk');
if (MODES.includes('mosquitto')) {
  const m = await mosquittoSetup();
  if (typeof m === 'string') note(`Mosquitto skipped: ${m}`);
  else {
    await run(m, 'mqtt');
    await m.cleanup();
  }
}
if (MODES.includes('postgres')) {
  const pgSetup = await postgresSetup();
  if (typeof pgSetup === 'string') note(`PostgreSQL + RabbitMQ skipped: ${pgSetup}`);
  else {
    await run(pgSetup, 'mqtt');
    await pgSetup.cleanup();
  }
}
console.log(
  `load average at the end ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
process.exit(failures > 0 ? 1 : 0);
