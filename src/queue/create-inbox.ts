import type { Database } from '../db/database.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { AmqpInbox } from './amqp-inbox.js';
import { DatabaseInbox } from './database-inbox.js';
import type { Inbox } from './inbox.js';

export interface CreateInboxOptions {
  database: Database;
  /** config.amqpUrl: set, the inbox is RabbitMQ; unset, a table in the database. */
  amqpUrl?: string | undefined;
  /** config.amqpQueue: the inbox queue on RabbitMQ (its retry queue is `<queue>.retry`). */
  queue?: string | undefined;
  logger: Logger;
  clock?: Clock;
}

/** Inline batches the RabbitMQ inbox handles at once (each takes one or two pooled connections at a time). */
export const AMQP_IN_FLIGHT = 3;
/**
 * Inline batches the database inbox handles at once, by database. On a SQLite file three threads
 * take each batch in turn (the event loop receives it, the writer lane's thread decodes it, the
 * writer thread commits it); with eight in flight instead of three a batch still waits at each
 * while the writer thread moves recent rows or folds traces (70–240 ms on the machines
 * measured): embedded MQTT and bulk 4–12 % more points/s (medians of A/B series,
 * docs/benchmarks.md "Eight inline batches on SQLite"). On PostgreSQL each batch holds one or
 * two pooled connections (ten by default) while it commits: three.
 */
export const DATABASE_IN_FLIGHT = { sqlite: 8, postgres: 3 } as const;

/** The inbox adapter the configuration asks for (the composition root's one call). */
export function createInbox(opts: CreateInboxOptions): Inbox {
  if (opts.amqpUrl) {
    const queue = opts.queue ?? 'polder.inbox';
    // Batches overlap (AMQP_IN_FLIGHT): while one waits for its PostgreSQL commits, the next is decoded.
    return new AmqpInbox({
      url: opts.amqpUrl,
      logger: opts.logger,
      queue,
      retryQueue: `${queue}.retry`,
      inline: true,
      inFlight: AMQP_IN_FLIGHT,
    });
  }
  // Inline (both adapters): once the runner has started on it, an uplink is decoded and stored
  // before it is acknowledged; the table or queue holds only what must come back (retries).
  return new DatabaseInbox({
    database: opts.database,
    logger: opts.logger,
    inline: true,
    inFlight: DATABASE_IN_FLIGHT[opts.database.dialect],
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
}
