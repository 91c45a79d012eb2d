import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { OneLabelHistogram } from './histogram.js';

const BUCKETS = [0.0005, 0.001, 0.01, 0.1, 1];

describe('OneLabelHistogram', () => {
  it('is scraped exactly as prom-client would scrape the same observations', async () => {
    const ours = new Registry();
    const theirs = new Registry();
    const fast = new OneLabelHistogram(ours, 'polder_x_seconds', 'Time of x.', 'transport', BUCKETS);
    const reference = new Histogram({
      name: 'polder_x_seconds',
      help: 'Time of x.',
      labelNames: ['transport'],
      buckets: BUCKETS,
      registers: [theirs],
    });
    // On a bound, between bounds, above every bound, and two label values.
    const observations: [string, number][] = [
      ['mqtt', 0.0005],
      ['mqtt', 0.0007],
      ['mqtt', 0.05],
      ['http', 3],
      ['mqtt', 0],
      ['http', 0.001],
    ];
    for (const [label, v] of observations) {
      fast.observe(label, v);
      reference.observe({ transport: label }, v);
    }
    const lines = async (r: Registry) => (await r.metrics()).trim().split('\n').sort();
    expect(await lines(ours)).toEqual(await lines(theirs));
    expect(await ours.metrics()).toContain('polder_x_seconds_bucket{le="0.001",transport="mqtt"} 3');
    expect(await ours.metrics()).toContain('polder_x_seconds_count{transport="http"} 2');
  });

  it('leaves out values that are not numbers, and is emptied by the registry reset', async () => {
    const registry = new Registry();
    const h = new OneLabelHistogram(registry, 'polder_y_seconds', 'Time of y.', 'worker', BUCKETS);
    h.observe('store', Number.NaN);
    h.observe('store', Number.POSITIVE_INFINITY);
    expect(await registry.metrics()).not.toContain('polder_y_seconds_count');
    h.observe('store', 0.2);
    expect(await registry.metrics()).toContain('polder_y_seconds_count{worker="store"} 1');
    expect(registry.getSingleMetric('polder_y_seconds')).toBe(h);
    registry.resetMetrics();
    expect(await registry.metrics()).not.toContain('polder_y_seconds_count');
  });
});
