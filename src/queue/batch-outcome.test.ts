import { describe, expect, it } from 'vitest';
import type { PipelineMessage } from '../workers/message.js';
import { checkOutcome, uniqueById } from './batch-outcome.js';

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

  it('answers every id done in the order delivered as done; the same ids in another order too; a stranger among them is left out', () => {
    expect(checkOutcome(['a', 'b', 'c'], { done: ['a', 'b', 'c'], retry: [] })).toEqual({
      done: ['a', 'b', 'c'],
      retry: [],
      unanswered: [],
    });
    expect(checkOutcome(['a', 'b', 'c'], { done: ['c', 'a', 'b'], retry: [] })).toEqual({
      done: ['c', 'a', 'b'],
      retry: [],
      unanswered: [],
    });
    expect(checkOutcome(['a', 'b', 'c'], { done: ['a', 'zz', 'c'], retry: [] })).toEqual({
      done: ['a', 'c'],
      retry: [],
      unanswered: ['b'],
    });
  });
});

describe('uniqueById', () => {
  const m = (id: string, n: number) => ({ id, n }) as unknown as PipelineMessage;
  it('answers the batch itself when no id repeats; else each id once, where it first came, as its last copy', () => {
    const batch = [m('a', 1), m('b', 2)];
    expect(uniqueById(batch)).toBe(batch);
    expect(uniqueById([m('a', 1), m('b', 2), m('a', 3)])).toEqual([m('a', 3), m('b', 2)]);
  });
});
