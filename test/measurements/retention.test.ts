import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partitionStart } from '../../src/measurements/measurement-partitions.postgres.js';
import { MeasurementRetention } from '../../src/measurements/measurement-retention.js';
import { createMeasurementStore } from '../../src/measurements/measurement-store.js';
import type { Measurement, MeasurementStore } from '../../src/measurements/measurements.js';
import { availableDialects, openTestDatabase, type TestDatabase } from '../support/databases.js';
import { createDatastream, createOrganisation, type DatastreamFixture } from '../support/fixtures.js';
import { startTestPolder } from '../support/polder.js';

const dialects = await availableDialects();
const DAY = 86_400_000;
const NOW = Date.UTC(2025, 6, 1, 12);
const ALL = { from: 0, to: Number.MAX_SAFE_INTEGER };

describe.each(dialects)('measurement retention on %s', (dialect) => {
  let tdb: TestDatabase;
  let store: MeasurementStore;
  let streams: (DatastreamFixture & { days: number; since: number })[];
  let rows: Measurement[];

  const everything = async () => {
    const got = await store.readRaw(
      streams.map((s) => ({ datastreamId: s.id, ...ALL })),
      'asc',
      1e7,
    );
    return got;
  };
  const retention = (now: number) =>
    new MeasurementRetention(store, () => now, { rollupRetentionDays: { 60: 90, 3600: 1095, 86400: 0 }, chunk: 500 });

  beforeAll(async () => {
    tdb = await openTestDatabase(dialect);
    store = createMeasurementStore(tdb.database);
    const db = tdb.database.db;
    const week = await createOrganisation(db, 'week', 7);
    const month = await createOrganisation(db, 'month', 30);
    streams = [
      { ...(await createDatastream(db, week)), days: 7, since: NOW - 500 * DAY }, // organisation's 7 days
      { ...(await createDatastream(db, month)), days: 30, since: NOW - 500 * DAY }, // organisation's 30 days
      { ...(await createDatastream(db, month, { archiveDays: 3 })), days: 3, since: NOW - 500 * DAY }, // sensor's 3 days
      // Kept 400 days, but with data only in the last 100: older weeks end up empty, and are dropped.
      { ...(await createDatastream(db, month, { archiveDays: 400 })), days: 400, since: NOW - 100 * DAY },
    ];
    rows = streams.flatMap((s) =>
      Array.from({ length: Math.floor((NOW - s.since) / (6 * 3_600_000)) + 1 }, (_, i) => ({
        datastreamId: s.id,
        time: s.since + i * 6 * 3_600_000,
        value: i,
      })),
    );
    for (let i = 0; i < rows.length; i += 1000) await store.insert(rows.slice(i, i + 1000));
  });
  afterAll(() => tdb.drop());

  const expired = (r: Measurement) => {
    const s = streams.find((x) => x.id === r.datastreamId);
    return r.time < NOW - (s?.days ?? 30) * DAY;
  };

  it('counts in a dry run exactly what a run then deletes, changing nothing', async () => {
    const partitionsBefore = await store.partitions();
    const report = await retention(NOW).run({ dryRun: true });
    expect(report?.dryRun).toBe(true);
    const byDays = Object.fromEntries(report?.raw.map((r) => [r.archiveDays, r.rows]) ?? []);
    for (const days of [3, 7, 30, 400]) {
      const ids = streams.filter((s) => s.days === days).map((s) => s.id);
      expect(byDays[days], `${days} days`).toBe(rows.filter((r) => ids.includes(r.datastreamId) && expired(r)).length);
    }
    // 1-minute rollups older than 90 days: one per row there (rows are 6 h apart).
    expect(report?.rollups.find((r) => r.size === 60)?.rows).toBe(rows.filter((r) => r.time < NOW - 90 * DAY).length);
    expect(report?.rollups.map((r) => r.size)).toEqual([60, 3600]);
    if (dialect === 'postgres') {
      // Only weeks past the longest retention (400 days) go whole in advance.
      expect(report?.partitions.length).toBeGreaterThan(0);
      for (const p of report?.partitions ?? []) expect(p.to).toBeLessThanOrEqual(NOW - 400 * DAY);
    }
    expect(await everything()).toEqual(rows);
    expect(await store.partitions()).toEqual(partitionsBefore);
  });

  it('removes expired rows and old rollups, and nothing else', async () => {
    const before = await store.partitions();
    const report = await retention(NOW).run();
    expect(await everything()).toEqual(rows.filter((r) => !expired(r)));
    expect(report?.raw.reduce((n, r) => n + r.rows, 0)).toBeLessThanOrEqual(rows.filter(expired).length);
    for (const s of streams) {
      const minutes = await store.readRollups({ datastreamId: s.id, ...ALL }, 60, 'asc', 1e6);
      const hours = await store.readRollups({ datastreamId: s.id, ...ALL }, 3600, 'asc', 1e6);
      const days = await store.readRollups({ datastreamId: s.id, ...ALL }, 86400, 'asc', 1e6);
      const mine = rows.filter((r) => r.datastreamId === s.id);
      expect(minutes.map((m) => m.bucket)).toEqual(
        mine.filter((r) => r.time >= NOW - 90 * DAY).map((r) => r.time - (r.time % 60_000)),
      );
      expect(hours).toHaveLength(mine.length);
      expect(new Set(days.map((d) => d.bucket)).size).toBe(new Set(mine.map((r) => r.time - (r.time % DAY))).size);
    }
    if (dialect === 'postgres') {
      const after = await store.partitions();
      const live = new Set((await everything()).map((r) => partitionStart(r.time)));
      // What remains holds rows (or is not over yet); everything that went was empty of live rows.
      for (const p of after) expect(live.has(p.from) || p.to > NOW, p.name).toBe(true);
      const gone = before.filter((p) => !after.some((q) => q.name === p.name));
      for (const p of gone) expect(live.has(p.from), p.name).toBe(false);
      expect(report?.partitions.map((p) => p.name).sort()).toEqual(gone.map((p) => p.name).sort());
      expect(report?.partitions.some((p) => p.reason === 'empty')).toBe(true);
      expect(report?.partitions.some((p) => p.reason === 'expired')).toBe(true);
    }
    // A second run finds nothing more to do.
    const again = await retention(NOW).run();
    expect(again?.raw.every((r) => r.rows === 0)).toBe(true);
    expect(again?.partitions).toEqual([]);
    expect(await everything()).toEqual(rows.filter((r) => !expired(r)));
  });

  it('never runs twice at once', async () => {
    const r = retention(NOW);
    const [x, y] = await Promise.all([r.run(), r.run()]);
    expect([x === undefined, y === undefined].sort()).toEqual([false, true]);
  });
});

describe.each(dialects)('scheduled retention on %s', (dialect) => {
  it('removes expired measurements on schedule', async () => {
    const t = await startTestPolder(dialect, { POLDER_RETENTION_INTERVAL_SECONDS: '1' });
    try {
      const ds = await createDatastream(t.polder.database.db, t.polder.bootstrap.org.id);
      const now = Date.now();
      await t.polder.measurements.insert([
        { datastreamId: ds.id, time: now - 40 * DAY, value: 1 },
        { datastreamId: ds.id, time: now - 31 * DAY, value: 2 },
        { datastreamId: ds.id, time: now - 29 * DAY, value: 3 },
        { datastreamId: ds.id, time: now - 1000, value: 4 },
      ]);
      await t.polder.start();
      const range = [{ datastreamId: ds.id, ...ALL }];
      const store = createMeasurementStore(t.polder.database);
      for (let waited = 0; (await store.countRaw(range)) > 2 && waited < 20_000; waited += 100) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect((await store.readRaw(range, 'asc', 10)).map((r) => r.value)).toEqual([3, 4]);
    } finally {
      await t.close();
    }
  });
});
