/**
 * The durable inbox between transports and pipelines (the queue port). A transport
 * acknowledges an uplink (HTTP 202, MQTT PUBACK, AMQP ack of a source queue, a poller's
 * "seen" mark) only once `enqueue` has resolved; the pipeline runner removes a message only
 * once its results are committed. Adapters: an inbox table in the database (group commit) and
 * a RabbitMQ quorum queue with publisher confirms (POLDER_AMQP_URL).
 */
import type { DomainError } from '../shared/errors.js';
import type { PipelineMessage } from '../workers/workers.js';

/** One message handed to the pipeline runner, with the number of this delivery (1 = first). */
export interface Delivery {
  message: PipelineMessage;
  attempt: number;
  /** The queue envelope could not be read (see envelope.ts): `message` is a stand-in; trace it as failed. */
  rejected?: DomainError;
}

/** What the runner did with each message of a batch; every delivered id appears in one list. */
export interface BatchOutcome {
  /** Stored, skipped, or failed for good (the trace keeps it as a dead letter): remove it. */
  done: string[];
  /** A failure that may pass: deliver it again after `delayMs` (attempt + 1). */
  retry: { id: string; delayMs: number }[];
}

export type BatchHandler = (batch: Delivery[]) => Promise<BatchOutcome>;

export interface Inbox {
  readonly kind: 'database' | 'amqp';
  /**
   * Durably stores the messages: once resolved they survive kill -9. Concurrent calls share one
   * commit (group commit), so many small enqueues cost about one write. Rejects when it could
   * not store them (the transport then answers 503 / withholds PUBACK).
   */
  enqueue(messages: readonly PipelineMessage[]): Promise<void>;
  /**
   * Delivers due messages to `handler` in batches of at most `batchSize`, one batch at a time
   * (the RabbitMQ inbox's inline batches: up to its `inFlight` at once), until close(). A message whose batch was not answered (a crash, a handler that threw) is
   * delivered again: after a restart, or when its lease runs out.
   */
  start(handler: BatchHandler, opts: { batchSize: number }): void;
  /** Messages waiting, due or delayed. */
  depth(): Promise<number>;
  /** Stops delivering, waits for the batch in flight, releases connections. Enqueued messages stay. */
  close(): Promise<void>;
}
