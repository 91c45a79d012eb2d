import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Polder } from '../../src/main.js';
import { powerMeterGenerator } from '../../src/simulate/traffic/power-meter.generator.js';
import { seededRng } from '../../src/simulate/traffic/rng.js';
import { availableDialects } from '../support/databases.js';
import { eventually } from '../support/mqtt.js';
import { type Restartable, restartable, sendPowerMinute } from './harness.js';

const MIN = 60_000;
const HZ = 12;
const iso = (t: number) => new Date(t).toISOString();

/**
 * The smart-grid walk-through of docs/stream-processing.md, compressed: a simulated three-phase
 * meter sends 12 Hz samples through the `sim-power` pipeline (what `polder simulate traffic
 * --kinds power --devices 1 --rate 12` sends), Polder derives total power and its per-minute
 * mean, forecasts the next minutes, finds injected anomalies and retrains. Polder runs on a
 * clock that follows the simulated time, so twenty minutes pass in seconds.
 */
describe.each(await availableDialects())('power-meter walk-through (%s)', (dialect) => {
  let h: Restartable;
  let p: Polder;
  // Simulated time: the clock Polder sees is the time of the last sample sent.
  const T0 = Math.floor(Date.now() / MIN) * MIN - 3 * 60 * MIN;
  let simNow = T0;

  beforeAll(async () => {
    h = await restartable(dialect, {}, { clock: () => simNow });
    p = await h.boot();
  });
  afterAll(async () => {
    await h.close();
  });

  it('12 Hz → total power → per-minute mean → forecast → anomalies found → retrained', async () => {
    const pipeline = await h.call('POST', '/api/pipelines', powerMeterGenerator.pipeline('sim-'));
    expect(pipeline.statusCode, pipeline.body).toBe(201);
    const uplinkUrl = `/api/uplinks/${pipeline.json().id}`;
    const meter = powerMeterGenerator.device(0, seededRng(2026));
    const totals = new Map<number, number[]>(); // minute → L1+L2+L3 of each sample
    // The series each minute waits for before the clock moves on: L3's power, then the derived total,
    // so a per-minute window closes (10 s after its end, by the clock) with every total of it stored.
    let settled: number | undefined;
    const sendMinute = (minute: number, factor = 1) =>
      sendPowerMinute(
        h,
        {
          uplinkUrl,
          meter,
          t0: T0,
          hz: HZ,
          totals,
          advance: (time) => {
            simNow = Math.max(simNow, time);
          },
          stored: () => settled,
        },
        minute,
        factor,
      );

    // The first minute registers the meter (autoRegister) and its datastreams.
    await sendMinute(0);
    const stream = async (sensor: string, property: string) =>
      eventually(`${sensor} ${property}`, async () => {
        const r = await p.database.db
          .selectFrom('datastreams')
          .innerJoin('sensors', 'sensors.id', 'datastreams.sensor_id')
          .select(['datastreams.id', 'datastreams.device_id'])
          .where('sensors.code', '=', sensor)
          .where('datastreams.observed_property', '=', property)
          .executeTakeFirst();
        return r && { id: Number(r.id), device: r.device_id };
      });
    const [l1, l2, l3] = [await stream('L1', 'power'), await stream('L2', 'power'), await stream('L3', 'power')];
    settled = l3?.id;
    // Derived datastreams hang on a sensor of the meter like any other.
    const sensor = await h.call('POST', `/api/devices/${l1?.device}/sensors`, { code: 'derived' });
    expect(sensor.statusCode, sensor.body).toBe(201);
    const newStream = async (observedProperty: string, unit: string) => {
      const r = await h.call('POST', '/api/datastreams', { sensor: sensor.json().id, observedProperty, unit });
      expect(r.statusCode, r.body).toBe(201);
      return r.json().id as number;
    };
    const total = await newStream('power_total', 'W');
    const perMinute = await newStream('power_total_mean_1m', 'kW');
    const put = async (id: number, body: unknown) =>
      expect((await h.call('PUT', `/api/datastreams/${id}/derived`, body)).statusCode).toBe(200);
    await put(total, { inputs: { l1: l1?.id, l2: l2?.id, l3: l3?.id }, expression: 'l1 + l2 + l3', backfillSeconds: 120 });
    settled = total;
    await put(perMinute, {
      inputs: { p: total },
      window: { seconds: 60, aggregate: 'mean' },
      convert: { from: 'W', to: 'kW' },
      latenessSeconds: 10,
      backfillSeconds: 120,
    });
    const rule = await h.call('POST', '/api/rules', {
      name: 'Building load off forecast',
      property: 'power_total_mean_1m',
      condition: { kind: 'forecast-deviation', count: 1, windowSeconds: 600 },
    });
    expect(rule.statusCode).toBe(201);
    const forecast = await h.call('POST', `/api/datastreams/${perMinute}/forecast`, {
      horizonSeconds: 600,
      stepSeconds: 60,
      trainingDays: 1,
      retrain: { deviations: 3, windowSeconds: 600 },
    });
    expect(forecast.statusCode, forecast.body).toBe(201);

    // Fourteen normal minutes: the first model needs 12 per-minute values.
    for (let m = 1; m < 15; m++) await sendMinute(m);
    const perMinuteRows = async (from: number, to: number) =>
      (await h.call('GET', `/api/measurements?datastream=${perMinute}&start=${iso(from)}&end=${iso(to)}&limit=1000`))
        .json()
        .data.map((r: { time: string; value: number }) => ({ time: Date.parse(r.time), value: r.value }));
    const means = await eventually('per-minute means of minutes 0–13', async () => {
      const r = await perMinuteRows(T0, T0 + 14 * MIN);
      return r.length === 14 ? r : undefined;
    });
    means.forEach((r: { time: number; value: number }, m: number) => {
      const v = totals.get(m) as number[];
      expect(r.time).toBe(T0 + m * MIN);
      expect(r.value).toBeCloseTo(v.reduce((a, b) => a + b, 0) / v.length / 1000, 6);
    });
    const f1 = await eventually('first forecast', async () => {
      const f = (await h.call('GET', `/api/datastreams/${perMinute}/forecast`)).json();
      return f.model ? f : undefined;
    });
    expect(f1.model.seasonality).toBe('none');
    expect(f1.data).toHaveLength(10);

    // Three minutes of injected anomaly (load ×1.6), then normal again.
    for (let m = 15; m < 18; m++) await sendMinute(m, 1.6);
    for (let m = 18; m < 20; m++) await sendMinute(m);
    const models = await eventually('retrained model', async () => {
      const r = (await h.call('GET', `/api/datastreams/${perMinute}/forecast/models`)).json().data;
      return r.length >= 2 ? r : undefined;
    });
    expect(models[models.length - 2]).toMatchObject({ reason: 'deviations' });
    const log = await eventually('log through minute 18', async () => {
      const l = (await h.call('GET', `/api/datastreams/${perMinute}/forecast/log?limit=100`)).json().data;
      return l.some((e: { time: string }) => Date.parse(e.time) === T0 + 18 * MIN) ? l : undefined;
    });
    const at = (m: number) => log.find((e: { time: string }) => Date.parse(e.time) === T0 + m * MIN);
    for (const m of [15, 16, 17]) expect(at(m)?.deviation, `minute ${m}`).toBe(true);
    const alerts = (await h.call('GET', `/api/alerts?rule=${rule.json().id}`)).json().data;
    expect(alerts).toHaveLength(1);
    expect(alerts[0].details.time).toBe(iso(T0 + 15 * MIN));

    // Figures for the documentation.
    const normal = log.filter((e: { time: string }) => Date.parse(e.time) < T0 + 15 * MIN);
    const mae = normal.reduce((a: number, e: { error: number }) => a + Math.abs(e.error), 0) / normal.length;
    console.log(
      JSON.stringify({
        dialect,
        uplinks: 20 * 60 * HZ,
        model1: { kind: f1.model.kind, sigma: f1.model.sigma, backtest: f1.model.backtest },
        normalMinutesChecked: normal.length,
        normalMaeKW: mae,
        normalDeviations: normal.filter((e: { deviation: boolean }) => e.deviation).length,
        anomalyErrorsKW: [15, 16, 17].map((m) => at(m)?.error),
        models: models.map((m: { version: number; kind: string; reason: string }) => [m.version, m.kind, m.reason]),
      }),
    );
  }, 300_000);
});
