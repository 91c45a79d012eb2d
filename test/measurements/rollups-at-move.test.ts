import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMeasurementStore } from '../../src/measurements/measurement-store.js';
import type { MeasurementStore, Rollup } from '../../src/measurements/measurements.js';
import { observationKey } from '../../src/standards/sensorthings/entities.js';
import { key, staClient } from '../standards/sensorthings/sta-client.js';
import { sqliteDatabase, sqliteDatabaseAt, sqliteMemoryDatabase, type TestDatabase } from '../support/databases.js';
import { createDatastream, createOrganisation } from '../support/fixtures.js';
import { startTestPolder } from '../support/polder.js';

const T0 = Date.UTC(2026, 0, 1);
const MINUTE = 60_000;
const HOUR = 3_600_000;

/** What a read answers, without the keys every bucket shares. */
const buckets = (rows: Rollup[]) => rows.map((r) => [r.bucket - T0, r.count, r.sum, r.firstValue, r.lastValue]);

/**
 * SQLite stores a row's rollups when it moves out of the recent table (migration
 * 20261205-1900-rollups-at-move): readers of rollups, retention and the fold move the recent rows
 * first, and rebuilds count the moved rows only, so every row counts once, whichever path stores,
 * edits or moves it.
 */
describe.each([
  ['a file database (writer thread)', sqliteDatabase],
  [':memory:', sqliteMemoryDatabase],
] as const)('rollups stored at the move, %s', (_, open) => {
  let tdb: TestDatabase;
  let store: MeasurementStore;
  let ds: number;
  /** The stored 1-minute rollups as the table holds them (no move first). */
  const stored = () => {
    if (tdb.database.dialect !== 'sqlite') throw new Error('sqlite expected');
    return tdb.database.sqlite
      .prepare('select bucket - ? as bucket, count, sum from rollups where datastream_id = ? and size = 60 order by bucket')
      .raw()
      .all(T0, ds);
  };
  const recent = () => {
    if (tdb.database.dialect !== 'sqlite') throw new Error('sqlite expected');
    return tdb.database.sqlite.prepare('select count(*) from measurements_recent').pluck().get();
  };
  const minutes = (from = T0, to = T0 + HOUR) => store.readRollups({ datastreamId: ds, from, to }, 60, 'asc', 100);

  beforeEach(async () => {
    tdb = await open();
    store = createMeasurementStore(tdb.database);
    const org = await createOrganisation(tdb.database.db, 'at-move', 7);
    ds = (await createDatastream(tdb.database.db, org)).id;
    // The first batch of a process moves at once (an earlier process may have left rows); later ones stay recent.
    const other = (await createDatastream(tdb.database.db, org)).id;
    await store.insert([{ datastreamId: other, time: T0, value: 0 }]);
    await expect.poll(recent).toBe(0);
  });
  afterEach(() => tdb.drop());

  it('counts a batch once its rows move: a read of rollups moves them first, and a second read finds them stored', async () => {
    await store.insert([
      { datastreamId: ds, time: T0 + 1000, value: 1 },
      { datastreamId: ds, time: T0 + 2000, value: 2 },
      { datastreamId: ds, time: T0 + MINUTE, value: 10 },
    ]);
    expect(stored()).toEqual([]);
    expect(buckets(await minutes())).toEqual([
      [0, 2, 3, 1, 2],
      [MINUTE, 1, 10, 10, 10],
    ]);
    expect(recent()).toBe(0);
    expect(stored()).toEqual([
      [0, 2, 3],
      [MINUTE, 1, 10],
    ]);
    // A later row of a bucket already stored merges into it at its move, counted once.
    await store.insert([{ datastreamId: ds, time: T0 + 500, value: 4 }]);
    expect(buckets(await minutes())).toEqual([
      [0, 3, 7, 4, 2],
      [MINUTE, 1, 10, 10, 10],
    ]);
    expect(buckets(await minutes())).toEqual(buckets(await minutes()));
    // The same rows stored again change nothing.
    expect(await store.insert([{ datastreamId: ds, time: T0 + 500, value: 4 }])).toEqual([]);
    expect(buckets(await minutes())).toEqual([
      [0, 3, 7, 4, 2],
      [MINUTE, 1, 10, 10, 10],
    ]);
  });

  it('puts a late row (before the fold mark) into its hour and day at the move, and reads fold it in', async () => {
    await store.insert([{ datastreamId: ds, time: T0 + 1000, value: 1 }]);
    // Folded up to 3 hours later: the first hour is whole in the table.
    expect(await store.foldRollups(T0 + 3 * HOUR)).toBe(T0 + 3 * HOUR);
    const hours = () => store.readRollups({ datastreamId: ds, from: T0, to: T0 + 3 * HOUR }, 3600, 'asc', 10);
    expect(buckets(await hours())).toEqual([[0, 1, 1, 1, 1]]);
    await store.insert([{ datastreamId: ds, time: T0 + 2000, value: 5 }]);
    expect(recent()).toBe(1);
    expect(buckets(await hours())).toEqual([[0, 2, 6, 1, 5]]);
    const days = await store.readRollups({ datastreamId: ds, from: T0, to: T0 + 24 * HOUR }, 86400, 'asc', 10);
    expect(buckets(days)).toEqual([[0, 2, 6, 1, 5]]);
  });

  it('replaces a range beside recent rows of the same buckets: each row counted once', async () => {
    await store.insert([
      { datastreamId: ds, time: T0 + 1000, value: 1 },
      { datastreamId: ds, time: T0 + 40_000, value: 2 },
    ]);
    await minutes();
    // Recent rows on both sides of the range, in the range's buckets.
    await store.insert([
      { datastreamId: ds, time: T0 + 5000, value: 3 },
      { datastreamId: ds, time: T0 + 50_000, value: 4 },
    ]);
    await store.replace(ds, T0 + 30_000, T0 + 45_000, [{ datastreamId: ds, time: T0 + 35_000, value: 20 }]);
    // Left: 1 (stored), 3 (recent), 20 (the replacement), 4 (recent); 2 replaced.
    expect(buckets(await minutes())).toEqual([[0, 4, 28, 1, 4]]);
    expect(buckets(await minutes())).toEqual([[0, 4, 28, 1, 4]]);
  });

  it('expires raw rows only once their rollups are stored', async () => {
    await store.insert([{ datastreamId: ds, time: T0 + 1000, value: 7 }]);
    expect(stored()).toEqual([]);
    // Everything is past a retention of 7 days at T0 + 30 days.
    expect(await store.deleteExpired(7, T0 + 30 * 24 * HOUR, 1000)).toBeGreaterThan(0);
    expect(await store.countRaw([{ datastreamId: ds, from: 0, to: Number.MAX_SAFE_INTEGER }])).toBe(0);
    expect(stored()).toEqual([[0, 1, 7]]);
  });
});

