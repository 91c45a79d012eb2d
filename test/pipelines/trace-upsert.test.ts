/**
 * The SQLite trace upsert (src/pipelines/traces.store.sqlite.ts), which the writer thread and the
 * writer lane commit a batch's traces with: each trace reads back through the trace store as it
 * was given, one row per id, the last of a batch naming an id twice, and an id stored before
 * updated in place.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TraceRecord } from '../../src/pipelines/pipelines.js';
import { traceRows } from '../../src/pipelines/trace-rows.js';
import { KyselyTraceStore } from '../../src/pipelines/traces.store.js';
import { sqliteTraceUpserter } from '../../src/pipelines/traces.store.sqlite.js';
import { uuidv7 } from '../../src/shared/ids.js';
import { sqliteMemoryDatabase, type TestDatabase } from '../support/databases.js';
import { storedTrace } from '../support/fixtures.js';

const T0 = Date.UTC(2026, 0, 1);

describe('the SQLite trace upsert', () => {
  let tdb: TestDatabase;
  beforeEach(async () => {
    tdb = await sqliteMemoryDatabase();
  });
  afterEach(() => tdb.drop());

  it('stores a batch of traces as given; the last of an id wins; a trace stored before is updated', async () => {
    if (tdb.database.dialect !== 'sqlite') throw new Error('sqlite expected');
    const org = uuidv7();
    const traces = Array.from({ length: 70 }, (_, i) =>
      storedTrace(org, T0 + i, {
        deviceId: i % 3 === 0 ? uuidv7() : null,
        transport: { kind: 'mqtt', topic: `v3/app/devices/d${i}/up` },
        steps: [{ worker: 'ttn-v3', startedAt: T0 + i, durationMs: 0.25 }],
        measurements: i % 4,
        ...(i % 10 === 9 && {
          status: 'failed' as const,
          error: { code: 'DECODE_FAILED', message: `bad ${i}` },
          message: {
            id: 'x',
            orgId: org,
            pipelineId: 'p',
            receivedAt: T0,
            transport: { kind: 'http' },
            payload: 'AQID',
            metadata: {},
            measurements: [],
          },
        }),
      }),
    );
    // The same ids again later in the batch, with another outcome.
    const again = (i: number, status: TraceRecord['status']) => ({ ...(traces[i] as TraceRecord), status, attempts: 2 });
    const batch = traces.map((t, i) =>
      i === 20 ? again(5, 'retrying') : i === 40 ? again(3, 'skipped') : i === 66 ? again(10, 'failed') : t,
    );
    const upsert = sqliteTraceUpserter(tdb.database.sqlite);
    const store = new KyselyTraceStore(tdb.database);
    const expectStored = async (want: Map<string, TraceRecord>) => {
      const count = await tdb.database.db
        .selectFrom('traces')
        .select((e) => e.fn.countAll<number>().as('n'))
        .executeTakeFirst();
      expect(Number(count?.n)).toBe(want.size);
      for (const [id, t] of want) expect(await store.get(org, id)).toEqual(t);
    };

    // Row by row, so that the upsert itself meets each id twice (traceRows keeps one row per id).
    upsert(batch.map((t) => traceRows([t])[0] as (string | number | null)[]));
    const want = new Map(batch.map((t) => [t.id, t]));
    await expectStored(want);
    expect((await store.get(org, traces[5]?.id as string))?.status).toBe('retrying');

    const later = traces
      .slice(0, 40)
      .map((t) => ({ ...t, status: 'stored' as const, error: null, attempts: 3, finishedAt: T0 + 1000 }));
    upsert(traceRows(later));
    for (const t of later) want.set(t.id, t);
    await expectStored(want);
  });
});
