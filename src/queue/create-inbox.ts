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

/** The inbox adapter the configuration asks for (the composition root's one call). */
export function createInbox(opts: CreateInboxOptions): Inbox {
  if (opts.amqpUrl) {
    const queue = opts.queue ?? 'polder.inbox';
    return new AmqpInbox({ url: opts.amqpUrl, logger: opts.logger, queue, retryQueue: `${queue}.retry`, inline: true });
  }
  // Inline (both adapters): once the runner has started on it, an uplink is decoded and stored
  // before it is acknowledged; the table or queue holds only what must come back (retries).
  return new DatabaseInbox({
    database: opts.database,
    logger: opts.logger,
    inline: true,
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
}
