import type { Clock } from '../shared/clock.js';
import { conflict, notFound } from '../shared/errors.js';
import type { IdGenerator } from '../shared/ids.js';
import type { PageRequest } from '../shared/page.js';
import {
  builtinWorker,
  defineScriptWorker,
  isBuiltinWorker,
  type ScriptLanguage,
  type ScriptRunner,
  type ScriptSource,
  testWorker,
  type WorkerDefinition,
  type WorkerSample,
  type WorkerTestResult,
} from '../workers/workers.js';
import type { Script, ScriptRevision, ScriptStore } from './scripts.js';

export interface ScriptInput {
  name: string;
  language?: ScriptLanguage | undefined;
  description?: string | null | undefined;
  source: string;
}

/**
 * User scripts and the one question pipelines ask: which worker does this step name? A
 * built-in by its name, else the organisation's script by name or id, at its current revision
 * (or the one the step pins).
 */
export class ScriptService {
  private readonly listeners: ((orgId: string, scriptId: string) => void)[] = [];

  constructor(
    private readonly store: ScriptStore,
    /** The sandbox scripts run in; the pipeline runner shares it (one isolate per script revision). */
    readonly runner: ScriptRunner,
    private readonly clock: Clock,
    private readonly newId: IdGenerator,
  ) {}

  /**
   * Called after a script is created, changed (renamed, new revision) or deleted, so caches of
   * resolved workers (the pipeline runner's) drop what they hold. Returns an unsubscribe.
   */
  onChange(listener: (orgId: string, scriptId: string) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  private changed(orgId: string, scriptId: string) {
    for (const listener of [...this.listeners]) listener(orgId, scriptId);
  }

  async create(orgId: string, by: string, input: ScriptInput): Promise<{ script: Script; revision: ScriptRevision }> {
    if (isBuiltinWorker(input.name)) throw conflict('name', input.name, `${input.name} is the name of a built-in worker`);
    if (await this.store.find(orgId, input.name)) throw conflict('name', input.name);
    const now = this.clock();
    const script: Script = {
      id: this.newId(),
      orgId,
      name: input.name,
      description: input.description ?? null,
      language: input.language ?? 'javascript',
      revision: 1,
      createdAt: now,
      updatedAt: now,
    };
    const revision = {
      scriptId: script.id,
      revision: 1,
      language: script.language,
      source: input.source,
      createdBy: by,
      createdAt: now,
    };
    await this.compile(script, revision);
    await this.store.insert(script, revision);
    this.changed(orgId, script.id);
    return { script, revision };
  }

  /** A new source (or language) makes a new revision; a rename or description only updates the script. */
  async update(orgId: string, idOrName: string, by: string, patch: Partial<ScriptInput>) {
    const current = await this.get(orgId, idOrName);
    const now = this.clock();
    if (patch.name !== undefined && patch.name !== current.name) {
      if (isBuiltinWorker(patch.name)) throw conflict('name', patch.name, `${patch.name} is the name of a built-in worker`);
      if (await this.store.find(orgId, patch.name)) throw conflict('name', patch.name);
    }
    const source = await this.source(orgId, current.id);
    const changesCode =
      (patch.source !== undefined && patch.source !== source.source) ||
      (patch.language !== undefined && patch.language !== current.language);
    const script: Script = {
      ...current,
      name: patch.name ?? current.name,
      description: patch.description === undefined ? current.description : patch.description,
      language: patch.language ?? current.language,
      revision: changesCode ? current.revision + 1 : current.revision,
      updatedAt: now,
    };
    let next: ScriptRevision | undefined;
    if (changesCode) {
      next = {
        scriptId: script.id,
        revision: script.revision,
        language: script.language,
        source: patch.source ?? source.source,
        createdBy: by,
        createdAt: now,
      };
      await this.compile(script, next);
    }
    await this.store.update(script, next);
    this.changed(orgId, script.id);
    return { script, revision: next ?? (await this.revision(script, script.revision)) };
  }

  async delete(orgId: string, idOrName: string) {
    const s = await this.get(orgId, idOrName);
    await this.store.delete(orgId, s.id);
    this.changed(orgId, s.id);
  }

  async get(orgId: string, idOrName: string): Promise<Script> {
    const s = await this.store.find(orgId, idOrName);
    if (!s) throw notFound('worker', idOrName);
    return s;
  }

  list(orgId: string, page: PageRequest) {
    return this.store.list(orgId, page);
  }

  async revisions(orgId: string, idOrName: string, page: PageRequest) {
    return this.store.revisions((await this.get(orgId, idOrName)).id, page);
  }

  /** The source to run: the script's current revision, or the one asked for. */
  async source(orgId: string, idOrName: string, revision?: number): Promise<ScriptSource> {
    const script = await this.get(orgId, idOrName);
    const r = await this.revision(script, revision ?? script.revision);
    return { id: script.id, revision: r.revision, language: r.language, source: r.source, name: script.name };
  }

  /** The worker a pipeline step names: a built-in, or one of the organisation's scripts. */
  async resolve(orgId: string, worker: string, revision?: number): Promise<WorkerDefinition> {
    if (isBuiltinWorker(worker)) return builtinWorker(worker);
    return defineScriptWorker(await this.source(orgId, worker, revision));
  }

  /** Runs a worker (built-in or script) on a sample: output, logs and errors; never throws for the worker's failure. */
  async test(orgId: string, worker: string, sample: WorkerSample, config: unknown, revision?: number): Promise<WorkerTestResult> {
    const definition = await this.resolve(orgId, worker, revision);
    return testWorker(definition, sample, config ?? {}, { scripts: this.runner }, { orgId });
  }

  private async revision(script: Script, revision: number): Promise<ScriptRevision> {
    const r = await this.store.revision(script.id, revision);
    if (!r) throw notFound('worker', `${script.name}@${revision}`);
    return r;
  }

  /** Refuses a script that does not compile or defines no entry point (SCRIPT_INVALID, 400). */
  private async compile(script: Script, r: ScriptRevision) {
    await this.runner.entries({ id: script.id, revision: r.revision, language: r.language, source: r.source, name: script.name });
  }
}
