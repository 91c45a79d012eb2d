import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects } from '../support/databases.js';
import { ADMIN_TOKEN, startTestPolder, type TestPolder } from '../support/polder.js';

/**
 * Issue 11 follow-up: a signed-in user lists their organisations and moves the session to
 * another one without the password; an admin changes a member's role, never leaving an
 * organisation without an admin.
 */
const dialects = await availableDialects();

interface Session {
  cookie: string;
  csrf: string;
}

const sessionOf = (res: LightMyRequestResponse): Session => {
  const value = (name: string) => {
    const c = res.cookies.find((k) => k.name === name);
    expect(c, `${name} cookie set`).toBeDefined();
    return (c as { value: string }).value;
  };
  const token = value('polder_session');
  return { cookie: `polder_session=${token}; polder_csrf=${value('polder_csrf')}`, csrf: value('polder_csrf') };
};

describe.each(dialects)('organisation switch and member roles on %s', (dialect) => {
  let t: TestPolder;
  const call = (token: string | undefined, method: string, url: string, payload?: unknown, session?: Session) =>
    t.call(token, {
      method: method as 'GET',
      url,
      ...(payload !== undefined && { payload: payload as object }),
      ...(session && { headers: { cookie: session.cookie, 'x-csrf-token': session.csrf } }),
    });
  const asUser = (session: Session, method: string, url: string, payload?: unknown) =>
    call(undefined, method, url, payload, session);
  const login = async (username: string, password: string, organisation?: string) => {
    const res = await call(undefined, 'POST', '/api/auth/login', { username, password, ...(organisation && { organisation }) });
    expect(res.statusCode, res.body).toBe(200);
    return sessionOf(res);
  };
  const admin = (method: string, url: string, payload?: unknown) => call(ADMIN_TOKEN, method, url, payload);
  let ids: Record<string, string>;

  beforeAll(async () => {
    t = await startTestPolder(dialect);
    ids = {};
    for (const slug of ['lab', 'plant', 'secret']) {
      const org = await admin('POST', '/api/organisations', { slug, name: slug.toUpperCase() });
      expect(org.statusCode, org.body).toBe(201);
      ids[slug] = org.json().id;
    }
    // Alice: editor in lab, admin in plant (joined by invitation); not in secret.
    const alice = await admin('POST', '/api/organisations/lab/users', {
      username: 'alice',
      password: 'alice-password-1',
      role: 'editor',
    });
    expect(alice.statusCode, alice.body).toBe(201);
    ids.alice = alice.json().id;
    const inv = await admin('POST', '/api/organisations/plant/invitations', { role: 'admin', username: 'alice' });
    expect(inv.statusCode, inv.body).toBe(201);
    const accepted = await call(undefined, 'POST', inv.json().acceptPath, { username: 'alice', password: 'alice-password-1' });
    expect(accepted.statusCode, accepted.body).toBe(200);
    const bob = await admin('POST', '/api/organisations/plant/users', {
      username: 'bob',
      password: 'bob-password-12',
      role: 'viewer',
    });
    expect(bob.statusCode, bob.body).toBe(201);
    ids.bob = bob.json().id;
  });
  afterAll(() => t.close());

  it("lists the signed-in user's organisations with their role, and only the key's own for an API key", async () => {
    const s = await login('alice', 'alice-password-1', 'lab');
    const res = await asUser(s, 'GET', '/api/auth/organisations');
    expect(res.statusCode, res.body).toBe(200);
    const data = res.json().data as { slug: string; role: string; current: boolean; id: string; name: string }[];
    expect(data.map((o) => [o.slug, o.role, o.current]).sort()).toEqual([
      ['lab', 'editor', true],
      ['plant', 'admin', false],
    ]);
    expect(data.find((o) => o.slug === 'lab')).toMatchObject({ id: ids.lab, name: 'LAB' });
    expect(res.body).not.toContain(ids.secret);

    const key = await admin('POST', '/api/organisations/lab/api-keys', { name: 'lab-key', scopes: ['devices:read'] });
    const byKey = await call(key.json().secret, 'GET', '/api/auth/organisations');
    expect(byKey.statusCode, byKey.body).toBe(200);
    expect(byKey.json().data).toEqual([{ id: ids.lab, slug: 'lab', name: 'LAB', role: null, current: true }]);
    expect((await call(undefined, 'GET', '/api/auth/organisations')).statusCode).toBe(401);
  });

  it('switches a session to another organisation: new cookie and CSRF token, the old session ended', async () => {
    const old = await login('alice', 'alice-password-1', 'lab');
    const res = await asUser(old, 'POST', '/api/auth/switch', { organisation: 'plant' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ kind: 'user', name: 'alice', role: 'admin', organisation: { slug: 'plant' } });
    const next = sessionOf(res);
    expect(next.cookie).not.toBe(old.cookie);
    expect(next.csrf).not.toBe(old.csrf);

    const me = await asUser(next, 'GET', '/api/auth/me');
    expect(me.json()).toMatchObject({ role: 'admin', organisation: { slug: 'plant' } });
    // The new CSRF token works for an unsafe call at once; the old session is gone.
    const site = await asUser(next, 'POST', '/api/sites', { slug: 'plant-site', name: 'Plant site' });
    expect(site.statusCode, site.body).toBe(201);
    expect((await asUser(old, 'GET', '/api/auth/me')).statusCode).toBe(401);
    // Plant's site is not lab's: switching back by id shows lab's (empty) list.
    const back = await asUser(next, 'POST', '/api/auth/switch', { organisation: ids.lab });
    expect(back.statusCode, back.body).toBe(200);
    const sites = await asUser(sessionOf(back), 'GET', '/api/sites');
    expect(sites.body).not.toContain('plant-site');
  });

  it('answers a non-member the same 404 as an unknown organisation', async () => {
    const s = await login('alice', 'alice-password-1', 'lab');
    const member = await asUser(s, 'POST', '/api/auth/switch', { organisation: 'secret' });
    const unknown = await asUser(s, 'POST', '/api/auth/switch', { organisation: 'no-such-org' });
    const byId = await asUser(s, 'POST', '/api/auth/switch', { organisation: ids.secret as string });
    for (const r of [member, unknown, byId]) {
      expect(r.statusCode, r.body).toBe(404);
      expect(r.json().error).toMatchObject({ code: 'ORGANISATION_NOT_FOUND', details: { field: 'organisation' } });
    }
    expect(member.body.replaceAll('secret', 'X')).toBe(unknown.body.replaceAll('no-such-org', 'X'));
    expect(byId.body).not.toContain('SECRET');
    // The refused switch leaves the session where it was.
    expect((await asUser(s, 'GET', '/api/auth/me')).json()).toMatchObject({ organisation: { slug: 'lab' } });
    const empty = await asUser(s, 'POST', '/api/auth/switch', { organisation: '' });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.details.field).toBe('body.organisation');
  });

  it('refuses to switch with an API key or without the CSRF token', async () => {
    const res = await admin('POST', '/api/auth/switch', { organisation: 'lab' });
    expect(res.statusCode, res.body).toBe(403);
    expect(res.json().error).toMatchObject({ code: 'SESSION_REQUIRED', details: { field: 'authorization' } });
    const s = await login('alice', 'alice-password-1', 'lab');
    const noCsrf = await call(undefined, 'POST', '/api/auth/switch', { organisation: 'plant' }, { ...s, csrf: 'wrong' });
    expect(noCsrf.statusCode).toBe(403);
    expect((await asUser(s, 'GET', '/api/auth/me')).json()).toMatchObject({ organisation: { slug: 'lab' } });
  });

  it("lets an organisation's admin change a member's role, seen by that member's session at once", async () => {
    const bobSession = await login('bob', 'bob-password-12', 'plant');
    expect((await asUser(bobSession, 'GET', '/api/organisations/plant/users')).statusCode).toBe(403);
    const alice = await login('alice', 'alice-password-1', 'plant');
    const res = await asUser(alice, 'PATCH', `/api/organisations/plant/users/${ids.bob}`, { role: 'editor' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id: ids.bob, username: 'bob', role: 'editor' });
    expect((await asUser(bobSession, 'GET', '/api/auth/me')).json()).toMatchObject({ role: 'editor' });
    const listed = (await asUser(alice, 'GET', '/api/organisations/plant/users')).json().data as {
      username: string;
      role: string;
    }[];
    expect(listed.find((m) => m.username === 'bob')?.role).toBe('editor');

    // An editor is not an admin: cannot change roles.
    const bobAgain = await asUser(bobSession, 'PATCH', `/api/organisations/plant/users/${ids.alice}`, { role: 'viewer' });
    expect(bobAgain.statusCode).toBe(403);
    // Alice is editor in lab: cannot change roles there either.
    const inLab = await login('alice', 'alice-password-1', 'lab');
    expect((await asUser(inLab, 'PATCH', `/api/organisations/lab/users/${ids.alice}`, { role: 'admin' })).statusCode).toBe(403);
    // Not a member of plant (bob is, lab's admin is not), unknown role.
    const bad = await asUser(alice, 'PATCH', `/api/organisations/plant/users/${ids.bob}`, { role: 'owner' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.field).toBe('body.role');
    const stranger = await admin('POST', '/api/organisations/secret/users', {
      username: 'carol',
      password: 'carol-password-1',
      role: 'viewer',
    });
    const notHere = await asUser(alice, 'PATCH', `/api/organisations/plant/users/${stranger.json().id}`, { role: 'admin' });
    expect(notHere.statusCode, notHere.body).toBe(404);
    expect(notHere.json().error.code).toBe('USER_NOT_FOUND');
    // Another organisation's members are out of reach.
    expect(
      (await asUser(alice, 'PATCH', `/api/organisations/secret/users/${stranger.json().id}`, { role: 'admin' })).statusCode,
    ).toBe(404);
  });

  it('refuses to demote or remove the last admin (409), and allows it once another admin exists', async () => {
    const alice = await login('alice', 'alice-password-1', 'plant');
    const demote = await asUser(alice, 'PATCH', `/api/organisations/plant/users/${ids.alice}`, { role: 'viewer' });
    expect(demote.statusCode, demote.body).toBe(409);
    expect(demote.json().error).toMatchObject({ code: 'LAST_ADMIN', details: { field: 'role' } });
    const remove = await asUser(alice, 'DELETE', `/api/organisations/plant/users/${ids.alice}`);
    expect(remove.statusCode, remove.body).toBe(409);
    expect(remove.json().error.code).toBe('LAST_ADMIN');
    // Keeping the role is not a demotion.
    expect((await asUser(alice, 'PATCH', `/api/organisations/plant/users/${ids.alice}`, { role: 'admin' })).statusCode).toBe(200);

    expect((await asUser(alice, 'PATCH', `/api/organisations/plant/users/${ids.bob}`, { role: 'admin' })).statusCode).toBe(200);
    // Two admins demoting each other at the same time: exactly one wins.
    const bob = await login('bob', 'bob-password-12', 'plant');
    const [a, b] = await Promise.all([
      asUser(alice, 'PATCH', `/api/organisations/plant/users/${ids.bob}`, { role: 'viewer' }),
      asUser(bob, 'PATCH', `/api/organisations/plant/users/${ids.alice}`, { role: 'viewer' }),
    ]);
    // The loser is refused either by the last-admin check (409, both authenticated while both were
    // admins) or, when the winner committed before it authenticated, for no longer being an admin (403).
    const codes = [a.statusCode, b.statusCode].sort();
    expect(codes[0], `${a.body} ${b.body}`).toBe(200);
    expect([403, 409], `${a.body} ${b.body}`).toContain(codes[1]);
    const members = (await admin('GET', '/api/organisations/plant/users')).json().data as { role: string }[];
    expect(members.filter((m) => m.role === 'admin')).toHaveLength(1);
  });
});