describe('migration 20261205-1900-rollups-at-move on a database with recent rows', () => {
  it('moves the recent rows the earlier code counted already, so that no move counts them again', async () => {
    const { database, migrator } = await sqliteDatabaseAt('20261205-1600-trace-devices-exact');
    try {
      const org = await createOrganisation(database.db, 'upgrade', 7);
      const ds = (await createDatastream(database.db, org)).id;
      // As the earlier writer left them: a recent row with its 1-minute rollup stored.
      database.sqlite
        .prepare('insert into measurements_recent (datastream_id, time, value) values (?, ?, ?)')
        .run(ds, T0 + 1000, 3);
      database.sqlite
        .prepare(`insert into rollups (datastream_id, size, bucket, count, sum, min, max, first_time, first_value, last_time, last_value)
          values (?, 60, ?, 1, 3, 3, 3, ?, 3, ?, 3)`)
        .run(ds, T0, T0 + 1000, T0 + 1000);
      const upgrade = await migrator.migrateTo('20261205-1900-rollups-at-move');
      expect(upgrade.error).toBeUndefined();
      expect(database.sqlite.prepare('select count(*) from measurements_recent').pluck().get()).toBe(0);
      expect(database.sqlite.prepare('select count(*) from recent_streams').pluck().get()).toBe(0);
      const store = createMeasurementStore(database);
      expect(await store.countRaw([{ datastreamId: ds, from: 0, to: Number.MAX_SAFE_INTEGER }])).toBe(1);
      await store.insert([{ datastreamId: ds, time: T0 + 2000, value: 4 }]);
      const read = await store.readRollups({ datastreamId: ds, from: T0, to: T0 + HOUR }, 60, 'asc', 10);
      expect(buckets(read)).toEqual([[0, 2, 7, 3, 4]]);
    } finally {
      await database.close();
    }
  });
});

describe('SensorThings edits of an Observation still in the recent table (SQLite)', () => {
  it('rebuilds its buckets from the moved rows: the edited and deleted rows count once, as they are now', async () => {
    const t = await startTestPolder('sqlite');
    try {
      const sta = staClient(t);
      const thing = sta.idOf(await sta.post('Things', { name: 'thing', description: 'a thing' }));
      const sensor = sta.idOf(
        await sta.post('Sensors', { name: 's', description: 'a sensor', encodingType: 'application/pdf', metadata: 'x.pdf' }),
      );
      const property = sta.idOf(
        await sta.post('ObservedProperties', { name: 'p', definition: 'urn:example:p', description: 'p' }),
      );
      const datastream = await sta.post('Datastreams', {
        name: 'ds',
        description: 'ds',
        unitOfMeasurement: { name: 'degree Celsius', symbol: 'Cel', definition: 'http://unitsofmeasure.org/ucum.html#para-30' },
        observationType: 'http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement',
        Thing: { '@iot.id': thing },
        Sensor: { '@iot.id': sensor },
        ObservedProperty: { '@iot.id': property },
      });
      expect(datastream.statusCode, datastream.body).toBe(201);
      const observe = async (second: number, result: number) => {
        const res = await sta.post(`Datastreams${key(sta.idOf(datastream))}/Observations`, {
          phenomenonTime: new Date(T0 + second * 1000).toISOString(),
          result,
        });
        expect(res.statusCode, res.body).toBe(201);
        return sta.idOf(res);
      };
      const ids = [await observe(1, 1), await observe(2, 2), await observe(3, 3)];
      const dsId = observationKey(String(ids[0]))?.dsId as number;
      const store = createMeasurementStore(t.polder.database);
      const minute = () => store.readRollups({ datastreamId: dsId, from: T0, to: T0 + HOUR }, 60, 'asc', 10);
      expect(buckets(await minute())).toEqual([[0, 3, 6, 1, 3]]);
      // Two more, still recent when edited: one changed, one deleted; and a moved one changed.
      const [four, five] = [await observe(4, 4), await observe(5, 5)];
      expect((await sta.patch(`Observations${key(four)}`, { result: 40 })).statusCode).toBe(200);
      expect((await sta.del(`Observations${key(five)}`)).statusCode).toBe(200);
      expect((await sta.patch(`Observations${key(ids[0] as string | number)}`, { result: 10 })).statusCode).toBe(200);
      expect(buckets(await minute())).toEqual([[0, 4, 55, 10, 40]]);
      expect(buckets(await minute())).toEqual([[0, 4, 55, 10, 40]]);
    } finally {
      await t.close();
    }
  });
});
