import type { CompiledQuery } from 'kysely';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { Columns, Measurement, Order, Range } from './measurements.js';

/** PGCOPY\n\377\r\n\0, flags, header extension length (PostgreSQL docs, COPY "Binary Format"). */
const HEADER_BYTES = 19;
/** A tuple of (int8, int8, float8): field count, then each field's length and bytes. */
const TUPLE_BYTES = 2 + 3 * (4 + 8);

/** Array header: dimensions, has-nulls flag, element type, then size and lower bound of the one dimension. */
const ARRAY_HEADER = 20;
/** 2^32: int8 fields are read and written as two 32-bit halves, without a BigInt. */
const HALF = 4294967296;

/** One int8 field's 8 bytes, big-endian, from a safe integer (negative ones too: two's complement). */
function writeInt64(buf: Buffer, v: number, o: number): void {
  const hi = Math.floor(v / HALF);
  buf.writeInt32BE(hi, o);
  buf.writeUInt32BE(v - hi * HALF, o + 4);
}

/**
 * Rows as the body of `copy measurements (datastream_id, time, value) from stdin (format binary)`,
 * in buffers of at most `chunk` rows: the header first, then one tuple (int8, int8, float8) per
 * row, then the trailer. The text format wrote three numbers as text per row, a value in its
 * shortest round-trip form, into a string built piece by piece (garbage on the hot path, see
 * docs/benchmarks.md); here they are written straight into the buffer and the server reads them
 * without parsing.
 */
export function* measurementsCopyBinary(rows: readonly Measurement[], chunk: number): Generator<Buffer> {
  for (let i = 0; i === 0 || i < rows.length; i += chunk) {
    const end = Math.min(rows.length, i + chunk);
    const head = i === 0 ? HEADER_BYTES : 0;
    const tail = end === rows.length ? 2 : 0;
    const buf = Buffer.allocUnsafe(head + (end - i) * TUPLE_BYTES + tail);
    let o = 0;
    if (head > 0) {
      buf.write('PGCOPY\n\xff\r\n\0', 0, 'latin1');
      buf.writeInt32BE(0, 11); // flags: no OIDs
      buf.writeInt32BE(0, 15); // no header extension
      o = HEADER_BYTES;
    }
    for (let j = i; j < end; j++, o += TUPLE_BYTES) {
      const r = rows[j] as Measurement;
      buf.writeInt16BE(3, o);
      buf.writeInt32BE(8, o + 2);
      writeInt64(buf, r.datastreamId, o + 6);
      buf.writeInt32BE(8, o + 14);
      writeInt64(buf, r.time, o + 18);
      buf.writeInt32BE(8, o + 26);
      buf.writeDoubleBE(r.value, o + 30);
    }
    if (tail > 0) buf.writeInt16BE(-1, o);
    yield buf;
  }
}

/** Element types of binaryArray: PostgreSQL's type OID and bytes per element. */
const ELEMENTS = {
  bigint: { oid: 20, bytes: 8 },
  int: { oid: 23, bytes: 4 },
  float8: { oid: 701, bytes: 8 },
} as const;
export type ArrayElement = keyof typeof ELEMENTS;

/**
 * A one-dimensional array without nulls in PostgreSQL's binary format (array_send: dimensions,
 * null flag, element type, size and lower bound, then each element's length and bytes).
 * node-postgres sends a Buffer parameter as binary, so `$1::float8[]` receives the numbers
 * without a character written or parsed on either side. Integer elements must be safe integers
 * (int: 32-bit); float8 takes any number.
 */
export function binaryArray(n: number, type: ArrayElement, at: (i: number) => unknown): Buffer {
  const { oid, bytes } = ELEMENTS[type];
  const header = n === 0 ? 12 : ARRAY_HEADER;
  const buf = Buffer.allocUnsafe(header + n * (4 + bytes));
  buf.writeInt32BE(n === 0 ? 0 : 1, 0);
  buf.writeInt32BE(0, 4);
  buf.writeInt32BE(oid, 8);
  if (n > 0) {
    buf.writeInt32BE(n, 12);
    buf.writeInt32BE(1, 16);
  }
  for (let i = 0, o = header; i < n; i++, o += 4 + bytes) {
    const v = at(i);
    if (typeof v !== 'number' || (type !== 'float8' && !Number.isSafeInteger(v)))
      throw new TypeError(`element ${i} of a ${type}[] is not ${type === 'float8' ? 'a number' : 'an integer'}`);
    buf.writeInt32BE(bytes, o);
    if (type === 'float8') buf.writeDoubleBE(v, o + 4);
    else if (type === 'int') buf.writeInt32BE(v, o + 4);
    else writeInt64(buf, v, o + 4);
  }
  return buf;
}

