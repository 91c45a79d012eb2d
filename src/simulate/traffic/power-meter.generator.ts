/**
 * A three-phase power meter sampled at 12 Hz (one JSON document per sample, on MQTT or HTTP,
 * as meter gateways such as Shelly Pro 3EM or Modbus bridges publish them): per phase L1..L3
 * RMS voltage (230 V ± a few volts), current and active power following a daily load curve
 * (night base load, morning and evening peaks) with fast fluctuations from switching loads,
 * and the grid frequency (50 Hz ± tens of mHz). Mapped by the json-map worker.
 */
import type { JsonMapConfig } from '../../workers/decoders/json-map.worker.js';
import { Drift, localHour } from './climate.js';
import { clamp, type Rng, round } from './rng.js';
import { monotonic, type Reading, type TrafficDevice, type TrafficGenerator } from './uplink.js';

export const POWER_TOPIC_ROOT = 'polder-sim/power';
export const SAMPLE_HZ = 12;
const PHASES = ['L1', 'L2', 'L3'] as const;

/** Building load share in [0.15, 1]: base load at night, peaks around 08:00 and 19:00. */
export function loadCurve(ms: number): number {
  const h = localHour(ms);
  const bump = (centre: number, width: number) => Math.exp(-(((h - centre) / width) ** 2));
  return clamp(0.15 + 0.55 * bump(8, 1.5) + 0.35 * bump(13, 3) + 0.75 * bump(19, 2), 0.15, 1);
}

export interface MeterSample {
  meter: string;
  ts: string;
  seq: number;
  frequency: number;
  phases: Record<(typeof PHASES)[number], { voltage: number; current: number; power: number; pf: number }>;
  total: { power: number; energy: number };
}

function powerMeter(index: number, rng: Rng): TrafficDevice {
  const serial = `PM3-${String(index + 1).padStart(6, '0')}`;
  const time = monotonic();
  const ratedA = [32, 40, 63][index % 3] as number;
  const grid = new Drift(rng, 0.02, 20_000);
  const phase = PHASES.map((_, i) => ({
    voltage: new Drift(rng, 2.5, 5 * 60_000),
    share: 0.8 + 0.15 * i * rng.next(), // phases are never balanced
    pf: rng.range(0.88, 0.98),
  }));
  let seq = rng.int(0, 1_000_000);
  let energyKWh = rng.range(1000, 90_000);
  let lastAt: number | undefined;

  return {
    kind: 'power',
    id: serial,
    next(now) {
      const at = time(now);
      seq++;
      const load = loadCurve(at);
      const phases = {} as MeterSample['phases'];
      let total = 0;
      PHASES.forEach((name, i) => {
        const p = phase[i] as (typeof phase)[number];
        const voltage = round(230 + p.voltage.sample(at) + rng.gauss(0.3), 1);
        // Switching loads (compressors, drives) make the current flicker from sample to sample.
        const current = round(Math.max(0.05, ratedA * load * p.share * (1 + rng.gauss(0.04))), 3);
        const pf = round(clamp(p.pf + rng.gauss(0.005), 0.7, 1), 3);
        const power = round(voltage * current * pf, 1);
        total += power;
        phases[name] = { voltage, current, power, pf };
      });
      if (lastAt !== undefined) energyKWh += (total * (at - lastAt)) / 3_600_000_000;
      lastAt = at;
      const sample: MeterSample = {
        meter: serial,
        ts: new Date(at).toISOString(),
        seq,
        frequency: round(50 + grid.sample(at), 3),
        phases,
        total: { power: round(total, 1), energy: round(energyKWh, 3) },
      };
      const exact = (sensor: string, observedProperty: string, unit: string, value: number): Reading => ({
        sensor,
        observedProperty,
        unit,
        value,
        resolution: 0,
      });
      const readings: Reading[] = [
        exact('meter', 'frequency', 'Hz', sample.frequency),
        ...PHASES.flatMap((name) => [
          exact(name, 'voltage', 'V', phases[name].voltage),
          exact(name, 'current', 'A', phases[name].current),
          exact(name, 'power', 'W', phases[name].power),
          exact(name, 'power_factor', '1', phases[name].pf),
        ]),
        exact('meter', 'power', 'W', sample.total.power),
        exact('meter', 'energy', 'kW.h', sample.total.energy),
      ];
      return {
        pipeline: 'power',
        body: Buffer.from(JSON.stringify(sample)),
        contentType: 'application/json',
        topic: `${POWER_TOPIC_ROOT}/${serial}`,
        device: { kind: 'serial', value: serial },
        observedAt: at,
        readings,
      };
    },
  };
}

const phaseField = (observedProperty: string, unit: string) => ({ observedProperty, unit });

export const POWER_MAP: JsonMapConfig = {
  source: 'payload',
  sensor: 'meter',
  time: 'ts',
  device: { path: 'meter', kind: 'serial' },
  fields: {
    frequency: phaseField('frequency', 'Hz'),
    'phases.*.voltage': phaseField('voltage', 'V'),
    'phases.*.current': phaseField('current', 'A'),
    'phases.*.power': phaseField('power', 'W'),
    'phases.*.pf': phaseField('power_factor', '1'),
    'total.power': phaseField('power', 'W'),
    'total.energy': phaseField('energy', 'kW.h'),
  },
};

export const powerMeterGenerator: TrafficGenerator = {
  kind: 'power',
  pipeline: (prefix) => ({
    name: `${prefix}power`,
    description:
      'Simulated three-phase power meters sampled at 12 Hz: V, A, W, power factor per phase (polder simulate traffic).',
    steps: [{ worker: 'json-map', config: POWER_MAP }],
    sources: [{ kind: 'mqtt', topic: `${POWER_TOPIC_ROOT}/+` }],
    autoRegister: true,
  }),
  device: powerMeter,
};
