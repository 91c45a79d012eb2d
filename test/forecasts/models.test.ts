import { describe, expect, it } from 'vitest';
import { fitModel, forecast, select } from '../../src/forecasts/models.js';
import { seededRandom } from '../support/random.js';

/** Hourly load-like series: a daily cycle, a weekday/weekend difference, noise. */
function hourly(hours: number, seed = 7, noise = 1) {
  const rnd = seededRandom(seed);
  return Array.from({ length: hours }, (_, h) => {
    const daily = 10 * Math.sin((2 * Math.PI * (h % 24)) / 24);
    const weekend = Math.floor(h / 24) % 7 >= 5 ? -6 : 0;
    return 50 + daily + weekend + noise * (rnd.next() - 0.5);
  });
}

describe('forecast models', () => {
  it('says which seasonality the data allows: none below two days, daily from two days, weekly from two weeks', () => {
    expect(select(hourly(40), 3600, 6).seasonality).toBe('none');
    expect(select(hourly(72), 3600, 6).seasonality).toBe('daily');
    expect(select(hourly(24 * 15), 3600, 24).seasonality).toBe('weekly');
    const plain = select(hourly(40), 3600, 6);
    expect(plain.candidates.map((c) => c.kind).sort()).toEqual(['ar-ridge', 'holt']);
  });

  it('back-tests every model the data allows and a seasonal one wins on a daily cycle', () => {
    const y = hourly(72);
    const s = select(y, 3600, 6);
    expect(s.candidates.map((c) => c.kind).sort()).toEqual(['ar-ridge', 'holt', 'holt-winters', 'seasonal-naive']);
    expect(['holt-winters', 'seasonal-naive', 'ar-ridge']).toContain(s.spec.kind);
    const winner = s.candidates.find((c) => c.kind === s.spec.kind);
    expect(winner?.mae).toBe(Math.min(...s.candidates.map((c) => c.mae)));
    // Holt alone (no season) cannot follow the cycle as well as the winner.
    expect(s.candidates.find((c) => c.kind === 'holt')?.mae).toBeGreaterThan(winner?.mae ?? 0);
    // The next 6 hours are predicted within a few units of the noise-free truth.
    const truth = hourly(78, 7, 0).slice(72);
    const ahead = forecast(s.spec, y, 6);
    ahead.forEach((v, i) => {
      expect(Math.abs(v - (truth[i] as number))).toBeLessThan(3);
    });
  });

  it('fits an autoregression by ridge regression that follows an AR(1) process', () => {
    const rnd = seededRandom(3);
    const y = [0];
    for (let i = 1; i < 400; i++) y.push(0.8 * (y[i - 1] as number) + (rnd.next() - 0.5));
    const spec = fitModel('ar-ridge', y);
    const coef = spec.params.coef as number[];
    expect(coef[0]).toBeGreaterThan(0.6);
    expect(coef[0]).toBeLessThan(0.95);
    // From a value far above the mean the forecast decays back towards it.
    const ahead = forecast(spec, [...y, 10], 20);
    expect(ahead[0]).toBeGreaterThan(5);
    expect(Math.abs(ahead[19] as number)).toBeLessThan(2);
  });

  it('Holt-Winters reproduces a clean seasonal pattern', () => {
    const y = Array.from({ length: 24 * 4 }, (_, h) => 20 + 5 * Math.cos((2 * Math.PI * h) / 24) + 0.01 * h);
    const spec = fitModel('holt-winters', y, 24);
    const ahead = forecast(spec, y, 24);
    ahead.forEach((v, i) => {
      const h = y.length + i;
      expect(v).toBeCloseTo(20 + 5 * Math.cos((2 * Math.PI * h) / 24) + 0.01 * h, 0);
    });
  });
});
