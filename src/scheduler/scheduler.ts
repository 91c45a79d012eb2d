/**
 * The deployment-wide periodic work: jobs that run every period, and services that run for as
 * long as this process holds the scheduler lease (pollers). Every process of a deployment may
 * run a Scheduler; only the lease holder does the work, and another takes over within the
 * lease's ttl when the holder dies.
 */
import { Counter, type Registry } from 'prom-client';
import type { Logger } from '../shared/logger.js';
import type { Lease } from './lease.js';

export interface Job {
  name: string;
  everyMs: number;
  run(): Promise<void>;
}

/** Something that runs only while the lease is held (started when taken, stopped when lost). */
export interface WhileHeld {
  name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface SchedulerOptions {
  lease: Lease;
  jobs: Job[];
  whileHeld?: WhileHeld[];
  logger: Logger;
  metrics: Registry;
}

export class Scheduler {
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly running = new Map<string, Promise<void>>();
  private readonly runs: Counter<'job'>;
  private unfollow: (() => void) | undefined;
  /** Starts and stops of the while-held services, one after the other. */
  private chain: Promise<void> = Promise.resolve();
  private heldStarted = false;

  constructor(private readonly opts: SchedulerOptions) {
    this.runs = new Counter({
      name: 'polder_scheduler_job_runs_total',
      help: 'Runs of each periodic job in this process (only the scheduler lease holder runs them).',
      labelNames: ['job'],
      registers: [opts.metrics],
    });
  }

  /** Whether this process holds the lease (and so runs the jobs). */
  get active(): boolean {
    return this.opts.lease.held;
  }

  /**
   * Takes the lease when it is free and, if so, starts the while-held services before resolving
   * (a single process runs its pollers from the start); then renews it and runs the jobs.
   */
  async start(): Promise<void> {
    const { lease, logger } = this.opts;
    this.unfollow ??= lease.onChange((held) => this.follow(held));
    await lease.renew().catch((err: unknown) => logger.error({ err }, 'scheduler lease not taken'));
    await this.chain;
    lease.start();
    for (const job of this.opts.jobs) {
      const t = setInterval(() => this.tick(job), job.everyMs);
      t.unref();
      this.timers.push(t);
    }
    logger.debug({ jobs: this.opts.jobs.map((j) => j.name) }, 'scheduler started');
  }

  /** One period of a job: run when the lease is held and its previous run has ended (runs never overlap). */
  private tick(job: Job) {
    if (!this.opts.lease.held || this.running.has(job.name)) return;
    this.runs.inc({ job: job.name });
    this.opts.logger.debug({ job: job.name }, 'job run');
    const run = job
      .run()
      .catch((err: unknown) => this.opts.logger.error({ err, job: job.name }, `${job.name} failed`))
      .finally(() => this.running.delete(job.name));
    this.running.set(job.name, run);
  }

  private follow(held: boolean) {
    this.chain = this.chain.then(async () => {
      if (held === this.heldStarted) return;
      this.heldStarted = held;
      for (const s of this.opts.whileHeld ?? []) {
        await (held ? s.start() : s.stop()).catch((err: unknown) =>
          this.opts.logger.error({ err, service: s.name }, `${s.name} did not ${held ? 'start' : 'stop'}`),
        );
      }
    });
  }

  /** No further runs; waits for the runs in progress, stops the while-held services, gives the lease up. */
  async stop(): Promise<void> {
    for (const t of this.timers.splice(0)) clearInterval(t);
    this.unfollow?.();
    this.unfollow = undefined;
    await Promise.all(this.running.values());
    this.follow(false);
    await this.chain;
    await this.opts.lease.stop();
  }
}
