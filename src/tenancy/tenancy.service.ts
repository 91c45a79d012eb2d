import type { Clock } from '../shared/clock.js';
import { conflict, DomainError, invalid, notFound } from '../shared/errors.js';
import { type IdGenerator, randomSecret } from '../shared/ids.js';
import type { Page, PageRequest } from '../shared/page.js';
import { digestSecret, hashPassword, verifyPassword } from '../shared/secrets.js';
import { InvitationService } from './invitations.service.js';
import {
  ALL_SCOPES,
  type ApiKey,
  DEFAULT_ORG_SLUG,
  hasScope,
  type Member,
  type Organisation,
  type Principal,
  ROLE_SCOPES,
  type Role,
  type Scope,
  type StoredApiKey,
  type TenancyStore,
} from './tenancy.js';

export const SESSION_TTL_MS = 7 * 24 * 3600 * 1000;
const ADMIN_TOKEN_KEY = 'admin-token';
const KEY_PREFIX = 'pk_';

export const forbidden = (needed: string) =>
  new DomainError('FORBIDDEN', `this credential lacks the ${needed} permission`, { needed });

/** What other domains do when tenancy events happen (the registry creates an organisation's defaults). */
export interface TenancyHooks {
  organisationCreated?: (org: Organisation) => Promise<void>;
}

/**
 * How long a verified API key is trusted without reading it again (default 5 s). A key revoked or
 * rotated through this process stops working at once (the cache is emptied); one revoked by
 * another process (a replica, `polder keys`) within this time.
 */
export const KEY_CACHE_MS = 5_000;
/** Verified keys kept at most; past it the cache starts over (only real keys enter it). */
const KEY_CACHE_MAX = 10_000;

export interface TenancyOptions {
  keyCacheMs?: number;
}

export interface BootstrapResult {
  org: Organisation;
  /** Set only on the first start without POLDER_ADMIN_TOKEN: print it once. */
  adminPassword?: string;
}

/**
 * Organisations, users, sessions and API keys. Authentication answers a Principal; every
 * other domain scopes its queries by `principal.orgId`.
 */
export class TenancyService {
  /** Last-use times are collected in memory and written in one batch (see flushUsage). */
  private readonly usage = new Map<string, number>();
  private readonly slugs = new Map<string, string>();
  /**
   * API keys by secret digest, as read at `at`: every request with a key would otherwise read
   * it from the database. Only keys that exist enter (unknown secrets are the caller's to choose);
   * revocation and expiry are checked on every use against the cached row.
   */
  private readonly keys = new Map<string, { key: StoredApiKey; at: number }>();
  private readonly keyCacheMs: number;
  /** Bumped by every key change, so a lookup racing a change does not cache what it read. */
  private keyGeneration = 0;
  /** How users join organisations: invitations they accept. */
  readonly invitations: InvitationService;

  constructor(
    private readonly store: TenancyStore,
    private readonly clock: Clock,
    private readonly newId: IdGenerator,
    private readonly hooks: TenancyHooks = {},
    options: TenancyOptions = {},
  ) {
    this.keyCacheMs = options.keyCacheMs ?? KEY_CACHE_MS;
    this.invitations = new InvitationService({
      store,
      clock,
      newId,
      administered: async (caller, orgIdOrSlug, scope) => {
        const org = await this.getOrganisation(caller, orgIdOrSlug);
        requireScope(caller, scope);
        return org;
      },
      insertUser: (username, email, password) => this.insertUser(username, email, password, false),
    });
  }

  /** First start: the default organisation, then the admin token as a key or a generated admin password. */
  async bootstrap(adminToken?: string): Promise<BootstrapResult> {
    const org = (await this.store.findOrganisation(DEFAULT_ORG_SLUG)) ?? (await this.insertOrg(DEFAULT_ORG_SLUG, 'Default'));
    if (adminToken) {
      const existing = await this.store.findApiKeyByName(org.id, ADMIN_TOKEN_KEY);
      const fields = {
        secretHash: digestSecret(adminToken),
        prefix: adminToken.slice(0, 6),
        scopes: ALL_SCOPES,
        platformAdmin: true,
      };
      if (existing) await this.updateKey(org.id, existing.id, { ...fields, revokedAt: null, expiresAt: null });
      else await this.store.insertApiKey(this.newKey(org.id, ADMIN_TOKEN_KEY, fields, null));
      return { org };
    }
    if ((await this.store.countUsers()) > 0) return { org };
    const adminPassword = randomSecret(12);
    const user = await this.insertUser('admin', null, adminPassword, true);
    await this.store.setMembership(org.id, user.id, 'admin', this.clock());
    return { org, adminPassword };
  }

