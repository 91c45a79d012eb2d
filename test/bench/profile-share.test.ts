import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { allocationShares, type CpuProfile, cpuShares, type HeapProfile, keyOf } from '../../bench/support/profile-share.js';
import { eventually } from '../support/poll.js';

const SAMPLER = fileURLToPath(new URL('../../bench/support/alloc-sampler.mjs', import.meta.url));
const dir = mkdtempSync(path.join(os.tmpdir(), 'polder-profile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A process that allocates in `before` until told, then in `inside` between the two signals the
 * sampler takes, then in `after`: only `inside` may show in the profile.
 */
const SCRIPT = `
let keep = [];
function churn(tag) { const a = []; for (let i = 0; i < 2000; i++) a.push({ tag, i, s: 'x' + i }); keep = a; }
function before() { churn('b'); }
let insideCalls = 0;
function inside() { churn('i'); if (++insideCalls === 2000) console.log('sampled enough'); }
function after() { churn('a'); }
let phase = before;
process.on('SIGUSR2', () => { phase = phase === before ? inside : after; console.log('phase ' + phase.name); });
const timer = setInterval(() => { for (let k = 0; k < 20; k++) phase(); }, 1);
process.stdin.on('data', () => { clearInterval(timer); });
process.stdin.resume();
console.log('ready');
`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('profile shares (the benchmarks read their profiles with them)', () => {
  it('samples allocations between two SIGUSR2 only, and attributes them to the function that made them', async () => {
    const child = spawn(process.execPath, ['--import', SAMPLER, '-e', SCRIPT], {
      env: { ...process.env, POLDER_ALLOC_PROF_DIR: dir },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let err = '';
    let out = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    // Each step waits for the child to say it got there (no fixed sleeps: a loaded machine delays them).
    await eventually('the child ready', () => out.includes('ready'));
    await sleep(50);
    child.kill('SIGUSR2');
    await eventually('2,000 calls of inside', () => out.includes('sampled enough'));
    child.kill('SIGUSR2');
    await eventually('the profile written', () => err.includes('wrote') && out.includes('phase after'));
    child.stdin.end('stop');
    child.kill();
    const files = readdirSync(dir).filter((f) => f.endsWith('.heapprofile'));
    expect(files, err).toHaveLength(1);
    const profile = JSON.parse(readFileSync(path.join(dir, files[0] as string), 'utf8')) as HeapProfile;
    const byFunction = allocationShares(profile, 'function');
    const keys = byFunction.shares.map((s) => s.key.split(' ')[0]);
    // 2,000 calls of inside, 2,000 small objects each: many MiB, nearly all made in churn.
    expect(byFunction.total).toBeGreaterThan(1024 * 1024);
    expect(keys[0]).toBe('churn');
    expect(byFunction.shares[0]?.share).toBeGreaterThan(0.5);
    const sum = byFunction.shares.reduce((n, s) => n + s.amount, 0);
    expect(sum).toBe(byFunction.total);
    // The stacks above churn tell the phases apart: only `inside` called it while sampling.
    const callers = new Set<string>();
    const walk = (n: HeapProfile['head'], up: string[]) => {
      if (n.callFrame.functionName === 'churn' && n.selfSize > 0) callers.add(up.at(-1) ?? '');
      for (const c of n.children) walk(c, [...up, n.callFrame.functionName]);
    };
    walk(profile.head, []);
    expect([...callers]).toEqual(['inside']);
  });

  it('counts the self time of CPU samples inside a window, by package or by function', () => {
    const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 9 });
    const profile: CpuProfile = {
      nodes: [
        { id: 1, callFrame: frame('(root)', '') },
        { id: 2, callFrame: frame('(garbage collector)', '') },
        { id: 3, callFrame: frame('decode', 'file:///w/polder/src/workers/envelopes/ttn-v3.worker.ts') },
        { id: 4, callFrame: frame('handle', 'file:///w/polder/node_modules/aedes/lib/handlers/index.js') },
        { id: 5, callFrame: frame('writevGeneric', 'node:internal/stream_base_commons') },
      ],
      startTime: 1000,
      // Times 1010, 1020 … 1080: the window [1025, 1065] takes the 3rd to the 6th.
      samples: [4, 4, 3, 3, 2, 5, 4, 4],
      timeDeltas: [10, 10, 10, 10, 10, 10, 10, 10],
    };
    const byPackage = cpuShares(profile, 'package', { from: 1025, to: 1065 });
    expect(byPackage.total).toBe(4);
    expect(byPackage.shares.map((s) => [s.key, s.amount])).toEqual([
      ['src/workers', 2],
      ['(garbage collector)', 1],
      ['node:internal/stream_base_commons', 1],
    ]);
    expect(byPackage.shares[0]?.share).toBe(0.5);
    const all = cpuShares(profile, 'function');
    expect(all.total).toBe(8);
    expect(all.shares[0]).toEqual({ key: 'handle node_modules/aedes/lib/handlers/index.js:10', amount: 4, share: 0.5 });
    expect(keyOf(frame('x', 'file:///a/node_modules/@sinclair/typebox/build/x.js'), 'package')).toBe('@sinclair/typebox');
    expect(keyOf(frame('anon', ''), 'package')).toBe('(native)');
  });
});
