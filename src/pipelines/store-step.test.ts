import { describe, expect, it } from 'vitest';
import type { MatchRequest, MatchResult } from '../devices/device-matcher.js';
import type { DatastreamKey } from '../devices/devices.js';
import type { Measurement, TraceRows, ValueRow } from '../measurements/measurements.js';
import type { MeasurementDraft, PipelineMessage } from '../workers/workers.js';
import { type StoreItem, type StoreOutcome, StoreStep } from './store-step.js';
import { DatastreamCache } from './store-step-datastreams.js';

const draft = (sensor: string, value: number, extra: Partial<MeasurementDraft> = {}): MeasurementDraft => ({
  sensor,
  observedProperty: 'temperature',
  unit: 'Cel',
  value,
  ...extra,
});

const item = (id: string, device: PipelineMessage['device'], measurements: MeasurementDraft[], receivedAt = 1000): StoreItem => {
  const message: PipelineMessage = {
    id,
    orgId: 'org',
    pipelineId: 'p',
    receivedAt,
    observedAt: 500,
    transport: { kind: 'test' },
    payload: new Uint8Array(),
    ...(device && { device }),
    metadata: {},
    measurements,
  };
  return { message, received: message, pipeline: { autoRegister: false, deviceType: null } };
};

function world(opts: { insertFails?: boolean; takesTraces?: boolean } = {}) {
  const inserts: Measurement[][] = [];
  const committedTraces: TraceRows[] = [];
  const values: ValueRow[][] = [];
  const resolves: { deviceId: string; keys: DatastreamKey[] }[] = [];
  const matched: MatchRequest[][] = [];
  const seen: [string, string, number][] = [];
  let next = 1;
  const ids = new Map<string, number>();
  const datastreams = new DatastreamCache({
    clock: () => 0,
    store: {
      async resolveSeries(_org, deviceId, keys) {
        resolves.push({ deviceId, keys });
        return keys.map((k) => {
          const key = `${deviceId}/${k.sensor}/${k.observedProperty}/${k.unit}`;
          if (!ids.has(key)) ids.set(key, next++);
          return { id: ids.get(key) as number, kind: k.kind ?? 'number' };
        });
      },
    },
  });
  const step = new StoreStep({
    clock: () => 0,
    devices: {
      async match(requests) {
        matched.push([...requests]);
        return requests.map((r): MatchResult => {
          const code = r.ref.code;
          return code?.startsWith('dev-')
            ? { deviceId: code }
            : { error: Object.assign(new Error('x'), { code: 'DEVICE_NOT_FOUND', details: { ref: r.ref } }) as never };
        });
      },
    },
    datastreams,
    measurements: {
      takesTraces: opts.takesTraces ?? false,
      async insert(rows, traces) {
        if (opts.insertFails) throw new Error('database down');
        inserts.push([...rows]);
        if (traces) committedTraces.push(traces);
        return rows;
      },
      async insertValues(rows) {
        values.push([...rows]);
        return rows;
      },
    },
    activity: { seen: (org, id, at) => void seen.push([org, id, at]) },
  });
  return { step, inserts, resolves, matched, seen, committedTraces, values };
}

