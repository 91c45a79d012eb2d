/**
 * Where a profile's time or allocations go, by package (a dependency under node_modules, a domain
 * folder of src/, a Node module) or by function: the shares the benchmark notes in
 * docs/benchmarks.md quote. Reads V8's CPU profiles (`--cpu-prof`, POLDER_BENCH_CPU_PROF; self
 * time of the samples, optionally only those inside a span of CLOCK_MONOTONIC µs, as the ingest
 * benchmark prints its "profile window") and sampling heap profiles (bench/support/alloc-sampler.mjs,
 * POLDER_BENCH_ALLOC_PROF; bytes allocated where the sample was taken).
 *
 *   npx tsx bench/support/profile-share.ts <file> [--by function] [--window <from µs> <to µs>] [--top 30] [--per <uplinks>]
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

export interface CpuProfile {
  nodes: { id: number; callFrame: CallFrame }[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

interface HeapNode {
  callFrame: CallFrame;
  selfSize: number;
  children: HeapNode[];
}

export interface HeapProfile {
  head: HeapNode;
}

export type By = 'package' | 'function';

export interface Share {
  key: string;
  /** Samples (CPU) or bytes (allocations). */
  amount: number;
  /** Of the total, 0…1. */
  share: number;
}

export interface Shares {
  /** Samples or bytes in all. */
  total: number;
  /** Largest first. */
  shares: Share[];
}

/** What a frame is counted under: `(garbage collector)`, `aedes`, `src/pipelines`, `node:internal/…`, or the function. */
export function keyOf(frame: CallFrame, by: By): string {
  const url = frame.url;
  if (by === 'function') {
    const where = url.replace(/^.*\/(node_modules|src)\//, '$1/').replace(/^file:\/\/.*\//, '');
    return `${frame.functionName || '(anonymous)'} ${where}${where ? `:${frame.lineNumber + 1}` : ''}`.trim();
  }
  if (url === '') return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg) return pkg;
  const domain = /\/src\/([^/]+)\//.exec(url)?.[1];
  if (domain) return `src/${domain}`;
  return url.startsWith('node:') ? url : url.replace(/^.*\//, '');
}

function ranked(totals: Map<string, number>, total: number): Shares {
  const shares = [...totals]
    .map(([key, amount]) => ({ key, amount, share: total > 0 ? amount / total : 0 }))
    .sort((a, b) => b.amount - a.amount);
  return { total, shares };
}

/** Self-time samples of a CPU profile, within [from, to] (µs of the profile's clock) when given. */
export function cpuShares(profile: CpuProfile, by: By, window?: { from: number; to: number }): Shares {
  const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const totals = new Map<string, number>();
  let t = profile.startTime;
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    if (window && (t < window.from || t > window.to)) continue;
    const frame = frames.get(profile.samples[i] as number);
    if (!frame) continue;
    const key = keyOf(frame, by);
    totals.set(key, (totals.get(key) ?? 0) + 1);
    total++;
  }
  return ranked(totals, total);
}

/** Bytes a sampling heap profile attributes to the frames that allocated them. */
export function allocationShares(profile: HeapProfile, by: By): Shares {
  const totals = new Map<string, number>();
  let total = 0;
  const stack: HeapNode[] = [profile.head];
  for (let node = stack.pop(); node; node = stack.pop()) {
    if (node.selfSize > 0) {
      const key = keyOf(node.callFrame, by);
      totals.set(key, (totals.get(key) ?? 0) + node.selfSize);
      total += node.selfSize;
    }
    stack.push(...node.children);
  }
  return ranked(totals, total);
}

function main(argv: string[]) {
  const file = argv[0];
  if (!file || file === '--help') {
    console.log(
      'usage: profile-share.ts <.cpuprofile|.heapprofile> [--by function] [--window <from µs> <to µs>] [--top N] [--per N]',
    );
    return;
  }
  const opt = (name: string) => {
    const i = argv.indexOf(name);
    return i < 0 ? undefined : argv.slice(i + 1);
  };
  const by: By = opt('--by')?.[0] === 'function' ? 'function' : 'package';
  const top = Number(opt('--top')?.[0] ?? 30);
  const per = Number(opt('--per')?.[0] ?? 0);
  const win = opt('--window');
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile | HeapProfile;
  const heap = 'head' in profile;
  const result = heap
    ? allocationShares(profile, by)
    : cpuShares(profile, by, win ? { from: Number(win[0]), to: Number(win[1]) } : undefined);
  const amount = (n: number) =>
    heap ? (per > 0 ? `${(n / per / 1024).toFixed(2)} KiB each` : `${(n / 1024 / 1024).toFixed(1)} MiB`) : `${n} samples`;
  console.log(`${heap ? 'allocated' : 'CPU samples'}: ${amount(result.total)}${per > 0 ? ` (${per} units)` : ''}`);
  for (const s of result.shares.slice(0, top))
    console.log(`${(s.share * 100).toFixed(1).padStart(6)} %  ${amount(s.amount).padStart(16)}  ${s.key}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main(process.argv.slice(2));
