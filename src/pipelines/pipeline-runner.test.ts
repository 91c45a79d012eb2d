import { Type } from '@sinclair/typebox';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { TraceRows } from '../measurements/measurements.js';
import type { Delivery } from '../queue/inbox.js';
import { DomainError } from '../shared/errors.js';
import { defineWorker, type PipelineMessage, prepareStep, WorkerError } from '../workers/workers.js';
import { backoffMs, PipelineRunner } from './pipeline-runner.js';
import type { Pipeline, TraceRecord } from './pipelines.js';
import type { ResolvedStep } from './step-resolver.js';
import type { StoreItem, StoreOutcome, TracesOf } from './store-step.js';

const pipeline: Pipeline = {
  id: 'p1',
  orgId: 'org',
  name: 'p',
  description: '',
  status: 'active',
  steps: [{ worker: 'flaky' }],
  sources: [],
  autoRegister: false,
  deviceType: null,
  hasIngestToken: false,
  createdAt: 0,
  updatedAt: 0,
};

let calls = 0;
/** A worker whose behaviour the payload's text chooses: "ok", "timeout", "bad", "bug", "skip". */
const flaky = defineWorker({
  name: 'flaky',
  kind: 'decoder',
  description: 'test worker',
  configSchema: Type.Object({}),
  run: (msg) => {
    calls++;
    const text = Buffer.from(msg.payload).toString();
    if (text === 'timeout') throw new WorkerError('SCRIPT_TIMEOUT', 'too slow');
    if (text === 'bad') throw new WorkerError('DECODE_FAILED', 'flaky: bad payload');
    if (text === 'bug') throw new TypeError('x is undefined');
    if (text === 'skip') return { ...msg, metadata: { ...msg.metadata, skip: 'nothing to decode' } };
    return { ...msg, measurements: [{ sensor: '1', observedProperty: 'temperature', unit: 'Cel', value: 20 }] };
  },
});
const steps: ResolvedStep[] = [{ prepared: prepareStep(flaky), worker: 'flaky', label: 'flaky' }];

const message = (id: string, text: string): PipelineMessage => ({
  id,
  orgId: 'org',
  pipelineId: 'p1',
  receivedAt: 1000,
  transport: { kind: 'test' },
  payload: new Uint8Array(Buffer.from(text)),
  metadata: {},
  measurements: [],
});

/** A runner over pipeline p1 with `resolved` as its steps; `lookups` counts the catalog's and the resolver's answers. */
function world(store: (items: readonly StoreItem[]) => Promise<StoreOutcome[]>, maxAttempts = 4, resolved = steps) {
  const writes: TraceRecord[][] = [];
  const stored: StoreItem[][] = [];
  const lookups = { catalog: 0, steps: 0 };
  const runner = new PipelineRunner({
    catalog: {
      byId: async (id) => {
        lookups.catalog++;
        return id === 'p1' ? pipeline : undefined;
      },
    },
    steps: {
      steps: async () => {
        lookups.steps++;
        return resolved;
      },
    },
    store: {
      store: async (items) => {
        stored.push([...items]);
        return store(items);
      },
    },
    traces: { write: async (t) => void writes.push([...t]) },
    clock: () => 5000,
    logger: pino({ level: 'silent' }),
    maxAttempts,
  });
  const trace = (id: string) => writes.flat().findLast((t) => t.id === id) as TraceRecord;
  return { runner, writes, stored, trace, lookups };
}

const storeAll = async (items: readonly StoreItem[]): Promise<StoreOutcome[]> =>
  items.map((i) => ({ status: 'stored', deviceId: 'd1', measurements: i.message.measurements.length }));

describe('backoff', () => {
  it('doubles from 1 s and stops growing at 60 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 50].map(backoffMs)).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000]);
  });
});

