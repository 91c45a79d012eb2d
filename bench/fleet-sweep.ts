/**
 * Offline sweep over 100,000 devices (issue 4: under a second), and the batched activity flush.
 * Run: npx tsx bench/fleet-sweep.ts [devices]   (PostgreSQL part needs POLDER_TEST_PG_URL or the local server)
 */
import { AlertService } from '../src/alerts/alerts.service.js';
import { KyselyAlertStore } from '../src/alerts/alerts.store.js';
import { ActivityTracker } from '../src/fleet/activity-tracker.js';
import { SqlFleetStore } from '../src/fleet/fleet.store.js';
import { sweepOffline } from '../src/fleet/offline-sweep.js';
import { uuidv7 } from '../src/shared/ids.js';
import { createLogger } from '../src/shared/logger.js';
import { availableDialects, openTestDatabase } from '../test/support/databases.js';

const N = Number(process.argv[2] ?? 100_000);
const logger = createLogger({ level: 'silent', format: 'json' });

for (const dialect of await availableDialects()) {
  const tdb = await openTestDatabase(dialect);
  const db = tdb.database.db;
  const orgId = uuidv7();
  await db
    .insertInto('organisations')
    .values({ id: orgId, slug: 'bench', name: 'bench', archive_days: 30, settings: '{}', created_at: 0 })
    .execute();
  const ids: string[] = [];
  for (let i = 0; i < N; i += 2000) {
    const rows = Array.from({ length: Math.min(2000, N - i) }, (_, j) => {
      const id = uuidv7();
      ids.push(id);
      return {
        id,
        org_id: orgId,
        code: `dev-${i + j}`,
        properties: '{}',
        config: '{}',
        enabled: 1,
        offline_after: 1800,
        state: 'unknown',
        created_at: 0,
        updated_at: 0,
      };
    });
    await db
      .insertInto('devices')
      .values(rows as never)
      .execute();
  }
  const store = new SqlFleetStore(tdb.database);
  const alerts = new AlertService(new KyselyAlertStore(db), () => 0, uuidv7, logger);
  const tracker = new ActivityTracker(store, alerts, logger);

  // Every device reports once; half of them long ago.
  let t = performance.now();
  for (const [i, id] of ids.entries())
    tracker.seen(orgId, id, i % 2 === 0 ? 1_000 : 10_000_000, { status: 'running', heap: 30_000 });
  const seenMs = performance.now() - t;
  t = performance.now();
  await tracker.flush();
  const flushMs = performance.now() - t;

  t = performance.now();
  const swept = await sweepOffline({ activity: tracker, store, alerts, now: 1_000 + 1_800_000 + 1 });
  const sweepMs = performance.now() - t;
  t = performance.now();
  const again = await sweepOffline({ activity: tracker, store, alerts, now: 1_000 + 1_800_000 + 2 });
  const idleSweepMs = performance.now() - t;

  console.log(
    `fleet ${dialect}: ${N} devices | seen() ${((N / seenMs) * 1000).toFixed(0)}/s in memory | flush ${flushMs.toFixed(0)} ms ` +
      `(${((N / flushMs) * 1000).toFixed(0)} devices/s) | sweep marking ${swept.length} offline + alerts ${sweepMs.toFixed(0)} ms | ` +
      `steady-state sweep (nothing new) ${idleSweepMs.toFixed(0)} ms (${again.length})`,
  );
  await tdb.drop();
}