  /**
   * A key for a client inside this process (the demo traffic): created on first use, given a
   * new secret on every call (the old one stops working), never shown. The secret lives only in
   * the caller's memory, so a restart simply issues another.
   */
  async issueInternalKey(orgId: string, name: string, scopes: Scope[]): Promise<string> {
    const secret = KEY_PREFIX + randomSecret(32);
    const fields = {
      secretHash: digestSecret(secret),
      prefix: secret.slice(0, 10),
      scopes: [...new Set(scopes)],
      platformAdmin: false,
    };
    const existing = await this.store.findApiKeyByName(orgId, name);
    if (existing) await this.updateKey(orgId, existing.id, { ...fields, revokedAt: null, expiresAt: null });
    else await this.store.insertApiKey(this.newKey(orgId, name, fields, null));
    return secret;
  }

  // ---- authentication -------------------------------------------------------------------

  /** A bearer token: an API key. Unknown, revoked or expired: undefined. */
  async authenticateKey(secret: string): Promise<Principal | undefined> {
    const key = await this.verifiedKey(digestSecret(secret));
    const now = this.clock();
    if (!key || key.revokedAt !== null || (key.expiresAt !== null && key.expiresAt <= now)) return undefined;
    this.usage.set(key.id, now);
    return {
      kind: 'apiKey',
      orgId: key.orgId,
      id: key.id,
      name: key.name,
      scopes: new Set(key.scopes),
      platformAdmin: key.platformAdmin,
    };
  }

  private async verifiedKey(hash: string): Promise<StoredApiKey | undefined> {
    const now = this.clock();
    const hit = this.keys.get(hash);
    if (hit && now - hit.at < this.keyCacheMs) return hit.key;
    const generation = this.keyGeneration;
    const key = await this.store.findApiKeyByHash(hash);
    if (!key) {
      this.keys.delete(hash);
      return undefined;
    }
    // A key changed while this one was read: the row read may be the old one, do not keep it.
    if (this.keyCacheMs > 0 && generation === this.keyGeneration) {
      if (this.keys.size >= KEY_CACHE_MAX) this.keys.clear();
      this.keys.set(hash, { key, at: now });
    }
    return key;
  }

  /** Every change to a key goes through here: cached verifications end at once. */
  private async updateKey(orgId: string, id: string, patch: Parameters<TenancyStore['updateApiKey']>[2]): Promise<boolean> {
    this.keyGeneration++;
    this.keys.clear();
    try {
      return await this.store.updateApiKey(orgId, id, patch);
    } finally {
      // Lookups that began before the write ended may have cached the old row meanwhile.
      this.keyGeneration++;
      this.keys.clear();
    }
  }

  async login(username: string, password: string, org?: string): Promise<{ token: string; principal: Principal }> {
    const user = await this.store.findUserByName(username);
    const ok = user ? await verifyPassword(password, user.passwordHash) : false;
    if (!user || !ok) throw new DomainError('UNAUTHENTICATED', 'wrong username or password');
    const memberships = await this.store.membershipsOf(user.id);
    let membership = memberships[0];
    if (org) {
      const target = await this.store.findOrganisation(org);
      membership = memberships.find((m) => m.orgId === target?.id);
    }
    if (!membership) throw new DomainError('UNAUTHENTICATED', 'this user is not a member of that organisation');
    const token = await this.newSession(user.id, membership.orgId);
    return { token, principal: this.userPrincipal(user, membership.orgId, membership.role) };
  }

  private async newSession(userId: string, orgId: string): Promise<string> {
    const token = randomSecret(32);
    const now = this.clock();
    await this.store.insertSession({
      id: this.newId(),
      tokenHash: digestSecret(token),
      userId,
      orgId,
      expiresAt: now + SESSION_TTL_MS,
      createdAt: now,
    });
    return token;
  }

