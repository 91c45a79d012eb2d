import { describe, expect, it } from 'vitest';
import { inOrder, measurementsCopyBinary } from './measurement-copy.postgres.js';
import type { Measurement } from './measurements.js';

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

/** Reads a binary COPY body back (PostgreSQL docs, COPY "Binary Format"), checking every length. */
function readCopyBody(buf: Buffer): Measurement[] {
  expect(buf.subarray(0, 11).equals(Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'))).toBe(true);
  expect([buf.readInt32BE(11), buf.readInt32BE(15)]).toEqual([0, 0]);
  const rows: Measurement[] = [];
  let o = 19;
  for (let fields = buf.readInt16BE(o); fields !== -1; fields = buf.readInt16BE(o)) {
    expect(fields).toBe(3);
    expect([buf.readInt32BE(o + 2), buf.readInt32BE(o + 14), buf.readInt32BE(o + 26)]).toEqual([8, 8, 8]);
    rows.push({
      datastreamId: Number(buf.readBigInt64BE(o + 6)),
      time: Number(buf.readBigInt64BE(o + 18)),
      value: buf.readDoubleBE(o + 30),
    });
    o += 38;
  }
  expect(o + 2).toBe(buf.length);
  return rows;
}

describe('binary COPY body of measurements', () => {
  const rows: Measurement[] = [
    { datastreamId: 1, time: 0, value: 0 },
    { datastreamId: 2 ** 32 + 5, time: -1, value: -0 },
    { datastreamId: 2 ** 53 - 1, time: -(2 ** 40) - 3, value: 1e-300 },
    { datastreamId: 7, time: Date.UTC(2026, 11, 4, 12), value: -273.15 },
    { datastreamId: 8, time: 2 ** 53 - 1, value: Number.MAX_VALUE },
  ];

  it('writes header, one (int8, int8, float8) tuple per row and the trailer; every number reads back', () => {
    const [body, ...more] = [...measurementsCopyBinary(rows, 10_000)];
    expect(more).toEqual([]);
    const read = readCopyBody(body as Buffer);
    expect(read).toEqual(rows);
    expect(Object.is(read[1]?.value, -0)).toBe(true);
  });

  it('splits into buffers of at most `chunk` rows that make the same body; no rows is header and trailer', () => {
    const chunks = [...measurementsCopyBinary(rows, 2)];
    expect(chunks).toHaveLength(3);
    expect(Buffer.concat(chunks).equals([...measurementsCopyBinary(rows, 10_000)][0] as Buffer)).toBe(true);
    const empty = [...measurementsCopyBinary([], 2)];
    expect(empty).toHaveLength(1);
    expect(readCopyBody(empty[0] as Buffer)).toEqual([]);
  });
});
