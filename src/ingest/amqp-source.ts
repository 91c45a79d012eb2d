/**
 * Consumes the RabbitMQ queues named by pipelines' `{kind:'amqp'}` sources. A message is acked
 * only once the inbox stored it; requeued when the inbox failed; dropped (nack, no requeue)
 * when it is refused for good. Connections come back with backoff.
 */
import amqp, { type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';
import type { Pipeline, PipelineCatalog, PipelineSource } from '../pipelines/pipelines.js';
import { Backoff } from '../shared/backoff.js';
import { DomainError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { redactUrlCredentials } from '../shared/url.js';
import type { IngestService } from './ingest.service.js';

type AmqpSourceSpec = Extract<PipelineSource, { kind: 'amqp' }>;

export interface AmqpSourceDeps {
  catalog: PipelineCatalog;
  service: IngestService;
  logger: Logger;
  /** POLDER_AMQP_URL: used when a source names no url. */
  defaultUrl: string | undefined;
  /** Unacknowledged messages per queue (default 50). */
  prefetch?: number;
  /** Reconnect delays: from minMs doubling up to maxMs (defaults 500 ms, 30 s). */
  backoff?: { minMs: number; maxMs: number };
}

/** One queue consumed for one pipeline, reconnecting until stopped. */
class QueueConsumer {
  private model: ChannelModel | undefined;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly backoff: Backoff;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly deps: AmqpSourceDeps,
    private readonly pipelineId: string,
    private readonly queue: string,
    private readonly url: string,
  ) {
    this.backoff = new Backoff({ baseMs: deps.backoff?.minMs ?? 500, maxMs: deps.backoff?.maxMs ?? 30_000 });
  }

  private get log() {
    return this.deps.logger.child({ pipelineId: this.pipelineId, queue: this.queue, url: redactUrlCredentials(this.url) });
  }

  start(): void {
    void this.connect();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    try {
      const model = await amqp.connect(this.url);
      if (this.stopped) {
        await model.close().catch(() => {});
        return;
      }
      this.model = model;
      model.on('error', (err: Error) => this.log.warn({ err }, 'amqp source connection error'));
      model.on('close', () => this.lost());
      const channel = await model.createChannel();
      channel.on('error', (err: Error) => this.log.warn({ err }, 'amqp source channel error'));
      // A channel closed by the broker (queue deleted …) takes the connection down with it: retry from scratch.
      channel.on('close', () => void model.close().catch(() => {}));
      await channel.checkQueue(this.queue);
      await channel.prefetch(this.deps.prefetch ?? 50);
      await channel.consume(this.queue, (msg) => {
        if (msg) return this.track(this.handle(channel, msg));
        // The broker cancelled the consumer (the queue was deleted): start over, with backoff.
        this.log.warn('amqp source consumer cancelled by the broker; reconnecting');
        void model.close().catch(() => {});
      });
      this.backoff.reset();
      this.log.info('amqp source consuming');
    } catch (err) {
      this.log.warn({ err }, 'amqp source could not consume; retrying');
      await this.model?.close().catch(() => {});
      this.lost();
    }
  }

  private lost() {
    this.model = undefined;
    if (this.stopped || this.timer) return;
    const wait = this.backoff.next();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.connect();
    }, wait);
    this.timer.unref();
  }

  private track(p: Promise<void>) {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private async handle(channel: Channel, msg: ConsumeMessage): Promise<void> {
    const contentType = msg.properties.contentType as string | undefined;
    try {
      await this.deps.service.accept({
        pipelineId: this.pipelineId,
        transport: { kind: 'amqp', topic: msg.fields.routingKey, path: this.queue, ...(contentType && { contentType }) },
        payload: new Uint8Array(msg.content.buffer, msg.content.byteOffset, msg.content.byteLength),
      });
      channel.ack(msg);
    } catch (err) {
      const forGood = err instanceof DomainError && err.code !== 'INBOX_UNAVAILABLE';
      if (forGood) this.log.warn({ code: err.code, bytes: msg.content.byteLength }, 'amqp uplink refused; dropped');
      else this.log.warn({ err }, 'amqp uplink not stored; requeued');
      try {
        channel.nack(msg, false, !forGood);
      } catch {
        // The channel is gone: the broker redelivers unacked messages anyway.
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await Promise.allSettled([...this.inFlight]);
    await this.model?.close().catch(() => {});
    this.model = undefined;
  }
}

export class AmqpSource {
  private readonly consumers = new Map<string, { signature: string; list: QueueConsumer[] }>();
  private unfollow: (() => void) | undefined;
  // Catalog changes are applied one after the other (a bind waits for the consumers it replaces).
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly deps: AmqpSourceDeps) {}

  async start(): Promise<void> {
    this.unfollow ??= this.deps.catalog.onChange((p, change) => {
      void this.serial(() => (change === 'deleted' ? this.unbind(p.id) : this.bind(p)));
    });
    for (const p of await this.deps.catalog.withSources()) await this.serial(() => this.bind(p));
  }

  private serial(task: () => Promise<void>): Promise<void> {
    this.chain = this.chain.then(task).catch((err: unknown) => this.deps.logger.error({ err }, 'amqp source rebind failed'));
    return this.chain;
  }

  /** (Re)starts the consumers of one pipeline; idempotent. */
  async bind(pipeline: Pipeline): Promise<void> {
    const sources = pipeline.status === 'active' ? pipeline.sources.filter((s): s is AmqpSourceSpec => s.kind === 'amqp') : [];
    const signature = JSON.stringify(sources);
    if (this.consumers.get(pipeline.id)?.signature === signature) return;
    await this.unbind(pipeline.id);
    const list: QueueConsumer[] = [];
    for (const s of sources) {
      const url = s.url ?? this.deps.defaultUrl;
      if (!url) {
        this.deps.logger.warn(
          { pipelineId: pipeline.id, queue: s.queue },
          'amqp source without url and no POLDER_AMQP_URL; skipped',
        );
        continue;
      }
      const c = new QueueConsumer(this.deps, pipeline.id, s.queue, url);
      list.push(c);
      c.start();
    }
    if (list.length > 0) this.consumers.set(pipeline.id, { signature, list });
  }

  async unbind(pipelineId: string): Promise<void> {
    const c = this.consumers.get(pipelineId);
    if (!c) return;
    this.consumers.delete(pipelineId);
    await Promise.all(c.list.map((q) => q.stop()));
  }

  async stop(): Promise<void> {
    this.unfollow?.();
    this.unfollow = undefined;
    await this.chain;
    await Promise.all([...this.consumers.keys()].map((id) => this.unbind(id)));
  }
}
