import os from 'node:os';
import { type Kysely, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../src/db/database.js';
import { Lease } from '../../src/scheduler/lease.js';
import { systemClock } from '../../src/shared/clock.js';
import { createLogger } from '../../src/shared/logger.js';
import { availableDialects, openTestDatabase, type TestDatabase } from '../support/databases.js';
import { eventually } from '../support/poll.js';

const logger = createLogger({ level: 'silent', format: 'json' });

/**
 * Two "processes" (two connections to one database, two leases) running a periodic sweep only
 * while holding the scheduler lease: one runs it; when it dies (stops renewing, no release), the
 * other takes over once the lease expired; a clean stop hands it over at once.
 */
describe.each(await availableDialects())('scheduler lease (%s)', (dialect) => {
  let db: TestDatabase | undefined;
  const handles: Database[] = [];
  const timers: NodeJS.Timeout[] = [];
  afterEach(async () => {
    for (const t of timers) clearInterval(t);
    for (const h of handles.splice(0)) await h.close();
    await db?.drop();
  });

  const process_ = (name: string, runs: string[]) => {
    const handle = openDatabase({ url: db?.url ?? '', dataDir: os.tmpdir() });
    handles.push(handle);
    const lease = new Lease(handle.db as unknown as Kysely<unknown>, {
      name: 'scheduler',
      holder: name,
      // A renewal held off the CPU for most of the TTL would let the other take over mid-test.
      ttlMs: 3000,
      renewMs: 100,
      clock: systemClock,
      logger,
    });
    lease.start();
    // The offline sweep of this process, every 50 ms, only while it holds the lease.
    timers.push(setInterval(() => lease.held && runs.push(name), 50));
    return lease;
  };

  it('runs the sweep in one process only, and the other takes over when its holder dies', async () => {
    db = await openTestDatabase(dialect);
    const runs: string[] = [];
    const a = process_('a', runs);
    const b = process_('b', runs);
    await eventually('a holder', () => a.held || b.held);
    // Several sweeps of both processes' timers: only the holder may have run one.
    await eventually('ten sweeps', () => runs.length >= 10);
    const [holder, other] = a.held ? [a, b] : [b, a];
    const holderName = a.held ? 'a' : 'b';
    expect(other.held).toBe(false);
    expect(new Set(runs)).toEqual(new Set([holderName]));

    // kill -9: the holder stops renewing and never releases (its timers die with it).
    const dead = holder as unknown as { timer: NodeJS.Timeout; holding: boolean };
    clearInterval(dead.timer);
    dead.holding = false;
    runs.length = 0;
    await eventually('the other to take over', () => other.held);
    // A renewal the holder had in flight when it was killed may still land: it then believes it
    // holds the lease until that renewal's expiry, which is when the other can take over. From
    // the take-over on, only the new holder sweeps.
    runs.length = 0;
    await eventually('ten sweeps', () => runs.length >= 10);
    expect(new Set(runs)).toEqual(new Set([holderName === 'a' ? 'b' : 'a']));

    // A clean stop gives the lease up (its row is gone): a third process takes it without waiting for expiry.
    await other.stop();
    const leases = await sql<{ n: number }>`SELECT count(*) AS n FROM leases WHERE name = 'scheduler'`.execute(
      (handles[0] as Database).db as unknown as Kysely<unknown>,
    );
    expect(Number(leases.rows[0]?.n)).toBe(0);
    const c = process_('c', runs);
    await eventually('the new process to hold it', () => c.held);
  });
});
