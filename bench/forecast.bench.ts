/**
 * Forecast back-test figures: each model the data allows, its error on the held-out tail, the
 * winner, and the CPU time of one `select` (fit every candidate, back-test, refit the winner).
 * Series are synthetic but shaped like the issue's cases: hourly building load with a daily
 * cycle and weekends (72 h and 15 days), and a per-minute mean of a 12 Hz three-phase meter
 * (12 h, slow drift plus noise). Seeded: the same figures on every run.
 *
 *   npm run bench forecast
 */
import { select } from '../src/forecasts/models.js';
import { seededRng } from '../src/simulate/traffic/rng.js';

function hourlyLoad(hours: number, seed: number): number[] {
  const rng = seededRng(seed);
  return Array.from({ length: hours }, (_, h) => {
    const daily = 12 * Math.sin((2 * Math.PI * (h % 24)) / 24);
    const weekend = Math.floor(h / 24) % 7 >= 5 ? -8 : 0;
    return 40 + daily + weekend + 2 * rng.gauss(1);
  });
}

function perMinuteMeter(minutes: number, seed: number): number[] {
  const rng = seededRng(seed);
  let drift = 0;
  return Array.from({ length: minutes }, (_, m) => {
    drift += 0.002 * rng.gauss(1);
    return 3.2 + 0.4 * Math.sin((2 * Math.PI * m) / 1440) + drift + 0.01 * rng.gauss(1);
  });
}

const cases: { name: string; y: number[]; step: number; horizon: number }[] = [
  { name: 'hourly load, 72 h, horizon 6 h', y: hourlyLoad(72, 1), step: 3600, horizon: 6 },
  { name: 'hourly load, 15 days, horizon 24 h', y: hourlyLoad(15 * 24, 2), step: 3600, horizon: 24 },
  { name: 'per-minute meter mean, 12 h, horizon 10 min', y: perMinuteMeter(12 * 60, 3), step: 60, horizon: 10 },
  { name: 'per-minute meter mean, 3 days, horizon 60 min', y: perMinuteMeter(3 * 1440, 4), step: 60, horizon: 60 },
];

for (const c of cases) {
  const before = process.cpuUsage();
  const s = select(c.y, c.step, c.horizon);
  const cpu = process.cpuUsage(before);
  const ms = (cpu.user + cpu.system) / 1000;
  console.log(`\n${c.name} (${c.y.length} points): seasonality ${s.seasonality}, holdout ${s.holdout} steps, winner ${s.spec.kind}${s.spec.period ? `(${s.spec.period})` : ''}, select ${ms.toFixed(1)} ms CPU`);
  for (const k of s.candidates.sort((a, b) => a.mae - b.mae))
    console.log(`  ${`${k.kind}${k.period ? `(${k.period})` : ''}`.padEnd(22)} MAE ${k.mae.toFixed(4)}  RMSE ${k.rmse.toFixed(4)}`);
}
