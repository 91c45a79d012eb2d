import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMeasurementStore } from '../../src/measurements/measurement-store.js';
import type { TraceStep } from '../../src/pipelines/pipelines.js';
import { KyselyTraceStore } from '../../src/pipelines/traces.store.js';
import { uuidv7 } from '../../src/shared/ids.js';
import { availableDialects, openTestDatabase, type TestDatabase } from '../support/databases.js';
import { createDatastream, createOrganisation, storedTrace } from '../support/fixtures.js';

/**
 * The `steps` column keeps a step without error or logs as `[worker, startedAt, durationMs]`
 * (src/pipelines/trace-rows.ts stepsText): every path that writes traces stores that form, and
 * reads give back the steps as they were, including rows that stored every step as an object.
 */
const dialects = await availableDialects();
const T0 = Date.UTC(2026, 0, 1);
const steps: TraceStep[] = [
  { worker: 'ttn-v3', startedAt: T0 + 1, durationMs: 0.123 },
  { worker: 'script:"quoted"', startedAt: T0 + 2, durationMs: 4.5, logs: [{ level: 'warn', message: 'no unit' }] },
  { worker: 'store', startedAt: T0 + 7, durationMs: 200.019 },
];
/** Durations as a clock gives them, a worker's name JSON must escape: stored to the microsecond, the name intact. */
const measured: TraceStep[] = [
  { worker: 'script:"a\\b"', startedAt: T0 + 1, durationMs: 0.02130000008346945 },
  { worker: 'store', startedAt: T0 + 2, durationMs: 0.5104999, logs: [{ level: 'info', message: 'x' }] },
];
const failed: TraceStep[] = [
  { worker: 'cayenne-lpp', startedAt: T0 + 3, durationMs: 1, error: { code: 'DECODE_FAILED', message: 'bad channel' } },
];

describe.each(dialects)('trace steps as stored on %s', (dialect) => {
  let tdb: TestDatabase;
  let store: KyselyTraceStore;
  let org: string;
  const storedSteps = async (id: string) => {
    const row = await tdb.database.db.selectFrom('traces').select('steps').where('id', '=', id).executeTakeFirstOrThrow();
    return JSON.parse(row.steps) as unknown[];
  };

  beforeEach(async () => {
    tdb = await openTestDatabase(dialect);
    store = new KyselyTraceStore(tdb.database);
    org = await createOrganisation(tdb.database.db, 'steps', 7);
  });
  afterEach(() => tdb.drop());

  it('writes plain steps as arrays and steps with logs or an error as objects; reads give them back as given', async () => {
    const ok = storedTrace(org, T0, { steps });
    const bad = storedTrace(org, T0 + 1, { status: 'failed', steps: failed, measurements: 0 });
    await store.write([ok, bad]);
    expect(await storedSteps(ok.id)).toEqual([['ttn-v3', T0 + 1, 0.123], steps[1], ['store', T0 + 7, 200.019]]);
    expect(await storedSteps(bad.id)).toEqual(failed);
    expect((await store.get(org, ok.id))?.steps).toEqual(steps);
    expect((await store.get(org, bad.id))?.steps).toEqual(failed);
    const listed = await store.list(org, {}, { limit: 10 });
    expect(listed.items.map((t) => t.steps)).toEqual([failed, steps]);
  });

  it('stores durations to the microsecond and escapes a worker name in the array form', async () => {
    const trace = storedTrace(org, T0, { steps: measured });
    await store.write([trace]);
    expect(await storedSteps(trace.id)).toEqual([
      ['script:"a\\b"', T0 + 1, 0.021],
      { worker: 'store', startedAt: T0 + 2, durationMs: 0.51, logs: [{ level: 'info', message: 'x' }] },
    ]);
  });

  it('the hot path (traces committed with the measurements) stores the same form', async () => {
    const measurements = createMeasurementStore(tdb.database);
    const ds = (await createDatastream(tdb.database.db, org)).id;
    const trace = storedTrace(org, T0, { steps });
    await measurements.insertWithTraces?.([{ datastreamId: ds, time: T0, value: 1 }], store.rows([trace]));
    expect(await storedSteps(trace.id)).toEqual([['ttn-v3', T0 + 1, 0.123], steps[1], ['store', T0 + 7, 200.019]]);
    expect((await store.get(org, trace.id))?.steps).toEqual(steps);
  });

  it('reads a row whose steps were all stored as objects (before the compact form)', async () => {
    const id = uuidv7();
    await tdb.database.db
      .insertInto('traces')
      .values({
        id,
        org_id: org,
        pipeline_id: uuidv7(),
        device_id: null,
        status: 'stored',
        received_at: T0,
        finished_at: T0 + 1,
        attempts: 1,
        measurements: 3,
        transport: JSON.stringify({ kind: 'http' }),
        steps: JSON.stringify([...steps, ...failed]),
        error: null,
        message: null,
      })
      .execute();
    expect((await store.get(org, id))?.steps).toEqual([...steps, ...failed]);
  });
});
