/** The traffic kinds and the simulated fleet: which device of which kind, in a seeded order. */
import { chirpstackV4Generator } from './chirpstack-v4.generator.js';
import { powerMeterGenerator } from './power-meter.generator.js';
import { type Rng, seededRng } from './rng.js';
import { ttnV3Generator } from './ttn-v3.generator.js';
import { TRAFFIC_KINDS, type TrafficDevice, type TrafficGenerator, type TrafficKind } from './uplink.js';
import { weatherGenerator } from './weather.generator.js';

export const GENERATORS: Readonly<Record<TrafficKind, TrafficGenerator>> = {
  ttn: ttnV3Generator,
  chirpstack: chirpstackV4Generator,
  power: powerMeterGenerator,
  weather: weatherGenerator,
};

export const isTrafficKind = (v: string): v is TrafficKind => (TRAFFIC_KINDS as readonly string[]).includes(v);

/**
 * `count` devices spread over `kinds` in turn (device i is of kind i mod k), each with its own
 * random stream forked from `seed`: the same seed gives the same fleet and the same payloads.
 */
export function simulatedDevices(kinds: readonly TrafficKind[], count: number, seed: number): TrafficDevice[] {
  const root: Rng = seededRng(seed);
  const perKind = new Map<TrafficKind, number>();
  return Array.from({ length: count }, (_, i) => {
    const kind = kinds[i % kinds.length] as TrafficKind;
    const n = perKind.get(kind) ?? 0;
    perKind.set(kind, n + 1);
    return GENERATORS[kind].device(n, root.fork(i));
  });
}
