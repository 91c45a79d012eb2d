import type { CompiledQuery } from 'kysely';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { Columns, Measurement, Order, Range } from './measurements.js';

/** PGCOPY\n\377\r\n\0, flags, header extension length (PostgreSQL docs, COPY "Binary Format"). */
const HEADER_BYTES = 19;
/** A tuple of (int8, int8, float8): field count, then each field's length and bytes. */
const TUPLE_BYTES = 2 + 3 * (4 + 8);

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

/** Array header: dimensions, has-nulls flag, element type, then size and lower bound of the one dimension. */
const ARRAY_HEADER = 20;

/**
 * The numbers of one range as columns: the server folds the range into two arrays
 * (`array_agg` of int8 and of float8) sent as one binary COPY tuple, decoded straight into
 * two arrays of numbers. One tuple instead of one per row is about half the server's work and
 * nothing is built per row but the two numbers (measured on 86,400 rows: rows through binary
 * COPY 43 ms, the two arrays 21 ms, the driver's text rows 52–97 ms).
 * Both arrays come from the same ordered subquery, element by element; the order of
 * `array_agg`'s input is the subquery's (PostgreSQL aggregates in input order), and is checked
 * anyway: rows found out of order are sorted here.
 */
export async function readColumnsBinary(pool: pg.Pool, range: Range, order: Order, limit: number): Promise<Columns> {
  if (range.from >= range.to || limit < 1) return { times: [], values: [] };
  const dir = order === 'asc' ? 'asc' : 'desc';
  const text = `copy (select array_agg(time), array_agg(value) from (select time, value from measurements
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
  const n = buf.readInt32BE(o + 4 + 12);
  const times: number[] = new Array(n);
  o += 4 + ARRAY_HEADER;
  for (let i = 0; i < n; i++, o += 12) times[i] = buf.readInt32BE(o + 4) * 4294967296 + buf.readUInt32BE(o + 8);
  o += 4 + ARRAY_HEADER;
  const values: number[] = new Array(n);
  for (let i = 0; i < n; i++, o += 12) values[i] = buf.readDoubleBE(o + 4);
  return inOrder({ times, values }, order);
}

function inOrder(c: Columns, order: Order): Columns {
  const sign = order === 'asc' ? 1 : -1;
  const { times, values } = c;
  let sorted = true;
  for (let i = 1; i < times.length && sorted; i++) sorted = sign * ((times[i] as number) - (times[i - 1] as number)) > 0;
  if (sorted) return c;
  const idx = times.map((_, i) => i).sort((a, b) => sign * ((times[a] as number) - (times[b] as number)));
  return { times: idx.map((i) => times[i] as number), values: idx.map((i) => values[i] as number) };
}
