/**
 * 10,000 simulated neOCampus boards on one Polder (issue 4): Polder runs `polder serve` in its
 * own process (embedded broker, SQLite), the boards run in this one. Prints how long the fleet
 * took to be created and connected, the connections Polder holds, messages per second received,
 * Polder's resident memory (peak over the run), and the offline sweep and activity flush times.
 *
 * Also Polder's RSS with no board yet, and where its memory is at rest (issue 10, item 6).
 *
 * POLDER_BENCH_BEFORE=<another checkout> (e.g. /work/main) runs the whole fleet against that
 * checkout's `polder serve` first (with its own Node flags), then against this one: before/after
 * in one run. POLDER_BENCH_SNAPSHOT=<dir> writes a heap snapshot of Polder at rest into dir.
 * POLDER_BENCH_DIST=1 runs each checkout's build (`bin/polder.js serve`, after `npm run build`), as
 * deployed, instead of its sources through tsx (whose transpiled modules and inline source maps
 * add about 15 MiB of live heap).
 *
 * Idle boards (issue 10 item 6): `--interval 3600 --status-every 3600 --settle 30 --burst 0` (each
 * board publishes about once an hour; the memory at rest is then that of connected, silent boards).
 *
 *   npx tsx bench/fleet-10k.ts [devices] [--seconds 60] [--interval 10] [--status-every 30] [--settle <interval>] [--qos 0|1] [--burst 3]
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { httpFleetAdmin } from '../src/simulate/neocampus/fleet-admin.js';
import { runNeocampusSimulation } from '../src/simulate/neocampus/simulator.js';
import { type ServedPolder, servePolder } from '../test/support/serve.js';
import { cpuSecondsOf, rssMiBOf } from './support/bench-kit.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const N = Number(args.find((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--')) ?? 10_000);
const SECONDS = flag('seconds', 60);
const INTERVAL = flag('interval', 10);
const STATUS_EVERY = flag('status-every', 30);
const QOS = flag('qos', 0) === 1 ? 1 : 0;
const SWEEP_SECONDS = 5;
const TOKEN = 'bench-admin-token-0123456789';

/** Prometheus text → value of one series (first match). */
const metric = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
};

const MIB = 2 ** 20;
const BEFORE = process.env.POLDER_BENCH_BEFORE;
const SNAPSHOT = process.env.POLDER_BENCH_SNAPSHOT;
const DIST = process.env.POLDER_BENCH_DIST === '1';

/**
 * Where a process's resident memory is, from /proc/<pid>/smaps (MiB): file pages (the Node binary
 * and libraries, shared with other Node processes), the main malloc arena (`[heap]`), and the
 * other anonymous mappings (V8's heap pages, other threads' malloc arenas, SQLite's mmap).
 */
function residentOf(pid: number): { file: number; brk: number; anon: number } {
  const out = { file: 0, brk: 0, anon: 0 };
  let name = '';
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const map = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (map) name = map[1] ?? '';
    else if (line.startsWith('Rss:')) {
      const mib = Number(line.slice(4).trim().split(' ')[0]) / 1024;
      if (name === '[heap]') out.brk += mib;
      else if (name.startsWith('/')) out.file += mib;
      else out.anon += mib;
    }
  }
  return out;
}
const residentText = (pid: number) => {
  const r = residentOf(pid);
  return `file ${r.file.toFixed(0)} MiB, main malloc arena ${r.brk.toFixed(0)} MiB, other anonymous ${r.anon.toFixed(0)} MiB`;
};

/**
 * The Node flags of a checkout's entry points (its test/support/serve.ts NODE_FLAGS), read as text:
 * importing another checkout's modules would load a second isolated-vm into this process.
 */
function nodeFlagsOf(root: string): string[] {
  const text = readFileSync(path.join(root, 'test', 'support', 'serve.ts'), 'utf8');
  const list = /export const NODE_FLAGS = \[([^\]]*)\]/.exec(text)?.[1];
  if (list === undefined) throw new Error(`no NODE_FLAGS in ${root}/test/support/serve.ts`);
  return [...list.matchAll(/'([^']*)'/g)].map((m) => m[1] as string);
}

