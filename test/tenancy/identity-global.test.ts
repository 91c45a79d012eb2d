import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../src/db/database.js';
import { availableDialects, openTestDatabase } from '../support/databases.js';
import { ADMIN_TOKEN, startTestPolder, type TestPolder } from '../support/polder.js';

/**
 * Issue 9 item 4: a physical identity (MAC, DevEUI, serial) names one device platform-wide.
 * Organisation B cannot register (create, patch, import) an identity A holds: 409 naming the
 * field `identity`, saying nothing of who holds it; A's board keeps provisioning.
 */
const dialects = await availableDialects();

describe.each(dialects)('platform-wide device identities on %s', (dialect) => {
  let t: TestPolder;
  let keyB: string;
  const asA = (method: string, url: string, payload?: unknown) =>
    t.call(ADMIN_TOKEN, { method: method as 'GET', url, ...(payload !== undefined && { payload: payload as object }) });
  const asB = (method: string, url: string, payload?: unknown) =>
    t.call(keyB, { method: method as 'GET', url, ...(payload !== undefined && { payload: payload as object }) });

  beforeAll(async () => {
    t = await startTestPolder(dialect);
    expect((await asA('POST', '/api/organisations', { slug: 'tenant-b', name: 'B' })).statusCode).toBe(201);
    const key = await asA('POST', '/api/organisations/tenant-b/api-keys', { name: 'b-admin', scopes: ['devices:write'] });
    keyB = key.json().secret;
    for (const [code, identity] of [
      ['a-board', { kind: 'mac', value: '24:0a:c4:00:00:01' }],
      ['a-lora', { kind: 'deveui', value: '70B3D57ED0000001' }],
      ['a-serial', { kind: 'serial', value: 'SN-0001' }],
    ] as const) {
      const res = await asA('POST', '/api/devices', { code, identity, type: 'esp32' });
      expect(res.statusCode, res.body).toBe(201);
    }
  });
  afterAll(() => t.close());

  it.each([
    ['mac', '24-0A-C4-00-00-01'],
    ['deveui', '70b3d57ed0000001'],
    ['serial', 'SN-0001'],
  ])("refuses A's %s in B with 409 identity, naming no holder", async (kind, value) => {
    const res = await asB('POST', '/api/devices', { code: `b-${kind}`, identity: { kind, value }, type: 'esp32' });
    expect(res.statusCode, res.body).toBe(409);
    expect(res.json().error).toMatchObject({ code: 'CONFLICT', details: { field: 'identity' } });
    expect(res.body).not.toMatch(/a-board|a-lora|a-serial|default/);
  });

  it('refuses it on PATCH and in a bulk import too', async () => {
    const created = await asB('POST', '/api/devices', {
      code: 'b-own',
      identity: { kind: 'mac', value: '02:00:00:00:00:b1' },
      type: 'esp32',
    });
    expect(created.statusCode, created.body).toBe(201);
    const patched = await asB('PATCH', `/api/devices/${created.json().id}`, { identity: { kind: 'mac', value: '240ac4000001' } });
    expect(patched.statusCode, patched.body).toBe(409);
    expect(patched.json().error.details.field).toBe('identity');
    const imported = await asB('POST', '/api/devices/import', [
      { code: 'b-imp', identity: { kind: 'deveui', value: '70B3D57ED0000001' }, type: 'esp32' },
    ]);
    expect(imported.statusCode).toBeGreaterThanOrEqual(400);
    expect(imported.statusCode).toBeLessThan(500);
    expect(imported.body).toMatch(/identity/);
    expect(imported.body).not.toMatch(/a-lora/);
  });

  it("keeps A's provisioning working: /device/credentials never answers IDENTITY_AMBIGUOUS", async () => {
    const creds = await t.call(undefined, { url: '/device/credentials?mac=24:0a:c4:00:00:01' });
    expect(creds.statusCode, creds.body).toBe(200);
    expect(creds.json().login).toBe('a-board');
  });

  it('inside one organisation the conflict still names the device holding the identity', async () => {
    const res = await asA('POST', '/api/devices', {
      code: 'a-twin',
      identity: { kind: 'mac', value: '240AC4000001' },
      type: 'esp32',
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toContain('a-board');
  });

  it('the database refuses a second holder across organisations even past the service (unique index)', async () => {
    const db = t.polder.database.db;
    const row = await db.selectFrom('devices').selectAll().where('code', '=', 'a-board').executeTakeFirstOrThrow();
    const orgB = (await asA('GET', '/api/organisations/tenant-b')).json().id as string;
    await expect(
      db
        .insertInto('devices')
        .values({ ...row, id: '01900000-0000-7000-8000-0000000000b2', org_id: orgB, code: 'raw', mqtt_login: null })
        .execute(),
    ).rejects.toThrow(/unique|duplicate/i);
  });
});

describe.each(dialects)('the identity migration on %s', (dialect) => {
  it('stops and names identities held in several organisations, instead of dropping one', async () => {
    const test = await openTestDatabase(dialect);
    try {
      const db = test.database.db;
      // A database from before the migration: no global index, the same MAC in two organisations.
      await db.schema.dropIndex('devices_identity_global').execute();
      await sql`delete from kysely_migration where name = '20261202-1630-identity-global'`.execute(db);
      const now = Date.now();
      for (const [n, slug] of [
        ['a', 'ma'],
        ['b', 'mb'],
      ] as const) {
        const org = `01900000-0000-7000-8000-00000000000${n}`;
        await db
          .insertInto('organisations')
          .values({ id: org, slug, name: slug, archive_days: 30, settings: '{}', created_at: now })
          .execute();
        await db
          .insertInto('devices')
          .values({
            id: `01900000-0000-7000-8000-0000000000d${n}`,
            org_id: org,
            code: `dev-${n}`,
            identity_kind: 'mac',
            identity_value: '24:0a:c4:00:00:99',
            created_at: now,
            updated_at: now,
          } as never)
          .execute();
      }
      await expect(migrateToLatest(test.database)).rejects.toThrow(/mac 24:0a:c4:00:00:99 \(2 devices\)/);
      // Settled by the operator: the migration then runs.
      await db.updateTable('devices').set({ identity_kind: null, identity_value: null }).where('code', '=', 'dev-b').execute();
      expect(await migrateToLatest(test.database)).toEqual(['20261202-1630-identity-global']);
    } finally {
      await test.drop();
    }
  });
});