describe('StoreStep', () => {
  it('stores a whole batch with one match call, one datastream resolve per device and one insert', async () => {
    const w = world();
    const out = await w.step.store([
      item('m1', { code: 'dev-1' }, [draft('1', 20), draft('2', 21, { time: 700 })]),
      item('m2', { code: 'dev-2' }, [draft('1', 22)], 3000),
      item('m3', { code: 'dev-1' }, [draft('1', 23, { time: 900 })], 2000),
      item('m4', { code: 'ghost' }, [draft('1', 24)]),
      item('m5', { code: 'dev-2' }, [draft('1', Number.NaN)]),
      item('m6', undefined, []),
    ]);
    expect(out).toEqual([
      { status: 'stored', deviceId: 'dev-1', measurements: 2 },
      { status: 'stored', deviceId: 'dev-2', measurements: 1 },
      { status: 'stored', deviceId: 'dev-1', measurements: 1 },
      { status: 'failed', deviceId: null, error: expect.objectContaining({ code: 'DEVICE_NOT_FOUND' }) },
      {
        status: 'failed',
        deviceId: null,
        error: expect.objectContaining({ code: 'VALIDATION_FAILED', details: { field: 'measurements.0.value' } }),
      },
      { status: 'stored', deviceId: null, measurements: 0 },
    ]);
    expect(w.matched).toHaveLength(1);
    expect(w.resolves.map((r) => r.deviceId)).toEqual(['dev-1', 'dev-2']);
    expect(w.inserts).toEqual([
      [
        { datastreamId: 1, time: 500, value: 20 },
        { datastreamId: 2, time: 700, value: 21 },
        { datastreamId: 1, time: 900, value: 23 },
        { datastreamId: 3, time: 500, value: 22 },
      ],
    ]);
    // Each device once, at the latest receive time of its messages.
    expect(w.seen.sort()).toEqual([
      ['org', 'dev-1', 2000],
      ['org', 'dev-2', 3000],
    ]);
  });

  it('asks the datastream store nothing for series it resolved before', async () => {
    const w = world();
    await w.step.store([item('m1', { code: 'dev-1' }, [draft('1', 20)])]);
    await w.step.store([item('m2', { code: 'dev-1' }, [draft('1', 21, { time: 600 })])]);
    expect(w.resolves).toHaveLength(1);
    expect(w.inserts.at(-1)).toEqual([{ datastreamId: 1, time: 600, value: 21 }]);
  });

  it('a failed insert makes every storable message retry; the failed ones stay failed', async () => {
    const w = world({ insertFails: true });
    const out = await w.step.store([
      item('m1', { code: 'dev-1' }, [draft('1', 20)]),
      item('m2', { code: 'ghost' }, [draft('1', 1)]),
    ]);
    expect(out.map((o) => o.status)).toEqual(['retry', 'failed']);
    expect(w.seen).toEqual([]);
  });

  it("commits the runner's traces with the measurements: the rows made for the outcomes it answers", async () => {
    const w = world({ takesTraces: true });
    const given: (readonly StoreOutcome[])[] = [];
    const out = await w.step.store(
      [item('m1', { code: 'dev-1' }, [draft('1', 20)]), item('m2', { code: 'ghost' }, [draft('1', 1)])],
      async (outcomes) => {
        given.push(outcomes);
        return outcomes.map((o, i) => [`m${i + 1}`, o.status]);
      },
    );
    expect(given).toHaveLength(1);
    expect(out).toBe(given[0]);
    expect(out.map((o) => o.status)).toEqual(['stored', 'failed']);
    expect(w.committedTraces).toEqual([
      [
        ['m1', 'stored'],
        ['m2', 'failed'],
      ],
    ]);
    expect(w.inserts).toEqual([[{ datastreamId: 1, time: 500, value: 20 }]]);
  });

  it('a failed commit answers retries, not the outcomes its traces were made for', async () => {
    const w = world({ takesTraces: true, insertFails: true });
    const given: (readonly StoreOutcome[])[] = [];
    const out = await w.step.store([item('m1', { code: 'dev-1' }, [draft('1', 20)])], async (outcomes) => {
      given.push(outcomes);
      return [['m1', 'stored']];
    });
    expect(given).toHaveLength(1);
    expect(out).not.toBe(given[0]);
    expect(out.map((o) => o.status)).toEqual(['retry']);
    expect(w.seen).toEqual([]);
  });

  it('traces are not asked for where they cannot be committed with the batch (values beside numbers, a store without traces)', async () => {
    const asked: unknown[] = [];
    const tracesOf = async (outcomes: readonly StoreOutcome[]) => {
      asked.push(outcomes);
      return [];
    };
    const mixed = world({ takesTraces: true });
    const out = await mixed.step.store(
      [item('m1', { code: 'dev-1' }, [draft('1', 20)]), item('m2', { code: 'dev-1' }, [draft('2', 'on' as never)])],
      tracesOf,
    );
    expect(out.map((o) => o.status)).toEqual(['stored', 'stored']);
    expect(mixed.inserts).toHaveLength(1);
    expect(mixed.values).toHaveLength(1);
    const plain = world();
    await plain.step.store([item('m1', { code: 'dev-1' }, [draft('1', 20)])], tracesOf);
    expect(plain.inserts).toHaveLength(1);
    expect(asked).toEqual([]);
    expect([...mixed.committedTraces, ...plain.committedTraces]).toEqual([]);
  });

  it('per-draft devices (a SenML pack, CSV rows) are resolved per draft', async () => {
    const w = world();
    const out = await w.step.store([
      item('m1', undefined, [draft('0', 1, { device: { code: 'dev-a' } }), draft('0', 2, { device: { code: 'dev-b' } })]),
      item('m2', undefined, [draft('0', 3)]),
    ]);
    expect(out[0]).toEqual({ status: 'stored', deviceId: null, measurements: 2 });
    // A draft without a device in a message without one: DEVICE_NOT_FOUND naming nothing.
    expect(out[1]).toMatchObject({ status: 'failed', error: { code: 'DEVICE_NOT_FOUND', details: { ref: {} } } });
    expect(w.resolves.map((r) => r.deviceId)).toEqual(['dev-a', 'dev-b']);
  });
});
