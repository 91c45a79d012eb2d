import { describe, expect, it } from 'vitest';
import { DomainError, notFound } from '../shared/errors.js';
import { defineScriptWorker, type WorkerDefinition } from '../workers/workers.js';
import type { Pipeline } from './pipelines.js';
import { type ScriptResolver, StepResolver } from './step-resolver.js';

const pipeline = (steps: Pipeline['steps'], updatedAt = 1, id = 'p1', orgId = 'org'): Pipeline => ({
  id,
  orgId,
  name: 'p',
  description: '',
  status: 'active',
  steps,
  sources: [],
  autoRegister: false,
  deviceType: null,
  hasIngestToken: false,
  createdAt: 0,
  updatedAt,
});

function scripts() {
  const listeners: ((orgId: string, id: string) => void)[] = [];
  const calls: string[] = [];
  let revision = 1;
  const resolver: ScriptResolver = {
    async resolve(orgId, worker, rev) {
      calls.push(`${orgId}/${worker}@${rev ?? 'latest'}`);
      if (worker === 'missing') throw notFound('worker', worker);
      if (worker === 'down') throw new Error('database down');
      return defineScriptWorker({ id: worker, name: worker, revision: rev ?? revision, language: 'javascript', source: '' });
    },
    onChange(listener) {
      listeners.push(listener);
      return () => {};
    },
  };
  return {
    resolver,
    calls,
    change: (orgId: string) => {
      revision++;
      for (const l of listeners) l(orgId, 'x');
    },
  };
}

function catalogFake() {
  const listeners: ((p: Pipeline, c: 'saved' | 'deleted') => void)[] = [];
  return {
    onChange(l: (p: Pipeline, c: 'saved' | 'deleted') => void) {
      listeners.push(l);
      return () => {};
    },
    emit: (p: Pipeline) => {
      for (const l of listeners) l(p, 'saved');
    },
  };
}

const names = (steps: { prepared: { worker: WorkerDefinition } }[]) => steps.map((s) => s.prepared.worker.description);

describe('StepResolver', () => {
  it('prepares built-ins and scripts once per pipeline version, labels scripts "script"', async () => {
    const s = scripts();
    let now = 0;
    const r = new StepResolver({ scripts: s.resolver, clock: () => now });
    const p = pipeline([{ worker: 'ttn-v3' }, { worker: 'codec', revision: 2, config: { entry: 'decodeUplink' } }]);
    const first = await r.steps(p);
    expect(first.map((x) => [x.worker, x.label])).toEqual([
      ['ttn-v3', 'ttn-v3'],
      ['codec', 'script'],
    ]);
    now += 3_600_000;
    expect(await r.steps(p)).toBe(first); // pinned revisions never expire
    expect(s.calls).toEqual(['org/codec@2']);
    const next = await r.steps({ ...p, updatedAt: 2 });
    expect(next).not.toBe(first);
    expect(s.calls).toHaveLength(2);
  });

  it('forgets an organisation’s pipelines when one of its scripts changes, and on catalog changes', async () => {
    const s = scripts();
    const catalog = catalogFake();
    const r = new StepResolver({ scripts: s.resolver, catalog, clock: () => 0 });
    const a = pipeline([{ worker: 'codec' }], 1, 'a', 'org');
    const b = pipeline([{ worker: 'codec' }], 1, 'b', 'other');
    expect(names(await r.steps(a))).toEqual(['User script codec (revision 1, javascript)']);
    await r.steps(b);
    s.change('org');
    expect(names(await r.steps(a))).toEqual(['User script codec (revision 2, javascript)']);
    await r.steps(b);
    expect(s.calls.filter((c) => c.startsWith('other/'))).toHaveLength(1);
    catalog.emit(b);
    await r.steps(b);
    expect(s.calls.filter((c) => c.startsWith('other/'))).toHaveLength(2);
  });

  it('asks again for a latest-revision script after the TTL (another process may have changed it)', async () => {
    const s = scripts();
    let now = 0;
    const r = new StepResolver({ scripts: s.resolver, clock: () => now, latestScriptTtlMs: 1000 });
    const p = pipeline([{ worker: 'codec' }]);
    await r.steps(p);
    now = 999;
    await r.steps(p);
    expect(s.calls).toHaveLength(1);
    now = 1000;
    await r.steps(p);
    expect(s.calls).toHaveLength(2);
  });

  it('names the step of a failure, keeps the code, and does not cache it', async () => {
    const s = scripts();
    const r = new StepResolver({ scripts: s.resolver, clock: () => 0 });
    const missing = pipeline([{ worker: 'ttn-v3' }, { worker: 'missing' }]);
    await expect(r.steps(missing)).rejects.toMatchObject({
      code: 'WORKER_NOT_FOUND',
      details: { step: 1, field: 'steps.1.worker' },
    });
    const badConfig = pipeline([{ worker: 'ttn-v3', config: { radio: 'yes' } }], 1, 'p2');
    const err = await r.steps(badConfig).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({ code: 'VALIDATION_FAILED', details: { step: 0, field: 'steps.0.config.radio' } });
    await expect(r.steps(pipeline([{ worker: 'down' }], 1, 'p3'))).rejects.toThrow('database down');
    await expect(r.steps(missing)).rejects.toMatchObject({ code: 'WORKER_NOT_FOUND' });
    expect(s.calls.filter((c) => c.endsWith('missing@latest'))).toHaveLength(2);
    expect(r.size).toBe(0);
  });
});
