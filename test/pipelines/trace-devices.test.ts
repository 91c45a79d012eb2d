import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../src/db/database.js';
import { sqliteWriterOf } from '../../src/db/sqlite-writer.js';
import type { TraceRecord } from '../../src/pipelines/pipelines.js';
import { KyselyTraceStore } from '../../src/pipelines/traces.store.js';
import { sqliteTraceDeviceFolder } from '../../src/pipelines/traces.store.sqlite.js';
import { uuidv7 } from '../../src/shared/ids.js';
import { sqliteDatabase, sqliteDatabaseAt, sqliteMemoryDatabase, type TestDatabase } from '../support/databases.js';
import { storedTrace } from '../support/fixtures.js';

/**
 * SQLite lists a device's traces through `trace_devices`, filled from the appended traces in
 * batches (migration 20261204-0840-trace-devices): whatever the fold has not reached yet, a
 * listing must still show, and a trace must show under the device it has now.
 */
describe.each([
  ['a file database: the fold runs on the writer thread', sqliteDatabase, true],
  [':memory:: the fold runs on the connection', sqliteMemoryDatabase, false],
] as const)('traces by device on SQLite (trace_devices, folded from the appended traces), %s', (_, open, threaded) => {
  let tdb: TestDatabase;
  let store: KyselyTraceStore;
  const org = uuidv7();
  const pipeline = uuidv7();
  const [a, b] = [uuidv7(), uuidv7()];
  let at = 1_000;
  const trace = (deviceId: string | null, over: Partial<TraceRecord> = {}): TraceRecord =>
    storedTrace(org, at++, { pipelineId: pipeline, deviceId, ...over });
  const ofDevice = async (deviceId: string, limit = 100) =>
    (await store.list(org, { deviceId }, { limit })).items.map((t) => t.id);
  const entries = async () =>
    new Map(
      (await tdb.database.db.selectFrom('trace_devices').select(['id', 'device_id']).execute()).map((r) => [r.id, r.device_id]),
    );
  const folds = async () =>
    (await tdb.database.db.selectFrom('trace_device_folds').selectAll().execute()).map((r) => r.folded_rowid);

  beforeEach(async () => {
    tdb = await open();
    store = new KyselyTraceStore(tdb.database);
    expect(sqliteWriterOf(tdb.database) !== undefined).toBe(threaded);
  });
  afterEach(() => tdb.drop());

  it('lists traces not folded yet, newest first, page by page; the fold then has nothing left', async () => {
    const ofA = Array.from({ length: 5 }, () => trace(a));
    await store.write([...ofA, trace(b), trace(null)]);
    expect(await tdb.database.db.selectFrom('trace_devices').selectAll().execute()).toEqual([]);
    const first = await store.list(org, { deviceId: a }, { limit: 3, count: true });
    expect(first.items.map((t) => t.id)).toEqual(
      ofA
        .map((t) => t.id)
        .reverse()
        .slice(0, 3),
    );
    expect(first.total).toBe(5);
    const second = await store.list(org, { deviceId: a }, { limit: 3, cursor: first.next as string });
    expect(second.items.map((t) => t.id)).toEqual([ofA[1]?.id, ofA[0]?.id]);
    expect(await store.foldDevices()).toBe(0);
    expect(await folds()).toEqual([7]);
    // Filters apply as on the traces themselves.
    await store.write([trace(a, { status: 'failed', error: { code: 'X', message: 'x' } })]);
    expect((await store.list(org, { deviceId: a, status: 'failed' }, { limit: 10 })).items).toHaveLength(1);
    expect(await store.failedIds(org, { deviceId: a }, 10)).toHaveLength(1);
    expect((await store.list(org, { deviceId: a, start: ofA[4]?.receivedAt }, { limit: 10 })).items).toHaveLength(2);
  });

  it('shows a trace under the device it has now, when that changed after the fold (a retry that found it)', async () => {
    const t = trace(null, { status: 'retrying' });
    const moved = trace(a);
    await store.write([t, moved]);
    expect(await store.foldDevices()).toBe(2);
    await store.write([
      { ...t, deviceId: b, status: 'stored', attempts: 2 },
      { ...moved, deviceId: b, attempts: 2 },
    ]);
    expect(await ofDevice(b)).toEqual([moved.id, t.id]);
    expect(await ofDevice(a)).toEqual([]);
    // One entry per trace, under its device now: the one under `a` went when the device changed.
    expect(await entries()).toEqual(
      new Map([
        [moved.id, b],
        [t.id, b],
      ]),
    );
    // A device taken away (null) takes the entry with it.
    await store.write([{ ...moved, deviceId: null, attempts: 3 }]);
    expect(await entries()).toEqual(new Map([[t.id, b]]));
    expect(await ofDevice(b)).toEqual([t.id]);
  });

  it('retention removes the entries with their traces; rowids given again after it are folded', async () => {
    const old = [trace(a), trace(a)];
    const kept = trace(b, { receivedAt: at + 1_000 });
    await store.write([...old, kept]);
    expect(await ofDevice(a)).toHaveLength(2);
    expect(await store.deleteBefore(at, 100)).toBe(2);
    expect(await entries()).toEqual(new Map([[kept.id, b]]));
    expect(await store.deleteBefore(at + 2_000, 100)).toBe(1);
    expect(await entries()).toEqual(new Map());
    // The table is empty: SQLite gives the next trace rowid 1 again, below the mark it had.
    const fresh = trace(a);
    await store.write([fresh]);
    expect(await ofDevice(a)).toEqual([fresh.id]);
  });

  it('folds chunk by chunk up to the newest trace; a fold beside a write leaves nothing unfolded behind it', async () => {
    if (tdb.database.dialect !== 'sqlite') throw new Error('sqlite expected');
    const many = Array.from({ length: 7 }, (_, i) => trace(i % 2 === 0 ? a : b));
    await store.write(many);
    // One chunk at a time, as each transaction of the fold (TRACE_FOLD_CHUNK rowids) goes.
    const chunk = sqliteTraceDeviceFolder(tdb.database.sqlite);
    expect([chunk(3), chunk(3), chunk(3), chunk(3)]).toEqual([3, 3, 1, 0]);
    expect(await folds()).toEqual([7]);
    const more = Array.from({ length: 50 }, () => trace(a));
    await store.write(more);
    const late = trace(b);
    const [folded] = await Promise.all([store.foldDevices(), store.write([late])]);
    expect(folded === 50 || folded === 51).toBe(true);
    expect(await store.foldDevices()).toBe(51 - folded);
    expect(await folds()).toEqual([58]);
    const rows = await tdb.database.db.selectFrom('trace_devices').select(['id', 'device_id']).execute();
    expect(rows).toHaveLength(58);
    const byId = new Map(rows.map((r) => [r.id, r.device_id]));
    for (const t of [...many, ...more, late]) expect(byId.get(t.id)).toBe(t.deviceId);
  });
});

