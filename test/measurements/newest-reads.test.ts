import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { endOf } from '../../src/db/measurement-ends.js';
import { createMeasurementStore } from '../../src/measurements/measurement-store.js';
import type { MeasurementStore } from '../../src/measurements/measurements.js';
import type { Collection } from '../../src/standards/ogcapi/ogcapi.js';
import { KyselyFeatureStore } from '../../src/standards/ogcapi/ogcapi.store.js';
import { availableDialects, openTestDatabase, type TestDatabase } from '../support/databases.js';
import { createDatastream, createOrganisation } from '../support/fixtures.js';

const T0 = Date.UTC(2026, 0, 1);
const ALL = { from: 0, to: Number.MAX_SAFE_INTEGER };
/** Plan lines of a read that goes through every row: of the view, of the ordered table, or into an index it builds. */
const WHOLE = /CO-ROUTINE measurements|SCAN measurements_folded|AUTOMATIC/;
/** And of a range it sorts (the scalar subqueries sort their two rows, one from each table). */
const SORTED = /TEMP B-TREE/;

/**
 * A datastream's newest and oldest numbers, as the latest-value routes, derived datastreams and
 * OGC API collections read them. On SQLite `measurements` is a view of the ordered table and the
 * recent one, and a recent row may be older than the newest ordered one (late data).
 */
