import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Polder } from '../../src/main.js';
import { availableDialects } from '../support/databases.js';
import { createDatastream, createDevice } from '../support/fixtures.js';
import { eventually } from '../support/mqtt.js';
import { type Restartable, restartable } from './harness.js';

const MIN = 60_000;
const iso = (t: number) => new Date(t).toISOString();

/** Stored rows of a datastream in [from, to), through the public query API. */
async function series(h: Restartable, ds: number, from: number, to: number): Promise<{ time: number; value: number }[]> {
  const res = await h.call('GET', `/api/measurements?datastream=${ds}&start=${iso(from)}&end=${iso(to)}&limit=1000`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().data.map((r: { time: string; value: number }) => ({ time: Date.parse(r.time), value: r.value }));
}

function stats(values: number[]) {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return {
    mean,
    min: Math.min(...values),
    max: Math.max(...values),
    stddev: Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length),
  };
}

describe.each(await availableDialects())('derived datastreams (%s)', (dialect) => {
  let h: Restartable;
  let p: Polder;
  let orgId: string;
  // Input times lie a few minutes ahead of the clock: windows close by input time, not by waiting.
  const T = Math.floor(Date.now() / MIN) * MIN + 5 * MIN;
  const ds = (opts: { observedProperty: string; unit: string; deviceId?: string }) =>
    createDatastream(p.database.db, orgId, opts).then((d) => d.id);
  const put = (id: number, body: unknown) => h.call('PUT', `/api/datastreams/${id}/derived`, body);

  beforeAll(async () => {
    h = await restartable(dialect);
    p = await h.boot();
    orgId = p.bootstrap.org.id;
  });
  afterAll(async () => {
    await h.close();
  });

  it('turns 12 Hz input into per-minute mean, min, max and standard deviation', async () => {
    const device = await createDevice(p.database.db, orgId);
    const input = await ds({ observedProperty: 'voltage', unit: 'V', deviceId: device });
    const out: Record<string, number> = {};
    for (const aggregate of ['mean', 'min', 'max', 'stddev'] as const) {
      out[aggregate] = await ds({ observedProperty: `voltage_${aggregate}_1m`, unit: 'V', deviceId: device });
      const res = await put(out[aggregate] as number, { inputs: { v: input }, window: { seconds: 60, aggregate } });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ datastream: out[aggregate], inputs: { v: input }, window: { seconds: 60, aggregate } });
    }
    // Two minutes of 12 Hz (every 1000/12 ms), in 1-second batches as a pipeline stores them.
    const values: number[][] = [[], []];
    for (let s = 0; s < 120; s++) {
      const batch = [];
      for (let k = 0; k < 12; k++) {
        const time = T + s * 1000 + Math.round((k * 1000) / 12);
        const value = 230 + 5 * Math.sin(time / 7000) + ((s * 12 + k) % 7) * 0.1;
        (values[s < 60 ? 0 : 1] as number[]).push(value);
        batch.push({ datastreamId: input, time, value });
      }
      await p.measurements.insert(batch);
    }
    // A value 6 s into the third minute: past the second minute's end + 5 s lateness.
    await p.measurements.insert([{ datastreamId: input, time: T + 2 * MIN + 6000, value: 230 }]);
    for (const aggregate of ['mean', 'min', 'max', 'stddev'] as const) {
      const rows = await eventually(`per-minute ${aggregate}`, async () => {
        const r = await series(h, out[aggregate] as number, T, T + 3 * MIN);
        return r.length === 2 ? r : undefined;
      });
      expect(rows.map((r) => r.time)).toEqual([T, T + MIN]);
      rows.forEach((r, i) => {
        expect(r.value).toBeCloseTo(stats(values[i] as number[])[aggregate], 9);
      });
    }
  });

  it('adds three phases into total power, waits for a late phase, converts units, and follows late data', async () => {
    const device = await createDevice(p.database.db, orgId);
    const [l1, l2, l3] = [
      await ds({ observedProperty: 'power_l1', unit: 'W', deviceId: device }),
      await ds({ observedProperty: 'power_l2', unit: 'W', deviceId: device }),
      await ds({ observedProperty: 'power_l3', unit: 'W', deviceId: device }),
    ];
    const total = await ds({ observedProperty: 'power', unit: 'kW', deviceId: device });
    const res = await put(total, {
      inputs: { l1, l2, l3 },
      expression: 'l1 + l2 + l3',
      convert: { from: 'W', to: 'kW' },
      latenessSeconds: 600,
    });
    expect(res.statusCode, res.body).toBe(200);
    const perMinute = await ds({ observedProperty: 'power_mean_1m', unit: 'kW', deviceId: device });
    expect((await put(perMinute, { inputs: { p: total }, window: { seconds: 60, aggregate: 'mean' } })).statusCode).toBe(200);

    const t = (s: number) => T + 10 * MIN + s * 1000;
    await p.measurements.insert([
      { datastreamId: l1, time: t(0), value: 1000 },
      { datastreamId: l2, time: t(0), value: 1100 },
      { datastreamId: l3, time: t(0), value: 1200 },
      { datastreamId: l1, time: t(1), value: 2000 },
      { datastreamId: l2, time: t(1), value: 2000 },
    ]);
    const first = await eventually('total power at t0', async () => {
      const r = await series(h, total, t(0), t(60));
      return r.length > 0 ? r : undefined;
    });
    expect(first).toEqual([{ time: t(0), value: 3.3 }]);
    // The third phase of t1 arrives in a later batch: the sum appears then.
    await p.measurements.insert([{ datastreamId: l3, time: t(1), value: 2500 }]);
    const both = await eventually('total power at t1', async () => {
      const r = await series(h, total, t(0), t(60));
      return r.length === 2 ? r : undefined;
    });
    expect(both[1]).toEqual({ time: t(1), value: 6.5 });

    // A derived series of a derived series: the per-minute mean of total power, closed by a later value.
    await p.measurements.insert([
      { datastreamId: l1, time: t(70), value: 0 },
      { datastreamId: l2, time: t(70), value: 0 },
      { datastreamId: l3, time: t(70), value: 0 },
    ]);
    const mean = await eventually('per-minute mean of total power', async () => {
      const r = await series(h, perMinute, t(0), t(60));
      return r.length === 1 ? r : undefined;
    });
    expect(mean[0]?.value).toBeCloseTo((3.3 + 6.5) / 2, 9);
    // Late data for that minute: all three phases of t(30) arrive after it was computed; the mean is recomputed and replaced.
    await p.measurements.insert([
      { datastreamId: l1, time: t(30), value: 3000 },
      { datastreamId: l2, time: t(30), value: 3000 },
      { datastreamId: l3, time: t(30), value: 3100 },
    ]);
    const recomputed = await eventually('recomputed mean', async () => {
      const r = await series(h, perMinute, t(0), t(60));
      return r.length === 1 && Math.abs((r[0]?.value ?? 0) - (3.3 + 6.5 + 9.1) / 3) < 1e-9 ? r : undefined;
    });
    expect(recomputed).toHaveLength(1);
    // The hourly rollup follows the replacement (one value in that hour's bucket of this series, the new one).
    const hour = t(0) - (t(0) % 3_600_000);
    const agg = await h.call(
      'GET',
      `/api/measurements?datastream=${perMinute}&start=${iso(hour)}&end=${iso(hour + 3_600_000)}&interval=1h&agg=count`,
    );
    expect(agg.json().data).toEqual([{ datastream: perMinute, time: iso(hour), value: 1 }]);
    const avg = await h.call(
      'GET',
      `/api/measurements?datastream=${perMinute}&start=${iso(hour)}&end=${iso(hour + 3_600_000)}&interval=1h&agg=avg`,
    );
    expect(avg.json().data[0].value).toBeCloseTo((3.3 + 6.5 + 9.1) / 3, 9);
  });

  it('answers 400 naming the field, 404 for what is not there, and lets a rule watch a derived series', async () => {
    const input = await ds({ observedProperty: 'temperature', unit: 'Cel' });
    const target = await ds({ observedProperty: 'temperature_f', unit: '[degF]' });
    const bad = async (body: unknown, field: string) => {
      const res = await put(target, body);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.details.field).toBe(field);
    };
    await bad({ inputs: {} }, 'inputs');
    await bad({ inputs: { t: 999_999 } }, 'inputs.t');
    await bad({ inputs: { t: target } }, 'inputs.t');
    await bad({ inputs: { t: input }, expression: 't * (2' }, 'expression');
    await bad({ inputs: { t: input }, expression: 'x + 1' }, 'expression');
    await bad({ inputs: { t: input }, window: { seconds: 7, aggregate: 'mean' } }, 'window.seconds');
    await bad({ inputs: { t: input }, window: { seconds: 60, aggregate: 'median' } }, 'window.aggregate');
    await bad({ inputs: { t: input }, convert: { from: 'Cel', to: 'W' } }, 'convert');
    expect((await h.call('GET', `/api/datastreams/${target}/derived`)).json().error.code).toBe('DERIVED_NOT_FOUND');
    expect((await h.call('GET', '/api/datastreams/987654/derived')).statusCode).toBe(404);

    expect((await put(target, { inputs: { t: input }, convert: { from: 'Cel', to: '[degF]' } })).statusCode).toBe(200);
    // A cycle: the input derived from the target.
    const res = await put(input, { inputs: { f: target } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.field).toBe('inputs');

    const rule = await h.call('POST', '/api/rules', {
      name: 'Hot in Fahrenheit',
      property: 'temperature_f',
      condition: { kind: 'threshold', op: '>', value: 100 },
    });
    expect(rule.statusCode).toBe(201);
    const t0 = T + 20 * MIN;
    await p.measurements.insert([
      { datastreamId: input, time: t0, value: 20 },
      { datastreamId: input, time: t0 + 1000, value: 40 },
    ]);
    const f = await eventually('Fahrenheit values', async () => {
      const r = await series(h, target, t0, t0 + MIN);
      return r.length === 2 ? r : undefined;
    });
    expect(f.map((r) => r.value)).toEqual([68, 104]);
    const alert = await eventually('rule alert on the derived series', async () => {
      const r = (await h.call('GET', `/api/alerts?rule=${rule.json().id}&status=open`)).json().data;
      return r.length === 1 ? r[0] : undefined;
    });
    expect(alert.details).toMatchObject({ value: 104, datastream: { id: target, property: 'temperature_f' } });
  });

  it('keeps definitions and progress through a restart and computes what came before it', async () => {
    const input = await ds({ observedProperty: 'current', unit: 'A' });
    const out = await ds({ observedProperty: 'current_max_1m', unit: 'A' });
    expect((await put(out, { inputs: { i: input }, window: { seconds: 60, aggregate: 'max' } })).statusCode).toBe(200);
    const t0 = T + 30 * MIN;
    // A whole minute stored, but nothing yet past its end: not computed before the stop.
    await p.measurements.insert(
      Array.from({ length: 60 }, (_, s) => ({ datastreamId: input, time: t0 + s * 1000, value: s % 17 })),
    );
    await p.stream.derived.engine.idle();
    expect(await series(h, out, t0, t0 + MIN)).toEqual([]);
    await h.stop();
    p = await h.boot();
    expect((await h.call('GET', `/api/datastreams/${out}/derived`)).json()).toMatchObject({ inputs: { i: input } });
    // The next minute's first value closes the minute stored by the previous process.
    await p.measurements.insert([{ datastreamId: input, time: t0 + MIN + 10_000, value: 1 }]);
    const rows = await eventually('minute computed after the restart', async () => {
      const r = await series(h, out, t0, t0 + MIN);
      return r.length === 1 ? r : undefined;
    });
    expect(rows).toEqual([{ time: t0, value: 16 }]);
    expect((await h.call('DELETE', `/api/datastreams/${out}/derived`)).statusCode).toBe(204);
    expect((await h.call('GET', `/api/datastreams/${out}/derived`)).statusCode).toBe(404);
  });

  it('creates a datastream with its definition in one call; a bad definition creates nothing', async () => {
    const device = await createDevice(p.database.db, orgId);
    const phases = [];
    for (const n of [1, 2, 3])
      phases.push(await createDatastream(p.database.db, orgId, { observedProperty: `power_l${n}`, unit: 'W', deviceId: device }));
    const [l1, l2, l3] = phases.map((d) => d.id);
    const count = async () => (await h.call('GET', `/api/datastreams?device=${device}&count=true`)).json().total;
    const before = await count();
    const derived = {
      inputs: { l1, l2, l3 },
      expression: 'l1 + l2 + l3',
      window: { seconds: 60, aggregate: 'mean' },
      convert: { from: 'W', to: 'kW' },
    };
    const bad = async (body: Record<string, unknown>, field: string) => {
      const res = await h.call('POST', '/api/datastreams', { observedProperty: 'power_mean_1m', unit: 'kW', ...body });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.details.field).toBe(field);
    };
    await bad({ derived: { ...derived, window: { seconds: 7, aggregate: 'mean' } } }, 'derived.window.seconds');
    await bad({ derived: { ...derived, inputs: { l1, l2, l3: 987_654 } } }, 'derived.inputs.l3');
    await bad({ derived: { ...derived, expression: 'l1 + l2' } }, 'derived.expression');
    await bad({ derived: { ...derived, convert: { from: 'W', to: 'Cel' } } }, 'derived.convert');
    await bad({}, 'sensor');
    // Inputs on two devices: which sensor is not obvious.
    const elsewhere = await ds({ observedProperty: 'power_l1', unit: 'W' });
    await bad({ derived: { ...derived, inputs: { l1: elsewhere, l2, l3 } } }, 'sensor');
    expect(await count()).toBe(before);

    // Without a sensor: on the sensor of the first input.
    const res = await h.call('POST', '/api/datastreams', { observedProperty: 'power_mean_1m', unit: 'kW', derived });
    expect(res.statusCode, res.body).toBe(201);
    const created = res.json();
    expect(created).toMatchObject({
      deviceId: device,
      sensorId: phases[0]?.sensorId,
      observedProperty: 'power_mean_1m',
      unit: 'kW',
      valueKind: 'number',
      derived: { datastream: created.id, ...derived, latenessSeconds: 5, backfillSeconds: 0 },
    });
    expect((await h.call('GET', `/api/datastreams/${created.id}/derived`)).json()).toMatchObject({
      datastream: created.id,
      ...derived,
    });
    // The same datastream again: 409, and its definition is untouched.
    const again = await h.call('POST', '/api/datastreams', {
      observedProperty: 'power_mean_1m',
      unit: 'kW',
      derived: { inputs: { l1 } },
    });
    expect(again.statusCode, again.body).toBe(409);
    expect(await count()).toBe(before + 1);
    // And it computes: three phases, one minute.
    const t0 = T + 50 * MIN;
    await p.measurements.insert(
      [0, 20_000, 40_000].flatMap((dt, i) => [
        { datastreamId: l1 as number, time: t0 + dt, value: 1000 * (i + 1) },
        { datastreamId: l2 as number, time: t0 + dt, value: 1000 },
        { datastreamId: l3 as number, time: t0 + dt, value: 500 },
      ]),
    );
    await p.measurements.insert([{ datastreamId: l1 as number, time: t0 + MIN + 6000, value: 0 }]);
    const rows = await eventually('per-minute total power', async () => {
      const r = await series(h, created.id, t0, t0 + MIN);
      return r.length === 1 ? r : undefined;
    });
    expect(rows[0]?.value).toBeCloseTo(3.5, 9);
    // With a sensor named: there.
    const sensor = phases[1]?.sensorId as string;
    const named = await h.call('POST', '/api/datastreams', {
      sensor,
      observedProperty: 'power_l2_kw',
      unit: 'kW',
      derived: { inputs: { l2 }, convert: { from: 'W', to: 'kW' } },
    });
    expect(named.statusCode, named.body).toBe(201);
    expect(named.json()).toMatchObject({ sensorId: sensor, derived: { inputs: { l2 } } });
  });

  it('recomputes the stored series when its definition changes (mean → max → a longer window)', async () => {
    const input = await ds({ observedProperty: 'load', unit: 'W' });
    const created = await h.call('POST', '/api/datastreams', {
      observedProperty: 'load_1m',
      unit: 'W',
      derived: { inputs: { x: input }, window: { seconds: 60, aggregate: 'mean' } },
    });
    expect(created.statusCode, created.body).toBe(201);
    const out = created.json().id as number;
    // A minute past a 3-minute boundary: after the change to 3-minute windows, the last one is still open.
    const t0 = Math.ceil((T + 60 * MIN) / (3 * MIN)) * 3 * MIN + MIN;
    const rows = Array.from({ length: 4 * 60 }, (_, s) => ({ datastreamId: input, time: t0 + s * 1000, value: (s * 37) % 101 }));
    await p.measurements.insert(rows);
    // Closes the fourth minute by input time (+ 5 s lateness).
    const last = { datastreamId: input, time: t0 + 4 * MIN + 6000, value: 50 };
    await p.measurements.insert([last]);
    const all = [...rows, last];
    /** What a window definition gives over the stored input, for windows closed by the last input. */
    const expected = (seconds: number, agg: (v: number[]) => number) => {
      const w = seconds * 1000;
      const groups = new Map<number, number[]>();
      for (const r of all) {
        const k = r.time - (r.time % w);
        groups.set(k, [...(groups.get(k) ?? []), r.value]);
      }
      return [...groups]
        .filter(([k]) => k + w <= last.time - 5000)
        .map(([time, v]) => ({ time, value: agg(v) }))
        .sort((a, b) => a.time - b.time);
    };
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    const max = (v: number[]) => Math.max(...v);
    const until = (want: { time: number; value: number }[], label: string) =>
      eventually(label, async () => {
        const got = await series(h, out, t0 - 10 * MIN, t0 + 10 * MIN);
        return got.length === want.length &&
          got.every((r, i) => r.time === want[i]?.time && Math.abs(r.value - (want[i]?.value as number)) < 1e-9)
          ? got
          : undefined;
      });
    await until(expected(60, mean), 'per-minute means');

    const toMax = await put(out, { inputs: { x: input }, window: { seconds: 60, aggregate: 'max' } });
    expect(toMax.statusCode, toMax.body).toBe(200);
    // doneUntil goes back to the earliest stored input: the whole series is recomputed.
    expect(Date.parse(toMax.json().doneUntil)).toBeLessThanOrEqual(t0);
    await until(expected(60, max), 'per-minute maxima replace the means');
    const hour = t0 - (t0 % 3_600_000);
    // The hourly rollups follow (summed over the two hours the range may straddle).
    const rollup = async (agg: string) =>
      (
        await h.call(
          'GET',
          `/api/measurements?datastream=${out}&start=${iso(hour)}&end=${iso(hour + 7_200_000)}&interval=1h&agg=${agg}`,
        )
      )
        .json()
        .data.reduce((a: number, r: { value: number }) => a + r.value, 0);

    // A longer window: per-minute values that the new definition does not give are removed.
    expect((await put(out, { inputs: { x: input }, window: { seconds: 180, aggregate: 'max' } })).statusCode).toBe(200);
    // [t0 - 1 min, t0 + 2 min) is closed; [t0 + 2 min, t0 + 5 min) is not: the per-minute values there go too.
    const three = await until(expected(180, max), '3-minute maxima, per-minute values gone');
    expect(three.map((r) => r.time)).toEqual([t0 - MIN]);
    expect(await rollup('count')).toBe(three.length);
  });

  it('stops deriving a datastream that was deleted (the definition goes with it)', async () => {
    const input = await ds({ observedProperty: 'pressure', unit: 'Pa' });
    const out = await ds({ observedProperty: 'pressure_hpa', unit: 'hPa' });
    expect((await put(out, { inputs: { p: input }, convert: { from: 'Pa', to: 'hPa' } })).statusCode).toBe(200);
    const t0 = T + 40 * MIN;
    await p.measurements.insert([{ datastreamId: input, time: t0, value: 101_325 }]);
    await eventually('hPa value', async () => (await series(h, out, t0, t0 + 1)).length === 1 || undefined);
    expect((await h.call('DELETE', `/api/datastreams/${out}`)).statusCode).toBe(204);
    await p.stream.derived.engine.reload();
    await p.measurements.insert([{ datastreamId: input, time: t0 + 1000, value: 101_000 }]);
    await p.stream.derived.engine.idle();
    const rows = await p.database.db.selectFrom('measurements').select('time').where('datastream_id', '=', out).execute();
    expect(rows.map((r) => Number(r.time))).not.toContain(t0 + 1000);
  });
});