  /** A session cookie: the user in the organisation chosen at login, with the role held now. */
  async authenticateSession(token: string): Promise<Principal | undefined> {
    const session = await this.store.findSessionByHash(digestSecret(token));
    if (!session || session.expiresAt <= this.clock()) return undefined;
    const [user, role] = await Promise.all([
      this.store.findUser(session.userId),
      this.store.findMembership(session.orgId, session.userId),
    ]);
    if (!user || !role) return undefined;
    return this.userPrincipal(user, session.orgId, role);
  }

  /**
   * The signed-in user's organisations with their role in each (an API key: its one organisation,
   * no role).
   */
  async myOrganisations(caller: Principal): Promise<{ org: Organisation; role: Role | null }[]> {
    if (caller.kind !== 'user') return [{ org: await this.getOrganisation(caller, caller.orgId), role: null }];
    const out: { org: Organisation; role: Role | null }[] = [];
    for (const m of await this.store.membershipsOf(caller.id)) {
      const org = await this.store.findOrganisation(m.orgId);
      if (org) out.push({ org, role: m.role });
    }
    return out;
  }

  /**
   * A new session of the same user in another organisation they are a member of; the old session
   * ends. An organisation the user is not a member of gets the answer of an unknown one.
   */
  async switchOrganisation(
    caller: Principal,
    oldToken: string | undefined,
    orgIdOrSlug: string,
  ): Promise<{ token: string; principal: Principal }> {
    if (caller.kind !== 'user' || !oldToken)
      throw new DomainError(
        'SESSION_REQUIRED',
        'only a signed-in session can switch organisation; an API key belongs to one organisation',
        { field: 'authorization' },
      );
    const target = await this.store.findOrganisation(orgIdOrSlug);
    const role = target && (await this.store.findMembership(target.id, caller.id));
    const user = await this.store.findUser(caller.id);
    if (!target || !role || !user)
      throw new DomainError('ORGANISATION_NOT_FOUND', `organisation ${orgIdOrSlug} not found`, {
        id: orgIdOrSlug,
        field: 'organisation',
      });
    const token = await this.newSession(user.id, target.id);
    await this.store.deleteSession(digestSecret(oldToken));
    return { token, principal: this.userPrincipal(user, target.id, role) };
  }

  async logout(token: string): Promise<void> {
    await this.store.deleteSession(digestSecret(token));
  }

  /** Writes the collected last-use times of API keys; called by a timer, never per request. */
  async flushUsage(): Promise<void> {
    if (this.usage.size === 0) return;
    const batch = new Map(this.usage);
    this.usage.clear();
    await this.store.touchApiKeys(batch);
    await this.store.deleteExpiredSessions(this.clock());
  }

  // ---- organisations -------------------------------------------------------------------

  /** An organisation's slug for topics and paths (internal use; slugs never change). */
  async slugOf(orgId: string): Promise<string> {
    let slug = this.slugs.get(orgId);
    if (!slug) {
      const org = await this.store.findOrganisation(orgId);
      if (!org) throw notFound('organisation', orgId);
      slug = org.slug;
      this.slugs.set(orgId, slug);
    }
    return slug;
  }

  async createOrganisation(caller: Principal, input: { slug: string; name: string; archiveDays?: number | undefined }) {
    if (!caller.platformAdmin) throw forbidden('platform admin');
    if (await this.store.findOrganisation(input.slug)) throw conflict('slug', input.slug);
    return this.insertOrg(input.slug, input.name, input.archiveDays);
  }

  async listOrganisations(caller: Principal, page: PageRequest): Promise<Page<Organisation>> {
    if (caller.platformAdmin) return this.store.listOrganisations(page);
    return this.store.listOrganisations(page, [caller.orgId]);
  }

  /** An organisation the caller may see: its own, or any for a platform admin. */
  async getOrganisation(caller: Principal, idOrSlug: string): Promise<Organisation> {
    const org = await this.store.findOrganisation(idOrSlug);
    if (!org || (!caller.platformAdmin && org.id !== caller.orgId)) throw notFound('organisation', idOrSlug);
    return org;
  }

