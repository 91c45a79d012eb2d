import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../src/shared/ids.js';
import type { Organisation, StoredApiKey } from '../../src/tenancy/tenancy.js';
import { KyselyTenancyStore } from '../../src/tenancy/tenancy.store.js';
import { availableDialects, openTestDatabase, type TestDatabase } from '../support/databases.js';

const dialects = await availableDialects();

describe.each(dialects)('TenancyStore contract on %s', (dialect) => {
  let tdb: TestDatabase;
  let store: KyselyTenancyStore;
  const org = (slug: string): Organisation => ({
    id: uuidv7(),
    slug,
    name: slug.toUpperCase(),
    archiveDays: 30,
    settings: { republish: true },
    createdAt: 1_700_000_000_000,
  });
  const key = (orgId: string, name: string, hash: string): StoredApiKey => ({
    id: uuidv7(),
    orgId,
    name,
    prefix: 'pk_abc',
    secretHash: hash,
    scopes: ['devices:read'],
    platformAdmin: false,
    expiresAt: null,
    revokedAt: null,
    lastUsedAt: null,
    createdBy: null,
    createdAt: 1_700_000_000_000,
  });

  beforeAll(async () => {
    tdb = await openTestDatabase(dialect);
    store = new KyselyTenancyStore(tdb.database.db);
  });
  afterAll(() => tdb.drop());

  it('stores organisations and finds them by id or slug', async () => {
    const a = org('alpha');
    await store.insertOrganisation(a);
    expect(await store.findOrganisation(a.id)).toEqual(a);
    expect(await store.findOrganisation('alpha')).toEqual(a);
    expect(await store.findOrganisation('nope')).toBeUndefined();
    await store.updateOrganisation(a.id, { name: 'Alpha', archiveDays: 7 });
    expect(await store.findOrganisation('alpha')).toMatchObject({ name: 'Alpha', archiveDays: 7, settings: { republish: true } });
  });

  it('refuses a duplicate organisation slug', async () => {
    await expect(store.insertOrganisation(org('alpha'))).rejects.toThrow();
  });

  it('pages organisations without gaps or repeats, with a total', async () => {
    for (let i = 0; i < 7; i++) await store.insertOrganisation(org(`page-${i}`));
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await store.listOrganisations({ limit: 3, cursor, count: true });
      expect(page.total).toBe(8);
      seen.push(...page.items.map((o) => o.slug));
      cursor = page.next ?? undefined;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(8);
    expect(new Set(seen).size).toBe(8);
    const only = await store.listOrganisations({ limit: 10 }, []);
    expect(only.items).toEqual([]);
  });

  it('keeps users, memberships and roles', async () => {
    const a = await store.findOrganisation('alpha');
    const u = { id: uuidv7(), username: 'ada', email: null, platformAdmin: false, passwordHash: 'h', createdAt: 1 };
    await store.insertUser(u);
    await store.setMembership(a!.id, u.id, 'viewer', 2);
    await store.setMembership(a!.id, u.id, 'editor', 3);
    expect(await store.findMembership(a!.id, u.id)).toBe('editor');
    expect(await store.membershipsOf(u.id)).toEqual([{ orgId: a!.id, role: 'editor' }]);
    const members = await store.listMembers(a!.id, { limit: 10 });
    expect(members.items).toEqual([
      { id: u.id, username: 'ada', email: null, platformAdmin: false, createdAt: 1, role: 'editor' },
    ]);
    expect(await store.countUsers()).toBe(1);
    expect(await store.removeMembership(a!.id, u.id)).toBe(true);
    expect(await store.removeMembership(a!.id, u.id)).toBe(false);
  });

  it('changes a membership but never leaves an organisation without an admin', async () => {
    const g = org('gamma');
    await store.insertOrganisation(g);
    const user = (name: string) => ({
      id: uuidv7(),
      username: name,
      email: null,
      platformAdmin: false,
      passwordHash: 'h',
      createdAt: 1,
    });
    const [x, y] = [user('xavier'), user('yann')];
    await store.insertUser(x);
    await store.insertUser(y);
    await store.setMembership(g.id, x.id, 'admin', 1);
    await store.setMembership(g.id, y.id, 'viewer', 2);
    expect(await store.changeMembership(g.id, x.id, 'editor')).toBe('last-admin');
    expect(await store.changeMembership(g.id, x.id, null)).toBe('last-admin');
    expect(await store.changeMembership(g.id, x.id, 'admin')).toBe('changed');
    expect(await store.changeMembership(g.id, uuidv7(), 'viewer')).toBe('not-member');
    expect(await store.changeMembership(g.id, y.id, 'admin')).toBe('changed');
    expect(await store.changeMembership(g.id, x.id, 'viewer')).toBe('changed');
    expect(await store.findMembership(g.id, x.id)).toBe('viewer');
    expect(await store.changeMembership(g.id, x.id, null)).toBe('changed');
    expect(await store.findMembership(g.id, x.id)).toBeUndefined();
    expect(await store.changeMembership(g.id, y.id, null)).toBe('last-admin');
  });

  it('finds API keys by hash, scoped updates, and never lists the hash', async () => {
    const a = await store.findOrganisation('alpha');
    const b = org('beta');
    await store.insertOrganisation(b);
    const k = key(a!.id, 'ci', 'hash-1');
    await store.insertApiKey(k);
    expect(await store.findApiKeyByHash('hash-1')).toEqual(k);
    expect(await store.updateApiKey(b.id, k.id, { revokedAt: 5 })).toBe(false);
    expect(await store.updateApiKey(a!.id, k.id, { revokedAt: 5 })).toBe(true);
    const listed = await store.listApiKeys(a!.id, { limit: 10 });
    expect(listed.items).toHaveLength(1);
    expect(listed.items[0]).not.toHaveProperty('secretHash');
    expect(listed.items[0]?.revokedAt).toBe(5);
    expect((await store.listApiKeys(b.id, { limit: 10 })).items).toEqual([]);
    await store.touchApiKeys(new Map([[k.id, 99]]));
    expect((await store.findApiKeyByHash('hash-1'))?.lastUsedAt).toBe(99);
  });

  it('keeps sessions until they expire', async () => {
    const a = await store.findOrganisation('alpha');
    const u = { id: uuidv7(), username: 'bob', email: 'bob@example.org', platformAdmin: false, passwordHash: 'h', createdAt: 1 };
    await store.insertUser(u);
    await store.insertSession({ id: uuidv7(), tokenHash: 't1', userId: u.id, orgId: a!.id, expiresAt: 100, createdAt: 1 });
    expect(await store.findSessionByHash('t1')).toMatchObject({ userId: u.id, orgId: a!.id, expiresAt: 100 });
    await store.deleteExpiredSessions(50);
    expect(await store.findSessionByHash('t1')).toBeDefined();
    await store.deleteExpiredSessions(101);
    expect(await store.findSessionByHash('t1')).toBeUndefined();
  });
});
