import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src/shared/errors.js';
import type { PipelineMessage } from '../../src/workers/message.js';
import { BUILTIN_WORKERS, prepareStep, runStep } from '../../src/workers/registry.js';
import { WORKER_ERROR_CODES } from '../../src/workers/worker.js';
import { fixture, messageOf } from './fixtures.js';

/** Deterministic pseudo-random numbers (mulberry32), so a failure can be replayed. */
function rng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const deepFreeze = <T>(o: T): T => {
  if (o && typeof o === 'object' && !Object.isFrozen(o) && !ArrayBuffer.isView(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
};

const configs: Record<string, unknown> = {
  csv: { columns: [{ column: 0, observedProperty: 'value', unit: '1' }], header: false },
};
const bodies: unknown[] = [
  ...Object.values(fixture('ttn-v3-uplink.json').samples),
  ...Object.values(fixture('ttn-v2-uplink.json').samples),
  ...Object.values(fixture('chirpstack-v4-uplink.json').samples),
  ...Object.values(fixture('chirpstack-v3-uplink.json').samples),
  ...Object.values(fixture('senml-examples.json').rfc8428_examples),
  ...Object.values(fixture('senml-examples.json').kpn_things_examples).filter((v) => Array.isArray(v)),
];

/** Mutates a JSON value: drops keys, swaps types, truncates strings. */
function mutate(v: unknown, r: () => number): unknown {
  if (Array.isArray(v)) return v.filter(() => r() > 0.1).map((x) => mutate(x, r));
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const p = r();
      if (p < 0.1) continue;
      out[k] = p < 0.15 ? null : p < 0.2 ? 'x' : p < 0.25 ? 42 : p < 0.3 ? [] : mutate(x, r);
    }
    return out;
  }
  if (typeof v === 'string' && r() < 0.2) return v.slice(0, Math.floor(v.length * r()));
  return v;
}

async function outcome(worker: string, msg: PipelineMessage): Promise<string> {
  try {
    await runStep(prepareStep(worker, configs[worker] ?? {}), msg);
    return 'ok';
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    return err.code;
  }
}

describe('every built-in worker on hostile input', () => {
  it('never mutates its input message', async () => {
    for (const body of bodies) {
      for (const name of Object.keys(BUILTIN_WORKERS)) {
        const msg = deepFreeze(messageOf(body, { kind: 'mqtt', topic: 'u4/302/temperature' }));
        await outcome(name, msg); // a TypeError from writing to a frozen object would escape as WORKER_FAILED
        expect(await outcome(name, msg)).not.toBe('WORKER_FAILED');
      }
    }
  });

  it('answers mutated fixtures and random bytes with a result or a known error code, never a crash', async () => {
    const r = rng(20251121);
    const known = new Set(['ok', ...Object.keys(WORKER_ERROR_CODES)]);
    const seen = new Map<string, number>();
    for (let round = 0; round < 30; round++) {
      for (const body of bodies) {
        const inputs = [
          messageOf(mutate(body, r)),
          { ...messageOf(''), payload: Uint8Array.from({ length: Math.floor(r() * 40) }, () => Math.floor(r() * 256)) },
        ];
        for (const msg of inputs) {
          for (const name of Object.keys(BUILTIN_WORKERS)) {
            const code = await outcome(name, msg);
            seen.set(code, (seen.get(code) ?? 0) + 1);
            expect(known.has(code) && code !== 'WORKER_FAILED', `${name}: ${code}`).toBe(true);
          }
        }
      }
    }
    expect(seen.get('DECODE_FAILED')).toBeGreaterThan(0);
    expect(seen.get('ok')).toBeGreaterThan(0);
  });
});

describe('docs/decoders.md', () => {
  const doc = readFileSync(new URL('../../docs/decoders.md', import.meta.url), 'utf8');
  it('describes every built-in worker and every worker error code', () => {
    for (const name of Object.keys(BUILTIN_WORKERS)) expect(doc, name).toMatch(new RegExp(`(### |\\| )\`${name}\``));
    for (const code of [...Object.keys(WORKER_ERROR_CODES), 'WORKER_NOT_FOUND'])
      expect(doc, code).toMatch(new RegExp(`^\\| \`${code}\` `, 'm'));
  });
});
