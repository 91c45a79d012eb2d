import { describe, expect, it } from 'vitest';
import { Backoff, backoffDelay } from './backoff.js';

describe('backoffDelay', () => {
  it('doubles from the base up to the cap, without jitter when asked', () => {
    const p = { baseMs: 1000, maxMs: 60_000, jitter: 0 };
    expect([0, 1, 2, 3, 4, 5, 6, 7, 49, 5000].map((a) => backoffDelay(a, p))).toEqual([
      1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000, 60000,
    ]);
    expect(backoffDelay(-3, p)).toBe(1000);
  });

  it('spreads the delay by the jitter fraction around the capped value', () => {
    const p = { baseMs: 1000, maxMs: 4000, jitter: 0.5 };
    expect(backoffDelay(1, p, () => 0)).toBe(1000);
    expect(backoffDelay(1, p, () => 0.5)).toBe(2000);
    expect(backoffDelay(1, p, () => 0.999999)).toBe(3000);
    expect(backoffDelay(9, p, () => 0.999999)).toBe(6000);
    const seen = new Set(Array.from({ length: 50 }, () => backoffDelay(2, { baseMs: 1000, maxMs: 60_000 })));
    for (const d of seen) {
      expect(d).toBeGreaterThanOrEqual(3200);
      expect(d).toBeLessThanOrEqual(4800);
    }
    expect(seen.size).toBeGreaterThan(1);
  });
});

describe('Backoff', () => {
  it('counts retries and starts over after reset', () => {
    const b = new Backoff({ baseMs: 500, maxMs: 30_000, jitter: 0 });
    expect([b.next(), b.next(), b.next()]).toEqual([500, 1000, 2000]);
    b.reset();
    expect(b.next()).toBe(500);
  });
});
