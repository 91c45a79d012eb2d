/**
 * The Scheduler of two "processes" on one database: jobs run in the lease holder only, the
 * while-held services (pollers) run in the holder only, and both move to the other process when
 * the holder stops.
 */
import os from 'node:os';
import type { Kysely } from 'kysely';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../src/db/database.js';
import { Lease } from '../../src/scheduler/lease.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import { systemClock } from '../../src/shared/clock.js';
import { createLogger } from '../../src/shared/logger.js';
import { availableDialects, openTestDatabase, type TestDatabase } from '../support/databases.js';
import { eventually } from '../support/mqtt.js';

const logger = createLogger({ level: 'silent', format: 'json' });

describe.each(await availableDialects())('scheduler (%s)', (dialect) => {
  let db: TestDatabase | undefined;
  const handles: Database[] = [];
  const schedulers: Scheduler[] = [];
  afterEach(async () => {
    for (const s of schedulers.splice(0)) await s.stop();
    for (const h of handles.splice(0)) await h.close();
    await db?.drop();
  });

  const processNamed = (name: string, runs: string[], pollers: Set<string>) => {
    const handle = openDatabase({ url: db?.url ?? '', dataDir: os.tmpdir() });
    handles.push(handle);
    const lease = new Lease(handle.db as unknown as Kysely<unknown>, {
      name: 'scheduler',
      holder: name,
      ttlMs: 2000,
      renewMs: 200,
      clock: systemClock,
      logger,
    });
    const scheduler = new Scheduler({
      lease,
      jobs: [{ name: 'sweep', everyMs: 50, run: async () => void runs.push(name) }],
      whileHeld: [
        {
          name: 'pollers',
          start: async () => void pollers.add(name),
          stop: async () => void pollers.delete(name),
        },
      ],
      logger,
      metrics: new Registry(),
    });
    schedulers.push(scheduler);
    return scheduler;
  };

  it('runs jobs and pollers in the holder only, and hands both over when it stops', async () => {
    db = await openTestDatabase(dialect);
    const runs: string[] = [];
    const pollers = new Set<string>();
    const a = processNamed('a', runs, pollers);
    await a.start();
    // The lease was free: a took it during start, and its pollers run before start resolved.
    expect(a.active).toBe(true);
    expect([...pollers]).toEqual(['a']);
    const b = processNamed('b', runs, pollers);
    await b.start();
    expect(b.active).toBe(false);
    await eventually('a few runs', () => runs.length >= 5);
    expect(new Set(runs)).toEqual(new Set(['a']));
    expect([...pollers]).toEqual(['a']);

    // A clean stop gives the lease up: b takes it at its next renewal, with the pollers.
    await a.stop();
    schedulers.splice(schedulers.indexOf(a), 1);
    const before = runs.length;
    await eventually('b running the jobs', () => b.active && runs.length > before + 3, 10_000);
    expect(new Set(runs.slice(before))).toEqual(new Set(['b']));
    expect([...pollers]).toEqual(['b']);
  });
});
