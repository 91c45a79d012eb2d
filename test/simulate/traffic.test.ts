import { describe, expect, it } from 'vitest';
import { uuidv7 } from '../../src/shared/ids.js';
import { GENERATORS, simulatedDevices } from '../../src/simulate/traffic/generators.js';
import { TRAFFIC_KINDS, type TrafficKind, type Uplink } from '../../src/simulate/traffic/uplink.js';
import { type PipelineMessage, prepareStep, runStep } from '../../src/workers/workers.js';

/**
 * Every generator's uplinks go through the real built-in workers of the pipeline the generator
 * declares, and come out as the readings the generator meant: value by value (within the
 * encoding's resolution), with the device identity and the observation time.
 */
const START = Date.UTC(2026, 5, 21, 0, 0, 0); // a summer day, so UV and load curves show their cycle
const MINUTE = 60_000;

function messageOf(u: Uplink, transport: 'http' | 'mqtt'): PipelineMessage {
  return {
    id: uuidv7(),
    orgId: 'org',
    pipelineId: 'pipeline',
    receivedAt: u.observedAt + 500,
    transport: transport === 'mqtt' ? { kind: 'mqtt', topic: u.topic } : { kind: 'http', contentType: u.contentType },
    payload: new Uint8Array(u.body),
    metadata: {},
    measurements: [],
  };
}

async function throughPipeline(kind: TrafficKind, u: Uplink, transport: 'http' | 'mqtt' = 'http') {
  const spec = GENERATORS[kind].pipeline('sim-');
  let msg = messageOf(u, transport);
  for (const step of spec.steps) msg = await runStep(prepareStep(step.worker, step.config), msg);
  return msg;
}

/** One day of uplinks of one device, every 10 minutes (plus one a millisecond after each). */
function day(kind: TrafficKind, seed = 7): Uplink[] {
  const device = simulatedDevices([kind], 1, seed)[0];
  if (!device) throw new Error('no device');
  const out: Uplink[] = [];
  for (let t = START; t < START + 24 * 60 * MINUTE; t += 10 * MINUTE) out.push(device.next(t), device.next(t));
  return out;
}

const key = (r: { sensor: string; observedProperty: string; unit: string }) => `${r.sensor}/${r.observedProperty}/${r.unit}`;

describe.each(TRAFFIC_KINDS)('%s traffic through its pipeline', (kind) => {
  const uplinks = day(kind);

  it('declares a pipeline of built-in workers whose configs are valid, with autoRegister and an MQTT source', () => {
    const spec = GENERATORS[kind].pipeline('sim-');
    expect(spec.name).toBe(`sim-${kind}`);
    expect(spec.autoRegister).toBe(true);
    for (const step of spec.steps) expect(() => prepareStep(step.worker, step.config)).not.toThrow();
    expect(spec.sources).toHaveLength(1);
    const filter = (spec.sources[0] as { topic: string }).topic;
    const re = new RegExp(`^${filter.replaceAll('+', '[^/]+')}$`);
    for (const u of uplinks) expect(u.topic).toMatch(re);
  });

  it('yields, value by value, the readings the generator meant, for the right device and time', async () => {
    for (const u of uplinks) {
      const out = await throughPipeline(kind, u);
      expect(out.device?.identity).toEqual(u.device);
      expect(out.observedAt ?? out.measurements[0]?.time).toBe(u.observedAt);
      for (const m of out.measurements) if (m.time !== undefined) expect(m.time).toBe(u.observedAt);
      expect(out.measurements.map(key).sort()).toEqual(u.readings.map(key).sort());
      const got = new Map(out.measurements.map((m) => [key(m), m.value]));
      for (const r of u.readings) {
        const value = got.get(key(r)) as number;
        if (r.resolution === 0) expect(value).toBe(r.value);
        else expect(Math.abs(value - r.value)).toBeLessThanOrEqual(r.resolution / 2 + 1e-9);
      }
    }
  });

  it('is decoded the same when it arrives over MQTT on its topic', async () => {
    const u = uplinks[5] as Uplink;
    const viaMqtt = await throughPipeline(kind, u, 'mqtt');
    const viaHttp = await throughPipeline(kind, u, 'http');
    expect(viaMqtt.measurements).toEqual(viaHttp.measurements);
  });

  it('gives observation times unique and increasing per device', () => {
    const times = uplinks.map((u) => u.observedAt);
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThan(times[i - 1] as number);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const again = day(kind);
    expect(again.map((u) => u.body.toString())).toEqual(uplinks.map((u) => u.body.toString()));
    const other = day(kind, 8);
    expect(other.map((u) => u.body.toString())).not.toEqual(uplinks.map((u) => u.body.toString()));
  });
});

