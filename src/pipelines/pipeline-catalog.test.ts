import { describe, expect, it } from 'vitest';
import { digestSecret } from '../shared/secrets.js';
import { CachedPipelineCatalog } from './pipeline-catalog.js';
import type { PipelineStore, StoredPipeline } from './pipeline-ports.js';
import type { Pipeline } from './pipelines.js';

const ID = '01900000-0000-7000-8000-000000000001';
const pipeline = (over: Partial<Pipeline> = {}): Pipeline => ({
  id: ID,
  orgId: 'org',
  name: 'p',
  description: '',
  status: 'active',
  steps: [{ worker: 'ttn-v3' }],
  sources: [],
  autoRegister: false,
  deviceType: null,
  hasIngestToken: true,
  createdAt: 0,
  updatedAt: 0,
  ...over,
});

/** A store that counts lookups and answers from a variable the test changes. */
function fakeStore(current: { value: StoredPipeline | undefined }) {
  const calls = { findAnyOrg: 0 };
  const store = {
    findAnyOrg: async () => {
      calls.findAnyOrg++;
      return current.value;
    },
    withSources: async () => (current.value ? [current.value] : []),
  } as unknown as PipelineStore;
  return { store, calls };
}

describe('CachedPipelineCatalog', () => {
  it('loads a pipeline once, shares concurrent lookups, and reloads after a change or when old', async () => {
    const current = { value: { pipeline: pipeline(), tokenHash: digestSecret('tok') } as StoredPipeline | undefined };
    const { store, calls } = fakeStore(current);
    let now = 0;
    const catalog = new CachedPipelineCatalog(store, () => now, { maxAgeMs: 1000 });
    const [a, b] = await Promise.all([catalog.byId(ID), catalog.byId(ID)]);
    expect(a?.name).toBe('p');
    expect(b).toBe(a);
    expect(await catalog.tokenMatches(ID, 'tok')).toBe(true);
    expect(await catalog.tokenMatches(ID, 'tok2')).toBe(false);
    expect(calls.findAnyOrg).toBe(1);

    current.value = { pipeline: pipeline({ status: 'inactive' }), tokenHash: null };
    expect((await catalog.byId(ID))?.status).toBe('active'); // cached
    const seen: string[] = [];
    catalog.onChange((p, change) => seen.push(`${change}:${p.status}`));
    catalog.changed(current.value.pipeline, 'saved');
    expect((await catalog.byId(ID))?.status).toBe('inactive');
    expect(await catalog.tokenMatches(ID, 'tok')).toBe(false);
    expect(seen).toEqual(['saved:inactive']);

    // Another process changed it: seen once the entry is older than maxAgeMs.
    current.value = { pipeline: pipeline({ name: 'renamed' }), tokenHash: null };
    now = 999;
    expect((await catalog.byId(ID))?.name).toBe('p');
    now = 2500;
    expect((await catalog.byId(ID))?.name).toBe('renamed');
  });

  it('does not cache unknown ids, and keeps telling listeners when one throws', async () => {
    const current = { value: undefined as StoredPipeline | undefined };
    const { store, calls } = fakeStore(current);
    const errors: unknown[] = [];
    const catalog = new CachedPipelineCatalog(store, () => 0, { onListenerError: (e) => errors.push(e) });
    expect(await catalog.byId(ID)).toBeUndefined();
    expect(await catalog.tokenMatches(ID, 'x')).toBe(false);
    expect(calls.findAnyOrg).toBe(2);
    current.value = { pipeline: pipeline(), tokenHash: null };
    expect((await catalog.byId(ID))?.id).toBe(ID);

    const got: string[] = [];
    catalog.onChange(() => {
      throw new Error('boom');
    });
    const off = catalog.onChange((p, c) => got.push(`${c}:${p.id}`));
    catalog.changed(pipeline(), 'deleted');
    off();
    catalog.changed(pipeline(), 'deleted');
    expect(got).toEqual([`deleted:${ID}`]);
    expect(errors).toHaveLength(2);
  });
});
