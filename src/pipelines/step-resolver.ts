/**
 * The prepared steps of a pipeline: built-in workers by name, user scripts through the script
 * domain, each with its config validated (prepareStep). Prepared once per pipeline version and
 * kept until the pipeline or one of its organisation's scripts changes.
 */
import type { Clock } from '../shared/clock.js';
import { DomainError } from '../shared/errors.js';
import { builtinWorker, isBuiltinWorker, type PreparedStep, prepareStep, type WorkerDefinition } from '../workers/workers.js';
import type { Pipeline, PipelineCatalog } from './pipelines.js';

/** What the resolver needs of the script domain (ScriptService implements it). */
export interface ScriptResolver {
  resolve(orgId: string, worker: string, revision?: number): Promise<WorkerDefinition>;
  onChange?(listener: (orgId: string, scriptId: string) => void): () => void;
}

/** A prepared step with the name its trace step and its metrics label carry. */
export interface ResolvedStep {
  prepared: PreparedStep;
  /** The step's worker as the pipeline names it (a script by name or id). */
  worker: string;
  /** Low-cardinality metrics label: the built-in's name, or "script". */
  label: string;
}

interface Entry {
  orgId: string;
  updatedAt: number;
  /** Set when a step names a script without a revision: another process may change it. */
  expiresAt: number;
  steps: Promise<ResolvedStep[]>;
}

export interface StepResolverOptions {
  scripts: ScriptResolver;
  catalog?: Pick<PipelineCatalog, 'onChange'>;
  clock: Clock;
  /**
   * How long steps naming a script's latest revision are kept (ms, default 30 s). Changes made
   * in this process drop them at once; the limit bounds staleness when another process
   * (scale-out) changes a script.
   */
  latestScriptTtlMs?: number;
}

/**
 * Resolves a step, throwing DomainErrors whose details name the step (`steps.<i>.worker`,
 * `steps.<i>.config…`) and carry `step: i` for the trace. Anything else (the database
 * did not answer) is left as is: the runner retries it.
 */
async function resolveStep(scripts: ScriptResolver, pipeline: Pipeline, i: number): Promise<ResolvedStep> {
  const step = pipeline.steps[i];
  if (!step) throw new Error(`pipeline ${pipeline.id} has no step ${i}`);
  try {
    const def = isBuiltinWorker(step.worker)
      ? builtinWorker(step.worker)
      : await scripts.resolve(pipeline.orgId, step.worker, step.revision);
    const prepared = prepareStep(def, step.config ?? {});
    return { prepared, worker: step.worker, label: def.kind === 'script' ? 'script' : def.name };
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    const field = typeof err.details?.field === 'string' ? `steps.${i}.${err.details.field}` : `steps.${i}.worker`;
    throw new DomainError(err.code, `step ${i} (${step.worker}): ${err.message}`, { ...err.details, field, step: i });
  }
}

export class StepResolver {
  private readonly cache = new Map<string, Entry>();
  private readonly unsubscribe: (() => void)[] = [];
  private readonly ttl: number;

  constructor(private readonly opts: StepResolverOptions) {
    this.ttl = opts.latestScriptTtlMs ?? 30_000;
    if (opts.catalog) this.unsubscribe.push(opts.catalog.onChange((p) => this.cache.delete(p.id)));
    const off = opts.scripts.onChange?.((orgId) => this.forgetOrganisation(orgId));
    if (off) this.unsubscribe.push(off);
  }

  /** The pipeline's steps, prepared; rejects with the first step that cannot be (see resolveStep). */
  steps(pipeline: Pipeline): Promise<ResolvedStep[]> {
    const now = this.opts.clock();
    const hit = this.cache.get(pipeline.id);
    if (hit && hit.updatedAt === pipeline.updatedAt && hit.expiresAt > now) return hit.steps;
    const steps = Promise.all(pipeline.steps.map((_, i) => resolveStep(this.opts.scripts, pipeline, i)));
    const floating = pipeline.steps.some((s) => !isBuiltinWorker(s.worker) && s.revision === undefined);
    const entry: Entry = {
      orgId: pipeline.orgId,
      updatedAt: pipeline.updatedAt,
      expiresAt: floating ? now + this.ttl : Infinity,
      steps,
    };
    this.cache.set(pipeline.id, entry);
    // A failure is not kept: the next message asks again (the script may be back, the database up).
    steps.catch(() => {
      if (this.cache.get(pipeline.id) === entry) this.cache.delete(pipeline.id);
    });
    return steps;
  }

  /** Pipelines cached (for tests and metrics). */
  get size(): number {
    return this.cache.size;
  }

  close(): void {
    for (const off of this.unsubscribe.splice(0)) off();
    this.cache.clear();
  }

  /** A script changed: any pipeline of its organisation may name it (by name or id). */
  private forgetOrganisation(orgId: string) {
    for (const [id, entry] of this.cache) if (entry.orgId === orgId) this.cache.delete(id);
  }
}