  async updateOrganisation(
    caller: Principal,
    idOrSlug: string,
    patch: { name?: string | undefined; archiveDays?: number | undefined; settings?: Record<string, unknown> | undefined },
  ) {
    const org = await this.getOrganisation(caller, idOrSlug);
    requireScope(caller, 'admin:write');
    await this.store.updateOrganisation(org.id, patch);
    return this.getOrganisation(caller, org.id);
  }

  // ---- users ---------------------------------------------------------------------------

  /**
   * Creates a new user with a password in the organisation. A username that is taken (in this
   * organisation or any other) gets the same 409, which names no user, organisation or e-mail;
   * to bring in someone who has an account, invite them (see InvitationService).
   */
  async addUser(
    caller: Principal,
    orgIdOrSlug: string,
    input: { username: string; password: string; email?: string | undefined; role: Role },
  ): Promise<Member> {
    const org = await this.getOrganisation(caller, orgIdOrSlug);
    requireScope(caller, 'admin:write');
    const taken = () =>
      conflict('username', input.username, 'this username is not available; choose another, or send an invitation');
    if (await this.store.findUserByName(input.username)) throw taken();
    const user = await this.insertUser(input.username, input.email ?? null, input.password, false);
    await this.store.setMembership(org.id, user.id, input.role, this.clock());
    const { passwordHash: _, ...rest } = user;
    return { ...rest, role: input.role };
  }

  async listMembers(caller: Principal, orgIdOrSlug: string, page: PageRequest) {
    const org = await this.getOrganisation(caller, orgIdOrSlug);
    requireScope(caller, 'admin:read');
    return this.store.listMembers(org.id, page);
  }

  /** Removes a member; the organisation's last admin stays (409 LAST_ADMIN). */
  async removeMember(caller: Principal, orgIdOrSlug: string, userId: string) {
    const org = await this.getOrganisation(caller, orgIdOrSlug);
    requireScope(caller, 'admin:write');
    const outcome = await this.store.changeMembership(org.id, userId, null);
    if (outcome === 'not-member') throw notFound('user', userId);
    if (outcome === 'last-admin') throw lastAdmin('user');
  }

  /** Gives a member another role; demoting the organisation's last admin is refused (409 LAST_ADMIN). */
  async changeRole(caller: Principal, orgIdOrSlug: string, userId: string, role: Role): Promise<Member> {
    const org = await this.getOrganisation(caller, orgIdOrSlug);
    requireScope(caller, 'admin:write');
    const outcome = await this.store.changeMembership(org.id, userId, role);
    if (outcome === 'not-member') throw notFound('user', userId);
    if (outcome === 'last-admin') throw lastAdmin('role');
    const user = await this.store.findUser(userId);
    if (!user) throw notFound('user', userId);
    const { passwordHash: _, ...rest } = user;
    return { ...rest, role };
  }

  async changePassword(caller: Principal, current: string, next: string) {
    if (caller.kind !== 'user') throw invalid('kind', 'only a signed-in user has a password');
    const user = await this.store.findUser(caller.id);
    if (!user || !(await verifyPassword(current, user.passwordHash)))
      throw invalid('currentPassword', 'the current password is wrong');
    await this.store.updatePassword(user.id, await hashPassword(next));
  }

  /**
   * The operator's way back in (`polder admin reset-password`, on the local data): a new
   * generated password for a member of the organisation, returned once; their sessions end.
   */
  async resetPassword(username: string, orgIdOrSlug: string): Promise<string> {
    const org = await this.store.findOrganisation(orgIdOrSlug);
    if (!org) throw notFound('organisation', orgIdOrSlug);
    const user = await this.store.findUserByName(username);
    if (!user || !(await this.store.findMembership(org.id, user.id)))
      throw new DomainError('USER_NOT_FOUND', `no user ${username} in organisation ${org.slug}`, { field: 'user' });
    const password = randomSecret(12);
    await this.store.updatePassword(user.id, await hashPassword(password));
    await this.store.deleteSessionsOf(user.id);
    return password;
  }

  // ---- API keys ------------------------------------------------------------------------

