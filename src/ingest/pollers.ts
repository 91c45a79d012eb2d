/**
 * Runs the pipelines' http-poll and ftp-poll sources every intervalSeconds. A poller's next run
 * is scheduled when its run ends, so runs of one poller never overlap; the catalog's changes
 * start, replace and stop pollers.
 */
import type { Pipeline, PipelineCatalog } from '../pipelines/pipelines.js';
import type { Logger } from '../shared/logger.js';

/** One source that is polled. */
export interface PollTask {
  run(): Promise<unknown>;
}

/** Builds the task of one source, or undefined when the source is not polled. */
export type PollTaskFactory = (pipeline: Pipeline, index: number) => { task: PollTask; intervalMs: number } | undefined;

class Scheduled {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;

  constructor(
    private readonly task: PollTask,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  start() {
    this.tick();
  }

  private tick() {
    if (this.stopped) return;
    this.running = this.task
      .run()
      .catch((err: unknown) => this.logger.error({ err }, 'poller failed'))
      .finally(() => {
        this.running = undefined;
        if (this.stopped) return;
        this.timer = setTimeout(() => this.tick(), this.intervalMs);
        this.timer.unref();
      });
  }

  /** No further run; waits for the one in progress. */
  async stop() {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}

export class Pollers {
  private readonly running = new Map<string, { signature: string; list: Scheduled[] }>();
  private unfollow: (() => void) | undefined;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly deps: {
      catalog: PipelineCatalog;
      create: PollTaskFactory;
      logger: Logger;
      /** A deleted pipeline's memory goes with it. */
      forget?: (pipelineId: string) => Promise<void>;
    },
  ) {}

  async start(): Promise<void> {
    this.unfollow ??= this.deps.catalog.onChange((p, change) => {
      void this.serial(async () => {
        if (change === 'saved') return this.bind(p);
        await this.unbind(p.id);
        await this.deps.forget?.(p.id);
      });
    });
    for (const p of await this.deps.catalog.withSources()) await this.serial(() => this.bind(p));
  }

  /** Number of pollers running (for tests and the log). */
  get size(): number {
    return [...this.running.values()].reduce((n, r) => n + r.list.length, 0);
  }

  private serial(task: () => Promise<void>): Promise<void> {
    this.chain = this.chain.then(task).catch((err: unknown) => this.deps.logger.error({ err }, 'poller rebind failed'));
    return this.chain;
  }

  /** (Re)starts the pollers of one pipeline; unchanged sources keep running (idempotent). */
  private async bind(pipeline: Pipeline) {
    const active = pipeline.status === 'active';
    const polled = active ? pipeline.sources.filter((s) => s.kind === 'http-poll' || s.kind === 'ftp-poll') : [];
    const signature = JSON.stringify(polled);
    if (this.running.get(pipeline.id)?.signature === signature) return;
    await this.unbind(pipeline.id);
    const list: Scheduled[] = [];
    pipeline.sources.forEach((s, index) => {
      if (!active || (s.kind !== 'http-poll' && s.kind !== 'ftp-poll')) return;
      const made = this.deps.create(pipeline, index);
      if (!made) return;
      const scheduled = new Scheduled(
        made.task,
        made.intervalMs,
        this.deps.logger.child({ pipelineId: pipeline.id, source: index }),
      );
      list.push(scheduled);
      scheduled.start();
    });
    if (list.length > 0) this.running.set(pipeline.id, { signature, list });
  }

  private async unbind(pipelineId: string) {
    const r = this.running.get(pipelineId);
    if (!r) return;
    this.running.delete(pipelineId);
    await Promise.all(r.list.map((s) => s.stop()));
  }

  async stop(): Promise<void> {
    this.unfollow?.();
    this.unfollow = undefined;
    await this.chain;
    await Promise.all([...this.running.keys()].map((id) => this.unbind(id)));
  }
}
