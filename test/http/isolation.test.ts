import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects } from '../support/databases.js';
import { ADMIN_TOKEN, startTestPolder, type TestPolder } from '../support/polder.js';
import { PROBES, type Probe, SEEDS, type World } from './isolation.probes.js';

/**
 * Organisation A can neither read nor change anything of organisation B, through every route
 * that exists. The routes come from the OpenAPI document, so a new route without a probe in
 * isolation.probes.ts fails this test until someone says how to aim it at B's resources.
 */
const dialects = await availableDialects();

type Op = { method: string; path: string; route: string };

describe.each(dialects)('organisation isolation on %s', (dialect) => {
  let t: TestPolder;
  let keyA: string;
  let world: World;
  let ops: Op[];

  const call = (token: string, method: string, url: string, payload?: unknown) =>
    t.call(token, { method: method as 'GET', url, ...(payload !== undefined && { payload: payload as object }) });

  async function createOrgWithAdminKey(slug: string): Promise<{ id: string; key: string }> {
    const org = await call(ADMIN_TOKEN, 'POST', '/api/organisations', { slug, name: slug });
    expect(org.statusCode).toBe(201);
    const key = await call(ADMIN_TOKEN, 'POST', `/api/organisations/${slug}/api-keys`, {
      name: `${slug}-admin`,
      scopes: ['devices:write', 'measurements:write', 'pipelines:write', 'uplinks:write', 'alerts:write', 'admin:write'],
    });
    expect(key.statusCode).toBe(201);
    return { id: org.json().id, key: key.json().secret };
  }

  beforeAll(async () => {
    t = await startTestPolder(dialect);
    const a = await createOrgWithAdminKey('alpha');
    const b = await createOrgWithAdminKey('beta');
    keyA = a.key;
    world = {
      orgA: a.id,
      orgB: b.id,
      keyB: b.key,
      ids: {},
      refs: {},
      call: (method, url, payload) => call(b.key, method, url, payload),
      polder: t.polder,
    };
    for (const seed of SEEDS) await seed(world);
    const doc = (await call(ADMIN_TOKEN, 'GET', '/api/openapi.json')).json() as {
      paths: Record<string, Record<string, { security?: unknown[] }>>;
    };
    ops = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([, op]) => !(Array.isArray(op.security) && op.security.length === 0))
        .map(([method, _]) => ({ method: method.toUpperCase(), path, route: `${method.toUpperCase()} ${path}` })),
    );
  });
  afterAll(() => t.close());

  it('has a probe for every route that names a resource', () => {
    const missing = ops.filter((op) => op.path.includes('{') && !PROBES[op.route]).map((op) => op.route);
    expect(missing).toEqual([]);
  });

  it("never lists B's resources to A", async () => {
    const bIds = Object.values(world.ids);
    expect(bIds.length).toBeGreaterThan(0);
    for (const op of ops.filter((o) => o.method === 'GET' && !o.path.includes('{'))) {
      const res = await call(keyA, 'GET', op.path);
      for (const id of bIds) expect(res.body.includes(id), `${op.route} leaked ${id}`).toBe(false);
    }
  });

  it("answers 404 to A for each of B's resources, and B's data stays as it was", async () => {
    const snapshot = async () => {
      const out: Record<string, string> = {};
      for (const op of ops.filter((o) => o.method === 'GET' && PROBES[o.route])) {
        const url = fill(op.path, (PROBES[op.route] as Probe).params(world));
        out[url] = (await world.call('GET', url)).body.replace(/"lastUsedAt":"[^"]*"/g, '');
      }
      return out;
    };
    const before = await snapshot();
    for (const op of ops.filter((o) => PROBES[o.route])) {
      const probe = PROBES[op.route] as Probe;
      const res = await call(keyA, op.method, fill(op.path, probe.params(world)), probe.body?.(world));
      expect(res.statusCode, `${op.route}: ${res.body}`).toBe(404);
    }
    expect(await snapshot()).toEqual(before);
  });
});

function fill(path: string, params: Record<string, string>): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = params[name];
    if (v === undefined) throw new Error(`probe for ${path} gives no value for {${name}}`);
    return encodeURIComponent(v);
  });
}
