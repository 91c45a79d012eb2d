import { timingSafeEqual } from 'node:crypto';
import type { Clock } from '../shared/clock.js';
import { digestSecret } from '../shared/secrets.js';
import type { PipelineStore, StoredPipeline } from './pipeline-ports.js';
import type { Pipeline, PipelineCatalog } from './pipelines.js';

type Listener = (pipeline: Pipeline, change: 'saved' | 'deleted') => void;

interface CacheEntry {
  at: number;
  entry: Promise<StoredPipeline | undefined>;
  /** The pipeline, once the entry has loaded one (for `known`). */
  loaded?: Pipeline;
}

export interface CatalogOptions {
  /**
   * How long a cached pipeline is trusted. Changes made by this process invalidate at once; this
   * bounds how long a change made by another process (scale-out) goes unseen. Default 30 s.
   */
  maxAgeMs?: number;
  onListenerError?: (err: unknown) => void;
}

/**
 * Pipelines of every organisation, as transports and the runner see them: loaded lazily per id,
 * cached in memory, dropped when this process changes them (`changed`, which PipelineService
 * calls) or when they grow old. Unknown ids are not cached: the id of an uplink URL is the
 * caller's to choose, and the cache must not grow with them.
 */
export class CachedPipelineCatalog implements PipelineCatalog {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly listeners = new Set<Listener>();
  private readonly maxAgeMs: number;

  constructor(
    private readonly store: PipelineStore,
    private readonly clock: Clock,
    private readonly opts: CatalogOptions = {},
  ) {
    this.maxAgeMs = opts.maxAgeMs ?? 30_000;
  }

  async byId(id: string): Promise<Pipeline | undefined> {
    return (await this.load(id))?.pipeline;
  }

  known(id: string): Pipeline | undefined {
    const hit = this.cache.get(id);
    return hit?.loaded && this.clock() - hit.at < this.maxAgeMs ? hit.loaded : undefined;
  }

  async tokenMatches(pipelineId: string, token: string): Promise<boolean> {
    const stored = await this.load(pipelineId);
    if (!stored?.tokenHash) return false;
    const expected = Buffer.from(stored.tokenHash);
    const actual = Buffer.from(digestSecret(token));
    // Digests have one length; the check only guards timingSafeEqual's precondition.
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }

  async withSources(): Promise<Pipeline[]> {
    const all = await this.store.withSources();
    const at = this.clock();
    for (const s of all) this.cache.set(s.pipeline.id, { at, entry: Promise.resolve(s), loaded: s.pipeline });
    return all.map((s) => s.pipeline);
  }

  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A pipeline was saved or deleted by this process: forget it and tell the listeners. */
  changed = (pipeline: Pipeline, change: 'saved' | 'deleted') => {
    this.cache.delete(pipeline.id);
    for (const l of this.listeners) {
      try {
        l(pipeline, change);
      } catch (err) {
        this.opts.onListenerError?.(err);
      }
    }
  };

  private load(id: string): Promise<StoredPipeline | undefined> {
    const now = this.clock();
    const hit = this.cache.get(id);
    if (hit && now - hit.at < this.maxAgeMs) return hit.entry;
    // Concurrent lookups of one id share one query.
    const entry = this.store.findAnyOrg(id);
    const cached: CacheEntry = { at: now, entry };
    this.cache.set(id, cached);
    entry.then(
      (found) => {
        if (found) cached.loaded = found.pipeline;
        else if (this.cache.get(id) === cached) this.cache.delete(id);
      },
      () => {
        if (this.cache.get(id) === cached) this.cache.delete(id);
      },
    );
    return entry;
  }
}
