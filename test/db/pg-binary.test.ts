import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binaryArray, measurementsCopyBinary } from '../../src/measurements/measurement-copy.postgres.js';
import { postgresDatabase, type TestDatabase } from '../support/databases.js';
import { serviceAvailable } from '../support/services.js';

/** The hot path's binary writes, as PostgreSQL itself reads them: COPY tuples and array parameters. */
describe.runIf(await serviceAvailable('postgres'))('binary COPY and binary array parameters on PostgreSQL', () => {
  let tdb: TestDatabase;
  beforeAll(async () => {
    tdb = await postgresDatabase();
  });
  afterAll(() => tdb?.drop());
  const pool = () => {
    if (tdb.database.dialect !== 'postgres') throw new Error('postgres expected');
    return tdb.database.pool;
  };

  it('COPY (format binary) stores every row as written, across chunks', async () => {
    const rows = [
      { datastreamId: 1, time: -(2 ** 40) - 3, value: -273.15 },
      { datastreamId: 2 ** 32 + 5, time: 0, value: 1e-300 },
      { datastreamId: 2 ** 53 - 1, time: 2 ** 53 - 1, value: Number.MAX_VALUE },
      { datastreamId: 3, time: Date.UTC(2026, 11, 4), value: Number.NEGATIVE_INFINITY },
      { datastreamId: 4, time: 1, value: 1 / 3 },
    ];
    const client = await pool().connect();
    try {
      await client.query('create temporary table copied (datastream_id bigint, time bigint, value float8)');
      const copy = client.query(copyFrom('copy copied (datastream_id, time, value) from stdin (format binary)'));
      await pipeline(Readable.from(measurementsCopyBinary(rows, 2)), copy);
      const back = await client.query('select datastream_id as "datastreamId", time, value from copied order by datastream_id');
      expect(back.rows).toEqual([...rows].sort((a, b) => a.datastreamId - b.datastreamId));
    } finally {
      client.release();
    }
  });

  it('an int8[], int4[] and float8[] parameter arrive as the numbers written', async () => {
    const big = [-(2 ** 40) - 7, 0, 2 ** 53 - 1];
    const floats = [Number.NaN, -0.5, 1e21, 1.5e-7];
    const r = await pool().query({
      text: 'select $1::bigint[] as b, $2::int[] as i, $3::float8[] as f, cardinality($4::float8[]) as none',
      values: [
        binaryArray(big.length, 'bigint', (i) => big[i]),
        binaryArray(2, 'int', (i) => [60, 86400][i]),
        binaryArray(floats.length, 'float8', (i) => floats[i]),
        binaryArray(0, 'float8', () => 0),
      ],
    });
    const row = r.rows[0];
    expect(row.b.map(Number)).toEqual(big);
    expect(row.i).toEqual([60, 86400]);
    expect(row.f).toEqual(floats);
    expect(row.none).toBe(0);
  });
});
