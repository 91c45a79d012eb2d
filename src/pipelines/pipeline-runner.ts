/**
 * The pipeline runner: the inbox's BatchHandler. Each message of a batch goes through its
 * pipeline's steps on its own; the ones that get through are stored together (store step);
 * one trace per message is written in one call, in the measurements' transaction where the trace
 * sink and the measurement store allow it (else after it), and the inbox is told which messages
 * are done and which to deliver again. One bad message never fails the others of its batch.
 */

import type { TraceRows } from '../measurements/measurements.js';
import type { BatchHandler, BatchOutcome, Delivery } from '../queue/inbox.js';
import { backoffDelay } from '../shared/backoff.js';
import type { Clock } from '../shared/clock.js';
import { DomainError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import {
  isBuiltinDefinition,
  messageToJson,
  newWarnings,
  type PipelineMessage,
  runStepNow,
  type ScriptLog,
  type ScriptRunner,
  skipReason,
  type WorkerContext,
  WorkerError,
} from '../workers/workers.js';
import type { LanePipeline } from './lane-batch.js';
import type { PipelineRunnerObserver } from './pipeline-runner-metrics.js';
import type { Pipeline, PipelineCatalog, TraceError, TraceRecord, TraceSink, TraceStatus, TraceStep } from './pipelines.js';
import type { ResolvedStep, StepResolver } from './step-resolver.js';
import type { StoreOutcome, StoreStep } from './store-step.js';
import { keepsMessage } from './trace-messages.js';
import type { LaneItem, WriterLane } from './writer-lane.js';

export interface PipelineRunnerOptions {
  catalog: Pick<PipelineCatalog, 'byId'>;
  steps: Pick<StepResolver, 'steps'>;
  /** `identify` (optional) names the device of a failed message in its trace. */
  store: Pick<StoreStep, 'store'> & Partial<Pick<StoreStep, 'identify'>>;
  traces: TraceSink;
  /** The sandbox user scripts run in (ScriptService.runner). */
  scripts?: ScriptRunner | undefined;
  clock: Clock;
  logger: Logger;
  /** Deliveries of a message whose failure may pass before it is failed for good (config.inboxMaxAttempts). */
  maxAttempts: number;
  observer?: PipelineRunnerObserver | undefined;
  /** Console entries a trace step keeps of a script (default 50) and characters of each (default 1000). */
  maxLogEntries?: number;
  maxLogChars?: number;
  /**
   * Timeouts of one step in one batch after which its remaining messages of the batch are not
   * run but retried later (default 3): a script stuck in a loop would otherwise hold the batch
   * for timeout × batch size (50 s for 500 messages at 100 ms).
   */
  maxTimeoutsPerStep?: number;
  /** Decodes and stores the deliveries of built-in pipelines it can on SQLite's lane and writer threads (writer-lane.ts). */
  lane?: WriterLane | undefined;
}

/**
 * Delay before delivery `attempt + 1`: 1 s, 2 s, 4 s … capped at 60 s. No jitter: the delay is
 * stored with the message (and asserted by tests); messages fail at spread-out times anyway.
 */
export const backoffMs = (attempt: number): number => backoffDelay(attempt - 1, { baseMs: 1000, maxMs: 60_000, jitter: 0 });

/** How a failure is traced, and whether another delivery may help. */
export function classify(err: unknown, step?: number): { error: TraceError; retryable: boolean } {
  const at = step === undefined ? {} : { step };
  if (err instanceof DomainError) {
    // A script's logs are in its trace step already.
    const { logs: _logs, ...rest } = err.details ?? {};
    const details = Object.keys(rest).length > 0 ? { details: rest } : {};
    return {
      error: { code: err.code, message: err.message, ...at, ...details },
      retryable: err instanceof WorkerError ? err.retryable : false,
    };
  }
  // Not a domain error: the database, the queue or the trace store did not answer.
  const message = err instanceof Error ? err.message : String(err);
  return { error: { code: 'UNAVAILABLE', message, ...at }, retryable: true };
}

/** One message on its way through the batch. */
interface Work {
  delivery: Delivery;
  pipeline?: Pipeline | undefined;
  message: PipelineMessage;
  steps: TraceStep[];
  status?: TraceStatus | 'store';
  error?: TraceError | undefined;
  retryable?: boolean | undefined;
  deviceId: string | null;
  measurements: number;
  /** Trace steps before the store step (set when a store outcome is applied). */
  decodedSteps?: number;
}

/** A pipeline of the batch: found with its steps, not found (empty), or what failed. */
interface Route {
  pipeline?: Pipeline;
  steps?: ResolvedStep[];
  failure?: unknown;
}

/** A step under way: when it started, the message it was given, its log lines (a script's). */
interface StepRun {
  startedAt: number;
  t0: number;
  before: PipelineMessage;
  logs: ScriptLog[] | undefined;
}

interface Finished {
  outcome: BatchOutcome;
  records: TraceRecord[];
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

const NO_PAYLOAD = new Uint8Array(0);
const NO_METADATA: PipelineMessage['metadata'] = Object.freeze({});

/**
 * What the store step reads of a decoded message (StoreItem.message): its ids, times, device and
 * drafts. The envelope's other layers (metadata with the provider's gateways and decoded payload,
 * the device payload) are let go as soon as a message is decoded, so they die young instead of
 * living until the batch commits, which made the collector promote them.
 */
function toStore(m: PipelineMessage): PipelineMessage {
  const out: PipelineMessage = {
    id: m.id,
    orgId: m.orgId,
    pipelineId: m.pipelineId,
    receivedAt: m.receivedAt,
    transport: m.transport,
    payload: NO_PAYLOAD,
    metadata: NO_METADATA,
    measurements: m.measurements,
  };
  if (m.observedAt !== undefined) out.observedAt = m.observedAt;
  if (m.device !== undefined) out.device = m.device;
  return out;
}

export class PipelineRunner {
  private readonly maxLogEntries: number;
  private readonly maxLogChars: number;
  private readonly maxTimeouts: number;
  private readonly builtinContext: WorkerContext;

  constructor(private readonly opts: PipelineRunnerOptions) {
    this.builtinContext = { scripts: opts.scripts };
    this.maxLogEntries = opts.maxLogEntries ?? 50;
    this.maxLogChars = opts.maxLogChars ?? 1000;
    this.maxTimeouts = opts.maxTimeoutsPerStep ?? 3;
  }

  readonly handle: BatchHandler = async (batch) => {
    const routes = new Map<string, Route>();
    for (const delivery of batch) {
      const id = delivery.message.pipelineId;
      if (!routes.has(id)) routes.set(id, await this.route(id));
    }
    const lane = this.opts.lane && (await this.viaLane(this.opts.lane, batch, routes));
    if (!lane) return this.decodeAndStore(batch, routes);
    if (lane.rest.length === 0) return { done: lane.done, retry: [] };
    const outcome = await this.decodeAndStore(lane.rest, routes);
    // Every id once, in the order delivered.
    const done = new Set([...lane.done, ...outcome.done]);
    return { done: batch.map((d) => d.message.id).filter((id) => done.has(id)), retry: outcome.retry };
  };

  /**
   * The deliveries the writer lane stores (writer-lane.ts), counted as the runner counts its own;
   * undefined when it takes none. The others (`rest`) are the runner's.
   */
  private async viaLane(
    lane: WriterLane,
    batch: Delivery[],
    routes: Map<string, Route>,
  ): Promise<{ done: string[]; rest: Delivery[] } | undefined> {
    const pipelines = new Map<string, LanePipeline | undefined>();
    const items: LaneItem[] = [];
    const rest: Delivery[] = [];
    for (const delivery of batch) {
      const msg = delivery.message;
      const { pipeline, steps } = routes.get(msg.pipelineId) as Route;
      let spec: LanePipeline | undefined;
      if (pipeline && steps && pipeline.orgId === msg.orgId && lane.takes(delivery)) {
        if (!pipelines.has(pipeline.id)) pipelines.set(pipeline.id, lane.pipelineOf(pipeline, steps));
        spec = pipelines.get(pipeline.id);
      }
      if (spec && pipeline && steps) items.push({ delivery, pipeline, steps });
      else rest.push(delivery);
    }
    if (items.length === 0) return undefined;
    const run = await lane.run(
      items,
      [...pipelines.values()].filter((p) => p !== undefined),
    );
    if (!run) return undefined;
    const done: string[] = [];
    const observer = this.opts.observer;
    let k = 0;
    for (let i = 0; i < items.length; i++) {
      const item = items[i] as LaneItem;
      if (!run.handled[i]) {
        rest.push(item.delivery);
        continue;
      }
      done.push(item.delivery.message.id);
      if (observer) for (const step of item.steps) observer.step(step.label, (run.stepMs[k++] as number) / 1000);
    }
    if (observer && done.length > 0) {
      observer.messages('stored', done.length);
      observer.measurements(run.measurements);
      observer.step('store', run.seconds);
    }
    return { done, rest };
  }

  /** The runner's own way: each delivery through its steps, the decoded ones stored together, every one traced. */
  private async decodeAndStore(batch: Delivery[], routes: Map<string, Route>): Promise<BatchOutcome> {
    const timeouts = new Map<string, number>();
    const works: Work[] = [];
    for (const delivery of batch) {
      const w = this.decode(delivery, routes.get(delivery.message.pipelineId) as Route, timeouts);
      works.push(w instanceof Promise ? await w : w);
    }
    // Where the store commits the traces with the measurements, they are made just before it.
    let done: Finished | undefined;
    const tracesOf = this.opts.traces.rows?.bind(this.opts.traces);
    const traced = await this.storeAll(
      works.filter((w) => w.status === 'store'),
      tracesOf &&
        (async () => {
          done = await this.finish(works);
          return tracesOf(done.records);
        }),
    );
    if (!traced || !done) {
      done = await this.finish(works);
      // A trace store that does not answer makes the batch throw: the inbox delivers it again,
      // and storing it again adds no measurement (idempotent on (datastream, time)).
      await this.opts.traces.write(done.records);
    }
    const { outcome, records } = done;
    this.summarise(records);
    const observer = this.opts.observer;
    if (observer) {
      const counts = new Map<TraceStatus, number>();
      for (const r of records) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
      for (const [status, n] of counts) observer.messages(status, n);
      observer.measurements(records.reduce((n, r) => n + (r.status === 'stored' ? r.measurements : 0), 0));
    }
    return outcome;
  }

  /** The batch's outcome and traces, once every message is stored, failed or to be retried. */
  private async finish(works: Work[]): Promise<Finished> {
    await this.identify(works.filter((w) => (w.status === 'failed' || w.status === 'retrying') && w.deviceId === null));
    const outcome: BatchOutcome = { done: [], retry: [] };
    const records: TraceRecord[] = [];
    const finishedAt = this.opts.clock();
    for (const w of works) {
      const { attempt, message } = w.delivery;
      let status = w.status as TraceStatus;
      if (status === 'retrying' && attempt >= this.opts.maxAttempts) status = 'failed';
      if (status === 'retrying') outcome.retry.push({ id: message.id, delayMs: backoffMs(attempt) });
      else outcome.done.push(message.id);
      records.push(this.trace(w, status, finishedAt));
      if (status === 'failed' || status === 'retrying') {
        this.opts.logger.debug(
          { traceId: message.id, orgId: message.orgId, pipelineId: message.pipelineId, attempt, error: w.error },
          status === 'failed' ? 'uplink failed' : 'uplink will be retried',
        );
      }
    }
    return { outcome, records };
  }

  /** A pipeline of the batch and its prepared steps, looked up once per batch; what failed instead. */
  private async route(pipelineId: string): Promise<Route> {
    let pipeline: Pipeline | undefined;
    try {
      pipeline = await this.opts.catalog.byId(pipelineId);
    } catch (error) {
      return { failure: error };
    }
    if (!pipeline) return {};
    try {
      return { pipeline, steps: await this.opts.steps.steps(pipeline) };
    } catch (error) {
      return { pipeline, failure: error };
    }
  }

  /**
   * Runs the decoding steps of one message; leaves it `store`, `skipped`, `failed` or `retrying`.
   * Synchronous while its steps are (the built-ins): no promise, async frame or turn of the
   * microtask queue per message, which the thousand uplinks in flight made the collector copy.
   */
  private decode(delivery: Delivery, route: Route, timeouts: Map<string, number>): Work | Promise<Work> {
    const msg = delivery.message;
    const w: Work = { delivery, message: msg, steps: [], deviceId: null, measurements: 0 };
    if (delivery.rejected) return this.failed(w, delivery.rejected);
    const { pipeline, steps, failure } = route;
    if (!pipeline) return failure === undefined ? this.notFound(w) : this.failed(w, failure);
    if (pipeline.orgId !== msg.orgId) return this.notFound(w);
    // An inactive pipeline still runs what was queued for it: being inactive stops intake
    // (transports refuse new uplinks), but these were acknowledged to their senders already.
    w.pipeline = pipeline;
    if (!steps) {
      const step = failure instanceof DomainError && typeof failure.details?.step === 'number' ? failure.details.step : undefined;
      return this.failed(w, failure, step);
    }
    return this.runSteps(w, steps, 0, timeouts);
  }

  private notFound(w: Work): Work {
    const id = w.delivery.message.pipelineId;
    return this.failed(w, new DomainError('PIPELINE_NOT_FOUND', `pipeline ${id} not found (deleted?)`, { id }));
  }

  /** Runs `steps` from `from` on; a promise only from the first step that answers with one (a script). */
  private runSteps(w: Work, steps: ResolvedStep[], from: number, timeouts: Map<string, number>): Work | Promise<Work> {
    const pipelineId = (w.pipeline as Pipeline).id;
    for (let i = from; i < steps.length; i++) {
      const step = steps[i] as ResolvedStep;
      // A skip (a join accept, a downlink event, a status) passes every later step untouched.
      if (skipReason(w.message) !== undefined) break;
      // Built-ins never log through the context: they share one, and no closure or log array is
      // made per message (a built-in's warnings get an array when there are some).
      const builtin = isBuiltinDefinition(step.prepared.worker);
      const run: StepRun = {
        startedAt: this.opts.clock(),
        t0: performance.now(),
        before: w.message,
        logs: builtin ? undefined : [],
      };
      const ctx = builtin
        ? this.builtinContext
        : { scripts: this.opts.scripts, log: (entry: ScriptLog) => this.keep(run.logs as ScriptLog[], entry) };
      // The key of a step's timeouts is made only once a step of this batch timed out.
      const timedOut = timeouts.size === 0 ? 0 : (timeouts.get(`${pipelineId}\u0000${i}`) ?? 0);
      let out: PipelineMessage | Promise<PipelineMessage> | undefined;
      let failure: unknown;
      if (timedOut >= this.maxTimeouts) {
        failure = new WorkerError(
          'SCRIPT_TIMEOUT',
          `not run: step ${i} (${step.worker}) timed out ${timedOut} times in this batch; retried later`,
        );
      } else {
        try {
          out = runStepNow(step.prepared, w.message, ctx);
        } catch (err) {
          failure = err;
          this.countTimeout(timeouts, pipelineId, i, err);
        }
      }
      if (out instanceof Promise) {
        return out
          .then(
            (message) => this.stepDone(w, step, i, run, message, undefined),
            (err: unknown) => {
              this.countTimeout(timeouts, pipelineId, i, err);
              return this.stepDone(w, step, i, run, undefined, err);
            },
          )
          .then((next) => (next ? this.runSteps(w, steps, i + 1, timeouts) : w));
      }
      if (!this.stepDone(w, step, i, run, out, failure)) return w;
    }
    // A skipped message is still stored when an envelope made measurements of it (a ChirpStack
    // status event: battery and link margin); with none, there is nothing to store.
    w.status = skipReason(w.message) === undefined || w.message.measurements.length > 0 ? 'store' : 'skipped';
    if (w.status === 'store') w.message = toStore(w.message);
    return w;
  }

  /** A step that timed out counts against the next messages of the batch. */
  private countTimeout(timeouts: Map<string, number>, pipelineId: string, i: number, err: unknown) {
    if (!(err instanceof WorkerError && err.code === 'SCRIPT_TIMEOUT')) return;
    const key = `${pipelineId}\u0000${i}`;
    timeouts.set(key, (timeouts.get(key) ?? 0) + 1);
  }

  /** Records a step's trace and its answer (`message`) or failure; whether the next step runs. */
  private stepDone(
    w: Work,
    step: ResolvedStep,
    i: number,
    run: StepRun,
    message: PipelineMessage | undefined,
    failure: unknown,
  ): boolean {
    let logs = run.logs;
    if (message !== undefined) {
      w.message = message;
      // What the step tolerated (e.g. codec fields without a unit) shows in its trace step.
      if (message.metadata !== run.before.metadata) {
        const warnings = newWarnings(run.before.metadata, message.metadata);
        if (warnings.length > 0) logs ??= [];
        for (const text of warnings) this.keep(logs as ScriptLog[], { level: 'warn', message: text });
      }
    }
    const ms = performance.now() - run.t0;
    this.opts.observer?.step(step.label, ms / 1000);
    const traced: TraceStep = { worker: step.worker, startedAt: run.startedAt, durationMs: round(ms) };
    if (logs && logs.length > 0) traced.logs = logs;
    w.steps.push(traced);
    if (message !== undefined) return true;
    this.failed(w, failure, i);
    traced.error = w.error;
    return false;
  }

  /**
   * Stores every message that went through its steps, in one call; times it as the `store` step.
   * `traced` (given where the trace sink makes rows) is called with the messages' store outcomes
   * applied, just before the commit that then carries its rows: the `store` step's duration and
   * the trace's finish time are then those of the hand-over to that commit. A commit that fails
   * leaves every message `retrying`, applied again here, and `traced`'s rows unwritten. Answers
   * whether `traced`'s rows were committed.
   */
  private async storeAll(works: Work[], traced?: () => Promise<TraceRows>): Promise<boolean> {
    if (works.length === 0) return false;
    const startedAt = this.opts.clock();
    const t0 = performance.now();
    const apply = (outcomes: readonly StoreOutcome[]) => {
      const ms = performance.now() - t0;
      for (let i = 0; i < works.length; i++)
        this.stored(works[i] as Work, outcomes[i] as StoreOutcome, { worker: 'store', startedAt, durationMs: round(ms) });
    };
    let proposed: readonly StoreOutcome[] | undefined;
    let outcomes: readonly StoreOutcome[];
    try {
      outcomes = await this.opts.store.store(
        works.map((w) => ({ message: w.message, received: w.delivery.message, pipeline: w.pipeline as Pipeline })),
        traced &&
          ((o) => {
            proposed = o;
            apply(o);
            return traced();
          }),
      );
    } catch (err) {
      outcomes = works.map(() => ({ status: 'retry', deviceId: null, error: err }));
    }
    this.opts.observer?.step('store', (performance.now() - t0) / 1000);
    if (outcomes === proposed) return true;
    apply(outcomes);
    return false;
  }

  /** Applies a store outcome to a message (again, replacing the last, after a failed commit). */
  private stored(w: Work, o: StoreOutcome, step: TraceStep) {
    w.decodedSteps ??= w.steps.length;
    w.steps.length = w.decodedSteps;
    w.steps.push(step);
    w.deviceId = o.deviceId;
    if (o.status === 'stored') {
      w.status = 'stored';
      w.measurements = o.measurements;
      w.error = undefined;
      w.retryable = undefined;
    } else {
      this.failed(w, o.error, w.pipeline?.steps.length ?? w.decodedSteps);
      step.error = w.error;
    }
  }

  /** Names the device of failed messages where it is known (best effort: a lookup failure leaves null). */
  private async identify(works: Work[]) {
    if (works.length === 0 || !this.opts.store.identify) return;
    try {
      const ids = await this.opts.store.identify(works.map((w) => ({ message: w.message, received: w.delivery.message })));
      works.forEach((w, i) => {
        w.deviceId = ids[i] ?? null;
      });
    } catch (err) {
      this.opts.logger.debug({ err }, 'devices of failed uplinks not identified');
    }
  }

  /** One log line per batch with failures (a bad device sending 500 messages is not 500 lines). */
  private summarise(records: TraceRecord[]) {
    const bad = records.filter((r) => r.status === 'failed' || r.status === 'retrying');
    if (bad.length === 0) return;
    const codes: Record<string, number> = {};
    for (const r of bad) codes[r.error?.code ?? 'UNKNOWN'] = (codes[r.error?.code ?? 'UNKNOWN'] ?? 0) + 1;
    this.opts.logger.warn(
      {
        batch: records.length,
        failed: bad.filter((r) => r.status === 'failed').length,
        retrying: bad.filter((r) => r.status === 'retrying').length,
        codes,
        traceIds: bad.slice(0, 5).map((r) => r.id),
      },
      'uplinks of the batch not stored (see their traces)',
    );
  }

  private failed(w: Work, err: unknown, step?: number): Work {
    const { error, retryable } = classify(err, step);
    w.error = error;
    w.retryable = retryable;
    w.status = retryable ? 'retrying' : 'failed';
    return w;
  }

  private keep(logs: ScriptLog[], entry: ScriptLog) {
    if (logs.length >= this.maxLogEntries) return;
    const message = entry.message.length > this.maxLogChars ? `${entry.message.slice(0, this.maxLogChars)}…` : entry.message;
    logs.push({ level: entry.level, message });
  }

  private trace(w: Work, status: TraceStatus, finishedAt: number): TraceRecord {
    const msg = w.delivery.message;
    return {
      id: msg.id,
      orgId: msg.orgId,
      pipelineId: msg.pipelineId,
      deviceId: w.deviceId,
      status,
      receivedAt: msg.receivedAt,
      finishedAt,
      attempts: w.delivery.attempt,
      transport: msg.transport,
      steps: w.steps,
      error: status === 'stored' || status === 'skipped' ? null : (w.error ?? null),
      measurements: status === 'stored' ? w.measurements : 0,
      // The raw message only where replay or the pipeline's traceMessages asks for it (src/pipelines/trace-messages.ts).
      message: keepsMessage(w.pipeline?.traceMessages, status, msg.id) ? messageToJson(msg) : null,
    };
  }
}
