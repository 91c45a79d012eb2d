import type { ModuleEntry } from '../../devices/devices.js';

/**
 * What the simulated boards measure, in the units their firmware drivers print
 * (test/fixtures/reference/neocampus.md §3: `celsius`, `lux`, `ppm`, `%r.H.`), around plausible
 * indoor values with a slow daily swing and some noise.
 */
const MODULES: Record<string, { units: string; base: number; swing: number; noise: number; decimals: number }> = {
  temperature: { units: 'celsius', base: 21, swing: 2.5, noise: 0.2, decimals: 3 },
  humidity: { units: '%r.H.', base: 45, swing: 10, noise: 1, decimals: 1 },
  luminosity: { units: 'lux', base: 300, swing: 250, noise: 20, decimals: 0 },
  co2: { units: 'ppm', base: 650, swing: 250, noise: 15, decimals: 0 },
  airquality: { units: 'ppm', base: 0.05, swing: 0.03, noise: 0.005, decimals: 3 },
};

/** Modules a simulated board gets when the registry's config names none (the shape sensOCampus serves). */
export const DEFAULT_SIM_MODULES: ModuleEntry[] = [
  { module: 'temperature', unit: 'mcp9808', frequency: 60, params: [{ param: 'subIDs', value: 'ouest' }] },
  { module: 'humidity', unit: 'sht3x', frequency: 60, params: [{ param: 'subIDs', value: 'ouest' }] },
  { module: 'luminosity', unit: 'tsl2561', frequency: 60, params: [{ param: 'subIDs', value: ['3'] }] },
];

/** The sensors of a module entry: its `subIDs` param (a string or a list), else one unnamed sensor. */
export function subIdsOf(entry: ModuleEntry): string[] {
  const p = entry.params?.find((x) => x.param === 'subIDs')?.value;
  if (typeof p === 'string') return [p];
  if (Array.isArray(p)) return p.map(String);
  return ['0'];
}

const DAY_MS = 86_400_000;

/** One reading: `{"value","value_units","subID","unitID"}` as the temperature module publishes it. */
export function reading(module: string, subID: string, unitID: string, now: number, random: () => number) {
  const m = MODULES[module] ?? MODULES.temperature;
  if (!m) throw new Error('unreachable');
  const phase = Math.sin((2 * Math.PI * (now % DAY_MS)) / DAY_MS);
  const value = m.base + m.swing * phase + m.noise * (random() * 2 - 1);
  return { value: Number(value.toFixed(m.decimals)), value_units: m.units, subID, unitID };
}
