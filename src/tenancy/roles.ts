/** The roles a member holds in an organisation (a module of its own: tenancy.ts and invitations.ts both need it). */
export const ROLES = ['admin', 'editor', 'viewer'] as const;
export type Role = (typeof ROLES)[number];
