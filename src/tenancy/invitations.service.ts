import type { Clock } from '../shared/clock.js';
import { DomainError, invalid } from '../shared/errors.js';
import { type IdGenerator, randomSecret } from '../shared/ids.js';
import type { Page, PageRequest } from '../shared/page.js';
import { digestSecret, verifyPassword } from '../shared/secrets.js';
import type { Invitation } from './invitations.js';
import type { Organisation, Principal, Role, StoredUser, TenancyStore } from './tenancy.js';

const TOKEN_PREFIX = 'inv_';
const DAY_MS = 24 * 3600 * 1000;

/** One answer for every token that cannot be used: unknown, used, revoked, expired or not yours. */
const unusable = () =>
  new DomainError('INVITATION_NOT_FOUND', 'this invitation is unknown, used, revoked or expired, or not for this account');

/** What invitations need of the tenancy service. */
export interface InvitationDeps {
  store: TenancyStore;
  clock: Clock;
  newId: IdGenerator;
  /** The organisation as the caller may see it, after checking the caller holds `admin:write`. */
  administered(caller: Principal, orgIdOrSlug: string, scope: 'admin:read' | 'admin:write'): Promise<Organisation>;
  insertUser(username: string, email: string | null, password: string): Promise<StoredUser>;
}

/**
 * A user joins an organisation only by accepting an invitation (their consent), never because
 * another organisation's admin typed their username. The token is shown once, stored hashed,
 * used once. Nothing here tells an inviter whether a username exists elsewhere.
 */
export class InvitationService {
  constructor(private readonly deps: InvitationDeps) {}

  async invite(
    caller: Principal,
    orgIdOrSlug: string,
    input: { role: Role; username?: string | undefined; email?: string | undefined; expiresInDays?: number | undefined },
  ): Promise<{ invitation: Invitation; token: string }> {
    const org = await this.deps.administered(caller, orgIdOrSlug, 'admin:write');
    const now = this.deps.clock();
    const token = TOKEN_PREFIX + randomSecret(32);
    const invitation: Invitation = {
      id: this.deps.newId(),
      orgId: org.id,
      role: input.role,
      username: input.username ?? null,
      email: input.email ?? null,
      createdBy: caller.id,
      createdAt: now,
      expiresAt: now + (input.expiresInDays ?? 7) * DAY_MS,
      acceptedAt: null,
      acceptedBy: null,
      revokedAt: null,
    };
    await this.deps.store.insertInvitation({ ...invitation, tokenHash: digestSecret(token) });
    return { invitation, token };
  }

  async list(caller: Principal, orgIdOrSlug: string, page: PageRequest): Promise<Page<Invitation>> {
    const org = await this.deps.administered(caller, orgIdOrSlug, 'admin:read');
    return this.deps.store.listInvitations(org.id, page);
  }

  async revoke(caller: Principal, orgIdOrSlug: string, id: string): Promise<void> {
    const org = await this.deps.administered(caller, orgIdOrSlug, 'admin:write');
    if (!(await this.deps.store.revokeInvitation(org.id, id, this.deps.clock()))) throw unusable();
  }

  /**
   * Accepts as the signed-in user (session), or as the account named in `account`: an existing
   * one proves it is theirs with its password, a new one is created with it.
   */
  async accept(
    token: string,
    caller: Principal | undefined,
    account: { username?: string | undefined; password?: string | undefined; email?: string | undefined },
  ): Promise<{ organisation: Organisation; role: Role; user: StoredUser; created: boolean }> {
    const { store, clock } = this.deps;
    const invitation = await store.findInvitationByHash(digestSecret(token));
    const now = clock();
    if (!invitation || invitation.acceptedAt !== null || invitation.revokedAt !== null || invitation.expiresAt <= now)
      throw unusable();
    let user: StoredUser | undefined;
    let created = false;
    if (caller?.kind === 'user') {
      user = await store.findUser(caller.id);
    } else {
      if (!account.username) throw invalid('username', 'sign in first, or give the username (and password) to accept with');
      if (!account.password) throw invalid('password', 'give the password of the account that accepts');
      user = await store.findUserByName(account.username);
      if (user) {
        if (!(await verifyPassword(account.password, user.passwordHash)))
          throw new DomainError('UNAUTHENTICATED', 'wrong username or password');
      } else {
        if (invitation.username !== null && invitation.username !== account.username) throw unusable();
        if (account.password.length < 10) throw invalid('password', 'a new account needs a password of at least 10 characters');
        user = await this.deps.insertUser(account.username, account.email ?? invitation.email, account.password);
        created = true;
      }
    }
    if (!user || (invitation.username !== null && invitation.username !== user.username)) throw unusable();
    // First acceptance wins; a concurrent second one finds it used.
    if (!(await store.acceptInvitation(invitation.id, user.id, now))) throw unusable();
    await store.setMembership(invitation.orgId, user.id, invitation.role, now);
    const organisation = await store.findOrganisation(invitation.orgId);
    if (!organisation) throw unusable();
    return { organisation, role: invitation.role, user, created };
  }
}
