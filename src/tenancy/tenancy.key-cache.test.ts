import { describe, expect, it } from 'vitest';
import { digestSecret } from '../shared/secrets.js';
import type { StoredApiKey, TenancyStore } from './tenancy.js';
import { KEY_CACHE_MS, TenancyService } from './tenancy.service.js';

const ORG = 'org-1';

/** The key-related part of a store, in memory, counting reads; a change "by another process" edits `rows`. */
function keyStore() {
  const rows = new Map<string, StoredApiKey>();
  let reads = 0;
  let gate: Promise<void> | undefined;
  const store = {
    async findApiKeyByHash(hash: string) {
      reads++;
      const row = rows.get(hash);
      const copy = row && { ...row };
      if (gate) await gate;
      return copy;
    },
    async findApiKeyByName(orgId: string, name: string) {
      return [...rows.values()].find((k) => k.orgId === orgId && k.name === name);
    },
    async updateApiKey(orgId: string, id: string, patch: Partial<StoredApiKey>) {
      for (const [hash, k] of rows)
        if (k.orgId === orgId && k.id === id) {
          rows.delete(hash);
          const next = { ...k, ...patch };
          rows.set(next.secretHash, next);
          return true;
        }
      return false;
    },
    async insertApiKey(key: StoredApiKey) {
      rows.set(key.secretHash, key);
    },
    async findOrganisation(idOrSlug: string) {
      return idOrSlug === ORG ? { id: ORG, slug: 'one', name: 'One', archiveDays: 30, settings: {}, createdAt: 0 } : undefined;
    },
  };
  return {
    store: store as unknown as TenancyStore,
    rows,
    reads: () => reads,
    /** Holds every key read until `release` is called. */
    hold() {
      let release = () => {};
      gate = new Promise<void>((r) => {
        release = r;
      });
      return () => {
        gate = undefined;
        release();
      };
    },
  };
}

function setUp(keyCacheMs?: number) {
  const s = keyStore();
  let now = 1_000_000;
  let n = 0;
  const tenancy = new TenancyService(
    s.store,
    () => now,
    () => `id-${++n}`,
    {},
    keyCacheMs === undefined ? {} : { keyCacheMs },
  );
  return { ...s, tenancy, advance: (ms: number) => (now += ms), at: () => now };
}

const admin = {
  kind: 'apiKey' as const,
  orgId: ORG,
  id: 'admin',
  name: 'admin',
  scopes: new Set(['admin:write' as const, 'admin:read' as const, 'devices:read' as const]),
  platformAdmin: true,
};

describe('API key verification cache', () => {
  it('reads a key once per cache period, not once per request', async () => {
    const t = setUp();
    const { key, secret } = await t.tenancy.createApiKey(admin, ORG, { name: 'k', scopes: ['devices:read'] });
    for (let i = 0; i < 5; i++) expect((await t.tenancy.authenticateKey(secret))?.id).toBe(key.id);
    expect(t.reads()).toBe(1);
    t.advance(KEY_CACHE_MS);
    expect((await t.tenancy.authenticateKey(secret))?.id).toBe(key.id);
    expect(t.reads()).toBe(2);
  });

  it('refuses a key revoked through this process at once', async () => {
    const t = setUp();
    const { key, secret } = await t.tenancy.createApiKey(admin, ORG, { name: 'k', scopes: ['devices:read'] });
    expect(await t.tenancy.authenticateKey(secret)).toBeDefined();
    await t.tenancy.revokeApiKey(admin, ORG, key.id);
    expect(await t.tenancy.authenticateKey(secret)).toBeUndefined();
  });

  it('refuses a key revoked by another process once the cache period has passed', async () => {
    const t = setUp();
    const { secret } = await t.tenancy.createApiKey(admin, ORG, { name: 'k', scopes: ['devices:read'] });
    expect(await t.tenancy.authenticateKey(secret)).toBeDefined();
    const row = t.rows.get(digestSecret(secret)) as StoredApiKey;
    t.rows.set(row.secretHash, { ...row, revokedAt: t.at() });
    t.advance(KEY_CACHE_MS);
    expect(await t.tenancy.authenticateKey(secret)).toBeUndefined();
  });

  it('refuses a cached key once it has expired', async () => {
    const t = setUp();
    const { secret } = await t.tenancy.createApiKey(admin, ORG, {
      name: 'k',
      scopes: ['devices:read'],
      expiresAt: t.at() + 1000,
    });
    expect(await t.tenancy.authenticateKey(secret)).toBeDefined();
    t.advance(1000);
    expect(await t.tenancy.authenticateKey(secret)).toBeUndefined();
    expect(t.reads()).toBe(1);
  });

  it('reads unknown secrets every time (they are not kept)', async () => {
    const t = setUp();
    expect(await t.tenancy.authenticateKey('pk_unknown')).toBeUndefined();
    expect(await t.tenancy.authenticateKey('pk_unknown')).toBeUndefined();
    expect(t.reads()).toBe(2);
  });

  it('does not keep a row read while the key was being revoked', async () => {
    const t = setUp();
    const { key, secret } = await t.tenancy.createApiKey(admin, ORG, { name: 'k', scopes: ['devices:read'] });
    const release = t.hold();
    const racing = t.tenancy.authenticateKey(secret);
    await t.tenancy.revokeApiKey(admin, ORG, key.id);
    release();
    // The lookup that began before the revocation may answer with what it read...
    await racing;
    // ...but no later request is let in by it.
    expect(await t.tenancy.authenticateKey(secret)).toBeUndefined();
  });

  it('with a cache period of 0 reads the key on every request', async () => {
    const t = setUp(0);
    const { secret } = await t.tenancy.createApiKey(admin, ORG, { name: 'k', scopes: ['devices:read'] });
    await t.tenancy.authenticateKey(secret);
    await t.tenancy.authenticateKey(secret);
    expect(t.reads()).toBe(2);
  });
});
