/** Invitations into an organisation: the tenancy domain's types and storage port for them. */
import type { Page, PageRequest } from '../shared/page.js';
import type { Role } from './roles.js';

export interface Invitation {
  id: string;
  orgId: string;
  role: Role;
  /** Only this account may accept (set when the invitation was made by username). */
  username: string | null;
  email: string | null;
  createdBy: string | null;
  createdAt: number;
  expiresAt: number;
  acceptedAt: number | null;
  acceptedBy: string | null;
  revokedAt: number | null;
}

export interface InvitationStore {
  insertInvitation(invitation: Invitation & { tokenHash: string }): Promise<void>;
  findInvitationByHash(tokenHash: string): Promise<Invitation | undefined>;
  listInvitations(orgId: string, page: PageRequest): Promise<Page<Invitation>>;
  /** Marks it accepted if it still is open (first acceptance wins); false otherwise. */
  acceptInvitation(id: string, userId: string, now: number): Promise<boolean>;
  revokeInvitation(orgId: string, id: string, now: number): Promise<boolean>;
}
