/**
 * The one way a transport hands uplinks over: the pipeline is checked, the envelope built, and
 * the inbox has durably stored it before the caller hears "accepted" (design: Uplink flow).
 */
import type { Pipeline, PipelineCatalog } from '../pipelines/pipelines.js';
import type { Inbox } from '../queue/inbox.js';
import type { Clock } from '../shared/clock.js';
import { DomainError } from '../shared/errors.js';
import type { IdGenerator } from '../shared/ids.js';
import type { Logger } from '../shared/logger.js';
import type { DeviceRef, PipelineMessage, TransportInfo } from '../workers/message.js';
import type { IngestMetrics } from './ingest-metrics.js';

export interface UplinkInput {
  pipelineId: string;
  /** The organisation the caller belongs to; unset for trusted sources (the pipeline's token, its own poller). */
  orgId?: string | undefined;
  transport: TransportInfo;
  payload: Uint8Array;
  device?: DeviceRef | undefined;
}

export type UplinkOutcome = { traceId: string } | { error: DomainError };

export const pipelineNotFound = (id: string) => new DomainError('PIPELINE_NOT_FOUND', `pipeline ${id} not found`, { id });

export interface IngestServiceDeps {
  catalog: PipelineCatalog;
  inbox: Inbox;
  clock: Clock;
  newId: IdGenerator;
  logger: Logger;
  metrics: IngestMetrics;
  maxBytes: number;
}

export class IngestService {
  constructor(private readonly deps: IngestServiceDeps) {}

  get maxBytes(): number {
    return this.deps.maxBytes;
  }

  /**
   * Accepts one uplink; resolves with its trace id once the inbox has stored it. acceptMany's
   * steps for one input, without its outcome objects: every HTTP and MQTT uplink comes through here.
   */
  accept(input: UplinkInput): Promise<string> {
    // A pipeline the catalog holds is taken without waiting a turn; no async frame of this
    // method lives while the uplink is in flight (an MQTT publisher keeps a thousand in flight).
    const known = this.deps.catalog.known?.(input.pipelineId);
    if (known) return this.acceptFor(known, input);
    return this.deps.catalog.byId(input.pipelineId).then((pipeline) => this.acceptFor(pipeline, input));
  }

  private acceptFor(pipeline: Pipeline | undefined, input: UplinkInput): Promise<string> {
    let message: PipelineMessage;
    try {
      message = this.build(this.checkPipeline(input, pipeline), input);
    } catch (err) {
      if (err instanceof DomainError) this.deps.metrics.rejected(input.transport.kind, err.code);
      return Promise.reject(err);
    }
    return this.enqueue([message], message.id);
  }

  /**
   * Accepts several uplinks with one enqueue (sources that read many at once). Each refused one
   * gets its own error; the others are still enqueued. Rejects with INBOX_UNAVAILABLE when the
   * inbox could not store them, in which case none was accepted.
   */
  async acceptMany(inputs: readonly UplinkInput[]): Promise<UplinkOutcome[]> {
    const outcomes: UplinkOutcome[] = [];
    const messages: PipelineMessage[] = [];
    // A bulk request names one pipeline for all its uplinks: look it up (and wait) once, not once per uplink.
    let lookedId: string | undefined;
    let looked: Pipeline | undefined;
    for (const input of inputs) {
      try {
        if (lookedId !== input.pipelineId) {
          looked = await this.deps.catalog.byId(input.pipelineId);
          lookedId = input.pipelineId;
        }
        const pipeline = this.checkPipeline(input, looked);
        const message = this.build(pipeline, input);
        messages.push(message);
        outcomes.push({ traceId: message.id });
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        this.deps.metrics.rejected(input.transport.kind, err.code);
        outcomes.push({ error: err });
      }
    }
    if (messages.length > 0) await this.enqueue(messages, undefined);
    return outcomes;
  }

  /**
   * Enqueues accepted messages and counts them received and acknowledged, then answers `answer`
   * (one promise per call, not a second to map the answer); rejects with INBOX_UNAVAILABLE (each
   * counted refused) when the inbox could not store them.
   */
  private enqueue<T>(messages: PipelineMessage[], answer: T): Promise<T> {
    return this.deps.inbox.enqueue(messages).then(
      () => {
        this.count(messages);
        return answer;
      },
      (err: unknown) => {
        for (const m of messages) this.deps.metrics.rejected(m.transport.kind, 'INBOX_UNAVAILABLE');
        this.deps.logger.error({ err, uplinks: messages.length }, 'inbox did not store uplinks');
        throw new DomainError('INBOX_UNAVAILABLE', 'the uplink could not be stored; send it again later');
      },
    );
  }

  /** Counts stored messages received and acknowledged. */
  private count(messages: PipelineMessage[]): void {
    const now = this.deps.clock();
    let kind = messages[0]?.transport.kind;
    let run = 0;
    for (const m of messages) {
      // Counted per run of one transport (a batch has one): one counter update, not one per uplink.
      if (m.transport.kind !== kind) {
        if (kind !== undefined) this.deps.metrics.received(kind, run);
        kind = m.transport.kind;
        run = 0;
      }
      run++;
      this.deps.metrics.acked(m.transport.kind, (now - m.receivedAt) / 1000);
    }
    if (kind !== undefined && run > 0) this.deps.metrics.received(kind, run);
  }

  private checkPipeline(input: UplinkInput, pipeline: Pipeline | undefined): Pipeline {
    // Another organisation's pipeline is answered like a missing one.
    if (!pipeline || (input.orgId !== undefined && pipeline.orgId !== input.orgId)) throw pipelineNotFound(input.pipelineId);
    if (pipeline.status !== 'active')
      throw new DomainError('PIPELINE_INACTIVE', `pipeline ${pipeline.id} is inactive`, { id: pipeline.id });
    if (input.payload.byteLength > this.deps.maxBytes)
      throw new DomainError(
        'PAYLOAD_TOO_LARGE',
        `the uplink is ${input.payload.byteLength} bytes; the limit is ${this.deps.maxBytes}`,
        {
          field: 'payload',
          limit: this.deps.maxBytes,
        },
      );
    return pipeline;
  }

  private build(pipeline: Pipeline, input: UplinkInput): PipelineMessage {
    const transport: TransportInfo = { kind: input.transport.kind };
    if (input.transport.topic !== undefined) transport.topic = input.transport.topic;
    if (input.transport.contentType !== undefined) transport.contentType = input.transport.contentType;
    if (input.transport.path !== undefined) transport.path = input.transport.path;
    return {
      id: this.deps.newId(),
      orgId: pipeline.orgId,
      pipelineId: pipeline.id,
      receivedAt: this.deps.clock(),
      transport,
      payload: input.payload,
      ...(input.device !== undefined && { device: input.device }),
      metadata: {},
      measurements: [],
    };
  }
}
