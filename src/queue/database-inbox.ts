import type { Database } from '../db/database.js';
import { type Clock, systemClock } from '../shared/clock.js';
import { DomainError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { PipelineMessage } from '../workers/message.js';
import { checkOutcome, uniqueById } from './batch-outcome.js';
import { deadLetterOf, EnvelopeError, readEnvelope, writeEnvelope } from './envelope.js';
import { GroupCommit } from './group-commit.js';
import { HandlerSlots } from './handler-slots.js';
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
  /**
   * Once started, hand enqueued messages to the handler at once, before `enqueue` resolves,
   * instead of writing them to the table first (default false; createInbox turns it on). The
   * handler's own commits make them durable (measurements and traces); the table then holds
   * only what must come back: retries, and the batch of a handler that threw.
   */
  inline?: boolean;
  /**
   * Inline batches handled at once (default 1). With 2, the next batch is decoded while the last
   * one waits for its commit (the writer thread's on SQLite, the server's on PostgreSQL).
   */
  inFlight?: number;
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
  /** Inline batches (opts.inline, once started): group committed like enqueues. */
  private direct: GroupCommit<PipelineMessage> | undefined;
  /** Handler calls running (at most opts.inFlight), whether the loop or an inline batch makes them. */
  private readonly slots: HandlerSlots;

  constructor(private readonly opts: DatabaseInboxOptions) {
    this.rows = createInboxRows(opts.database);
    this.clock = opts.clock ?? systemClock;
    this.log = opts.logger.child({ component: 'inbox', inbox: 'database' });
    this.leaseMs = opts.leaseMs ?? 60_000;
    this.pollMs = opts.pollMs ?? 250;
    this.errorBackoffMs = opts.errorBackoffMs ?? 1000;
    this.commits = new GroupCommit((messages) => this.commit(messages));
    this.slots = new HandlerSlots(opts.inFlight);
  }

  /** The group commit's own promise (no async frame per call: a thousand uplinks may be in flight). */
  enqueue(messages: readonly PipelineMessage[]): Promise<void> {
    if (this.closing) return Promise.reject(new DomainError('UNAVAILABLE', 'the inbox is closing'));
    return (this.direct ?? this.commits).add(messages);
  }

  /** Writes messages to the table; `later` gives a message its due time and deliveries begun. */
  private async commit(
    messages: PipelineMessage[],
    later?: (m: PipelineMessage) => { availableAt: number; attempts: number },
  ): Promise<void> {
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
          ...later?.(m),
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
    if (this.opts.inline)
      this.direct = new GroupCommit((messages) => this.handleNow(handler, messages), batchSize, {
        maxInFlight: this.slots.size,
        // As the RabbitMQ inbox: a second batch starts beside a running one once a quarter batch waits.
        overlapFrom: Math.ceil(batchSize / 4),
      });
    this.loop = this.run(handler, batchSize);
  }

  /**
   * An inline batch: the handler runs before the senders hear "accepted". What it finished is
   * durable once it answers (it committed measurements and traces); what it asks to retry, left
   * unanswered, or all of it when it threw, is written to the table (first delivery counted)
   * before `enqueue` resolves, so nothing acknowledged depends on memory.
   */
  private async handleNow(handler: BatchHandler, messages: PipelineMessage[]): Promise<void> {
    const unique = uniqueById(messages);
    const batch: Delivery[] = unique.map((message) => ({ message, attempt: 1 }));
    let answer: Awaited<ReturnType<BatchHandler>>;
    try {
      answer = await this.slots.run(() => handler(batch));
    } catch (err) {
      this.log.error({ err, messages: batch.length }, 'inbox: handler failed on an inline batch; queued for later');
      const availableAt = this.clock() + this.errorBackoffMs;
      await this.commit(unique, () => ({ availableAt, attempts: 1 }));
      this.work.notify();
      return;
    }
    const outcome = checkOutcome(
      unique.map((m) => m.id),
      answer,
    );
    const now = this.clock();
    const due = new Map<string, number>(outcome.retry.map((r) => [r.id, now + r.delayMs]));
    for (const id of outcome.unanswered) due.set(id, now + this.leaseMs);
    if (outcome.unanswered.length > 0)
      this.log.warn(
        { ids: outcome.unanswered.slice(0, 10), count: outcome.unanswered.length },
        'inbox: messages left unanswered',
      );
    const later = unique.filter((m) => due.has(m.id));
    if (later.length > 0) await this.commit(later, (m) => ({ availableAt: due.get(m.id) as number, attempts: 1 }));
  }

  async depth(): Promise<number> {
    return this.rows.count();
  }

  async close(): Promise<void> {
    this.closing = true;
    this.stop.notify();
    this.work.notify();
    await this.loop;
    await this.direct?.drain();
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
      answer = batch.length > 0 ? await this.slots.run(() => handler(batch)) : { done: [], retry: [] };
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