/** Every reading of a kind over the day, by observed property (and sensor). */
function series(kind: TrafficKind, sensor?: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const u of day(kind))
    for (const r of u.readings) {
      if (sensor !== undefined && r.sensor !== sensor) continue;
      out.set(r.observedProperty, [...(out.get(r.observedProperty) ?? []), r.value]);
    }
  return out;
}

const within = (values: number[] | undefined, lo: number, hi: number) => {
  expect(values?.length).toBeGreaterThan(0);
  for (const v of values ?? []) {
    expect(v).toBeGreaterThanOrEqual(lo);
    expect(v).toBeLessThanOrEqual(hi);
  }
};
const spread = (values: number[] | undefined) => Math.max(...(values ?? [])) - Math.min(...(values ?? []));

describe('plausible values', () => {
  it('TTN environment sensors: indoor temperature, humidity, pressure; LoRa radio figures', () => {
    const s = series('ttn');
    within(s.get('temperature'), 10, 32);
    within(s.get('relative_humidity'), 10, 100);
    within(s.get('barometric_pressure'), 960, 1050);
    within(s.get('rssi'), -125, -30);
    within(s.get('snr'), -20, 13.5);
  });

  it('ChirpStack air quality: CO2 rises in occupied hours; battery volts', () => {
    const s = series('chirpstack');
    within(s.get('co2'), 400, 5000);
    expect(spread(s.get('co2'))).toBeGreaterThan(200);
    within(s.get('battery_voltage'), 3, 3.7);
    within(s.get('temperature'), 15, 28);
  });

  it('power meter: 230 V ± 10 %, 50 Hz ± 0.2, P = V × I × pf per phase, a daily load curve', () => {
    const l1 = series('power', 'L1');
    within(l1.get('voltage'), 207, 253);
    within(series('power', 'meter').get('frequency'), 49.8, 50.2);
    within(l1.get('power_factor'), 0.7, 1);
    const current = l1.get('current') ?? [];
    expect(Math.max(...current)).toBeGreaterThan(3 * Math.min(...current));
    for (const u of day('power')) {
      const body = JSON.parse(u.body.toString());
      for (const p of ['L1', 'L2', 'L3']) {
        const { voltage, current: a, pf, power } = body.phases[p];
        expect(power).toBeCloseTo(voltage * a * pf, 0);
      }
    }
  });

  it('weather: a daily temperature cycle, UV zero at night and up by day, rain in 0.2 mm steps', () => {
    const reports = day('weather').map((u) => JSON.parse(u.body.toString()));
    const at = (h: number) => reports.filter((r) => new Date(r.dateutc).getUTCHours() === h);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(at(14).map((r) => r.temperature))).toBeGreaterThan(mean(at(3).map((r) => r.temperature)));
    for (const r of at(1)) expect(r.uv_index).toBe(0);
    expect(Math.max(...at(11).map((r) => r.uv_index))).toBeGreaterThan(1);
    for (const r of reports) {
      expect(Math.round(r.rain_mm / 0.2) * 0.2).toBeCloseTo(r.rain_mm, 9);
      expect(r.wind_gust).toBeGreaterThanOrEqual(r.wind_speed);
      within([r.wind_dir], 0, 360);
      within([r.humidity], 5, 100);
    }
  });
});

describe('simulated fleet', () => {
  it('spreads devices over the kinds in turn, with distinct identities', () => {
    const fleet = simulatedDevices(['ttn', 'power'], 5, 1);
    expect(fleet.map((d) => d.kind)).toEqual(['ttn', 'power', 'ttn', 'power', 'ttn']);
    expect(new Set(fleet.map((d) => d.id)).size).toBe(5);
  });
});
