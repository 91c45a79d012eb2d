import type { Kysely } from 'kysely';
import { paginate } from '../db/paginate.js';
import type { InvitationTable, Schema } from '../db/schema.js';
import type { Page, PageRequest } from '../shared/page.js';
import type { Invitation, InvitationStore } from './invitations.js';
import type { Role } from './tenancy.js';

const toInvitation = (r: InvitationTable): Invitation => ({
  id: r.id,
  orgId: r.org_id,
  role: r.role as Role,
  username: r.username,
  email: r.email,
  createdBy: r.created_by,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  acceptedAt: r.accepted_at,
  acceptedBy: r.accepted_by,
  revokedAt: r.revoked_at,
});

/** Invitation storage over Kysely; the tenancy store extends it. */
export class KyselyInvitationStore implements InvitationStore {
  constructor(protected readonly db: Kysely<Schema>) {}

  async insertInvitation(i: Invitation & { tokenHash: string }) {
    await this.db
      .insertInto('invitations')
      .values({
        id: i.id,
        org_id: i.orgId,
        token_hash: i.tokenHash,
        role: i.role,
        username: i.username,
        email: i.email,
        created_by: i.createdBy,
        created_at: i.createdAt,
        expires_at: i.expiresAt,
        accepted_at: null,
        accepted_by: null,
        revoked_at: null,
      })
      .execute();
  }

  async findInvitationByHash(tokenHash: string) {
    const row = await this.db.selectFrom('invitations').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    return row && toInvitation(row);
  }

  async listInvitations(orgId: string, req: PageRequest): Promise<Page<Invitation>> {
    const q = this.db.selectFrom('invitations').selectAll().where('org_id', '=', orgId);
    const page = await paginate(q, req, [{ column: 'id' }], (r) => [r.id]);
    return { ...page, items: page.items.map(toInvitation) };
  }

  async acceptInvitation(id: string, userId: string, now: number) {
    const res = await this.db
      .updateTable('invitations')
      .set({ accepted_at: now, accepted_by: userId })
      .where('id', '=', id)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  async revokeInvitation(orgId: string, id: string, now: number) {
    const res = await this.db
      .updateTable('invitations')
      .set({ revoked_at: now })
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }
}