describe('PipelineRunner', () => {
  it('keeps messages independent: each gets its own outcome, one trace write per batch', async () => {
    const w = world(storeAll);
    const batch: Delivery[] = ['ok', 'timeout', 'bad', 'bug', 'skip', 'ok'].map((t, i) => ({
      message: message(`m${i}`, t),
      attempt: 1,
    }));
    const outcome = await w.runner.handle(batch);
    expect(outcome).toEqual({ done: ['m0', 'm2', 'm3', 'm4', 'm5'], retry: [{ id: 'm1', delayMs: 1000 }] });
    expect(w.writes).toHaveLength(1);
    expect(w.stored).toHaveLength(1);
    expect(w.stored[0]?.map((i) => i.message.id)).toEqual(['m0', 'm5']);
    expect(w.trace('m0')).toMatchObject({ status: 'stored', deviceId: 'd1', measurements: 1, finishedAt: 5000 });
    expect(w.trace('m1')).toMatchObject({ status: 'retrying', error: { code: 'SCRIPT_TIMEOUT', step: 0 } });
    expect(w.trace('m2')).toMatchObject({ status: 'failed', error: { code: 'DECODE_FAILED', step: 0 } });
    // A worker's own bug is WORKER_FAILED: another attempt would fail the same way.
    expect(w.trace('m3')).toMatchObject({ status: 'failed', error: { code: 'WORKER_FAILED', step: 0 } });
    expect(w.trace('m4')).toMatchObject({ status: 'skipped', error: null, measurements: 0 });
  });

  it('hands the store a decoded message with its ids, times, device and drafts, without the envelope layers', async () => {
    const envelope = defineWorker({
      name: 'envelope',
      kind: 'envelope',
      description: 'test envelope',
      configSchema: Type.Object({}),
      run: (msg) => ({
        ...msg,
        observedAt: 900,
        device: { identity: { kind: 'deveui', value: '0004a30b001c0530' } },
        payload: new Uint8Array([1, 2, 3]),
        metadata: { provider: 'test', gateways: [{ id: 'gw', rssi: -80 }], decoded: { t: 20 } },
        measurements: [{ sensor: '1', observedProperty: 'temperature', unit: 'Cel', value: 20 }],
      }),
    });
    const w = world(storeAll);
    steps.splice(0, 1, { prepared: prepareStep(envelope), worker: 'envelope', label: 'envelope' });
    try {
      const received = message('m0', 'raw body');
      expect(await w.runner.handle([{ message: received, attempt: 1 }])).toEqual({ done: ['m0'], retry: [] });
      const item = w.stored[0]?.[0] as StoreItem;
      expect(item.received).toBe(received);
      expect(item.message).toEqual({
        id: 'm0',
        orgId: 'org',
        pipelineId: 'p1',
        receivedAt: 1000,
        observedAt: 900,
        transport: { kind: 'test' },
        device: { identity: { kind: 'deveui', value: '0004a30b001c0530' } },
        payload: new Uint8Array(0),
        metadata: {},
        measurements: [{ sensor: '1', observedProperty: 'temperature', unit: 'Cel', value: 20 }],
      });
    } finally {
      steps.splice(0, 1, { prepared: prepareStep(flaky), worker: 'flaky', label: 'flaky' });
    }
  });

  it('retries with growing delays until the last attempt, then fails for good', async () => {
    const w = world(storeAll, 4);
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 4; attempt++) {
      const outcome = await w.runner.handle([{ message: message('m', 'timeout'), attempt }]);
      delays.push(...outcome.retry.map((r) => r.delayMs));
      if (attempt === 4) expect(outcome).toEqual({ done: ['m'], retry: [] });
    }
    expect(delays).toEqual([1000, 2000, 4000]);
    expect(w.trace('m')).toMatchObject({ status: 'failed', attempts: 4, error: { code: 'SCRIPT_TIMEOUT' } });
  });

  it('stops running a step that timed out 3 times in a batch: its other messages retry unrun', async () => {
    const w = world(storeAll);
    calls = 0;
    const batch = ['timeout', 'timeout', 'ok', 'timeout', 'timeout', 'timeout', 'ok'].map((t, i) => ({
      message: message(`m${i}`, t),
      attempt: 1,
    }));
    const outcome = await w.runner.handle(batch);
    expect(calls).toBe(4); // three timeouts and the "ok" between them
    expect(outcome.done).toEqual(['m2']);
    expect(outcome.retry.map((r) => r.id)).toEqual(['m0', 'm1', 'm3', 'm4', 'm5', 'm6']);
    expect(w.trace('m6')).toMatchObject({
      status: 'retrying',
      error: { code: 'SCRIPT_TIMEOUT', step: 0, message: expect.stringMatching(/^not run: step 0 \(flaky\) timed out 3 times/) },
    });
  });

  it('a store that throws (database down) retries every message it was given', async () => {
    const w = world(async () => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
    });
    const batch = ['ok', 'bad', 'ok'].map((t, i) => ({ message: message(`m${i}`, t), attempt: 2 }));
    expect(await w.runner.handle(batch)).toEqual({
      done: ['m1'],
      retry: [
        { id: 'm0', delayMs: 2000 },
        { id: 'm2', delayMs: 2000 },
      ],
    });
    expect(w.trace('m0')).toMatchObject({ status: 'retrying', error: { code: 'UNAVAILABLE', step: 1 } });
    expect(w.trace('m0').steps.map((s) => s.worker)).toEqual(['flaky', 'store']);
  });

  it('per-message store failures fail only those messages, at the store step index', async () => {
    const w = world(async (items) =>
      items.map((i) =>
        i.message.id === 'm1'
          ? {
              status: 'failed',
              deviceId: null,
              error: new DomainError('DEVICE_NOT_FOUND', 'device x not found', { ref: { code: 'x' } }),
            }
          : { status: 'stored', deviceId: 'd1', measurements: 1 },
      ),
    );
    const batch = ['ok', 'ok'].map((t, i) => ({ message: message(`m${i}`, t), attempt: 1 }));
    expect(await w.runner.handle(batch)).toEqual({ done: ['m0', 'm1'], retry: [] });
    expect(w.trace('m1')).toMatchObject({
      status: 'failed',
      error: { code: 'DEVICE_NOT_FOUND', step: 1, details: { ref: { code: 'x' } } },
      measurements: 0,
    });
  });

  it('a message for another organisation than its pipeline is not run (PIPELINE_NOT_FOUND)', async () => {
    const w = world(storeAll);
    const stray = { ...message('m', 'ok'), orgId: 'other' };
    expect(await w.runner.handle([{ message: stray, attempt: 1 }])).toEqual({ done: ['m'], retry: [] });
    expect(w.trace('m')).toMatchObject({ status: 'failed', orgId: 'other', error: { code: 'PIPELINE_NOT_FOUND' } });
    expect(w.stored).toHaveLength(0);
  });

  it('looks each pipeline of a batch up once, and goes on after a step that answers with a promise', async () => {
    // [flaky, a step answering later (a script's way), flaky]: "late-bad" makes the middle one reject.
    const later = defineWorker({
      name: 'later',
      kind: 'decoder',
      description: 'test worker answering with a promise',
      configSchema: Type.Object({}),
      run: async (msg) => {
        await new Promise((resolve) => setImmediate(resolve));
        if (Buffer.from(msg.payload).toString() === 'late-bad') throw new WorkerError('DECODE_FAILED', 'later: bad');
        return {
          ...msg,
          measurements: [...msg.measurements, { sensor: '2', observedProperty: 'humidity', unit: '%', value: 50 }],
        };
      },
    });
    const three: ResolvedStep[] = [
      steps[0] as ResolvedStep,
      { prepared: prepareStep(later), worker: 'later', label: 'later' },
      steps[0] as ResolvedStep,
    ];
    const w = world(storeAll, 4, three);
    const gone = { ...message('m3', 'ok'), pipelineId: 'p2' };
    const outcome = await w.runner.handle([
      { message: message('m0', 'ok'), attempt: 1 },
      { message: message('m1', 'late-bad'), attempt: 1 },
      { message: message('m2', 'ok'), attempt: 1 },
      { message: gone, attempt: 1 },
    ]);
    expect(outcome).toEqual({ done: ['m0', 'm1', 'm2', 'm3'], retry: [] });
    expect(w.lookups).toEqual({ catalog: 2, steps: 1 });
    // Every step ran in order (the last flaky one replaces the drafts with its own), then the store.
    expect(w.trace('m0').steps.map((s) => s.worker)).toEqual(['flaky', 'later', 'flaky', 'store']);
    expect(w.trace('m0')).toMatchObject({ status: 'stored', measurements: 1 });
    expect(w.trace('m2')).toMatchObject({ status: 'stored', measurements: 1 });
    // A rejected step ends its message there, at its index.
    expect(w.trace('m1').steps.map((s) => s.worker)).toEqual(['flaky', 'later']);
    expect(w.trace('m1')).toMatchObject({ status: 'failed', error: { code: 'DECODE_FAILED', step: 1 } });
    expect(w.trace('m3')).toMatchObject({ status: 'failed', error: { code: 'PIPELINE_NOT_FOUND' } });
  });

  it('a trace store that fails makes the batch throw, so the inbox delivers it again', async () => {
    const runner = new PipelineRunner({
      catalog: { byId: async () => pipeline },
      steps: { steps: async () => steps },
      store: { store: storeAll },
      traces: {
        write: async () => {
          throw new Error('trace table unavailable');
        },
      },
      clock: () => 0,
      logger: pino({ level: 'silent' }),
      maxAttempts: 3,
    });
    await expect(runner.handle([{ message: message('m', 'ok'), attempt: 1 }])).rejects.toThrow('trace table unavailable');
  });
});

