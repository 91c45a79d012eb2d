import type { Selectable } from 'kysely';
import { paginate } from '../db/paginate.js';
import type { ApiKeyTable, OrganisationTable, UserTable } from '../db/schema.js';
import { isUuid } from '../shared/ids.js';
import { fromJsonColumn, toJsonColumn } from '../shared/json.js';
import type { Page, PageRequest } from '../shared/page.js';
import { KyselyInvitationStore } from './invitations.store.js';
import type { ApiKey, Member, Organisation, Role, Scope, Session, StoredApiKey, StoredUser, TenancyStore } from './tenancy.js';

const toOrg = (r: Selectable<OrganisationTable>): Organisation => ({
  id: r.id,
  slug: r.slug,
  name: r.name,
  archiveDays: r.archive_days,
  settings: fromJsonColumn(r.settings, {}),
  createdAt: r.created_at,
});

const toUser = (r: Selectable<UserTable>): StoredUser => ({
  id: r.id,
  username: r.username,
  email: r.email,
  platformAdmin: r.platform_admin === 1,
  passwordHash: r.password_hash,
  createdAt: r.created_at,
});

const toKey = (r: Selectable<ApiKeyTable>): StoredApiKey => ({
  id: r.id,
  orgId: r.org_id,
  name: r.name,
  prefix: r.prefix,
  secretHash: r.secret_hash,
  scopes: fromJsonColumn<Scope[]>(r.scopes, []),
  platformAdmin: r.platform_admin === 1,
  expiresAt: r.expires_at,
  revokedAt: r.revoked_at,
  lastUsedAt: r.last_used_at,
  createdBy: r.created_by,
  createdAt: r.created_at,
});

const withoutSecret = ({ secretHash: _, ...key }: StoredApiKey): ApiKey => key;

export class KyselyTenancyStore extends KyselyInvitationStore implements TenancyStore {
  async insertOrganisation(org: Organisation) {
    await this.db
      .insertInto('organisations')
      .values({
        id: org.id,
        slug: org.slug,
        name: org.name,
        archive_days: org.archiveDays,
        settings: toJsonColumn(org.settings),
        created_at: org.createdAt,
      })
      .execute();
  }

  async findOrganisation(idOrSlug: string) {
    const row = await this.db
      .selectFrom('organisations')
      .selectAll()
      .where(isUuid(idOrSlug) ? 'id' : 'slug', '=', idOrSlug)
      .executeTakeFirst();
    return row && toOrg(row);
  }

  async listOrganisations(req: PageRequest, onlyIds?: string[]): Promise<Page<Organisation>> {
    let q = this.db.selectFrom('organisations').selectAll();
    if (onlyIds) q = q.where('id', 'in', onlyIds.length > 0 ? onlyIds : ['']);
    const page = await paginate(q, req, [{ column: 'id' }], (r) => [r.id]);
    return { ...page, items: page.items.map(toOrg) };
  }

  async updateOrganisation(id: string, patch: Partial<Pick<Organisation, 'name' | 'archiveDays' | 'settings'>>) {
    const set = {
      ...(patch.name !== undefined && { name: patch.name }),
      ...(patch.archiveDays !== undefined && { archive_days: patch.archiveDays }),
      ...(patch.settings !== undefined && { settings: toJsonColumn(patch.settings) }),
    };
    // An empty patch changes nothing (an UPDATE without SET is not SQL).
    if (Object.keys(set).length === 0) return;
    await this.db.updateTable('organisations').set(set).where('id', '=', id).execute();
  }

  async insertUser(user: StoredUser) {
    await this.db
      .insertInto('users')
      .values({
        id: user.id,
        username: user.username,
        email: user.email,
        password_hash: user.passwordHash,
        platform_admin: user.platformAdmin ? 1 : 0,
        created_at: user.createdAt,
      })
      .execute();
  }

  async findUserByName(username: string) {
    const row = await this.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
    return row && toUser(row);
  }

  async findUser(id: string) {
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toUser(row);
  }

