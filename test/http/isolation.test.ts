import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../src/shared/ids.js';
import { availableDialects } from '../support/databases.js';
import { ADMIN_TOKEN, startTestPolder, type TestPolder } from '../support/polder.js';
import { LIST_FILTERS, PROBES, type Probe, SEEDS, type World } from './isolation.probes.js';

/**
 * Organisation A can neither read nor change anything of organisation B, through every route
 * that exists. The routes come from the OpenAPI document, so a new route without a probe in
 * isolation.probes.ts fails this test until someone says how to aim it at B's resources.
 */
const dialects = await availableDialects();

type Op = { method: string; path: string; route: string; query: string[] };

/** List routes that answer a stream (server-sent events): only a refusal can be awaited. */
const STREAMS = new Set(['GET /api/live']);

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
      paths: Record<string, Record<string, { security?: unknown[]; parameters?: { in: string; name: string }[] }>>;
    };
    ops = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([, op]) => !(Array.isArray(op.security) && op.security.length === 0))
        .map(([method, op]) => ({
          method: method.toUpperCase(),
          path,
          route: `${method.toUpperCase()} ${path}`,
          query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
        })),
    );
  });
  afterAll(() => t.close());

  it('has a probe for every route that names a resource', () => {
    const missing = ops.filter((op) => op.path.includes('{') && !PROBES[op.route]).map((op) => op.route);
    expect(missing).toEqual([]);
  });

  it("never lists B's resources to A, unfiltered or filtered by B's own ids", async () => {
    const bIds = Object.values(world.ids);
    expect(bIds.length).toBeGreaterThan(0);
    const leaks = (route: string, body: string) => {
      for (const id of bIds) expect(body.includes(id), `${route} leaked ${id}`).toBe(false);
    };
    const filters = Object.entries(LIST_FILTERS(world));
    let filtered = 0;
    for (const op of ops.filter((o) => o.method === 'GET' && !o.path.includes('{'))) {
      if (!STREAMS.has(op.route)) {
        const res = await call(keyA, 'GET', op.path);
        expect(res.statusCode, `${op.route}: ${res.body}`).toBe(200);
        leaks(op.route, res.body);
      }
      for (const [name, value] of filters) {
        if (!op.query.includes(name)) continue;
        expect(value, name).not.toBe('');
        const url = `${op.path}?${name}=${encodeURIComponent(value)}`;
        if (!STREAMS.has(op.route)) {
          const own = await world.call('GET', url);
          expect(own.statusCode, `B's own ${url}: ${own.body}`).toBe(200);
        }
        const res = await call(keyA, 'GET', url);
        // A learns nothing of B's resource: the answer is the one for a value that names nothing
        // (same status, same body but for the value itself), and holds none of B's ids.
        const none = nothingLike(value);
        const unknown = await call(keyA, 'GET', `${op.path}?${name}=${encodeURIComponent(none)}`);
        expect(res.statusCode, `${url}: ${res.body}`).toBe(unknown.statusCode);
        expect(res.body.replaceAll(value, '<value>'), url).toBe(unknown.body.replaceAll(none, '<value>'));
        leaks(url, res.body.replaceAll(value, ''));
        filtered++;
      }
    }
    expect(filtered).toBeGreaterThanOrEqual(15);
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

/** A value of the same form as `value` that names nothing: a fresh UUID, an unused number, an unused slug. */
function nothingLike(value: string): string {
  if (/^[0-9a-f-]{36}$/i.test(value)) return uuidv7();
  if (/^\d+$/.test(value)) return '2147483000';
  return `${value}-none`;
}

function fill(path: string, params: Record<string, string>): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = params[name];
    if (v === undefined) throw new Error(`probe for ${path} gives no value for {${name}}`);
    return encodeURIComponent(v);
  });
}
