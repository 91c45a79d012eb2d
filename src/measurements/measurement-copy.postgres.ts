import type { CompiledQuery } from 'kysely';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { Measurement } from './measurements.js';

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
  const text = query.sql.replace(/\$(\d+)/g, (_, n: string) => {
    const v = query.parameters[Number(n) - 1];
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new Error(`binary read: parameter $${n} is not an integer`);
    return String(v);
  });
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
