/**
 * One holder per deployment for a named role (the scheduler): a row in `leases` (name, holder,
 * expires_at) that its holder renews every few seconds. Another process takes it once it has
 * expired, so a dead holder is replaced within `ttlMs` plus one renewal period. The same SQL
 * runs on SQLite and PostgreSQL (INSERT … ON CONFLICT DO UPDATE … WHERE).
 */
import { type Kysely, sql } from 'kysely';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';

export interface LeaseOptions {
  name: string;
  /** This process (POLDER_INSTANCE_ID plus a per-start suffix: a restarted process is a new holder). */
  holder: string;
  ttlMs: number;
  renewMs: number;
  clock: Clock;
  logger: Logger;
}

export class Lease {
  private holding = false;
  private renewedAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly listeners = new Set<(held: boolean) => void>();

  constructor(
    private readonly db: Kysely<unknown>,
    private readonly opts: LeaseOptions,
  ) {}

  /** Whether this process held the lease at its last renewal (and the lease has not expired since). */
  get held(): boolean {
    return this.holding && this.opts.clock() < this.renewedAt + this.opts.ttlMs;
  }

  /** Takes or renews the lease; true when this process holds it now. */
  async renew(): Promise<boolean> {
    const { name, holder, ttlMs, clock } = this.opts;
    const now = clock();
    await sql`INSERT INTO leases (name, holder, expires_at) VALUES (${name}, ${holder}, ${now + ttlMs})
      ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
      WHERE leases.holder = excluded.holder OR leases.expires_at < ${now}`.execute(this.db);
    const row = await sql<{ holder: string }>`SELECT holder FROM leases WHERE name = ${name}`.execute(this.db);
    this.renewedAt = now;
    this.set(row.rows[0]?.holder === holder);
    return this.holding;
  }

  /** Told each time this process takes or loses the lease (the jobs that run only while it is held follow it). */
  onChange(listener: (held: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  private set(holding: boolean) {
    if (holding === this.holding) return;
    this.holding = holding;
    this.opts.logger.info({ lease: this.opts.name, holder: this.opts.holder }, holding ? 'lease taken' : 'lease lost');
    for (const l of this.listeners) {
      try {
        l(holding);
      } catch (err) {
        this.opts.logger.error({ err, lease: this.opts.name }, 'lease listener failed');
      }
    }
  }

  /** Renews every `renewMs`; a failed renewal (database away) counts as not holding. */
  start(): void {
    const tick = () =>
      this.renew().catch((err: unknown) => {
        this.set(false);
        this.opts.logger.error({ err, lease: this.opts.name }, 'lease renewal failed');
      });
    void tick();
    this.timer ??= setInterval(tick, this.opts.renewMs);
    this.timer.unref();
  }

  /** Stops renewing and gives the lease up, so another process takes it at once. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    if (!this.holding) return;
    this.set(false);
    const { name, holder } = this.opts;
    await sql`DELETE FROM leases WHERE name = ${name} AND holder = ${holder}`.execute(this.db).catch(() => {});
  }
}
