/**
 * The ports the pipelines domain needs (implemented over Kysely in pipelines.store.ts and
 * traces.store.ts), and the shapes that travel through them.
 */
import type { Page, PageRequest } from '../shared/page.js';
import type { Pipeline, Trace, TraceRecord, TraceSink, TraceStatus } from './pipelines.js';

/** A pipeline with the digest of its ingest token (never leaves the domain). */
export interface StoredPipeline {
  pipeline: Pipeline;
  tokenHash: string | null;
}

export interface PipelineStore {
  insert(p: Pipeline): Promise<void>;
  update(p: Pipeline): Promise<void>;
  delete(orgId: string, id: string): Promise<boolean>;
  /** By id or by name, within the organisation. */
  find(orgId: string, idOrName: string): Promise<Pipeline | undefined>;
  list(orgId: string, page: PageRequest): Promise<Page<Pipeline>>;
  /** Sets (a digest) or clears the ingest token; false when the pipeline is not the org's. */
  setTokenHash(orgId: string, id: string, hash: string | null, updatedAt: number): Promise<boolean>;
  /** Any organisation's pipeline by id: for transports and the runner. */
  findAnyOrg(id: string): Promise<StoredPipeline | undefined>;
  /** Every pipeline (any organisation) that has at least one source. */
  withSources(): Promise<StoredPipeline[]>;
}

/** What a trace list or a bulk replay selects. */
export interface TraceFilter {
  pipelineId?: string | undefined;
  deviceId?: string | undefined;
  status?: TraceStatus | undefined;
  /** Unix ms, inclusive, on receivedAt. */
  start?: number | undefined;
  /** Unix ms, exclusive, on receivedAt. */
  end?: number | undefined;
}

export interface TraceStore extends TraceSink {
  list(orgId: string, filter: TraceFilter, page: PageRequest): Promise<Page<Trace>>;
  get(orgId: string, id: string): Promise<TraceRecord | undefined>;
  /**
   * Moves the traces among `ids` that are `failed` to `retrying` and returns those it moved, with
   * their messages: one caller wins each trace, so none is replayed twice.
   */
  claimFailed(orgId: string, ids: readonly string[]): Promise<TraceRecord[]>;
  /** Ids of up to `limit` failed traces that match, oldest first. */
  failedIds(orgId: string, filter: TraceFilter, limit: number): Promise<string[]>;
  /** Puts claimed traces back to `failed` (the enqueue that should have replayed them failed). */
  unclaim(orgId: string, ids: readonly string[]): Promise<void>;
  /** The organisation's device with this id or code (the `device` filter takes either). */
  deviceIdOf(orgId: string, idOrCode: string): Promise<string | undefined>;
  /** Removes up to `limit` traces received before `before` (any organisation); returns how many. */
  deleteBefore(before: number, limit: number): Promise<number>;
  /**
   * Gives the traces appended since the last call their place in the device listing; answers how
   * many it went past. Where the database indexes traces by device at insert (PostgreSQL), nothing
   * to do.
   */
  foldDevices(): Promise<number>;
}