/**
 * Runs a measurements query (columns datastream id, time, value: int8, int8, float8, never
 * null) as `copy (…) to stdout (format binary)` and decodes the tuples straight into rows. The
 * pg driver would build three strings per row and parse them; this builds one object.
 * COPY takes no bind parameters, so the query's parameters are inlined: they must all be
 * safe integers (ids, times, limits), which is checked.
 */
export async function readMeasurementsBinary(pool: pg.Pool, query: CompiledQuery): Promise<Measurement[]> {
  const text = query.sql.replace(/\$(\d+)/g, (_, n: string) => integer(query.parameters[Number(n) - 1], `$${n}`));
  const client = await pool.connect();
  try {
    const out: Measurement[] = [];
    const stream = client.query(copyTo(`copy (${text}) to stdout (format binary)`));
    let rest: Buffer | undefined;
    let skip = HEADER_BYTES;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const buf = rest ? Buffer.concat([rest, chunk]) : chunk;
      let o = Math.min(skip, buf.length);
      skip -= o;
      while (buf.length - o >= TUPLE_BYTES) {
        if (buf.readInt16BE(o) !== 3) break; // -1: the trailer
        out.push({
          datastreamId: buf.readInt32BE(o + 6) * 4294967296 + buf.readUInt32BE(o + 10),
          time: buf.readInt32BE(o + 18) * 4294967296 + buf.readUInt32BE(o + 22),
          value: buf.readDoubleBE(o + 30),
        });
        o += TUPLE_BYTES;
      }
      rest = o < buf.length ? buf.subarray(o) : undefined;
    }
    return out;
  } finally {
    client.release();
  }
}

function integer(v: unknown, name: string): string {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new Error(`binary read: parameter ${name} is not an integer`);
  return String(v);
}

/**
 * The numbers of one range as columns: the server packs the range into two byte strings
 * (`string_agg` of `int8send(time)` and of `float8send(value)`: 8 bytes an element, big-endian)
 * sent as one binary COPY tuple, read straight into two arrays of numbers. One tuple instead of
 * one per row is about half the server's work, and packed bytes rather than two `array_agg`
 * arrays (a length word per element) another sixth of the read (86,400 rows, medians of 21
 * alternating: 32.5 → 26.7 ms; rows through binary COPY 43 ms, the driver's text rows 52–97 ms).
 * Both come from the same ordered subquery, element by element; the order of an aggregate's
 * input is the subquery's (PostgreSQL aggregates in input order), and is checked anyway: rows
 * found out of order are sorted here.
 */
export async function readColumnsBinary(pool: pg.Pool, range: Range, order: Order, limit: number): Promise<Columns> {
  if (range.from >= range.to || limit < 1) return { times: [], values: [] };
  const dir = order === 'asc' ? 'asc' : 'desc';
  const text = `copy (select string_agg(int8send(time), ''::bytea), string_agg(float8send(value), ''::bytea)
    from (select time, value from measurements
    where datastream_id = ${integer(range.datastreamId, 'datastream')} and time >= ${integer(range.from, 'from')}
    and time < ${integer(range.to, 'to')} order by time ${dir} limit ${integer(limit, 'limit')}) as r) to stdout (format binary)`;
  const client = await pool.connect();
  let buf: Buffer;
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of client.query(copyTo(text)) as AsyncIterable<Buffer>) chunks.push(chunk);
    buf = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
  } finally {
    client.release();
  }
  // One tuple of two fields; a range without rows aggregates to two nulls (length -1).
  let o = HEADER_BYTES + 2;
  const timesLength = buf.readInt32BE(o);
  if (timesLength < 0) return { times: [], values: [] };
  const n = timesLength / 8;
  const times: number[] = new Array(n);
  o += 4;
  for (let i = 0; i < n; i++, o += 8) times[i] = buf.readInt32BE(o) * 4294967296 + buf.readUInt32BE(o + 4);
  o += 4;
  const values: number[] = new Array(n);
  for (let i = 0; i < n; i++, o += 8) values[i] = buf.readDoubleBE(o);
  return inOrder({ times, values }, order);
}

/** The columns in `order` by time: as the server sent them (always, so far), else sorted here. */
export function inOrder(c: Columns, order: Order): Columns {
  const sign = order === 'asc' ? 1 : -1;
  const { times, values } = c;
  let sorted = true;
  for (let i = 1; i < times.length && sorted; i++) sorted = sign * ((times[i] as number) - (times[i - 1] as number)) > 0;
  if (sorted) return c;
  const idx = times.map((_, i) => i).sort((a, b) => sign * ((times[a] as number) - (times[b] as number)));
  return { times: idx.map((i) => times[i] as number), values: idx.map((i) => values[i] as number) };
}
