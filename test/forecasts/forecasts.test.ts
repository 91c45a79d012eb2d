import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Polder } from '../../src/main.js';
import { type Restartable, restartable } from '../derived/harness.js';
import { availableDialects } from '../support/databases.js';
import { createDatastream } from '../support/fixtures.js';
import { eventually } from '../support/mqtt.js';
import { seededRandom } from '../support/random.js';

const HOUR = 3_600_000;

/** Building load-like hourly values: a daily cycle and noise (kW). */
const load = (t: number, rnd: { next(): number }) =>
  40 + 12 * Math.sin((2 * Math.PI * ((t / HOUR) % 24)) / 24) + 2 * (rnd.next() - 0.5);

describe.each(await availableDialects())('forecasts (%s)', (dialect) => {
  let h: Restartable;
  let p: Polder;

  beforeAll(async () => {
    h = await restartable(dialect);
    p = await h.boot();
  });
  afterAll(async () => {
    await h.close();
  });

  it('answers 400 naming the field and 404 for what is not there', async () => {
    const ds = await createDatastream(p.database.db, p.bootstrap.org.id, { observedProperty: 'load', unit: 'kW' });
    const bad = async (body: unknown, field: string) => {
      const res = await h.call('POST', `/api/datastreams/${ds.id}/forecast`, body);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.details.field).toBe(field);
    };
    await bad({ horizonSeconds: 3600, stepSeconds: 7 }, 'stepSeconds');
    await bad({ horizonSeconds: 5400, stepSeconds: 3600 }, 'horizonSeconds');
    await bad({ horizonSeconds: 3600, stepSeconds: 3600, trainingDays: 0 }, 'trainingDays');
    await bad({ horizonSeconds: 3600, stepSeconds: 3600, retrain: { deviations: 0 } }, 'retrain.deviations');
    expect((await h.call('GET', `/api/datastreams/${ds.id}/forecast`)).json().error.code).toBe('FORECAST_NOT_FOUND');
    expect((await h.call('GET', '/api/datastreams/987654/forecast')).json().error.code).toBe('DATASTREAM_NOT_FOUND');
  });

  it('forecasts 72 h of hourly data, logs each prediction, raises a deviation alert on an anomaly and retrains', async () => {
    const rnd = seededRandom(12);
    const ds = await createDatastream(p.database.db, p.bootstrap.org.id, { observedProperty: 'building_load', unit: 'kW' });
    // 72 hours ending 10 days ago: every step of the test lies in the past (complete by the clock).
    const start = Math.floor(Date.now() / HOUR) * HOUR - 13 * 24 * HOUR;
    const history = Array.from({ length: 72 }, (_, i) => ({
      datastreamId: ds.id,
      time: start + i * HOUR,
      value: load(start + i * HOUR, rnd),
    }));
    await p.measurements.insert(history);
    const rule = await h.call('POST', '/api/rules', {
      name: 'Load off forecast',
      property: 'building_load',
      condition: { kind: 'forecast-deviation', count: 1, windowSeconds: 6 * 3600 },
    });
    expect(rule.statusCode, rule.body).toBe(201);

    const configured = await h.call('POST', `/api/datastreams/${ds.id}/forecast`, {
      horizonSeconds: 6 * 3600,
      stepSeconds: 3600,
      retrain: { deviations: 3, windowSeconds: 12 * 3600 },
    });
    expect(configured.statusCode, configured.body).toBe(201);
    const first = await eventually(
      'first forecast',
      async () => {
        const f = (await h.call('GET', `/api/datastreams/${ds.id}/forecast`)).json();
        return f.data.length > 0 ? f : undefined;
      },
      30_000,
    );
    const origin = start + 72 * HOUR;
    expect(first.issuedAt).toBe(new Date(origin).toISOString());
    expect(first.data.map((d: { time: string }) => Date.parse(d.time))).toEqual(
      Array.from({ length: 6 }, (_, i) => origin + i * HOUR),
    );
    expect(first.model).toMatchObject({ version: 1, reason: 'initial', seasonality: 'daily', points: 72 });
    expect(first.model.backtest.candidates.map((c: { kind: string }) => c.kind).sort()).toEqual([
      'ar-ridge',
      'holt',
      'holt-winters',
      'seasonal-naive',
    ]);
    for (const d of first.data) {
      expect(d.lower).toBeLessThan(d.value);
      expect(d.upper).toBeGreaterThan(d.value);
    }

    // An ordinary hour: logged, inside the interval.
    const normal = load(origin, rnd);
    await p.measurements.insert([{ datastreamId: ds.id, time: origin, value: normal }]);
    const log1 = await eventually('first log entry', async () => {
      const l = (await h.call('GET', `/api/datastreams/${ds.id}/forecast/log`)).json().data;
      return l.length === 1 ? l : undefined;
    });
    expect(log1[0]).toMatchObject({ time: new Date(origin).toISOString(), actual: normal, deviation: false, modelVersion: 1 });
    expect(log1[0].error).toBeCloseTo(normal - first.data[0].value, 9);
    expect((await h.call('GET', `/api/alerts?rule=${rule.json().id}`)).json().data).toEqual([]);

    // An injected anomaly (a load 30 kW above normal): a deviation, and the forecast-deviation rule fires.
    const spike = load(origin + HOUR, rnd) + 30;
    await p.measurements.insert([{ datastreamId: ds.id, time: origin + HOUR, value: spike }]);
    const alert = await eventually('deviation alert', async () => {
      const a = (await h.call('GET', `/api/alerts?rule=${rule.json().id}&status=open`)).json().data;
      return a.length === 1 ? a[0] : undefined;
    });
    expect(alert).toMatchObject({ kind: 'rule', rule: { name: 'Load off forecast' } });
    expect(alert.details.value).toBe(spike);

    // Two more: three deviations within 12 h retrain the model on data that includes them.
    for (const k of [2, 3])
      await p.measurements.insert([{ datastreamId: ds.id, time: origin + k * HOUR, value: load(origin + k * HOUR, rnd) + 30 }]);
    const models = await eventually('retrained model', async () => {
      const m = (await h.call('GET', `/api/datastreams/${ds.id}/forecast/models`)).json().data;
      return m.length === 2 ? m : undefined;
    });
    expect(models[0]).toMatchObject({
      version: 2,
      reason: 'deviations',
      trainedTo: new Date(origin + 4 * HOUR).toISOString(),
      points: 76,
    });
    expect(models[1]).toMatchObject({ version: 1, reason: 'initial' });
    const log = (await h.call('GET', `/api/datastreams/${ds.id}/forecast/log`)).json().data;
    expect(log.map((l: { deviation: boolean }) => l.deviation)).toEqual([true, true, true, false]);
    // The retrained model's forecast is written after the model's record: wait for it.
    const now = await eventually('the forecast of model 2', async () => {
      const f = (await h.call('GET', `/api/datastreams/${ds.id}/forecast`)).json();
      return f.model?.version === 2 ? f : undefined;
    });
    expect(now.model.version).toBe(2);
    expect(now.issuedAt).toBe(new Date(origin + 4 * HOUR).toISOString());
    expect(now.deviations).toEqual({ total: 3, sinceModel: 0 });
    // The next prediction comes from the new model and is logged with its version.
    await p.measurements.insert([{ datastreamId: ds.id, time: origin + 4 * HOUR, value: load(origin + 4 * HOUR, rnd) }]);
    const last = await eventually('log entry of model 2', async () => {
      const l = (await h.call('GET', `/api/datastreams/${ds.id}/forecast/log?limit=1`)).json().data;
      return l[0]?.modelVersion === 2 ? l[0] : undefined;
    });
    expect(last.time).toBe(new Date(origin + 4 * HOUR).toISOString());
  });

  it('keeps the model through a restart', async () => {
    const rnd = seededRandom(5);
    const ds = await createDatastream(p.database.db, p.bootstrap.org.id, { observedProperty: 'hall_load', unit: 'kW' });
    const start = Math.floor(Date.now() / HOUR) * HOUR - 20 * 24 * HOUR;
    await p.measurements.insert(
      Array.from({ length: 48 }, (_, i) => ({ datastreamId: ds.id, time: start + i * HOUR, value: load(start + i * HOUR, rnd) })),
    );
    expect(
      (await h.call('POST', `/api/datastreams/${ds.id}/forecast`, { horizonSeconds: 3 * 3600, stepSeconds: 3600 })).statusCode,
    ).toBe(201);
    await eventually('first model', async () => (await h.call('GET', `/api/datastreams/${ds.id}/forecast`)).json().model);
    await h.stop();
    p = await h.boot();
    await p.measurements.insert([{ datastreamId: ds.id, time: start + 48 * HOUR, value: 41 }]);
    const log = await eventually('log after the restart', async () => {
      const l = (await h.call('GET', `/api/datastreams/${ds.id}/forecast/log`)).json().data;
      return l.length === 1 ? l : undefined;
    });
    expect(log[0]).toMatchObject({ modelVersion: 1, actual: 41 });
    expect((await h.call('GET', `/api/datastreams/${ds.id}/forecast/models`)).json().data).toHaveLength(1);
  });
});