describe('traces committed with the measurements', () => {
  /** A runner whose trace sink makes rows, over a store that commits them (or fails to) with its batch. */
  function joined(commit: 'ok' | 'fails') {
    const writes: TraceRecord[][] = [];
    const committed: TraceRows[] = [];
    const runner = new PipelineRunner({
      catalog: { byId: async () => pipeline },
      steps: { steps: async () => steps },
      store: {
        store: async (items, tracesOf) => {
          const outcomes: StoreOutcome[] = items.map(() => ({ status: 'stored', deviceId: 'd1', measurements: 1 }));
          const rows = await (tracesOf as TracesOf)(outcomes);
          if (commit === 'fails')
            return items.map(() => ({ status: 'retry', deviceId: 'd1', error: new Error('disk I/O error') }));
          committed.push(rows);
          return outcomes;
        },
      },
      traces: {
        write: async (t) => void writes.push([...t]),
        rows: (t) => t.map((r) => [r.id, r.status, r.steps.map((s) => s.worker).join(',')]),
      },
      clock: () => 5000,
      logger: pino({ level: 'silent' }),
      maxAttempts: 3,
    });
    return { runner, writes, committed };
  }

  it('one commit holds the batch: every trace (stored, failed in decoding) goes with the measurements, none written apart', async () => {
    const w = joined('ok');
    const batch = ['ok', 'bad', 'ok'].map((t, i) => ({ message: message(`m${i}`, t), attempt: 1 }));
    expect(await w.runner.handle(batch)).toEqual({ done: ['m0', 'm1', 'm2'], retry: [] });
    expect(w.committed).toEqual([
      [
        ['m0', 'stored', 'flaky,store'],
        ['m1', 'failed', 'flaky'],
        ['m2', 'stored', 'flaky,store'],
      ],
    ]);
    expect(w.writes).toEqual([]);
  });

  it('a failed commit writes the traces apart, as retries, with one store step each', async () => {
    const w = joined('fails');
    const batch = ['ok', 'bad'].map((t, i) => ({ message: message(`m${i}`, t), attempt: 1 }));
    expect(await w.runner.handle(batch)).toEqual({ done: ['m1'], retry: [{ id: 'm0', delayMs: 1000 }] });
    expect(w.committed).toEqual([]);
    expect(w.writes).toHaveLength(1);
    const m0 = w.writes[0]?.find((t) => t.id === 'm0') as TraceRecord;
    expect(m0).toMatchObject({ status: 'retrying', error: { code: 'UNAVAILABLE', message: 'disk I/O error', step: 1 } });
    expect(m0.steps.map((s) => s.worker)).toEqual(['flaky', 'store']);
    expect(m0.steps[1]?.error).toMatchObject({ code: 'UNAVAILABLE' });
  });
});