describe.each(await availableDialects())('the newest and oldest number of a datastream on %s', (dialect) => {
  let tdb: TestDatabase;
  let store: MeasurementStore;
  let org: string;
  let ids: { a: number; b: number; c: number };
  /** Every statement SQLite ran, with its plan. */
  let plans: { source: string; plan: string[] }[];

  beforeEach(async () => {
    tdb = await openTestDatabase(dialect);
    store = createMeasurementStore(tdb.database);
    org = await createOrganisation(tdb.database.db, 'ends');
    const a = (await createDatastream(tdb.database.db, org, { observedProperty: 'temperature' })).id;
    const b = (await createDatastream(tdb.database.db, org, { observedProperty: 'temperature' })).id;
    ids = { a, b, c: (await createDatastream(tdb.database.db, org)).id };
    await store.insert([0, 1000, 2000].map((t) => ({ datastreamId: ids.a, time: T0 + t, value: t })));
    const database = tdb.database;
    // A process's first batch moves the recent rows (measurement-writer.sqlite.ts): a's three
    // values end in the ordered table.
    if (database.dialect === 'sqlite')
      await expect.poll(() => database.sqlite.prepare('select count(*) from measurements_folded').pluck().get()).toBe(3);
    // Late values of a (recent on SQLite, between and before the moved ones) and b's only ones.
    await store.insert([
      { datastreamId: ids.a, time: T0 + 500, value: 500 },
      { datastreamId: ids.a, time: T0 - 500, value: -500 },
      { datastreamId: ids.b, time: T0 + 3000, value: 30 },
      { datastreamId: ids.b, time: T0 + 4000, value: 40 },
    ]);
    if (database.dialect === 'sqlite')
      expect(database.sqlite.prepare('select count(*) from measurements_recent').pluck().get()).toBe(4);
    plans = [];
    if (tdb.database.dialect !== 'sqlite') return;
    const sqlite = tdb.database.sqlite;
    const prepare = sqlite.prepare.bind(sqlite);
    sqlite.prepare = ((source: string) => {
      if (/^\s*select/i.test(source))
        plans.push({
          source,
          plan: prepare(`explain query plan ${source}`)
            .all(...Array.from(source.matchAll(/\?/g), () => 1))
            .map((r) => (r as { detail: string }).detail),
        });
      return prepare(source);
    }) as typeof sqlite.prepare;
  });
  afterEach(() => tdb.drop());
  /** No statement SQLite ran has a plan line matching one of `patterns` (and on SQLite, some ran). */
  const expectSeeksOnly = (...patterns: RegExp[]) => {
    for (const { source, plan } of plans)
      expect(
        plan.filter((l) => patterns.some((p) => p.test(l))),
        source,
      ).toEqual([]);
    if (dialect === 'sqlite') expect(plans.length).toBeGreaterThan(0);
  };

  it('reads them as scalar subqueries per datastream (OGC API), each table by its key', async () => {
    const d = tdb.database.dialect;
    const stream = sql`ds.id`;
    const { rows } = await sql<{ id: number; t1: number | null; v1: number | null; t0: number | null }>`
      select ds.id as id, ${endOf(d, 'time', stream, 'desc')} as t1, ${endOf(d, 'value', stream, 'desc')} as v1,
        ${endOf(d, 'time', stream, 'asc')} as t0
      from datastreams ds where ds.org_id = ${org} order by ds.id`.execute(tdb.database.db);
    expect(
      rows.map((r) => [Number(r.id), r.t1 === null ? null : Number(r.t1), r.v1, r.t0 === null ? null : Number(r.t0)]),
    ).toEqual([
      [ids.a, T0 + 2000, 2000, T0 - 500],
      [ids.b, T0 + 4000, 40, T0 + 3000],
      [ids.c, null, null, null],
    ]);
    expectSeeksOnly(WHOLE);
  });

  it('reads them through readRaw (latest values, derived datastreams) without reading whole ranges', async () => {
    // A store made now prepares its statements where `plans` sees them.
    const store = createMeasurementStore(tdb.database);
    const ranges = [ids.c, ids.b, ids.a].map((datastreamId) => ({ datastreamId, ...ALL }));
    const newest = await store.readRaw(ranges, 'desc', 3, 1);
    expect(newest.map((r) => [r.datastreamId, r.time - T0, r.value])).toEqual([
      [ids.a, 2000, 2000],
      [ids.b, 4000, 40],
    ]);
    const oldest = await store.readRaw(ranges, 'asc', 3, 1);
    expect(oldest.map((r) => [r.datastreamId, r.time - T0])).toEqual([
      [ids.a, -500],
      [ids.b, 3000],
    ]);
    // Two ranges of one datastream are merged by time; the limit counts across datastreams.
    const a = (from: number, to: number) => ({ datastreamId: ids.a, from: T0 + from, to: T0 + to });
    const twice = await store.readRaw([a(1000, 3000), a(-1000, 1000)], 'asc', 10);
    expect(twice.map((r) => r.time - T0)).toEqual([-500, 0, 500, 1000, 2000]);
    expect((await store.readRaw(ranges, 'asc', 4)).map((r) => [r.datastreamId, r.time - T0])).toEqual([
      [ids.a, -500],
      [ids.a, 0],
      [ids.a, 500],
      [ids.a, 1000],
    ]);
    expectSeeksOnly(WHOLE, SORTED);
  });

  it("reads them for OGC API's collections (latest values of devices and properties, the extent) by seeks", async () => {
    const features = new KyselyFeatureStore(tdb.database.db, tdb.database.dialect);
    const collection = (kind: Collection['kind'], property?: string) => ({ id: kind, kind, property }) as Collection;
    const items = (c: Collection) => features.items(org, c, { limit: 10, filters: new Map() });
    const property = await items(collection('property', 'temperature'));
    expect(property.features.map((f) => [f.id, f.properties.value, f.properties.time])).toEqual([
      [String(ids.a), 2000, new Date(T0 + 2000).toISOString()],
      [String(ids.b), 40, new Date(T0 + 4000).toISOString()],
    ]);
    const devices = await items(collection('devices'));
    expect(devices.features.map((f) => f.properties.temperature ?? null).sort()).toEqual([2000, 40, null]);
    expect((await features.extent(org, collection('measurements'))).interval).toEqual([T0 - 500, T0 + 4000]);
    expectSeeksOnly(WHOLE);
  });
});