/** `polder serve` from a checkout's sources, with the Node flags that checkout's entry points use. */
async function serveFrom(root: string, env: Record<string, string>): Promise<ServedPolder> {
  const diagnostics = SNAPSHOT ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${SNAPSHOT}`] : [];
  const flags = nodeFlagsOf(root);
  if (DIST) {
    if (!existsSync(path.join(root, 'dist', 'cli.js'))) throw new Error(`no build in ${root}: npm run build there first`);
    console.log(`polder serve from ${root}/dist, node ${flags.join(' ')}`);
    return servePolder(env, 60_000, [process.execPath, ...flags, ...diagnostics, path.join(root, 'bin', 'polder.js'), 'serve']);
  }
  const cli = path.join(root, 'test', 'support', 'polder-cli.ts');
  console.log(`polder serve from ${root}, node ${flags.join(' ')}`);
  return servePolder(env, 60_000, [process.execPath, ...flags, ...diagnostics, '--import', 'tsx', cli, 'serve']);
}

async function fleet(root: string): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'polder-fleet-bench-'));
  const served = await serveFrom(root, {
    POLDER_DATA_DIR: dataDir,
    POLDER_ADMIN_TOKEN: TOKEN,
    POLDER_PROVISIONING_RATE_LIMIT: '1000000',
    POLDER_FLEET_SWEEP_SECONDS: String(SWEEP_SECONDS),
  });
  const base = served.url;
  const pid = served.child.pid as number;
  const metrics = async () => (await fetch(`${base}/metrics`)).text();

  // Polder with no board yet: what it costs to start (modules, caches, the heap's reserve).
  await new Promise((r) => setTimeout(r, 5000));
  const idle = await metrics();
  console.log(
    `Polder idle, no board: RSS ${rssMiBOf(pid).toFixed(0)} MiB; JS heap used ${(metric(idle, 'nodejs_heap_size_used_bytes') / MIB).toFixed(0)} MiB ` +
      `of ${(metric(idle, 'nodejs_heap_size_total_bytes') / MIB).toFixed(0)} MiB reserved; ${residentText(pid)}`,
  );
  let peakRss = rssMiBOf(pid);
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, rssMiBOf(pid));
  }, 1000);

  console.log(`fleet-10k: ${N} boards, data every ${INTERVAL} s, status every ${STATUS_EVERY} s, QoS ${QOS}; Polder pid ${pid}`);
  const phases: string[] = [];
  const cpu0 = { polder: cpuSecondsOf(pid), sim: process.cpuUsage() };
  let t0 = performance.now();
  const sim = await runNeocampusSimulation({
    devices: N,
    baseUrl: base,
    admin: httpFleetAdmin(base, TOKEN),
    intervalS: INTERVAL,
    statusEveryS: STATUS_EVERY,
    qos: QOS,
    bootConcurrency: flag('boot-concurrency', 100),
    onPhase: (name, ms) => phases.push(`${name} ${(ms / 1000).toFixed(1)} s`),
  });
  const bootS = (performance.now() - t0) / 1000;
  const simCpu = process.cpuUsage(cpu0.sim);
  console.log(
    `boot CPU: Polder ${(cpuSecondsOf(pid) - cpu0.polder).toFixed(1)} s, simulator ${((simCpu.user + simCpu.system) / 1e6).toFixed(1)} s ` +
      `(load average ${os.loadavg()[0]?.toFixed(1)} on ${os.cpus().length} CPUs)`,
  );
  const afterBoot = sim.stats();
  console.log(
    `created, provisioned (2 HTTP calls each) and connected in ${bootS.toFixed(1)} s ` +
      `(${(N / bootS).toFixed(0)} boards/s; ${phases.join(', ')}): ${afterBoot.connected} connected, ${afterBoot.errors} errors, RSS ${rssMiBOf(pid).toFixed(0)} MiB`,
  );

  // Let the boards settle into their timers (first publications are spread over one interval).
  await new Promise((r) => setTimeout(r, flag('settle', INTERVAL) * 1000));
  const SEEN = 'polder_device_heartbeats_total{result="seen"}';
  const published0 = sim.stats().published;
  const m0 = await metrics();
  t0 = performance.now();
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const published1 = sim.stats().published;
  const m1 = await metrics();
  const elapsed = (performance.now() - t0) / 1000;
  const seen = metric(m1, SEEN) - metric(m0, SEEN);
  const sent = published1 - published0;
  const sweeps = metric(m1, 'polder_fleet_sweep_duration_seconds_count');
  const sweepMs = (metric(m1, 'polder_fleet_sweep_duration_seconds_sum') / Math.max(1, sweeps)) * 1000;
  const flushes = metric(m1, 'polder_fleet_activity_flush_duration_seconds_count');
  const flushMs = (metric(m1, 'polder_fleet_activity_flush_duration_seconds_sum') / Math.max(1, flushes)) * 1000;
  const summary = (await (
    await fetch(`${base}/api/sites/main/summary`, { headers: { authorization: `Bearer ${TOKEN}` } })
  ).json()) as {
    counts: Record<string, number>;
  };
  clearInterval(sampler);
  peakRss = Math.max(peakRss, rssMiBOf(pid));

  console.log(
    `steady ${elapsed.toFixed(0)} s: ${metric(m1, 'polder_mqtt_connected_clients')} connections held by Polder, ` +
      `${(sent / elapsed).toFixed(0)} msg/s sent, ${(seen / elapsed).toFixed(0)} msg/s received and counted as heartbeats`,
  );
  console.log(
    `Polder RSS peak ${peakRss.toFixed(0)} MiB (now ${rssMiBOf(pid).toFixed(0)} MiB); ` +
      `offline sweep over ${N} devices: mean ${sweepMs.toFixed(1)} ms (${sweeps} sweeps); ` +
      `activity flush: mean ${flushMs.toFixed(1)} ms (${flushes} flushes)`,
  );
  console.log(`site summary: ${JSON.stringify(summary.counts)}; simulator errors: ${sim.stats().errors}`);
  // Where Polder's resident memory is (issue 10 item 6): the JS heap in use and reserved, and the rest.
  console.log(
    `Polder memory at rest: RSS ${rssMiBOf(pid).toFixed(0)} MiB; JS heap used ${(metric(m1, 'nodejs_heap_size_used_bytes') / MIB).toFixed(0)} MiB ` +
      `of ${(metric(m1, 'nodejs_heap_size_total_bytes') / MIB).toFixed(0)} MiB reserved (new space ` +
      `${(metric(m1, 'nodejs_heap_space_size_total_bytes{space="new"}') / MIB).toFixed(0)} MiB), external ` +
      `${(metric(m1, 'nodejs_external_memory_bytes') / MIB).toFixed(0)} MiB; resident: ${residentText(pid)}`,
  );
  if (SNAPSHOT) {
    // --heapsnapshot-signal: Polder writes the snapshot into --diagnostic-dir and goes on.
    served.child.kill('SIGUSR2');
    await new Promise((r) => setTimeout(r, 30_000));
    console.log(`heap snapshot of Polder at rest written to ${SNAPSHOT}`);
  }

  // Burst: every board publishes BURST rounds of readings at once; how fast does Polder take them in?
  const BURST = flag('burst', 3);
  const before = metric(await metrics(), SEEN);
  const sentBefore = sim.stats().published;
  t0 = performance.now();
  for (let round = 0; round < BURST; round++) for (const d of sim.devices.values()) d.publishData();
  const burst = sim.stats().published - sentBefore;
  let taken = 0;
  for (let i = 0; i < 1200 && taken < burst; i++) {
    await new Promise((r) => setTimeout(r, 100));
    taken = metric(await metrics(), SEEN) - before;
  }
  const burstS = (performance.now() - t0) / 1000;
  peakRss = Math.max(peakRss, rssMiBOf(pid));
  console.log(
    `burst: ${burst} readings published at once, ${taken} counted by Polder in ${burstS.toFixed(1)} s ` +
      `(${(burst / burstS).toFixed(0)} msg/s); Polder RSS peak now ${peakRss.toFixed(0)} MiB`,
  );

  await sim.stop();
  await served.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

const here = path.join(import.meta.dirname, '..');
for (const root of BEFORE ? [BEFORE, here] : [here]) {
  console.log(`\n## ${root === here ? 'this checkout' : `before: ${root}`}`);
  await fleet(root);
}
process.exit(0);
