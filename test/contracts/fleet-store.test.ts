import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertService } from '../../src/alerts/alerts.service.js';
import { KyselyAlertStore } from '../../src/alerts/alerts.store.js';
import { ActivityTracker } from '../../src/fleet/activity-tracker.js';
import { SqlFleetStore } from '../../src/fleet/fleet.store.js';
import { sweepOffline } from '../../src/fleet/offline-sweep.js';
import { createMeasurementStore } from '../../src/measurements/measurement-store.js';
import { uuidv7 } from '../../src/shared/ids.js';
import { fromJsonColumn } from '../../src/shared/json.js';
import { createLogger } from '../../src/shared/logger.js';
import { availableDialects, openTestDatabase, type TestDatabase } from '../support/databases.js';

const dialects = await availableDialects();

describe.each(dialects)('fleet activity and offline sweep on %s', (dialect) => {
  let tdb: TestDatabase;
  let store: SqlFleetStore;
  let alerts: AlertService;
  let tracker: ActivityTracker;
  const orgId = uuidv7();
  const ids: Record<string, string> = {};

  async function device(code: string, offlineAfter: number, enabled = 1) {
    const id = uuidv7();
    ids[code] = id;
    await tdb.database.db
      .insertInto('devices')
      .values({
        id,
        org_id: orgId,
        code,
        properties: '{}',
        config: '{}',
        enabled,
        offline_after: offlineAfter,
        state: enabled ? 'unknown' : 'disabled',
        created_at: 1,
        updated_at: 1,
      } as never)
      .execute();
  }
  const row = (code: string) =>
    tdb.database.db.selectFrom('devices').selectAll().where('id', '=', ids[code]!).executeTakeFirstOrThrow();

  beforeAll(async () => {
    tdb = await openTestDatabase(dialect);
    await tdb.database.db
      .insertInto('organisations')
      .values({ id: orgId, slug: 'o', name: 'o', archive_days: 30, settings: '{}', created_at: 1 })
      .execute();
    const logger = createLogger({ level: 'silent', format: 'json' });
    store = new SqlFleetStore(tdb.database);
    alerts = new AlertService(new KyselyAlertStore(tdb.database.db), () => 0, uuidv7, logger);
    tracker = new ActivityTracker(store, alerts, logger);
    await device('fast', 10);
    await device('slow', 3600);
    await device('off', 10, 0);
  });
  afterAll(() => tdb.drop());

  it('keeps activity in memory until a flush, one entry per device, latest wins', async () => {
    tracker.seen(orgId, ids.fast!, 1_000, { status: 'starting', heap: 100 });
    tracker.seen(orgId, ids.fast!, 2_000);
    tracker.seen(orgId, ids.fast!, 1_500);
    tracker.seen(orgId, ids.slow!, 2_000);
    tracker.seen(orgId, ids.off!, 2_000);
    expect(tracker.pendingCount).toBe(3);
    expect((await row('fast')).last_seen_at).toBeNull();
    await tracker.flush();
    expect(tracker.pendingCount).toBe(0);
    const fast = await row('fast');
    expect(fast.state).toBe('online');
    expect(fast.last_seen_at).toBe(2_000);
    expect(fromJsonColumn(fast.last_status, null)).toEqual({ status: 'starting', heap: 100 });
    expect((await row('off')).state).toBe('disabled');
  });

  it('never moves last_seen_at back and keeps the last status when a message is not a status', async () => {
    tracker.seen(orgId, ids.fast!, 1_200);
    await tracker.flush();
    expect((await row('fast')).last_seen_at).toBe(2_000);
    expect(fromJsonColumn((await row('fast')).last_status, null)).toEqual({ status: 'starting', heap: 100 });
  });

  it('marks silent devices offline with one alert each, and resolves it when they speak again', async () => {
    const swept = await sweepOffline({ activity: tracker, store, alerts, now: 12_001 });
    expect(swept.map((d) => d.code)).toEqual(['fast']);
    expect((await row('fast')).state).toBe('offline');
    expect((await row('slow')).state).toBe('online');
    expect(await sweepOffline({ activity: tracker, store, alerts, now: 20_000 })).toEqual([]);
    const open = await alerts.list(orgId, { status: ['firing'] }, { limit: 10 });
    expect(open.items.map((a) => [a.kind, a.subjectId, a.subjectName])).toEqual([['device_offline', ids.fast, 'fast']]);

    tracker.seen(orgId, ids.fast!, 21_000);
    await tracker.flush();
    expect((await row('fast')).state).toBe('online');
    expect((await alerts.list(orgId, { status: ['firing'] }, { limit: 10 })).items).toEqual([]);
    expect((await alerts.list(orgId, { status: ['resolved'] }, { limit: 10 })).items).toHaveLength(1);
  });

  it('counts activity still in memory as seen when sweeping', async () => {
    tracker.seen(orgId, ids.fast!, 40_000);
    expect(await sweepOffline({ activity: tracker, store, alerts, now: 45_000 })).toEqual([]);
  });

  it('flushes while the hot path commits batches (on SQLite, beside its writer thread)', async () => {
    const measurements = createMeasurementStore(tdb.database);
    // A flush asked beside each batch, before any of them is stored (however loaded the machine),
    // then one every millisecond until they are: many land while the thread holds the write lock.
    const flushes: Promise<unknown>[] = [];
    let at = 50_000;
    const batches = Array.from({ length: 40 }, (_, b) => {
      const batch = measurements.insert(
        Array.from({ length: 500 }, (_, i) => ({ datastreamId: i % 50, time: 60_000 * b + i, value: i })),
      );
      flushes.push(store.applyActivity([{ orgId, deviceId: ids.slow!, at: ++at }]));
      return batch;
    });
    let stored = false;
    const all = Promise.all(batches).then(() => {
      stored = true;
    });
    while (!stored) {
      flushes.push(store.applyActivity([{ orgId, deviceId: ids.slow!, at: ++at }]));
      await new Promise((r) => setTimeout(r, 1));
    }
    await all;
    expect((await Promise.allSettled(flushes)).filter((f) => f.status === 'rejected')).toEqual([]);
    expect((await row('slow')).last_seen_at).toBe(at);
  });
});
