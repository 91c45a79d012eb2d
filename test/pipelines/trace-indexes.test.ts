import type BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TraceRecord, TraceStatus } from '../../src/pipelines/pipelines.js';
import { KyselyTraceStore } from '../../src/pipelines/traces.store.js';
import { uuidv7 } from '../../src/shared/ids.js';
import { availableDialects, openTestDatabase, sqliteDatabase, type TestDatabase } from '../support/databases.js';
import { storedTrace } from '../support/fixtures.js';

/**
 * SQLite indexes traces by status only where they are not `stored`, and has no index of
 * received_at alone (migration 20261204-1800-trace-indexes): listings by status and retention
 * must find the same traces as on PostgreSQL, which keeps both indexes.
 */
const dialects = await availableDialects();
const STATUSES: TraceStatus[] = ['stored', 'skipped', 'retrying', 'failed'];
const orgs = [uuidv7(), uuidv7(), uuidv7()];
const pipeline = uuidv7();
let at = 1_000;
const trace = (orgId: string, status: TraceStatus, receivedAt = at++): TraceRecord =>
  storedTrace(orgId, receivedAt, { pipelineId: pipeline, status, measurements: 0 });

describe.each(dialects)('trace listings by status and retention on %s', (dialect) => {
  let tdb: TestDatabase;
  let store: KyselyTraceStore;
  beforeEach(async () => {
    tdb = await openTestDatabase(dialect);
    store = new KyselyTraceStore(tdb.database);
  });
  afterEach(() => tdb.drop());

  it('lists each status of one organisation newest first, page by page', async () => {
    const all = Array.from({ length: 60 }, (_, i) => trace(orgs[i % 3] as string, STATUSES[(i * 7) % 4] as TraceStatus));
    await store.write(all);
    for (const status of STATUSES) {
      const want = all
        .filter((t) => t.orgId === orgs[1] && t.status === status)
        .map((t) => t.id)
        .reverse();
      expect(want.length).toBeGreaterThan(2);
      const first = await store.list(orgs[1] as string, { status, pipelineId: pipeline }, { limit: 2, count: true });
      expect(first.total).toBe(want.length);
      const rest = await store.list(orgs[1] as string, { status }, { limit: 100, cursor: first.next ?? undefined });
      expect([...first.items, ...rest.items].map((t) => t.id)).toEqual(want);
    }
    expect(await store.failedIds(orgs[2] as string, {}, 100)).toEqual(
      all.filter((t) => t.orgId === orgs[2] && t.status === 'failed').map((t) => t.id),
    );
  });

  it('retention removes the expired traces of every organisation, a chunk at a time, and no other', async () => {
    const old = orgs.flatMap((org) => Array.from({ length: 5 }, (_, i) => trace(org, STATUSES[i % 4] as TraceStatus, 100 + i)));
    const young = orgs.map((org) => trace(org, 'stored', 10_000));
    await store.write([...young, ...old]);
    const removed: number[] = [];
    for (let n = 4; n === 4; removed.push(n)) n = await store.deleteBefore(10_000, 4);
    expect(removed).toEqual([4, 4, 4, 3]);
    const left = await tdb.database.db.selectFrom('traces').select('id').orderBy('id').execute();
    expect(left.map((r) => r.id)).toEqual(young.map((t) => t.id).sort());
  });
});

describe('SQLite reads traces by status and for retention through an index', () => {
  let tdb: TestDatabase;
  let sqlite: BetterSqlite3.Database;
  /** The plan of every statement the store ran, with the parameters it ran it with. */
  let plans: string[][];
  beforeEach(async () => {
    tdb = await sqliteDatabase();
    if (tdb.database.dialect !== 'sqlite') throw new Error('sqlite');
    sqlite = tdb.database.sqlite;
    plans = [];
    const prepare = sqlite.prepare.bind(sqlite);
    const explain = (source: string, params: unknown[]) =>
      plans.push(
        prepare(`explain query plan ${source}`)
          .all(...params)
          .map((r) => (r as { detail: string }).detail),
      );
    sqlite.prepare = ((source: string) => {
      const stmt = prepare(source);
      return new Proxy(stmt, {
        get(target, key) {
          const value = Reflect.get(target, key, target);
          if (typeof value !== 'function') return value;
          if (key !== 'all' && key !== 'run' && key !== 'get' && key !== 'iterate') return value.bind(target);
          return (...params: unknown[]) => {
            if (/^\s*(select|delete)/i.test(source)) explain(source, params);
            return value.apply(target, params);
          };
        },
      });
    }) as typeof sqlite.prepare;
  });
  afterEach(() => tdb.drop());

  it('lists failed traces through the partial index of statuses, and retention seeks each organisation', async () => {
    const store = new KyselyTraceStore(tdb.database);
    await store.write(orgs.map((org) => trace(org, 'failed')));
    plans = [];
    await store.list(orgs[0] as string, { status: 'failed' }, { limit: 10 });
    await store.failedIds(orgs[0] as string, { pipelineId: pipeline }, 10);
    expect(plans.length).toBeGreaterThanOrEqual(2);
    for (const plan of plans)
      expect(plan.join('\n')).toMatch(/USING (COVERING )?INDEX traces_status_time \(org_id=\? AND status=\?\)/);

    plans = [];
    await store.deleteBefore(at, 100);
    const retention = plans.find((p) => p.join('\n').includes('RECURSIVE'));
    expect(retention?.join('\n')).toContain('SEARCH t USING COVERING INDEX traces_org_time (org_id=? AND received_at<?)');
    expect(retention?.some((d) => /^SCAN (traces|t)\b/.test(d))).toBe(false);
  });
});
