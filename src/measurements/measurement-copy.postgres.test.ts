import { describe, expect, it } from 'vitest';
import { inOrder } from './measurement-copy.postgres.js';

describe('binary column read order check', () => {
  it('keeps columns already in order and sorts pairs found out of order, in both orders', () => {
    const sorted = { times: [1, 2, 5], values: [10, 20, 50] };
    expect(inOrder(sorted, 'asc')).toBe(sorted);
    const desc = { times: [5, 2, 1], values: [50, 20, 10] };
    expect(inOrder(desc, 'desc')).toBe(desc);
    const mixed = { times: [2, 5, 1], values: [20, 50, 10] };
    expect(inOrder(mixed, 'asc')).toEqual(sorted);
    expect(inOrder(mixed, 'desc')).toEqual(desc);
    expect(inOrder({ times: [], values: [] }, 'asc')).toEqual({ times: [], values: [] });
  });
});
