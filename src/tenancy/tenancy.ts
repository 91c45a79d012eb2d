/** Organisations, users, roles, API keys and who is calling: the tenancy domain's types. */
import type { Page, PageRequest } from '../shared/page.js';
import type { InvitationStore } from './invitations.js';

import type { Role } from './roles.js';

export { ROLES, type Role } from './roles.js';

export const AREAS = ['devices', 'measurements', 'pipelines', 'uplinks', 'alerts', 'admin'] as const;
export type Area = (typeof AREAS)[number];
export type Scope = `${Area}:${'read' | 'write'}`;
export const ALL_SCOPES: Scope[] = AREAS.flatMap((a) => [`${a}:read`, `${a}:write`] as Scope[]);

/** What each role may do; `write` implies `read` (see hasScope). */
export const ROLE_SCOPES: Record<Role, Scope[]> = {
  admin: ALL_SCOPES,
  editor: ALL_SCOPES.filter((s) => !s.startsWith('admin:')),
  viewer: AREAS.filter((a) => a !== 'admin').map((a) => `${a}:read` as Scope),
};

export function hasScope(scopes: ReadonlySet<Scope>, needed: Scope): boolean {
  if (scopes.has(needed)) return true;
  const [area, action] = needed.split(':');
  return action === 'read' && scopes.has(`${area}:write` as Scope);
}

/** The authenticated caller; every service call is scoped to `orgId`. */
export interface Principal {
  kind: 'user' | 'apiKey';
  orgId: string;
  /** User id or API key id. */
  id: string;
  name: string;
  role?: Role | undefined;
  scopes: ReadonlySet<Scope>;
  /** May create organisations and keys in them (the bootstrap admin and the admin token). */
  platformAdmin: boolean;
}

export interface Organisation {
  id: string;
  slug: string;
  name: string;
  archiveDays: number;
  settings: Record<string, unknown>;
  createdAt: number;
}

export interface User {
  id: string;
  username: string;
  email: string | null;
  platformAdmin: boolean;
  createdAt: number;
}

export interface Member extends User {
  role: Role;
}

export interface ApiKey {
  id: string;
  orgId: string;
  name: string;
  /** The first characters of the secret, to recognise a key in a list. */
  prefix: string;
  scopes: Scope[];
  platformAdmin: boolean;
  expiresAt: number | null;
  revokedAt: number | null;
  lastUsedAt: number | null;
  createdBy: string | null;
  createdAt: number;
}

export const DEFAULT_ORG_SLUG = 'default';

export interface StoredUser extends User {
  passwordHash: string;
}

export interface StoredApiKey extends ApiKey {
  secretHash: string;
}

export interface Session {
  id: string;
  userId: string;
  orgId: string;
  expiresAt: number;
}

/** The tenancy domain's storage port. Every org-owned read takes the org id. */
export interface TenancyStore extends InvitationStore {
  insertOrganisation(org: Organisation): Promise<void>;
  findOrganisation(idOrSlug: string): Promise<Organisation | undefined>;
  listOrganisations(page: PageRequest, onlyIds?: string[]): Promise<Page<Organisation>>;
  updateOrganisation(id: string, patch: Partial<Pick<Organisation, 'name' | 'archiveDays' | 'settings'>>): Promise<void>;

  insertUser(user: StoredUser): Promise<void>;
  findUserByName(username: string): Promise<StoredUser | undefined>;
  findUser(id: string): Promise<StoredUser | undefined>;
  countUsers(): Promise<number>;
  updatePassword(userId: string, passwordHash: string): Promise<void>;

  setMembership(orgId: string, userId: string, role: Role, now: number): Promise<void>;
  removeMembership(orgId: string, userId: string): Promise<boolean>;
  /**
   * Sets a member's role (null: removes the membership) unless that leaves the organisation
   * without an admin; atomic against concurrent changes in the same organisation.
   */
  changeMembership(orgId: string, userId: string, role: Role | null): Promise<'changed' | 'not-member' | 'last-admin'>;
  findMembership(orgId: string, userId: string): Promise<Role | undefined>;
  /** The user's organisations, oldest membership first. */
  membershipsOf(userId: string): Promise<{ orgId: string; role: Role }[]>;
  listMembers(orgId: string, page: PageRequest): Promise<Page<Member>>;

  insertApiKey(key: StoredApiKey): Promise<void>;
  findApiKeyByHash(secretHash: string): Promise<StoredApiKey | undefined>;
  findApiKeyByName(orgId: string, name: string): Promise<StoredApiKey | undefined>;
  listApiKeys(orgId: string, page: PageRequest): Promise<Page<ApiKey>>;
  updateApiKey(
    orgId: string,
    id: string,
    patch: Partial<Pick<StoredApiKey, 'secretHash' | 'prefix' | 'scopes' | 'revokedAt' | 'expiresAt' | 'platformAdmin'>>,
  ): Promise<boolean>;
  touchApiKeys(lastUsed: Map<string, number>): Promise<void>;

  insertSession(session: Session & { tokenHash: string; createdAt: number }): Promise<void>;
  findSessionByHash(tokenHash: string): Promise<Session | undefined>;
  deleteSession(tokenHash: string): Promise<void>;
  /** Ends every session of a user (their password changed). */
  deleteSessionsOf(userId: string): Promise<void>;
  deleteExpiredSessions(now: number): Promise<void>;
}