describe('migration 20261205-1600-trace-devices-exact on a database with folded traces', () => {
  it('removes the entries left under a device a trace no longer has, and the index by time', async () => {
    const { database } = await sqliteDatabaseAt('20261205-0900-recent-by-time');
    try {
      const store = new KyselyTraceStore(database);
      const org = uuidv7();
      const [a, b] = [uuidv7(), uuidv7()];
      const [kept, moved] = [storedTrace(org, 1_000, { deviceId: a }), storedTrace(org, 1_001, { deviceId: a })];
      await store.write([kept, moved]);
      expect(await store.foldDevices()).toBe(2);
      // The old trigger added the entry under b and left the one under a.
      await store.write([{ ...moved, deviceId: b, attempts: 2 }]);
      // Each entry as `trace@device`, sorted.
      const entries = () =>
        (database.sqlite.prepare('select id, device_id from trace_devices').raw().all() as string[][])
          .map(([id, device]) => `${id}@${device}`)
          .sort();
      expect(entries()).toEqual([`${kept.id}@${a}`, `${moved.id}@${a}`, `${moved.id}@${b}`].sort());
      expect(await migrateToLatest(database)).toContain('20261205-1600-trace-devices-exact');
      expect(entries()).toEqual([`${kept.id}@${a}`, `${moved.id}@${b}`].sort());
      const indexes = database.sqlite
        .prepare("select name from sqlite_master where type = 'index' and tbl_name = 'trace_devices'")
        .pluck()
        .all();
      expect(indexes).not.toContain('trace_devices_received');
    } finally {
      await database.close();
    }
  });
});
