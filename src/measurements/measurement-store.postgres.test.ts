import { describe, expect, it } from 'vitest';
import { binaryArray } from './measurement-copy.postgres.js';

/** Reads back a one-dimensional binary array (array_send's layout). */
function readArray(buf: Buffer): { oid: number; values: number[] } {
  const ndim = buf.readInt32BE(0);
  expect(buf.readInt32BE(4)).toBe(0); // no nulls
  const oid = buf.readInt32BE(8);
  if (ndim === 0) return { oid, values: [] };
  expect([ndim, buf.readInt32BE(16)]).toEqual([1, 1]);
  const n = buf.readInt32BE(12);
  const values: number[] = [];
  let o = 20;
  for (let i = 0; i < n; i++) {
    const len = buf.readInt32BE(o);
    values.push(oid === 701 ? buf.readDoubleBE(o + 4) : oid === 23 ? buf.readInt32BE(o + 4) : Number(buf.readBigInt64BE(o + 4)));
    o += 4 + len;
  }
  expect(o).toBe(buf.length);
  return { oid, values };
}

describe('binaryArray (the rollup columns as binary parameters)', () => {
  it('writes int8, int4 and float8 elements with their type OIDs; every number reads back', () => {
    const big = [0, -1, 2 ** 53 - 1, -(2 ** 40) - 7, 60_000];
    expect(readArray(binaryArray(big.length, 'bigint', (i) => big[i]))).toEqual({ oid: 20, values: big });
    expect(readArray(binaryArray(3, 'int', (i) => [60, 3600, 86400][i]))).toEqual({ oid: 20 + 3, values: [60, 3600, 86400] });
    const floats = [Number.NaN, Number.NEGATIVE_INFINITY, 1e21, 1.5e-7, -0, 5e-324];
    const read = readArray(binaryArray(floats.length, 'float8', (i) => floats[i]));
    expect(read.oid).toBe(701);
    expect(read.values).toEqual(floats);
    expect(Object.is(read.values[4], -0)).toBe(true);
    expect(readArray(binaryArray(0, 'float8', () => 0))).toEqual({ oid: 701, values: [] });
  });

  it('refuses what is not a number, and fractions where an integer goes', () => {
    expect(() => binaryArray(1, 'float8', () => "1}'; drop table rollups; --")).toThrow(TypeError);
    expect(() => binaryArray(1, 'bigint', () => 1.5)).toThrow(TypeError);
    expect(() => binaryArray(1, 'int', () => undefined)).toThrow(TypeError);
  });
});
