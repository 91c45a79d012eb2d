import type { Clock } from '../shared/clock.js';
import { conflict, DomainError, invalid, notFound } from '../shared/errors.js';
import type { IdGenerator } from '../shared/ids.js';
import { randomSecret } from '../shared/ids.js';
import type { PageRequest } from '../shared/page.js';
import { digestSecret } from '../shared/secrets.js';
import { DEFAULT_PIPELINES } from './default-pipelines.js';
import type { PipelineStore } from './pipeline-ports.js';
import { type PipelineInput, validateSources, validateSteps, type WorkerResolver } from './pipeline-validation.js';
import type { Pipeline } from './pipelines.js';
import { restoreSecrets } from './source-secrets.js';

export type { PipelineInput } from './pipeline-validation.js';

/** Told of every saved or deleted pipeline (the catalog invalidates its cache and tells transports). */
export type PipelineChanged = (pipeline: Pipeline, change: 'saved' | 'deleted') => void;

export interface PipelineServiceDeps {
  store: PipelineStore;
  /** ScriptService.resolve: a built-in worker by name, or the organisation's script. */
  resolveWorker: WorkerResolver;
  /** Throws DEVICE_TYPE_NOT_FOUND when the organisation has no such device type. */
  checkDeviceType: (orgId: string, idOrName: string) => Promise<unknown>;
  changed: PipelineChanged;
  clock: Clock;
  newId: IdGenerator;
}

/** Pipelines of an organisation: CRUD with save-time validation, and the ingest token. */
export class PipelineService {
  constructor(private readonly deps: PipelineServiceDeps) {}

  async create(orgId: string, input: PipelineInput): Promise<Pipeline> {
    const { store, clock, newId } = this.deps;
    if (await store.find(orgId, input.name)) throw conflict('name', input.name);
    const now = clock();
    const pipeline: Pipeline = {
      id: newId(),
      orgId,
      name: input.name,
      description: input.description ?? '',
      status: input.status ?? 'active',
      steps: await validateSteps(orgId, input.steps, this.deps.resolveWorker),
      sources: validateSources(input.sources ?? []),
      autoRegister: input.autoRegister ?? false,
      deviceType: await this.deviceType(orgId, input.deviceType ?? null),
      traceMessages: input.traceMessages ?? 'sample',
      hasIngestToken: false,
      createdAt: now,
      updatedAt: now,
    };
    await store.insert(pipeline);
    this.deps.changed(pipeline, 'saved');
    return pipeline;
  }

  async update(orgId: string, idOrName: string, patch: Partial<PipelineInput>): Promise<Pipeline> {
    const { store, clock } = this.deps;
    const current = await this.get(orgId, idOrName);
    if (patch.name !== undefined && patch.name !== current.name && (await store.find(orgId, patch.name)))
      throw conflict('name', patch.name);
    const sources = patch.sources && validateSources(restoreSecrets(patch.sources, current.sources));
    const pipeline: Pipeline = {
      ...current,
      name: patch.name ?? current.name,
      description: patch.description ?? current.description,
      status: patch.status ?? current.status,
      steps: patch.steps ? await validateSteps(orgId, patch.steps, this.deps.resolveWorker) : current.steps,
      sources: sources ?? current.sources,
      autoRegister: patch.autoRegister ?? current.autoRegister,
      traceMessages: patch.traceMessages ?? current.traceMessages,
      deviceType: patch.deviceType === undefined ? current.deviceType : await this.deviceType(orgId, patch.deviceType),
      updatedAt: clock(),
    };
    await store.update(pipeline);
    this.deps.changed(pipeline, 'saved');
    return pipeline;
  }

  async delete(orgId: string, idOrName: string): Promise<void> {
    const pipeline = await this.get(orgId, idOrName);
    await this.deps.store.delete(orgId, pipeline.id);
    this.deps.changed(pipeline, 'deleted');
  }

  /** Gives a new organisation the default pipelines (DEFAULT_PIPELINES); its admins may delete them. */
  async createDefaults(orgId: string): Promise<void> {
    for (const input of DEFAULT_PIPELINES) {
      await this.create(orgId, input).catch((err: unknown) => {
        // Another process created it meanwhile.
        if (!(err instanceof DomainError && err.code === 'CONFLICT')) throw err;
      });
    }
  }

  async get(orgId: string, idOrName: string): Promise<Pipeline> {
    const p = await this.deps.store.find(orgId, idOrName);
    if (!p) throw notFound('pipeline', idOrName);
    return p;
  }

  list(orgId: string, page: PageRequest) {
    return this.deps.store.list(orgId, page);
  }

  /** A new random ingest token, replacing the previous one; only its digest is kept. */
  async issueIngestToken(orgId: string, idOrName: string): Promise<{ pipeline: Pipeline; token: string }> {
    const current = await this.get(orgId, idOrName);
    const token = `pit_${randomSecret(32)}`;
    const updatedAt = this.deps.clock();
    if (!(await this.deps.store.setTokenHash(orgId, current.id, digestSecret(token), updatedAt)))
      throw notFound('pipeline', idOrName);
    const pipeline = { ...current, hasIngestToken: true, updatedAt };
    this.deps.changed(pipeline, 'saved');
    return { pipeline, token };
  }

  async removeIngestToken(orgId: string, idOrName: string): Promise<Pipeline> {
    const current = await this.get(orgId, idOrName);
    const updatedAt = this.deps.clock();
    if (!(await this.deps.store.setTokenHash(orgId, current.id, null, updatedAt))) throw notFound('pipeline', idOrName);
    const pipeline = { ...current, hasIngestToken: false, updatedAt };
    this.deps.changed(pipeline, 'saved');
    return pipeline;
  }

  private async deviceType(orgId: string, ref: string | null): Promise<string | null> {
    if (ref === null) return null;
    try {
      await this.deps.checkDeviceType(orgId, ref);
    } catch (err) {
      if (err instanceof DomainError && err.code === 'DEVICE_TYPE_NOT_FOUND')
        throw invalid('deviceType', `deviceType: no device type ${ref} in this organisation`);
      throw err;
    }
    return ref;
  }
}
