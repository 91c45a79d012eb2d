import { DomainError, notFound } from '../shared/errors.js';
import type { PageRequest } from '../shared/page.js';
import { messageFromJson, type PipelineMessage } from '../workers/workers.js';
import type { TraceFilter, TraceStore } from './pipeline-ports.js';
import type { TraceRecord } from './pipelines.js';

/** The Inbox port's `enqueue`: durably queues messages for the pipeline runner. */
export type Enqueue = (messages: readonly PipelineMessage[]) => Promise<void>;

const DAY_MS = 86_400_000;
/** Traces replayed per enqueue in a bulk replay (the inbox batches its writes anyway). */
const REPLAY_CHUNK = 500;
/** Traces deleted per statement by retention. */
const DELETE_CHUNK = 5000;

export interface TraceServiceOptions {
  /** Days traces are kept (POLDER_TRACE_RETENTION_DAYS); 0 keeps them forever. */
  retentionDays: number;
}

/**
 * Traces: the record of each uplink, and the dead letters among them. Replaying sends the
 * stored message (same id, so the outcome overwrites the trace) through the inbox again; the
 * trace turns `retrying` first, so a trace is never replayed twice at once.
 */
export class TraceService {
  constructor(
    private readonly store: TraceStore,
    private readonly enqueue: Enqueue,
    private readonly opts: TraceServiceOptions,
  ) {}

  /** Where the runner writes (one batched upsert per call). */
  get sink(): TraceStore {
    return this.store;
  }

  list(orgId: string, filter: TraceFilter, page: PageRequest) {
    return this.store.list(orgId, filter, page);
  }

  /** A device id or code of the organisation as a device id; DEVICE_NOT_FOUND (404) otherwise. */
  async deviceId(orgId: string, idOrCode: string): Promise<string> {
    const id = await this.store.deviceIdOf(orgId, idOrCode);
    if (id === undefined) throw notFound('device', idOrCode);
    return id;
  }

  async get(orgId: string, id: string): Promise<TraceRecord> {
    const t = await this.store.get(orgId, id);
    if (!t) throw notFound('trace', id);
    return t;
  }

  /**
   * Replays one failed trace; TRACE_MESSAGE_NOT_KEPT (409) for a trace without its raw message
   * (a successful uplink outside the pipeline's traceMessages), TRACE_NOT_FAILED (409) for any other status.
   */
  async replay(orgId: string, id: string): Promise<TraceRecord> {
    const [claimed] = await this.store.claimFailed(orgId, [id]);
    if (claimed && claimed.message === null) await this.store.unclaim(orgId, [id]);
    if (!claimed || claimed.message === null) {
      const t = await this.get(orgId, id);
      if (t.message === null)
        throw new DomainError('TRACE_MESSAGE_NOT_KEPT', `trace ${id} has no raw message to replay (not kept)`, {
          id,
          status: t.status,
        });
      throw new DomainError('TRACE_NOT_FAILED', `trace ${id} is ${t.status}: only failed traces are replayed`, {
        id,
        status: t.status,
      });
    }
    await this.send(orgId, [claimed]);
    return { ...claimed, status: 'retrying' };
  }

  /** Replays every failed trace that matches; returns how many were queued. */
  async replayAll(orgId: string, filter: Omit<TraceFilter, 'status'>): Promise<number> {
    let count = 0;
    for (;;) {
      const ids = await this.store.failedIds(orgId, filter, REPLAY_CHUNK);
      if (ids.length === 0) return count;
      const claimed = await this.store.claimFailed(orgId, ids);
      // None claimed: a concurrent replay took them all; stop rather than spin on what it sees.
      if (claimed.length === 0) return count;
      await this.send(orgId, claimed);
      count += claimed.length;
    }
  }

  /** Gives every trace appended so far its place in the device listing (TraceStore.foldDevices). */
  foldDevices(): Promise<number> {
    return this.store.foldDevices();
  }

  /** Deletes traces received more than `retentionDays` before `now`; returns how many. */
  async removeExpiredTraces(now: number): Promise<number> {
    if (this.opts.retentionDays <= 0) return 0;
    const before = now - this.opts.retentionDays * DAY_MS;
    let removed = 0;
    for (;;) {
      const n = await this.store.deleteBefore(before, DELETE_CHUNK);
      removed += n;
      if (n < DELETE_CHUNK) return removed;
    }
  }

  private async send(orgId: string, claimed: TraceRecord[]) {
    try {
      // Failed traces always keep their message (src/pipelines/trace-messages.ts); one without is skipped.
      await this.enqueue(claimed.flatMap((t) => (t.message === null ? [] : [messageFromJson(t.message)])));
    } catch (err) {
      // Not queued: they stay dead letters, replayable later.
      await this.store.unclaim(
        orgId,
        claimed.map((t) => t.id),
      );
      throw err;
    }
  }
}
