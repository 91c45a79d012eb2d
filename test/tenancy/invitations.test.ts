import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects } from '../support/databases.js';
import { ADMIN_TOKEN, startTestPolder, type TestPolder } from '../support/polder.js';

/**
 * Issue 9 item 3: an organisation's admin cannot attach another organisation's user. Users join
 * by accepting an invitation; answers name no other organisation's user and do not tell taken
 * usernames from free ones; a new user with a password in one's own organisation is still 201.
 */
const dialects = await availableDialects();

describe.each(dialects)('invitations and user isolation on %s', (dialect) => {
  let t: TestPolder;
  let keyB: string;
  let alice: { id: string; email: string };
  const call = (token: string | undefined, method: string, url: string, payload?: unknown, headers?: Record<string, string>) =>
    t.call(token, { method: method as 'GET', url, ...(payload !== undefined && { payload: payload as object }), headers });
  const login = async (username: string, password: string, organisation?: string) => {
    const res = await call(undefined, 'POST', '/api/auth/login', { username, password, ...(organisation && { organisation }) });
    const cookie = res.cookies.find((c) => c.name === 'polder_session');
    return { status: res.statusCode, headers: cookie ? { cookie: `polder_session=${cookie.value}` } : undefined };
  };

  beforeAll(async () => {
    t = await startTestPolder(dialect);
    expect((await call(ADMIN_TOKEN, 'POST', '/api/organisations', { slug: 'org-b', name: 'B' })).statusCode).toBe(201);
    keyB = (await call(ADMIN_TOKEN, 'POST', '/api/organisations/org-b/api-keys', { name: 'b', scopes: ['admin:write'] })).json()
      .secret;
    const a = await call(ADMIN_TOKEN, 'POST', '/api/organisations/default/users', {
      username: 'alice',
      password: 'alice-password-1',
      email: 'alice@a.example',
      role: 'editor',
    });
    expect(a.statusCode, a.body).toBe(201);
    alice = a.json();
  });
  afterAll(() => t.close());

  it("does not attach another organisation's user by username: the same 202 invitation for a taken and a free name", async () => {
    const taken = await call(keyB, 'POST', '/api/organisations/org-b/users', { username: 'alice', role: 'admin' });
    const free = await call(keyB, 'POST', '/api/organisations/org-b/users', { username: 'nobody-at-all', role: 'admin' });
    expect(taken.statusCode, taken.body).toBe(202);
    expect(free.statusCode).toBe(202);
    const shape = (b: Record<string, unknown>) => Object.keys(b).sort();
    expect(shape(taken.json())).toEqual(shape(free.json()));
    expect(taken.body).not.toContain(alice.id);
    expect(taken.body).not.toContain('alice@a.example');
    // Not a member, cannot sign in to B, not listed in B.
    expect((await login('alice', 'alice-password-1', 'org-b')).status).toBe(401);
    const members = await call(keyB, 'GET', '/api/organisations/org-b/users');
    expect(members.body).not.toContain('alice');
  });

  it('answers a taken username with a password with one 409 that names nobody; a free one is 201', async () => {
    const taken = await call(keyB, 'POST', '/api/organisations/org-b/users', {
      username: 'alice',
      password: 'attacker-password',
      role: 'viewer',
    });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error).toMatchObject({ code: 'CONFLICT', details: { field: 'username' } });
    expect(taken.body).not.toContain(alice.id);
    expect(taken.body).not.toContain('alice@');
    const created = await call(keyB, 'POST', '/api/organisations/org-b/users', {
      username: 'bob',
      password: 'bob-password-12',
      role: 'viewer',
    });
    expect(created.statusCode, created.body).toBe(201);
    expect((await login('bob', 'bob-password-12', 'org-b')).status).toBe(200);
  });

  it('lets the invited user accept while signed in; the token then is used', async () => {
    const inv = await call(keyB, 'POST', '/api/organisations/org-b/invitations', { role: 'viewer', username: 'alice' });
    expect(inv.statusCode, inv.body).toBe(201);
    const { token, acceptPath } = inv.json();
    expect(acceptPath).toBe(`/api/invitations/${token}/accept`);
    const listed = await call(keyB, 'GET', '/api/organisations/org-b/invitations');
    expect(listed.body).not.toContain(token);

    // Bob (signed in) cannot take an invitation meant for alice.
    const bob = await login('bob', 'bob-password-12', 'org-b');
    const wrong = await call(undefined, 'POST', acceptPath, undefined, bob.headers);
    expect(wrong.statusCode, wrong.body).toBe(404);
    expect(wrong.json().error.code).toBe('INVITATION_NOT_FOUND');

    const session = await login('alice', 'alice-password-1');
    const ok = await call(undefined, 'POST', acceptPath, undefined, session.headers);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({
      organisation: { slug: 'org-b' },
      role: 'viewer',
      user: { username: 'alice' },
      created: false,
    });
    expect((await login('alice', 'alice-password-1', 'org-b')).status).toBe(200);
    const again = await call(undefined, 'POST', acceptPath, undefined, session.headers);
    expect(again.statusCode, again.body).toBe(404);
  });

  it('creates a new account with an invitation, or accepts with an existing account password', async () => {
    const inv = (await call(keyB, 'POST', '/api/organisations/org-b/invitations', { role: 'editor' })).json();
    const created = await call(undefined, 'POST', inv.acceptPath, { username: 'carol', password: 'carol-password-1' });
    expect(created.statusCode, created.body).toBe(200);
    expect(created.json()).toMatchObject({ role: 'editor', created: true, user: { username: 'carol' } });
    expect((await login('carol', 'carol-password-1', 'org-b')).status).toBe(200);

    const inv2 = (await call(keyB, 'POST', '/api/organisations/org-b/invitations', { role: 'viewer' })).json();
    const wrongPw = await call(undefined, 'POST', inv2.acceptPath, { username: 'alice', password: 'not-her-password' });
    expect(wrongPw.statusCode).toBe(401);
    const missing = await call(undefined, 'POST', inv2.acceptPath, {});
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.details.field).toBe('username');
  });

  it('refuses revoked and unknown tokens with one answer', async () => {
    const inv = (await call(keyB, 'POST', '/api/organisations/org-b/invitations', { role: 'viewer' })).json();
    expect((await call(keyB, 'DELETE', `/api/organisations/org-b/invitations/${inv.id}`)).statusCode).toBe(204);
    const revoked = await call(undefined, 'POST', inv.acceptPath, { username: 'dave', password: 'dave-password-1' });
    const unknown = await call(undefined, 'POST', '/api/invitations/inv_nonsense/accept', {
      username: 'dave',
      password: 'dave-password-1',
    });
    expect(revoked.statusCode).toBe(404);
    expect(unknown.json()).toEqual(revoked.json());
    expect((await login('dave', 'dave-password-1')).status).toBe(401);
  });

  it("B's admin cannot invite into, list or revoke A's invitations", async () => {
    expect((await call(keyB, 'POST', '/api/organisations/default/invitations', { role: 'admin' })).statusCode).toBe(404);
    expect((await call(keyB, 'GET', '/api/organisations/default/invitations')).statusCode).toBe(404);
  });
});
