import { readFileSync } from 'node:fs';
import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src/shared/errors.js';
import { BUILTIN_WORKERS, prepareStep, runStep } from '../../src/workers/catalog.js';
import type { PipelineMessage } from '../../src/workers/message.js';
import { defineWorker, WORKER_ERROR_CODES, type WorkerDefinition } from '../../src/workers/worker.js';
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

/** Everything a message holds, payload bytes included, as text: equal snapshots, unchanged message. */
const snapshot = (msg: PipelineMessage): string =>
  JSON.stringify(msg, (_k, v: unknown) =>
    ArrayBuffer.isView(v) ? `bytes:${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64')}` : v,
  );

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
  /** Whether running `worker` changed the message it was given (a field, an array, a payload byte). */
  async function changes(worker: string | WorkerDefinition, msg: PipelineMessage): Promise<boolean> {
    const before = snapshot(msg);
    await runStep(prepareStep(worker, typeof worker === 'string' ? (configs[worker] ?? {}) : {}), msg).catch(() => {});
    return snapshot(msg) !== before;
  }

  it('never mutates its input message', async () => {
    for (const body of bodies) {
      for (const name of Object.keys(BUILTIN_WORKERS)) {
        const msg = messageOf(body, { kind: 'mqtt', topic: 'u4/302/temperature' });
        expect(await changes(name, msg), `${name} changed its input`).toBe(false);
        expect(await outcome(name, msg), name).not.toBe('WORKER_FAILED');
      }
    }
  });

  it('would see a worker that mutates its input', async () => {
    const rogue = (name: string, run: WorkerDefinition['run']): WorkerDefinition =>
      defineWorker({ name, kind: 'decoder', description: 'mutates its input', configSchema: Type.Object({}), run });
    const msg = () => messageOf(bodies[0], { kind: 'mqtt', topic: 'u4/302/temperature' });
    const cases = [
      rogue('metadata', async (m) => Object.assign(m.metadata, { seen: true }) && m),
      rogue('measurements', async (m) => {
        m.measurements.push({ sensor: 's', observedProperty: 'p', unit: '1', value: 1 });
        return m;
      }),
      rogue('payload', async (m) => {
        m.payload[0] = (m.payload[0] ?? 0) ^ 1;
        return m;
      }),
      rogue('throws after mutating', async (m) => {
        m.transport.topic = 'elsewhere';
        throw new Error('and then fails');
      }),
    ];
    for (const worker of cases) expect(await changes(worker, msg()), worker.name).toBe(true);
    expect(
      await changes(
        rogue('copies', async (m) => ({ ...m, metadata: { ...m.metadata, seen: true } })),
        msg(),
      ),
    ).toBe(false);
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
