import { Type } from '@sinclair/typebox';
import { principalOf } from '../http/auth.js';
import { errors, IsoTime, ListOf, listResponse, Nullable, PageQuery, pageRequest } from '../http/schemas.js';
import type { TypedApp } from '../http/types.js';
import { toIso, toIsoOrNull } from '../shared/clock.js';
import type { Invitation } from './invitations.js';
import type { InvitationService } from './invitations.service.js';
import { ROLES } from './tenancy.js';

export const RoleSchema = Type.Union(ROLES.map((r) => Type.Literal(r)));
const OrgParam = Type.Object({ org: Type.String({ description: 'Organisation id or slug' }) });

export const InvitationSchema = Type.Object({
  id: Type.String(),
  role: RoleSchema,
  username: Nullable(Type.String({ description: 'Only this account may accept' })),
  email: Nullable(Type.String()),
  expiresAt: IsoTime,
  acceptedAt: Nullable(IsoTime),
  revokedAt: Nullable(IsoTime),
  createdAt: IsoTime,
});
export const CreatedInvitationSchema = Type.Intersect([
  InvitationSchema,
  Type.Object({
    token: Type.String({ description: 'Shown in this response only; give it to the person invited' }),
    acceptPath: Type.String({ description: 'POST here (signed in, or with username and password) to accept' }),
  }),
]);

export const invitationOut = (i: Invitation) => ({
  id: i.id,
  role: i.role,
  username: i.username,
  email: i.email,
  expiresAt: toIso(i.expiresAt),
  acceptedAt: toIsoOrNull(i.acceptedAt),
  revokedAt: toIsoOrNull(i.revokedAt),
  createdAt: toIso(i.createdAt),
});
export const createdInvitationOut = (r: { invitation: Invitation; token: string }) => ({
  ...invitationOut(r.invitation),
  token: r.token,
  acceptPath: `/api/invitations/${r.token}/accept`,
});

/** Invitations into an organisation, and accepting one. */
export function invitationRoutes(app: TypedApp, invitations: InvitationService) {
  app.post(
    '/api/organisations/:org/invitations',
    {
      config: { scope: 'admin:write' },
      schema: {
        tags: ['organisations'],
        summary: 'Invite someone (an existing account or a new one) with a role; the token is in this response only',
        params: OrgParam,
        body: Type.Object(
          {
            role: RoleSchema,
            username: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Only this account may accept' })),
            email: Type.Optional(Type.String({ format: 'email' })),
            expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 30, default: 7 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: CreatedInvitationSchema, ...errors(404) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(createdInvitationOut(await invitations.invite(principalOf(request), request.params.org, request.body))),
  );

  app.get(
    '/api/organisations/:org/invitations',
    {
      config: { scope: 'admin:read' },
      schema: {
        tags: ['organisations'],
        summary: 'Invitations (never their tokens)',
        params: OrgParam,
        querystring: Type.Object(PageQuery),
        response: { 200: ListOf(InvitationSchema), ...errors(404) },
      },
    },
    async (request) =>
      listResponse(
        request,
        await invitations.list(principalOf(request), request.params.org, pageRequest(request.query)),
        invitationOut,
      ),
  );

  app.delete(
    '/api/organisations/:org/invitations/:invitationId',
    {
      config: { scope: 'admin:write' },
      schema: {
        tags: ['organisations'],
        summary: 'Revoke an invitation not yet accepted',
        params: Type.Object({ org: Type.String(), invitationId: Type.String() }),
        response: { 204: Type.Null(), ...errors(404) },
      },
    },
    async (request, reply) => {
      await invitations.revoke(principalOf(request), request.params.org, request.params.invitationId);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/invitations/:token/accept',
    {
      config: { public: true },
      // Signed in, the body may be left out altogether.
      preValidation: async (request) => {
        request.body ??= {};
      },
      schema: {
        tags: ['auth'],
        summary:
          'Accept an invitation: signed in (session cookie), or with the username and password of an existing ' +
          'account, or with a new username and password (creates the account)',
        params: Type.Object({ token: Type.String({ minLength: 1, maxLength: 200 }) }),
        body: Type.Object(
          {
            username: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
            password: Type.Optional(Type.String({ minLength: 1 })),
            email: Type.Optional(Type.String({ format: 'email' })),
          },
          { additionalProperties: false, description: 'Optional when signed in' },
        ),
        response: {
          200: Type.Object({
            organisation: Type.Object({ id: Type.String(), slug: Type.String(), name: Type.String() }),
            role: RoleSchema,
            user: Type.Object({ id: Type.String(), username: Type.String() }),
            created: Type.Boolean({ description: 'A new account was created' }),
          }),
          ...errors(404),
        },
      },
    },
    async (request) => {
      const principal = request.principal?.kind === 'user' ? request.principal : undefined;
      const r = await invitations.accept(request.params.token, principal, request.body);
      return {
        organisation: { id: r.organisation.id, slug: r.organisation.slug, name: r.organisation.name },
        role: r.role,
        user: { id: r.user.id, username: r.user.username },
        created: r.created,
      };
    },
  );
}