  async countUsers() {
    const row = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async updatePassword(userId: string, passwordHash: string) {
    await this.db.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', userId).execute();
  }

  async setMembership(orgId: string, userId: string, role: Role, now: number) {
    await this.db
      .insertInto('memberships')
      .values({ org_id: orgId, user_id: userId, role, created_at: now })
      .onConflict((oc) => oc.columns(['org_id', 'user_id']).doUpdateSet({ role }))
      .execute();
  }

  async removeMembership(orgId: string, userId: string) {
    const res = await this.db
      .deleteFrom('memberships')
      .where('org_id', '=', orgId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }

  async changeMembership(orgId: string, userId: string, role: Role | null) {
    return this.db.transaction().execute(async (trx) => {
      // A no-op write to the organisation's row serialises role changes within it (a row lock on
      // PostgreSQL, the write lock on SQLite), so two admins demoting each other cannot both win.
      await trx
        .updateTable('organisations')
        .set((eb) => ({ slug: eb.ref('slug') }))
        .where('id', '=', orgId)
        .execute();
      const current = await trx
        .selectFrom('memberships')
        .select('role')
        .where('org_id', '=', orgId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      if (!current) return 'not-member' as const;
      if (current.role === 'admin' && role !== 'admin') {
        const admins = await trx
          .selectFrom('memberships')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('org_id', '=', orgId)
          .where('role', '=', 'admin')
          .executeTakeFirstOrThrow();
        if (Number(admins.n) <= 1) return 'last-admin' as const;
      }
      if (role === null) await trx.deleteFrom('memberships').where('org_id', '=', orgId).where('user_id', '=', userId).execute();
      else await trx.updateTable('memberships').set({ role }).where('org_id', '=', orgId).where('user_id', '=', userId).execute();
      return 'changed' as const;
    });
  }

  async findMembership(orgId: string, userId: string) {
    const row = await this.db
      .selectFrom('memberships')
      .select('role')
      .where('org_id', '=', orgId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row?.role as Role | undefined;
  }

  async membershipsOf(userId: string) {
    const rows = await this.db
      .selectFrom('memberships')
      .select(['org_id', 'role'])
      .where('user_id', '=', userId)
      .orderBy('created_at')
      .execute();
    return rows.map((r) => ({ orgId: r.org_id, role: r.role as Role }));
  }

  async listMembers(orgId: string, req: PageRequest): Promise<Page<Member>> {
    const q = this.db
      .selectFrom('memberships')
      .innerJoin('users', 'users.id', 'memberships.user_id')
      .selectAll('users')
      .select('memberships.role')
      .where('memberships.org_id', '=', orgId);
    const page = await paginate(q, req, [{ column: 'users.id' }], (r) => [r.id]);
    return {
      ...page,
      items: page.items.map((r) => {
        const { passwordHash: _, ...user } = toUser(r);
        return { ...user, role: r.role as Role };
      }),
    };
  }

  async insertApiKey(key: StoredApiKey) {
    await this.db
      .insertInto('api_keys')
      .values({
        id: key.id,
        org_id: key.orgId,
        name: key.name,
        prefix: key.prefix,
        secret_hash: key.secretHash,
        scopes: toJsonColumn(key.scopes),
        platform_admin: key.platformAdmin ? 1 : 0,
        expires_at: key.expiresAt,
        revoked_at: key.revokedAt,
        last_used_at: key.lastUsedAt,
        created_by: key.createdBy,
        created_at: key.createdAt,
      })
      .execute();
  }

  async findApiKeyByHash(secretHash: string) {
    const row = await this.db.selectFrom('api_keys').selectAll().where('secret_hash', '=', secretHash).executeTakeFirst();
    return row && toKey(row);
  }

  async findApiKeyByName(orgId: string, name: string) {
    const row = await this.db
      .selectFrom('api_keys')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('name', '=', name)
      .executeTakeFirst();
    return row && toKey(row);
  }

  async listApiKeys(orgId: string, req: PageRequest): Promise<Page<ApiKey>> {
    const q = this.db.selectFrom('api_keys').selectAll().where('org_id', '=', orgId);
    const page = await paginate(q, req, [{ column: 'id' }], (r) => [r.id]);
    return { ...page, items: page.items.map((r) => withoutSecret(toKey(r))) };
  }

  async updateApiKey(
    orgId: string,
    id: string,
    patch: Partial<Pick<StoredApiKey, 'secretHash' | 'prefix' | 'scopes' | 'revokedAt' | 'expiresAt' | 'platformAdmin'>>,
  ) {
    const res = await this.db
      .updateTable('api_keys')
      .set({
        ...(patch.secretHash !== undefined && { secret_hash: patch.secretHash }),
        ...(patch.prefix !== undefined && { prefix: patch.prefix }),
        ...(patch.scopes !== undefined && { scopes: toJsonColumn(patch.scopes) }),
        ...(patch.revokedAt !== undefined && { revoked_at: patch.revokedAt }),
        ...(patch.expiresAt !== undefined && { expires_at: patch.expiresAt }),
        ...(patch.platformAdmin !== undefined && { platform_admin: patch.platformAdmin ? 1 : 0 }),
      })
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  async touchApiKeys(lastUsed: Map<string, number>) {
    if (lastUsed.size === 0) return;
    await this.db.transaction().execute(async (trx) => {
      for (const [id, at] of lastUsed) {
        await trx.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', id).execute();
      }
    });
  }

  async insertSession(s: Session & { tokenHash: string; createdAt: number }) {
    await this.db
      .insertInto('sessions')
      .values({
        id: s.id,
        token_hash: s.tokenHash,
        user_id: s.userId,
        org_id: s.orgId,
        expires_at: s.expiresAt,
        created_at: s.createdAt,
      })
      .execute();
  }

  async findSessionByHash(tokenHash: string): Promise<Session | undefined> {
    const row = await this.db.selectFrom('sessions').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    return row && { id: row.id, userId: row.user_id, orgId: row.org_id, expiresAt: row.expires_at };
  }

  async deleteSession(tokenHash: string) {
    await this.db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
  }

  async deleteSessionsOf(userId: string) {
    await this.db.deleteFrom('sessions').where('user_id', '=', userId).execute();
  }

  async deleteExpiredSessions(now: number) {
    await this.db.deleteFrom('sessions').where('expires_at', '<', now).execute();
  }
}
