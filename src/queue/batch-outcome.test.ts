import { describe, expect, it } from 'vitest';
import { checkOutcome } from './batch-outcome.js';

describe('checkOutcome', () => {
  it('keeps ids of the batch only, retry over done, and lists the unanswered', () => {
    const out = checkOutcome(['a', 'b', 'c', 'd'], {
      done: ['a', 'b', 'zz'],
      retry: [
        { id: 'b', delayMs: 1000 },
        { id: 'c', delayMs: -5 },
        { id: 'yy', delayMs: 10 },
      ],
    });
    expect(out).toEqual({
      done: ['a'],
      retry: [
        { id: 'b', delayMs: 1000 },
        { id: 'c', delayMs: 0 },
      ],
      unanswered: ['d'],
    });
  });

  it('makes a delay a whole number of ms and a non-number delay 0', () => {
    const out = checkOutcome(['a', 'b'], {
      done: [],
      retry: [
        { id: 'a', delayMs: 1.6 },
        { id: 'b', delayMs: Number.NaN },
      ],
    });
    expect(out.retry).toEqual([
      { id: 'a', delayMs: 2 },
      { id: 'b', delayMs: 0 },
    ]);
  });
});
