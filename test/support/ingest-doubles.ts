import type { Pipeline, PipelineCatalog } from '../../src/pipelines/pipelines.js';
import type { BatchHandler, Inbox } from '../../src/queue/inbox.js';
import { digestSecret } from '../../src/shared/secrets.js';
import type { PipelineMessage } from '../../src/workers/message.js';

/** A Map-backed catalog: `save`/`remove` notify listeners as the real one does. */
export class MapCatalog implements PipelineCatalog {
  readonly pipelines = new Map<string, Pipeline>();
  private readonly tokens = new Map<string, string>();
  private readonly listeners = new Set<(p: Pipeline, change: 'saved' | 'deleted') => void>();

  save(p: Partial<Pipeline> & { id: string; orgId: string }, token?: string): Pipeline {
    const pipeline: Pipeline = {
      name: p.id,
      description: '',
      status: 'active',
      steps: [],
      sources: [],
      autoRegister: false,
      deviceType: null,
      hasIngestToken: token !== undefined,
      createdAt: 0,
      updatedAt: 0,
      ...p,
    };
    if (token !== undefined) this.tokens.set(p.id, digestSecret(token));
    this.pipelines.set(p.id, pipeline);
    for (const l of this.listeners) l(pipeline, 'saved');
    return pipeline;
  }

  remove(id: string) {
    const p = this.pipelines.get(id);
    if (!p) return;
    this.pipelines.delete(id);
    for (const l of this.listeners) l(p, 'deleted');
  }

  async byId(id: string) {
    return this.pipelines.get(id);
  }
  async tokenMatches(pipelineId: string, token: string) {
    return this.tokens.get(pipelineId) === digestSecret(token);
  }
  async withSources() {
    return [...this.pipelines.values()].filter((p) => p.sources.length > 0);
  }
  onChange(listener: (p: Pipeline, change: 'saved' | 'deleted') => void) {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
}

/**
 * Records what is enqueued. `gate` holds every enqueue until released (a slow inbox);
 * `failing` makes enqueue reject (an inbox that is down).
 */
export class RecordingInbox implements Inbox {
  readonly kind = 'database' as const;
  readonly messages: PipelineMessage[] = [];
  calls = 0;
  failing = false;
  private gate: Promise<void> | undefined;
  private release: (() => void) | undefined;
  private readonly waiters: (() => void)[] = [];

  /** From now on enqueue waits until `open()`. */
  hold() {
    this.gate = new Promise((r) => {
      this.release = r;
    });
  }
  open() {
    this.release?.();
    this.gate = undefined;
  }
  /** Resolves once `n` enqueue calls have started. */
  started(n: number): Promise<void> {
    if (this.calls >= n) return Promise.resolve();
    return new Promise((r) => this.waiters.push(() => this.calls >= n && r()));
  }

  async enqueue(messages: readonly PipelineMessage[]) {
    this.calls++;
    for (const w of this.waiters) w();
    if (this.gate) await this.gate;
    if (this.failing) throw new Error('inbox down');
    this.messages.push(...messages);
  }
  start(_handler: BatchHandler) {}
  async depth() {
    return this.messages.length;
  }
  async close() {}
}
