import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects } from '../support/databases.js';
import { ADMIN_TOKEN, startTestPolder, type TestPolder } from '../support/polder.js';

const dialects = await availableDialects();

describe.each(dialects)('HTTP foundation on %s', (dialect) => {
  let t: TestPolder;
  beforeAll(async () => {
    t = await startTestPolder(dialect);
  });
  afterAll(() => t.close());

  it('answers health, readiness and Prometheus metrics without credentials', async () => {
    expect((await t.call(undefined, { url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await t.call(undefined, { url: '/readyz' })).statusCode).toBe(200);
    await t.call(ADMIN_TOKEN, { url: '/api/auth/me' });
    const metrics = await t.call(undefined, { url: '/metrics' });
    expect(metrics.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(metrics.body).toContain('process_cpu_seconds_total');
    expect(metrics.body).toMatch(
      /polder_http_request_duration_seconds_count\{method="GET",route="\/api\/auth\/me",status="200"\} 1/,
    );
  });

  it('serves a valid OpenAPI 3.1 document and the docs UI', async () => {
    const res = await t.call(undefined, { url: '/api/openapi.json' });
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(Object.keys(doc.paths)).toContain('/api/organisations/{org}/api-keys');
    const ui = await t.call(undefined, { url: '/api/docs/' });
    expect(ui.statusCode).toBe(200);
    expect(ui.body).toContain('swagger');
  });

  it('accepts the admin token, refuses a missing or wrong key with 401', async () => {
    const me = await t.call(ADMIN_TOKEN, { url: '/api/auth/me' });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({
      kind: 'apiKey',
      name: 'admin-token',
      platformAdmin: true,
      organisation: { slug: 'default' },
    });
    const none = await t.call(undefined, { url: '/api/auth/me' });
    expect(none.statusCode).toBe(401);
    expect(none.json()).toEqual({ error: { code: 'UNAUTHENTICATED', message: 'authentication required' } });
    const wrong = await t.call('pk_not-a-key', { url: '/api/organisations' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe('UNAUTHENTICATED');
  });

  it('creates keys shown once, enforces scopes with 403, honours revocation and expiry', async () => {
    const created = await t.call(ADMIN_TOKEN, {
      method: 'POST',
      url: '/api/organisations/default/api-keys',
      payload: { name: 'reader', scopes: ['devices:read'] },
    });
    expect(created.statusCode).toBe(201);
    const { secret, id, prefix } = created.json();
    expect(secret).toMatch(/^pk_/);
    expect(secret.startsWith(prefix)).toBe(true);

    const listed = await t.call(ADMIN_TOKEN, { url: '/api/organisations/default/api-keys' });
    expect(listed.body).not.toContain(secret);
    expect(listed.json().data.map((k: { id: string }) => k.id)).toContain(id);

    const forbidden = await t.call(secret, { url: '/api/organisations/default/api-keys' });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().error).toMatchObject({ code: 'FORBIDDEN', details: { needed: 'admin:read' } });
    expect((await t.call(secret, { url: '/api/auth/me' })).json().scopes).toEqual(['devices:read']);

    const escalate = await t.call(ADMIN_TOKEN, {
      method: 'POST',
      url: '/api/organisations/default/api-keys',
      payload: { name: 'writer', scopes: ['devices:write'] },
    });
    // a key can only grant what it holds; the admin token holds everything
    expect(escalate.statusCode).toBe(201);

    const revoked = await t.call(ADMIN_TOKEN, { method: 'DELETE', url: `/api/organisations/default/api-keys/${id}` });
    expect(revoked.statusCode).toBe(204);
    expect((await t.call(secret, { url: '/api/auth/me' })).statusCode).toBe(401);

    const expiring = await t.call(ADMIN_TOKEN, {
      method: 'POST',
      url: '/api/organisations/default/api-keys',
      payload: { name: 'past', scopes: ['devices:read'], expiresAt: '2001-01-01T00:00:00Z' },
    });
    expect(expiring.statusCode).toBe(400);
    expect(expiring.json().error.details.field).toBe('expiresAt');
  });

  it('answers 400 naming the field, with the one error shape', async () => {
    const res = await t.call(ADMIN_TOKEN, {
      method: 'POST',
      url: '/api/organisations/default/api-keys',
      payload: { name: 'x', scopes: ['devices:fly'], colour: 'red' },
    });
    expect(res.statusCode).toBe(400);
    const { error } = res.json();
    expect(error.code).toBe('VALIDATION_FAILED');
    const fields = error.details.errors.map((e: { field: string }) => e.field);
    expect(fields).toContain('body.scopes.0');
    expect(fields).toContain('body.colour');
    const badLimit = await t.call(ADMIN_TOKEN, { url: '/api/organisations?limit=5000' });
    expect(badLimit.statusCode).toBe(400);
    expect(badLimit.json().error.details.field).toBe('querystring.limit');
    const badCursor = await t.call(ADMIN_TOKEN, { url: '/api/organisations?cursor=garbage' });
    expect(badCursor.statusCode).toBe(400);
    expect(badCursor.json().error.details.field).toBe('cursor');
    const noRoute = await t.call(ADMIN_TOKEN, { url: '/api/nothing-here' });
    expect(noRoute.statusCode).toBe(404);
    expect(noRoute.json().error.code).toBe('NOT_FOUND');
  });

  it('pages lists with links.next and total', async () => {
    for (const slug of ['o1', 'o2', 'o3']) {
      const r = await t.call(ADMIN_TOKEN, { method: 'POST', url: '/api/organisations', payload: { slug, name: slug } });
      expect(r.statusCode).toBe(201);
    }
    const first = await t.call(ADMIN_TOKEN, { url: '/api/organisations?limit=2&count=true' });
    const body = first.json();
    expect(body.data).toHaveLength(2);
    expect(body.total).toBe(4);
    expect(body.links.next).toMatch(/^http:\/\/localhost(:\d+)?\/api\/organisations\?limit=2&count=true&cursor=/);
    const next = new URL(body.links.next);
    const second = (await t.call(ADMIN_TOKEN, { url: next.pathname + next.search })).json();
    expect(second.data).toHaveLength(2);
    expect(second.links.next).toBeNull();
    const slugs = [...body.data, ...second.data].map((o: { slug: string }) => o.slug);
    expect(new Set(slugs)).toEqual(new Set(['default', 'o1', 'o2', 'o3']));
    const dup = await t.call(ADMIN_TOKEN, { method: 'POST', url: '/api/organisations', payload: { slug: 'o1', name: 'again' } });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe('CONFLICT');
  });

  it('signs users in with a session cookie; roles bound what they may do', async () => {
    const add = await t.call(ADMIN_TOKEN, {
      method: 'POST',
      url: '/api/organisations/default/users',
      payload: { username: 'vera', password: 'correct horse battery', role: 'viewer' },
    });
    expect(add.statusCode).toBe(201);
    const bad = await t.call(undefined, {
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'vera', password: 'wrong password' },
    });
    expect(bad.statusCode).toBe(401);
    const login = await t.call(undefined, {
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'vera', password: 'correct horse battery' },
    });
    expect(login.statusCode).toBe(200);
    const cookie = login.cookies.find((c) => c.name === 'polder_session');
    expect(cookie?.httpOnly).toBe(true);
    const headers = { cookie: `polder_session=${cookie!.value}` };
    const me = await t.call(undefined, { url: '/api/auth/me', headers });
    expect(me.json()).toMatchObject({ kind: 'user', name: 'vera', role: 'viewer' });
    expect(me.json().scopes).not.toContain('admin:read');
    const keys = await t.call(undefined, { url: '/api/organisations/default/api-keys', headers });
    expect(keys.statusCode).toBe(403);
    await t.call(undefined, { method: 'POST', url: '/api/auth/logout', headers });
    expect((await t.call(undefined, { url: '/api/auth/me', headers })).statusCode).toBe(401);
  });
});
