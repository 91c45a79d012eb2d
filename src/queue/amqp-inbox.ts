import amqp, { type Channel, type ChannelModel, type ConfirmChannel, type ConsumeMessage } from 'amqplib';
import { Backoff } from '../shared/backoff.js';
import { DomainError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { PipelineMessage } from '../workers/message.js';
import { ATTEMPT_HEADER, attemptOf, decodeMessage, encodeMessage } from './amqp-delivery.js';
import { checkOutcome, uniqueById } from './batch-outcome.js';
import { deadLetterOf, EnvelopeError } from './envelope.js';
import { GroupCommit } from './group-commit.js';
import { HandlerSlots } from './handler-slots.js';
import type { BatchHandler, Delivery, Inbox } from './inbox.js';
import { WakeSignal } from './wake-signal.js';

export interface AmqpQueueNames {
  /** Quorum queue of due messages (default polder.inbox). */
  queue: string;
  /** Quorum queue where retries wait for their delay, then dead-letter back (default polder.inbox.retry). */
  retryQueue: string;
}

export interface AmqpInboxOptions extends Partial<AmqpQueueNames> {
  url: string;
  logger: Logger;
  /** How long the consumer waits for a batch to fill (default 20 ms). */
  gatherMs?: number;
  /** Pause after a handler threw, before its batch is returned to the queue (default 1 s). */
  errorBackoffMs?: number;
  /**
   * Once started, hand enqueued messages to the handler at once, before `enqueue` resolves,
   * instead of publishing them first (default false; createInbox turns it on). The handler's
   * commits make them durable; only what must come back (retries, the batch of a handler that
   * threw) is published, confirmed, before `enqueue` resolves.
   */
  inline?: boolean;
  /**
   * Batches handled at once (default 1). With more, inline batches overlap: one waits for its
   * commits while the next is decoded, so messages of one device may be stored in another order
   * than they came (as with competing consumers). Each batch is still acknowledged only after
   * its own commits.
   */
  inFlight?: number;
}

interface Connected {
  model: ChannelModel;
  /** Publisher confirms: enqueue resolves on the broker's ack, i.e. once the quorum has it. */
  publish: ConfirmChannel;
}

/**
 * The inbox as a RabbitMQ quorum queue (scale-out mode): workers in any number of processes are
 * competing consumers. One uplink per AMQP message, persistent, publisher-confirmed. A retry is
 * republished (confirmed) to a delay queue whose expired messages dead-letter back to the inbox,
 * then the original is acked. A lost connection makes enqueue reject (the transport answers 503)
 * until a new one is made: the next enqueue tries at once, the consumer after a backoff (0.5 s
 * doubling to 30 s); the broker redelivers what the old consumer held unacked.
 *
 * Per-message TTL expires at the head of the delay queue only: a retry delayed less than the one
 * before it waits for that one (a later delivery, never a lost one).
 */
export class AmqpInbox implements Inbox {
  readonly kind = 'amqp' as const;
  private readonly names: AmqpQueueNames;
  private readonly log: Logger;
  private connecting: Promise<Connected> | undefined;
  private broken: Error | undefined;
  private closing = false;
  private loop: Promise<void> | undefined;
  private consumer: Channel | undefined;
  private readonly buffer: ConsumeMessage[] = [];
  private readonly arrived = new WakeSignal();
  private readonly stop = new WakeSignal();
  private batchSize = 1;
  /** Bumped when a lost connection is given up: a loop of an older generation stops. */
  private generation = 0;
  /** Inline batches (opts.inline, once started). */
  private direct: GroupCommit<PipelineMessage> | undefined;
  /** Handler calls running (at most opts.inFlight), whether the consumer or an inline batch makes them. */
  private readonly slots: HandlerSlots;

  constructor(private readonly opts: AmqpInboxOptions) {
    this.slots = new HandlerSlots(opts.inFlight);
    this.names = { queue: opts.queue ?? 'polder.inbox', retryQueue: opts.retryQueue ?? 'polder.inbox.retry' };
    this.log = opts.logger.child({ component: 'inbox', inbox: 'amqp', queue: this.names.queue });
  }

  async enqueue(messages: readonly PipelineMessage[]): Promise<void> {
    if (messages.length === 0) return;
    if (this.direct && !this.closing) return this.direct.add(messages);
    return this.publishAll(messages.map((m) => ({ message: m, queue: this.names.queue, extra: {} })));
  }

  /** Publishes (confirmed) every message to its queue; UNAVAILABLE when RabbitMQ did not take them all. */
  private async publishAll(items: { message: PipelineMessage; queue: string; extra: amqp.Options.Publish }[]): Promise<void> {
    if (items.length === 0) return;
    let publish: ConfirmChannel;
    try {
      if (this.closing) throw new Error('inbox closing');
      ({ publish } = await this.connect());
      if (this.broken) throw this.broken;
    } catch (err) {
      this.log.error({ err }, 'inbox: RabbitMQ unavailable; enqueue rejected');
      throw new DomainError('UNAVAILABLE', 'the inbox (RabbitMQ) is unavailable');
    }
    try {
      await Promise.all(items.map((i) => this.publish(publish, i.queue, i.message, i.extra)));
    } catch (err) {
      this.log.error({ err, messages: items.length }, 'inbox: RabbitMQ did not confirm; enqueue rejected');
      throw new DomainError('UNAVAILABLE', 'the inbox (RabbitMQ) did not store the messages');
    }
  }

  start(handler: BatchHandler, opts: { batchSize: number }): void {
    if (this.loop) throw new Error('inbox already started');
    if (this.closing) throw new Error('inbox closed');
    this.batchSize = Math.max(1, Math.floor(opts.batchSize));
    if (this.opts.inline)
      this.direct = new GroupCommit((messages) => this.handleNow(handler, messages), this.batchSize, {
        maxInFlight: this.slots.size,
        // A second batch starts beside a running one once a quarter batch waits: smaller ones
        // would cost more round trips than the overlap saves.
        overlapFrom: Math.ceil(this.batchSize / 4),
      });
    this.loop = this.consumeForever(handler);
  }

  /**
   * An inline batch: the handler runs before the senders hear "accepted". What it finished is
   * durable once it answers; retries (to the delay queue), messages left unanswered and, when
   * it threw, the whole batch are published as their second delivery before `enqueue` resolves.
   */
  private async handleNow(handler: BatchHandler, messages: PipelineMessage[]): Promise<void> {
    const unique = uniqueById(messages);
    const batch: Delivery[] = unique.map((message) => ({ message, attempt: 1 }));
    const headers = { [ATTEMPT_HEADER]: 2 };
    const backoff = String(this.opts.errorBackoffMs ?? 1000);
    let answer: Awaited<ReturnType<BatchHandler>>;
    try {
      answer = await this.slots.run(() => handler(batch));
    } catch (err) {
      this.log.error({ err, messages: batch.length }, 'inbox: handler failed on an inline batch; queued for later');
      return this.publishAll(
        unique.map((message) => ({ message, queue: this.names.retryQueue, extra: { headers, expiration: backoff } })),
      );
    }
    const outcome = checkOutcome(
      unique.map((m) => m.id),
      answer,
    );
    const byId = new Map(unique.map((m) => [m.id, m]));
    const later = [
      ...outcome.retry.map((r) => ({
        message: byId.get(r.id) as PipelineMessage,
        queue: r.delayMs === 0 ? this.names.queue : this.names.retryQueue,
        extra: r.delayMs === 0 ? { headers } : { headers, expiration: String(r.delayMs) },
      })),
      ...outcome.unanswered.map((id) => ({
        message: byId.get(id) as PipelineMessage,
        queue: this.names.queue,
        extra: { headers },
      })),
    ];
    if (outcome.unanswered.length > 0)
      this.log.warn(
        { ids: outcome.unanswered.slice(0, 10), count: outcome.unanswered.length },
        'inbox: messages left unanswered',
      );
    await this.publishAll(later);
  }

  async depth(): Promise<number> {
    const { publish } = await this.connect();
    const [main, retry] = await Promise.all([publish.checkQueue(this.names.queue), publish.checkQueue(this.names.retryQueue)]);
    return main.messageCount + retry.messageCount;
  }

  async close(): Promise<void> {
    this.closing = true;
    this.stop.notify();
    this.arrived.notify();
    await this.loop;
    await this.direct?.drain();
    if (!this.connecting) return;
    try {
      const { model } = await this.connecting;
      // The consumer channel first: its acks are frames of its own stream, written before its
      // Channel.Close; a Connection.Close (channel 0) can overtake them and the broker would
      // requeue messages that were handled. Closing returns unhandled prefetched ones.
      if (this.consumer && !this.broken) await this.consumer.close();
      if (!this.broken) await model.close();
    } catch (err) {
      this.log.debug({ err }, 'inbox: close');
    }
  }

  /** The delivery of a message; one whose envelope cannot be read but names its pipeline is traced as failed. */
  private read(msg: ConsumeMessage): Delivery {
    const attempt = attemptOf(msg.properties.headers);
    try {
      return { message: decodeMessage(msg.content), attempt };
    } catch (err) {
      const stand = err instanceof EnvelopeError ? deadLetterOf(err, undefined, Date.now()) : undefined;
      if (!stand || !(err instanceof EnvelopeError)) throw err;
      this.log.error({ err, id: stand.id }, 'inbox: unreadable message dead-lettered');
      return { message: stand, attempt, rejected: err };
    }
  }

  /** Consumes until close(), starting again on a new connection after one is lost. */
  private async consumeForever(handler: BatchHandler): Promise<void> {
    const backoff = new Backoff({ baseMs: 500, maxMs: 30_000 });
    while (!this.closing) {
      try {
        await this.run(handler);
        backoff.reset();
      } catch (err) {
        this.log.error({ err }, 'inbox: consumer stopped');
      }
      if (this.closing) return;
      await this.stop.wait(backoff.next());
    }
  }

  private connect(): Promise<Connected> {
    if (this.broken && !this.closing) {
      // Give the lost connection up: its consumer's unacked messages are the broker's again.
      this.generation++;
      this.broken = undefined;
      this.connecting = undefined;
      this.consumer = undefined;
      this.buffer.length = 0;
    }
    // A failed connection is tried again by the next call.
    this.connecting ??= this.open().catch((err: unknown) => {
      this.connecting = undefined;
      throw err;
    });
    return this.connecting;
  }

  private async open(): Promise<Connected> {
    const model = await amqp.connect(this.opts.url);
    model.on('error', (err: Error) => this.log.error({ err }, 'inbox: RabbitMQ connection error'));
    const generation = this.generation;
    model.on('close', (err?: Error) => {
      if (generation !== this.generation) return;
      this.broken = err ?? new Error('RabbitMQ connection closed');
      if (!this.closing) this.log.error({ err }, 'inbox: RabbitMQ connection lost; enqueue rejects until it is back');
      this.arrived.notify();
    });
    const publish = await model.createConfirmChannel();
    publish.on('error', (err: Error) => this.log.error({ err }, 'inbox: publish channel error'));
    await assertInboxQueues(publish, this.names);
    return { model, publish };
  }

  private publish(channel: ConfirmChannel, queue: string, message: PipelineMessage, extra: amqp.Options.Publish): Promise<void> {
    return new Promise((resolve, reject) => {
      channel.sendToQueue(
        queue,
        encodeMessage(message),
        { persistent: true, messageId: message.id, contentType: 'application/json', ...extra },
        (err) => (err ? reject(err instanceof Error ? err : new Error('nacked by the broker')) : resolve()),
      );
    });
  }

  /** Consumes on the current connection until close() or until that connection is lost. */
  private async run(handler: BatchHandler): Promise<void> {
    const { model } = await this.connect();
    const generation = this.generation;
    const current = () => generation === this.generation && !this.broken && !this.closing;
    const consumer = await model.createChannel();
    this.consumer = consumer;
    consumer.on('error', (err: Error) => this.log.error({ err }, 'inbox: consume channel error'));
    // Messages in flight per consumer: a full batch, plus the next one filling while it runs.
    await consumer.prefetch(this.batchSize * 2);
    await consumer.consume(this.names.queue, (msg) => {
      if (!msg) {
        this.log.error('inbox: RabbitMQ cancelled the consumer (queue deleted?)');
        return;
      }
      if (generation !== this.generation) return;
      this.buffer.push(msg);
      if (this.buffer.length === 1 || this.buffer.length >= this.batchSize) this.arrived.notify();
    });
    while (current()) {
      this.arrived.reset();
      if (this.buffer.length === 0) {
        await this.arrived.wait(1000);
        continue;
      }
      await this.gather();
      if (!current()) break;
      await this.handle(handler, consumer, this.buffer.splice(0, this.batchSize));
    }
  }

  /**
   * Lets a batch fill: up to batchSize or gatherMs (20 ms), but no longer than 2 ms of silence,
   * so a lone uplink on an idle inbox is not held back for the whole window.
   */
  private async gather(): Promise<void> {
    const deadline = performance.now() + (this.opts.gatherMs ?? 20);
    while (this.buffer.length < this.batchSize && !this.closing && !this.broken) {
      const left = deadline - performance.now();
      if (left <= 0) return;
      const before = this.buffer.length;
      await this.arrived.wait(Math.min(2, left));
      if (this.buffer.length === before) return;
    }
  }

  private async handle(handler: BatchHandler, consumer: Channel, raw: ConsumeMessage[]): Promise<void> {
    const batch: Delivery[] = [];
    const byId = new Map<string, { raw: ConsumeMessage; delivery: Delivery }>();
    for (const msg of raw) {
      try {
        const delivery = this.read(msg);
        if (byId.has(delivery.message.id)) {
          // The same uplink enqueued twice (a transport's redelivery): the copy in hand stands for both.
          consumer.ack(msg);
          continue;
        }
        batch.push(delivery);
        byId.set(delivery.message.id, { raw: msg, delivery });
      } catch (err) {
        // Not one of ours: nothing to retry it into. Dead-lettering it is the broker policy's job.
        this.log.error({ err, messageId: msg.properties.messageId }, 'inbox: unreadable message rejected');
        consumer.nack(msg, false, false);
      }
    }
    if (batch.length === 0) return;
    let answer: Awaited<ReturnType<BatchHandler>>;
    try {
      answer = await this.slots.run(() => handler(batch));
    } catch (err) {
      this.log.error({ err, messages: batch.length }, 'inbox: handler failed; the batch goes back to the queue');
      await this.stop.wait(this.opts.errorBackoffMs ?? 1000);
      for (const { raw: m } of byId.values()) consumer.nack(m, false, true);
      return;
    }
    const outcome = checkOutcome([...byId.keys()], answer);
    const { publish } = await this.connect();
    const republished: string[] = [];
    await Promise.all(
      outcome.retry.map(async (r) => {
        const entry = byId.get(r.id);
        if (!entry) return;
        const headers = { [ATTEMPT_HEADER]: entry.delivery.attempt + 1 };
        try {
          if (r.delayMs === 0) await this.publish(publish, this.names.queue, entry.delivery.message, { headers });
          else
            await this.publish(publish, this.names.retryQueue, entry.delivery.message, {
              headers,
              expiration: String(r.delayMs),
            });
          republished.push(r.id);
        } catch (err) {
          // Not acked either: the broker redelivers it (after the connection is gone, on restart).
          this.log.error({ err, id: r.id }, 'inbox: retry not stored; the message stays unacked');
        }
      }),
    );
    for (const id of [...outcome.done, ...republished]) {
      const entry = byId.get(id);
      if (entry) consumer.ack(entry.raw);
    }
    if (outcome.unanswered.length > 0) {
      this.log.warn(
        { ids: outcome.unanswered.slice(0, 10), count: outcome.unanswered.length },
        'inbox: messages left unanswered',
      );
      for (const id of outcome.unanswered) {
        const entry = byId.get(id);
        if (entry) consumer.nack(entry.raw, false, true);
      }
    }
  }
}

/** Declares the two quorum queues (idempotent; the arguments must match an existing queue's). */
export async function assertInboxQueues(channel: Channel, names: AmqpQueueNames): Promise<void> {
  await channel.assertQueue(names.queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  await channel.assertQueue(names.retryQueue, {
    durable: true,
    arguments: {
      'x-queue-type': 'quorum',
      // Expired retries go back to the inbox through the default exchange.
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': names.queue,
      // At-least-once dead-lettering: the broker keeps the message until the inbox confirms it.
      'x-dead-letter-strategy': 'at-least-once',
      'x-overflow': 'reject-publish',
    },
  });
}

/** Deletes both queues and what they hold (tests, benchmarks). */
export async function deleteInboxQueues(url: string, names: AmqpQueueNames): Promise<void> {
  const model = await amqp.connect(url);
  try {
    const ch = await model.createChannel();
    await ch.deleteQueue(names.queue);
    await ch.deleteQueue(names.retryQueue);
  } finally {
    await model.close();
  }
}
