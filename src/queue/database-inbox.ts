import type { Database } from '../db/database.js';
import { type Clock, systemClock } from '../shared/clock.js';
import { DomainError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { PipelineMessage } from '../workers/message.js';
import { checkOutcome } from './batch-outcome.js';
import { deadLetterOf, EnvelopeError, readEnvelope, writeEnvelope } from './envelope.js';
import { GroupCommit } from './group-commit.js';
import type { BatchHandler, Delivery, Inbox } from './inbox.js';
import type { InboxRows } from './inbox-rows.js';
import { PostgresInboxRows } from './inbox-rows.postgres.js';
import { SqliteInboxRows } from './inbox-rows.sqlite.js';
import { WakeSignal } from './wake-signal.js';

export interface DatabaseInboxOptions {
  database: Database;
  logger: Logger;
  clock?: Clock;
  /** How long a claimed batch is reserved for its consumer (default 60 s). */
  leaseMs?: number;
  /** Idle poll, for rows enqueued by other processes and delayed retries (default 250 ms). */
  pollMs?: number;
  /** Pause after a handler threw or the database failed (default 1 s). */
  errorBackoffMs?: number;
}

/**
 * The inbox as a table (embedded mode; also PostgreSQL without RabbitMQ). Enqueues are group
 * committed; one loop claims due rows under a lease, hands them to the handler and settles the
 * outcome in one transaction. An enqueue in this process wakes the loop at once.
 */
/** The inbox table of the database's dialect (the implementations import only the port's types). */
const createInboxRows = (database: Database): InboxRows =>
  database.dialect === 'sqlite' ? new SqliteInboxRows(database.sqlite) : new PostgresInboxRows(database.db);

export class DatabaseInbox implements Inbox {
  readonly kind = 'database' as const;
  private readonly rows: InboxRows;
  private readonly commits: GroupCommit<PipelineMessage>;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly errorBackoffMs: number;
  private readonly work = new WakeSignal();
  private readonly stop = new WakeSignal();
  private loop: Promise<void> | undefined;
  private closing = false;

  constructor(private readonly opts: DatabaseInboxOptions) {
    this.rows = createInboxRows(opts.database);
    this.clock = opts.clock ?? systemClock;
    this.log = opts.logger.child({ component: 'inbox', inbox: 'database' });
    this.leaseMs = opts.leaseMs ?? 60_000;
    this.pollMs = opts.pollMs ?? 250;
    this.errorBackoffMs = opts.errorBackoffMs ?? 1000;
    this.commits = new GroupCommit((messages) => this.commit(messages));
  }

  async enqueue(messages: readonly PipelineMessage[]): Promise<void> {
    if (this.closing) throw new DomainError('UNAVAILABLE', 'the inbox is closing');
    await this.commits.add(messages);
  }

  private async commit(messages: PipelineMessage[]): Promise<void> {
    const now = this.clock();
    try {
      await this.rows.insert(
        messages.map((m) => ({
          id: m.id,
          orgId: m.orgId,
          pipelineId: m.pipelineId,
          message: writeEnvelope(m),
          availableAt: now,
          createdAt: now,
        })),
      );
    } catch (err) {
      this.log.error({ err, messages: messages.length }, 'inbox: enqueue failed');
      throw new DomainError('UNAVAILABLE', 'the inbox could not store the messages');
    }
    this.work.notify();
  }

  start(handler: BatchHandler, opts: { batchSize: number }): void {
    if (this.loop) throw new Error('inbox already started');
    if (this.closing) throw new Error('inbox closed');
    const batchSize = Math.max(1, Math.floor(opts.batchSize));
    this.loop = this.run(handler, batchSize);
  }

  async depth(): Promise<number> {
    return this.rows.count();
  }

  async close(): Promise<void> {
    this.closing = true;
    this.stop.notify();
    this.work.notify();
    await this.loop;
    await this.commits.drain();
  }

  private async run(handler: BatchHandler, batchSize: number): Promise<void> {
    // One process owns a SQLite file, so a lease found now is a dead process's: due again at once.
    // PostgreSQL is shared by several processes; there leases simply run out.
    let released = this.opts.database.dialect !== 'sqlite';
    while (!this.closing) {
      try {
        if (!released) {
          const count = await this.rows.releaseLeases(this.clock());
          if (count > 0) this.log.warn({ released: count }, 'inbox: messages of an interrupted run are due again');
          released = true;
        }
        await this.step(handler, batchSize);
      } catch (err) {
        this.log.error({ err }, 'inbox: database failed; retrying');
        await this.stop.wait(this.errorBackoffMs);
      }
    }
  }

  private async step(handler: BatchHandler, batchSize: number): Promise<void> {
    this.work.reset();
    const now = this.clock();
    const leaseUntil = now + this.leaseMs;
    const claimed = await this.rows.claim(now, leaseUntil, batchSize);
    if (claimed.length === 0) {
      await this.work.wait(this.pollMs);
      return;
    }
    const batch: Delivery[] = [];
    const unreadable: string[] = [];
    for (const row of claimed) {
      try {
        batch.push({ message: readEnvelope(row.message), attempt: row.attempts });
      } catch (err) {
        // An unknown version or a bad shape: traced as a failed message (a dead letter), not retried.
        const stand = err instanceof EnvelopeError ? deadLetterOf(err, row.id, now) : undefined;
        if (stand && err instanceof EnvelopeError) {
          this.log.error({ err, id: row.id }, 'inbox: unreadable message dead-lettered');
          batch.push({ message: stand, attempt: row.attempts, rejected: err });
          continue;
        }
        // Written by enqueue, so this means a damaged row: dropping it beats blocking the inbox.
        this.log.error({ err, id: row.id }, 'inbox: unreadable message dropped');
        unreadable.push(row.id);
      }
    }
    let answer: Awaited<ReturnType<BatchHandler>>;
    try {
      answer = batch.length > 0 ? await handler(batch) : { done: [], retry: [] };
    } catch (err) {
      // The rows stay leased and come back when the lease runs out.
      this.log.error({ err, messages: batch.length }, 'inbox: handler failed; the batch comes back after its lease');
      await this.stop.wait(this.errorBackoffMs);
      return;
    }
    const outcome = checkOutcome(
      batch.map((d) => d.message.id),
      answer,
    );
    if (outcome.unanswered.length > 0)
      this.log.warn(
        { ids: outcome.unanswered.slice(0, 10), count: outcome.unanswered.length },
        'inbox: messages left unanswered',
      );
    const at = this.clock();
    await this.rows.settle(
      [...outcome.done, ...unreadable],
      outcome.retry.map((r) => ({ id: r.id, availableAt: at + r.delayMs })),
      leaseUntil,
    );
  }
}