  /**
   * `polder keys create` on the local data: the operator stands for the platform, so any scope
   * may be granted. The secret is returned once.
   */
  async createLocalApiKey(
    orgIdOrSlug: string,
    input: { name: string; scopes: Scope[] },
  ): Promise<{ key: ApiKey; secret: string }> {
    const org = await this.store.findOrganisation(orgIdOrSlug);
    if (!org) throw notFound('organisation', orgIdOrSlug);
    const operator: Principal = {
      kind: 'apiKey',
      orgId: org.id,
      id: 'polder-cli',
      name: 'polder keys create',
      scopes: new Set(ALL_SCOPES),
      platformAdmin: true,
    };
    return this.createApiKey(operator, org.id, input);
  }

  /** Creates a key in the caller's organisation (or any, for a platform admin); the secret is returned once. */
  async createApiKey(
    caller: Principal,
    orgIdOrSlug: string,
    input: { name: string; scopes: Scope[]; expiresAt?: number | undefined },
  ): Promise<{ key: ApiKey; secret: string }> {
    const org = await this.getOrganisation(caller, orgIdOrSlug);
    requireScope(caller, 'admin:write');
    const beyond = input.scopes.filter((s) => !hasScope(caller.scopes, s));
    if (beyond.length > 0)
      throw invalid('scopes', `cannot grant scopes you do not hold: ${beyond.join(', ')}`, { scopes: beyond });
    if (input.expiresAt !== undefined && input.expiresAt <= this.clock()) throw invalid('expiresAt', 'expiresAt is in the past');
    if (await this.store.findApiKeyByName(org.id, input.name)) throw conflict('name', input.name);
    const secret = KEY_PREFIX + randomSecret(32);
    const stored = this.newKey(
      org.id,
      input.name,
      { secretHash: digestSecret(secret), prefix: secret.slice(0, 10), scopes: [...new Set(input.scopes)], platformAdmin: false },
      caller.id,
      input.expiresAt ?? null,
    );
    await this.store.insertApiKey(stored);
    const { secretHash: _, ...key } = stored;
    return { key, secret };
  }

  async listApiKeys(caller: Principal, orgIdOrSlug: string, page: PageRequest) {
    const org = await this.getOrganisation(caller, orgIdOrSlug);
    requireScope(caller, 'admin:read');
    return this.store.listApiKeys(org.id, page);
  }

  async revokeApiKey(caller: Principal, orgIdOrSlug: string, keyId: string) {
    const org = await this.getOrganisation(caller, orgIdOrSlug);
    requireScope(caller, 'admin:write');
    if (!(await this.updateKey(org.id, keyId, { revokedAt: this.clock() }))) throw notFound('api key', keyId);
  }

  // ---- helpers -------------------------------------------------------------------------

  private async insertOrg(slug: string, name: string, archiveDays = 30): Promise<Organisation> {
    const org: Organisation = { id: this.newId(), slug, name, archiveDays, settings: {}, createdAt: this.clock() };
    await this.store.insertOrganisation(org);
    await this.hooks.organisationCreated?.(org);
    return org;
  }

  private async insertUser(username: string, email: string | null, password: string, platformAdmin: boolean) {
    const user = {
      id: this.newId(),
      username,
      email,
      platformAdmin,
      passwordHash: await hashPassword(password),
      createdAt: this.clock(),
    };
    await this.store.insertUser(user);
    return user;
  }

  private newKey(
    orgId: string,
    name: string,
    f: { secretHash: string; prefix: string; scopes: Scope[]; platformAdmin: boolean },
    createdBy: string | null,
    expiresAt: number | null = null,
  ) {
    return {
      id: this.newId(),
      orgId,
      name,
      ...f,
      expiresAt,
      revokedAt: null,
      lastUsedAt: null,
      createdBy,
      createdAt: this.clock(),
    };
  }

  private userPrincipal(user: { id: string; username: string; platformAdmin: boolean }, orgId: string, role: Role): Principal {
    return {
      kind: 'user',
      orgId,
      id: user.id,
      name: user.username,
      role,
      scopes: new Set(ROLE_SCOPES[role]),
      platformAdmin: user.platformAdmin,
    };
  }
}

const lastAdmin = (field: string) =>
  new DomainError('LAST_ADMIN', 'an organisation keeps at least one admin: make another member admin first', { field });

export function requireScope(caller: Principal, needed: Scope): void {
  if (!hasScope(caller.scopes, needed)) throw forbidden(needed);
}
