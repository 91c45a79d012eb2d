/**
 * End-to-end ingestion (the uplink flow): Polder runs `polder serve` in its own process; this
 * process sends TTN v3 webhooks with Cayenne LPP frames (3 values each, plus RSSI and SNR =
 * 5 data points per uplink) as fast as Polder acknowledges them, over MQTT QoS 1 and over
 * HTTP, for N seconds each. Prints data points/s stored, uplinks/s acknowledged, Polder's CPU
 * (from /proc/<pid>/stat, 100 % = one core), its peak RSS, and the latency from acknowledgement
 * (202 / PUBACK, i.e. durably received) to queryable through GET /api/measurements, p50/p99,
 * sampled on a few probe devices.
 *
 * Two setups: embedded (SQLite, inbox table, embedded broker), and — when PostgreSQL and
 * RabbitMQ answer — PostgreSQL with the RabbitMQ inbox (POLDER_AMQP_URL).
 *
 *   npx tsx bench/ingest.bench.ts [--seconds 20] [--devices 200] [--concurrency 64] [--only sqlite|postgres]
 *
 * Written against the documented API (POST /api/pipelines, POST /api/uplinks/{id}, pipeline
 * MQTT sources, GET /api/devices?q=, GET /api/measurements, /metrics); it needs the pipelines,
 * inbox, runner and transports parts to be integrated. A phase that cannot run says why and the
 * benchmark goes on with the next one.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { httpPipelineAdmin, type PipelineRef } from '../src/simulate/traffic/pipeline-admin.js';
import { startTrafficSimulation } from '../src/simulate/traffic/traffic-simulation.js';
import { ttnV3Generator } from '../src/simulate/traffic/ttn-v3.generator.js';
import type { Uplink } from '../src/simulate/traffic/uplink.js';
import { servePolder } from '../test/support/serve.js';
import { cpuSecondsOf, figure, heading, note, PG_URL, postgresAvailable, reachable, rssMiBOf } from './support/bench-kit.js';
import { deviceIdOf, rowsOf } from './support/ingest-probe.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? (args[i + 1] ?? fallback) : fallback;
};
const SECONDS = Number(flag('seconds', process.argv.includes('--full') ? '60' : '20'));
const DEVICES = Number(flag('devices', '200'));
const CONCURRENCY = Number(flag('concurrency', '64'));
const ONLY = flag('only', '');
const AMQP_URL = process.env.POLDER_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const TOKEN = 'bench-admin-token-0123456789';
const PROBES = 4;
const POINTS_PER_UPLINK = 5;

const metric = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

interface Setup {
  name: string;
  env: Record<string, string>;
  cleanup: () => Promise<void>;
}

async function postgresSetup(): Promise<Setup | string> {
  if (!(await postgresAvailable())) return `PostgreSQL does not answer at ${PG_URL}`;
  if (!(await reachable(AMQP_URL))) return `RabbitMQ does not answer at ${AMQP_URL.replace(/\/\/[^@]*@/, '//')}`;
  const db = `polder_ingest_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`create database ${db}`);
  const url = new URL(PG_URL);
  url.pathname = `/${db}`;
  return {
    name: 'PostgreSQL + RabbitMQ inbox',
    env: { POLDER_DATABASE_URL: url.toString(), POLDER_AMQP_URL: AMQP_URL },
    cleanup: () => admin(`drop database if exists ${db} with (force)`),
  };
}

/** Starts `polder serve` from the sources; resolves once /healthz answers. */
async function startPolder(setup: Setup) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'polder-ingest-bench-'));
  const served = await servePolder({ POLDER_DATA_DIR: dataDir, POLDER_ADMIN_TOKEN: TOKEN, ...setup.env }, 60_000);
  return {
    base: served.url,
    mqttUrl: `mqtt://127.0.0.1:${served.mqttPort}`,
    pid: served.child.pid as number,
    async stop() {
      await served.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const api = async (base: string, pathAndQuery: string) => {
  const res = await fetch(new URL(pathAndQuery, base), { headers: { authorization: `Bearer ${TOKEN}` } });
  if (!res.ok) throw new Error(`GET ${pathAndQuery}: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
  return res.json() as Promise<unknown>;
};

/** Follows uplinks of probe devices until their temperature is queryable: latency samples, ms. */
class LatencyProbe {
  readonly samples: number[] = [];
  misses = 0;
  private busy = new Set<string>();
  constructor(
    private readonly base: string,
    private readonly probes: Map<string, string>,
  ) {}

  onAccepted(u: Uplink) {
    const deviceId = this.probes.get(u.device.value);
    if (!deviceId || this.busy.has(deviceId)) return;
    const temperature = u.readings.find((r) => r.observedProperty === 'temperature');
    if (!temperature) return;
    const ackAt = performance.now();
    this.busy.add(deviceId);
    void this.follow(deviceId, u.observedAt, temperature.value, ackAt).finally(() => this.busy.delete(deviceId));
  }

  private async follow(deviceId: string, at: number, value: number, ackAt: number) {
    const query = `/api/measurements?device=${deviceId}&observedProperty=temperature&start=${new Date(at).toISOString()}&end=${new Date(at + 1).toISOString()}`;
    while (performance.now() - ackAt < 60_000) {
      const rows = rowsOf(await api(this.base, query).catch(() => []));
      if (rows.some((r) => r.time === at && Math.abs(r.value - value) <= 0.05)) {
        this.samples.push(performance.now() - ackAt);
        return;
      }
      await sleep(25);
    }
    this.misses++;
  }
}

async function phase(
  polder: Awaited<ReturnType<typeof startPolder>>,
  pipeline: PipelineRef,
  transport: 'mqtt' | 'http',
  seed: number,
) {
  heading(
    `${transport === 'mqtt' ? 'MQTT QoS 1' : 'HTTP POST /api/uplinks/{id}'}: ${DEVICES} devices, ${SECONDS} s at full speed`,
  );
  const admin = { ensurePipeline: async () => pipeline };
  const common = {
    baseUrl: polder.base,
    token: TOKEN,
    kinds: ['ttn' as const],
    devices: DEVICES,
    transport,
    mqttUrl: polder.mqttUrl,
    seed,
    prefix: 'bench-',
    admin,
  };
  // Warm-up: every device once, so devices and datastreams exist before the clock starts.
  const warm = await startTrafficSimulation({
    ...common,
    rate: Number.POSITIVE_INFINITY,
    concurrency: CONCURRENCY,
    durationS: 600,
  });
  while (warm.stats().accepted < DEVICES && warm.stats().rejected === 0) await sleep(20);
  await warm.stop();
  if (warm.stats().rejected > 0) {
    note(`warm-up refused: ${JSON.stringify(warm.stats().reasons)}; phase skipped`);
    return;
  }
  const probes = new Map<string, string>();
  // Auto-registration happens in the pipeline: give it up to 30 s to create the probe devices.
  const lookUntil = performance.now() + 30_000;
  for (const d of warm.devices.slice(0, PROBES)) {
    while (performance.now() < lookUntil) {
      const id = await deviceIdOf(polder.base, TOKEN, d.id).catch(() => undefined);
      if (id) {
        probes.set(d.id, id);
        break;
      }
      await sleep(100);
    }
  }
  if (probes.size === 0) note('the probe devices did not appear in GET /api/devices?q=<DevEUI>: latency not measured');
  const latency = new LatencyProbe(polder.base, probes);
  const metrics = async () => (await fetch(`${polder.base}/metrics`)).text();
  const stored0 = metric(await metrics(), 'polder_measurements_stored_total');
  const cpu0 = cpuSecondsOf(polder.pid);
  let peak = rssMiBOf(polder.pid);
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMiBOf(polder.pid));
  }, 250);
  const t0 = performance.now();
  const sim = await startTrafficSimulation({
    ...common,
    // Same devices as the warm-up (same seed), continuing their frame counters is not needed.
    rate: Number.POSITIVE_INFINITY,
    concurrency: CONCURRENCY,
    durationS: SECONDS,
    onResult: (u, r) => {
      if (r.ok) latency.onAccepted(u);
    },
  });
  await sim.done;
  const sendS = (performance.now() - t0) / 1000;
  const cpuSend = cpuSecondsOf(polder.pid) - cpu0;
  const s = sim.stats();
  // Drain: wait until every acknowledged uplink's points are stored (or nothing moves for 10 s).
  const expected = s.accepted * POINTS_PER_UPLINK;
  let stored = 0;
  let last = -1;
  let still = performance.now();
  for (;;) {
    stored = metric(await metrics(), 'polder_measurements_stored_total') - stored0;
    if (stored >= expected) break;
    if (stored !== last) {
      last = stored;
      still = performance.now();
    } else if (performance.now() - still > 10_000) break;
    await sleep(100);
  }
  const drainS = (performance.now() - t0) / 1000;
  const cpuAll = cpuSecondsOf(polder.pid) - cpu0;
  clearInterval(sampler);
  peak = Math.max(peak, rssMiBOf(polder.pid));
  for (let i = 0; i < 100 && latency.samples.length + latency.misses === 0 && probes.size > 0; i++) await sleep(100);

  figure(
    `${transport}: uplinks acknowledged`,
    s.accepted / sendS,
    'uplinks/s',
    `${s.accepted} in ${sendS.toFixed(1)} s, ${s.rejected} refused`,
  );
  figure(
    `${transport}: data points stored (send + drain)`,
    stored / drainS,
    'points/s',
    `${stored} of ${expected} in ${drainS.toFixed(1)} s`,
  );
  figure(`${transport}: Polder CPU while sending`, (cpuSend / sendS) * 100, '% of a core');
  figure(`${transport}: Polder CPU per 1000 data points`, (cpuAll / Math.max(1, stored)) * 1000 * 1000, 'ms');
  figure(`${transport}: Polder peak RSS`, peak, 'MiB');
  if (latency.samples.length > 0) {
    const sorted = [...latency.samples].sort((a, b) => a - b);
    figure(
      `${transport}: ack → queryable p50`,
      percentile(sorted, 50),
      'ms',
      `${sorted.length} samples on ${probes.size} devices`,
    );
    figure(
      `${transport}: ack → queryable p99`,
      percentile(sorted, 99),
      'ms',
      latency.misses ? `${latency.misses} not seen within 60 s` : '',
    );
  }
  if (s.rejected > 0) note(`refused: ${JSON.stringify(s.reasons)}`);
  if (stored < expected)
    note(`only ${stored} of ${expected} points stored after the drain: the pipeline fell behind or dropped some`);
}

const setups: (Setup | string)[] = [];
if (ONLY !== 'postgres')
  setups.push({ name: 'embedded: SQLite, inbox table, embedded broker', env: {}, cleanup: async () => {} });
if (ONLY !== 'sqlite') setups.push(await postgresSetup());
console.log(
  `ingest: TTN v3 + Cayenne LPP (${POINTS_PER_UPLINK} points per uplink), ${DEVICES} devices, ${CONCURRENCY} in flight, ${SECONDS} s per phase`,
);
let failures = 0;
for (const setup of setups) {
  if (typeof setup === 'string') {
    heading('PostgreSQL + RabbitMQ inbox');
    note(`skipped: ${setup}`);
    continue;
  }
  heading(setup.name);
  const polder = await startPolder(setup);
  try {
    const pipeline = await httpPipelineAdmin(polder.base, TOKEN).ensurePipeline(ttnV3Generator.pipeline('bench-'));
    await phase(polder, pipeline, 'mqtt', 11);
    await phase(polder, pipeline, 'http', 12);
  } catch (err) {
    failures++;
    note(`failed: ${(err as Error).message}`);
  } finally {
    await polder.stop();
    await setup.cleanup();
  }
}
process.exit(failures > 0 ? 1 : 0);
