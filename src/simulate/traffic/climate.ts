/**
 * Plausible weather and indoor climate as functions of time: daily cycles plus per-device
 * random walks (weather does not jump from one uplink to the next). Times are Unix ms; the
 * "local" hour is UTC+1 (a European deployment), enough for cycles to look right on a chart.
 */
import { clamp, type Rng } from './rng.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Hour of day in [0, 24), local time. */
export const localHour = (ms: number): number => ((((ms + HOUR) % DAY) + DAY) % DAY) / HOUR;

/** Day of year in [0, 365). */
export const dayOfYear = (ms: number): number => Math.floor((ms % (365.25 * DAY)) / DAY);

/** A mean-reverting random walk (Ornstein–Uhlenbeck), advanced by elapsed time. */
export class Drift {
  private value = 0;
  private last: number | undefined;

  constructor(
    private readonly rng: Rng,
    /** Standard deviation around 0 in the long run. */
    private readonly sd: number,
    /** Time constant of the reversion, ms. */
    private readonly tauMs: number,
  ) {
    this.value = rng.gauss(sd);
  }

  /** The walk's value at `ms` (calls must come in time order). */
  sample(ms: number): number {
    const dt = this.last === undefined ? 0 : Math.max(0, ms - this.last);
    this.last = ms;
    if (dt === 0) return this.value;
    const keep = Math.exp(-dt / this.tauMs);
    this.value = this.value * keep + this.rng.gauss(this.sd * Math.sqrt(1 - keep * keep));
    return this.value;
  }
}

/** Outdoor air: coolest near 05:00, warmest near 15:00, warmer in summer. */
export function outdoorTemperature(ms: number, drift: number): number {
  const seasonal = 11 - 8 * Math.cos((2 * Math.PI * (dayOfYear(ms) - 15)) / 365);
  const daily = 5 * Math.cos((2 * Math.PI * (localHour(ms) - 15)) / 24);
  return seasonal + daily + drift;
}

/** Relative humidity falls as the air warms during the day. */
export function outdoorHumidity(ms: number, drift: number): number {
  return clamp(75 - 15 * Math.cos((2 * Math.PI * (localHour(ms) - 15)) / 24) + drift, 20, 100);
}

/** Indoor air: heated/occupied hours 08–18 a little warmer. */
export function indoorTemperature(ms: number, drift: number): number {
  const h = localHour(ms);
  const occupied = h >= 8 && h < 18 ? 1.5 : 0;
  return 20 + occupied + 0.8 * Math.cos((2 * Math.PI * (h - 16)) / 24) + drift;
}

/** Sea-level pressure, hPa: a slow walk around 1013. */
export const pressure = (drift: number): number => clamp(1013 + drift, 960, 1050);

/** Clear-sky UV index: 0 at night, peaks at solar noon (≈ 13:00 local), higher in summer. */
export function clearSkyUv(ms: number): number {
  const h = localHour(ms);
  const daylight = Math.sin((Math.PI * (h - 6)) / 14); // 06:00–20:00
  if (daylight <= 0) return 0;
  const summer = 0.5 - 0.5 * Math.cos((2 * Math.PI * (dayOfYear(ms) - 10)) / 365);
  return (1.5 + 6.5 * summer) * daylight;
}
