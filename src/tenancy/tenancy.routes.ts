import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CSRF_COOKIE, csrfTokenOf, principalOf, SESSION_COOKIE } from '../http/auth.js';
import { errors, IsoTime, ListOf, listResponse, MAX_DAYS, Nullable, PageQuery, pageRequest } from '../http/schemas.js';
import type { TypedApp } from '../http/types.js';
import { toIso, toIsoOrNull } from '../shared/clock.js';
import { CreatedInvitationSchema, createdInvitationOut, invitationRoutes, RoleSchema } from './invitations.routes.js';
import { ALL_SCOPES, type ApiKey, type Member, type Organisation, type Principal, type Scope } from './tenancy.js';
import { SESSION_TTL_MS, type TenancyService } from './tenancy.service.js';

const ScopeSchema = Type.Union(ALL_SCOPES.map((s) => Type.Literal(s)));

const OrganisationSchema = Type.Object({
  id: Type.String(),
  slug: Type.String(),
  name: Type.String(),
  archiveDays: Type.Integer({ description: 'Default retention of raw measurements, in days' }),
  settings: Type.Record(Type.String(), Type.Unknown()),
  createdAt: IsoTime,
});
const MemberSchema = Type.Object({
  id: Type.String(),
  username: Type.String(),
  email: Nullable(Type.String()),
  role: RoleSchema,
  createdAt: IsoTime,
});
const ApiKeySchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  prefix: Type.String({ description: 'First characters of the secret' }),
  scopes: Type.Array(ScopeSchema),
  expiresAt: Nullable(IsoTime),
  revokedAt: Nullable(IsoTime),
  lastUsedAt: Nullable(IsoTime),
  createdAt: IsoTime,
});
const MeSchema = Type.Object({
  kind: Type.Union([Type.Literal('user'), Type.Literal('apiKey')]),
  id: Type.String(),
  name: Type.String(),
  role: Type.Optional(RoleSchema),
  scopes: Type.Array(ScopeSchema),
  platformAdmin: Type.Boolean(),
  organisation: OrganisationSchema,
});
const MyOrganisationSchema = Type.Object({
  id: Type.String(),
  slug: Type.String(),
  name: Type.String(),
  role: Nullable(RoleSchema),
  current: Type.Boolean({ description: 'The organisation of this session or key' }),
});
const OrgParam = Type.Object({ org: Type.String({ description: 'Organisation id or slug' }) });
const Slug = Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,62}$', description: 'lower-case, digits, - and _' });

const orgOut = (o: Organisation) => ({ ...o, createdAt: toIso(o.createdAt) });
const memberOut = (m: Member) => ({
  id: m.id,
  username: m.username,
  email: m.email,
  role: m.role,
  createdAt: toIso(m.createdAt),
});
const keyOut = (k: ApiKey) => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  scopes: k.scopes,
  expiresAt: toIsoOrNull(k.expiresAt),
  revokedAt: toIsoOrNull(k.revokedAt),
  lastUsedAt: toIsoOrNull(k.lastUsedAt),
  createdAt: toIso(k.createdAt),
});

/** The session cookie and its CSRF token (so the next unsafe call works without a GET first). */
function startSession(request: FastifyRequest, reply: FastifyReply, token: string) {
  const secure = request.protocol === 'https';
  reply.setCookie(SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'lax', secure, maxAge: SESSION_TTL_MS / 1000 });
  reply.setCookie(CSRF_COOKIE, csrfTokenOf(token), { path: '/', sameSite: 'strict' });
}

export function tenancyRoutes(app: TypedApp, tenancy: TenancyService) {
  const me = async (p: Principal) => ({
    kind: p.kind,
    id: p.id,
    name: p.name,
    ...(p.role && { role: p.role }),
    scopes: [...p.scopes] as Scope[],
    platformAdmin: p.platformAdmin,
    organisation: orgOut(await tenancy.getOrganisation(p, p.orgId)),
  });

  app.post(
    '/api/auth/login',
    {
      config: { public: true },
      schema: {
        tags: ['auth'],
        summary: 'Sign in; sets the session cookie used by the dashboard',
        body: Type.Object(
          {
            username: Type.String({ minLength: 1 }),
            password: Type.String({ minLength: 1 }),
            organisation: Type.Optional(Type.String()),
          },
          { additionalProperties: false },
        ),
        response: { 200: MeSchema, ...errors() },
      },
    },
    async (request, reply) => {
      const { username, password, organisation } = request.body;
      const { token, principal } = await tenancy.login(username, password, organisation);
      startSession(request, reply, token);
      return me(principal);
    },
  );

  app.get(
    '/api/auth/organisations',
    {
      schema: {
        tags: ['auth'],
        summary: 'The organisations the signed-in user belongs to, with their role in each (an API key: its own)',
        response: { 200: Type.Object({ data: Type.Array(MyOrganisationSchema) }), ...errors() },
      },
    },
    async (request) => {
      const caller = principalOf(request);
      const mine = await tenancy.myOrganisations(caller);
      return {
        data: mine.map(({ org, role }) => ({
          id: org.id,
          slug: org.slug,
          name: org.name,
          role,
          current: org.id === caller.orgId,
        })),
      };
    },
  );

  app.post(
    '/api/auth/switch',
    {
      schema: {
        tags: ['auth'],
        summary:
          'Move the signed-in session to another organisation the user is a member of: a new session cookie ' +
          '(and CSRF token), the old session ends. Not a member or unknown: the same 404. API keys: 403 SESSION_REQUIRED',
        body: Type.Object(
          { organisation: Type.String({ minLength: 1, description: 'Organisation id or slug' }) },
          { additionalProperties: false },
        ),
        response: { 200: MeSchema, ...errors(404) },
      },
    },
    async (request, reply) => {
      const { token, principal } = await tenancy.switchOrganisation(
        principalOf(request),
        request.cookies[SESSION_COOKIE],
        request.body.organisation,
      );
      startSession(request, reply, token);
      return me(principal);
    },
  );

  app.post(
    '/api/auth/logout',
    { config: { public: true }, schema: { tags: ['auth'], summary: 'Sign out', response: { 204: Type.Null() } } },
    async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      if (token) await tenancy.logout(token);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/auth/me',
    { schema: { tags: ['auth'], summary: 'Who is calling', response: { 200: MeSchema, ...errors() } } },
    async (request) => me(principalOf(request)),
  );

  app.put(
    '/api/auth/password',
    {
      schema: {
        tags: ['auth'],
        summary: "Change the signed-in user's password",
        body: Type.Object(
          { currentPassword: Type.String(), newPassword: Type.String({ minLength: 10 }) },
          { additionalProperties: false },
        ),
        response: { 204: Type.Null(), ...errors() },
      },
    },
    async (request, reply) => {
      await tenancy.changePassword(principalOf(request), request.body.currentPassword, request.body.newPassword);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/organisations',
    {
      schema: {
        tags: ['organisations'],
        summary: "The caller's organisation (all of them for a platform admin)",
        querystring: Type.Object(PageQuery),
        response: { 200: ListOf(OrganisationSchema), ...errors() },
      },
    },
    async (request) =>
      listResponse(request, await tenancy.listOrganisations(principalOf(request), pageRequest(request.query)), orgOut),
  );

  app.post(
    '/api/organisations',
    {
      config: { scope: 'admin:write' },
      schema: {
        tags: ['organisations'],
        summary: 'Create an organisation (platform admin)',
        body: Type.Object(
          {
            slug: Slug,
            name: Type.String({ minLength: 1 }),
            archiveDays: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_DAYS })),
          },
          { additionalProperties: false },
        ),
        response: { 201: OrganisationSchema, ...errors(409) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(orgOut(await tenancy.createOrganisation(principalOf(request), request.body))),
  );

  app.get(
    '/api/organisations/:org',
    {
      schema: {
        tags: ['organisations'],
        summary: 'One organisation',
        params: OrgParam,
        response: { 200: OrganisationSchema, ...errors(404) },
      },
    },
    async (request) => orgOut(await tenancy.getOrganisation(principalOf(request), request.params.org)),
  );

  app.patch(
    '/api/organisations/:org',
    {
      config: { scope: 'admin:write' },
      schema: {
        tags: ['organisations'],
        summary: 'Rename an organisation or change its defaults',
        params: OrgParam,
        body: Type.Object(
          {
            name: Type.Optional(Type.String({ minLength: 1 })),
            archiveDays: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_DAYS })),
            settings: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
          },
          { additionalProperties: false },
        ),
        response: { 200: OrganisationSchema, ...errors(404) },
      },
    },
    async (request) => orgOut(await tenancy.updateOrganisation(principalOf(request), request.params.org, request.body)),
  );

  app.get(
    '/api/organisations/:org/users',
    {
      config: { scope: 'admin:read' },
      schema: {
        tags: ['organisations'],
        summary: 'Members and their roles',
        params: OrgParam,
        querystring: Type.Object(PageQuery),
        response: { 200: ListOf(MemberSchema), ...errors(404) },
      },
    },
    async (request) =>
      listResponse(
        request,
        await tenancy.listMembers(principalOf(request), request.params.org, pageRequest(request.query)),
        memberOut,
      ),
  );

  app.post(
    '/api/organisations/:org/users',
    {
      config: { scope: 'admin:write' },
      schema: {
        tags: ['organisations'],
        summary:
          'With a password: create a new user in the organisation (201; a taken username is 409, whoever holds it). ' +
          'Without: invite that username (202 with an invitation the person accepts), whether or not the account exists',
        params: OrgParam,
        body: Type.Object(
          {
            username: Type.String({ minLength: 1, maxLength: 100 }),
            password: Type.Optional(Type.String({ minLength: 10 })),
            email: Type.Optional(Type.String({ format: 'email' })),
            role: RoleSchema,
          },
          { additionalProperties: false },
        ),
        response: { 201: MemberSchema, 202: CreatedInvitationSchema, ...errors(404, 409) },
      },
    },
    async (request, reply) => {
      const { password, ...rest } = request.body;
      const caller = principalOf(request);
      if (password === undefined)
        // Never attaches an existing account: the same answer whether the username exists or not.
        return reply.status(202).send(createdInvitationOut(await tenancy.invitations.invite(caller, request.params.org, rest)));
      return reply.status(201).send(memberOut(await tenancy.addUser(caller, request.params.org, { ...rest, password })));
    },
  );

  app.delete(
    '/api/organisations/:org/users/:userId',
    {
      config: { scope: 'admin:write' },
      schema: {
        tags: ['organisations'],
        summary: 'Remove a user from the organisation (not its last admin: 409 LAST_ADMIN)',
        params: Type.Object({ org: Type.String(), userId: Type.String() }),
        response: { 204: Type.Null(), ...errors(404, 409) },
      },
    },
    async (request, reply) => {
      await tenancy.removeMember(principalOf(request), request.params.org, request.params.userId);
      return reply.status(204).send(null);
    },
  );

  app.patch(
    '/api/organisations/:org/users/:userId',
    {
      config: { scope: 'admin:write' },
      schema: {
        tags: ['organisations'],
        summary: "Change a member's role; the organisation's last admin cannot be demoted (409 LAST_ADMIN)",
        params: Type.Object({ org: Type.String(), userId: Type.String() }),
        body: Type.Object({ role: RoleSchema }, { additionalProperties: false }),
        response: { 200: MemberSchema, ...errors(404, 409) },
      },
    },
    async (request) =>
      memberOut(await tenancy.changeRole(principalOf(request), request.params.org, request.params.userId, request.body.role)),
  );

  app.get(
    '/api/organisations/:org/api-keys',
    {
      config: { scope: 'admin:read' },
      schema: {
        tags: ['organisations'],
        summary: 'API keys (never their secrets)',
        params: OrgParam,
        querystring: Type.Object(PageQuery),
        response: { 200: ListOf(ApiKeySchema), ...errors(404) },
      },
    },
    async (request) =>
      listResponse(
        request,
        await tenancy.listApiKeys(principalOf(request), request.params.org, pageRequest(request.query)),
        keyOut,
      ),
  );

  app.post(
    '/api/organisations/:org/api-keys',
    {
      config: { scope: 'admin:write' },
      schema: {
        tags: ['organisations'],
        summary: 'Create an API key; its secret is in this response only',
        params: OrgParam,
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 100 }),
            scopes: Type.Array(ScopeSchema, { minItems: 1 }),
            expiresAt: Type.Optional(IsoTime),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Intersect([ApiKeySchema, Type.Object({ secret: Type.String() })]), ...errors(404, 409) },
      },
    },
    async (request, reply) => {
      const { expiresAt, ...rest } = request.body;
      const { key, secret } = await tenancy.createApiKey(principalOf(request), request.params.org, {
        ...rest,
        expiresAt: expiresAt === undefined ? undefined : Date.parse(expiresAt),
      });
      return reply.status(201).send({ ...keyOut(key), secret });
    },
  );

  app.delete(
    '/api/organisations/:org/api-keys/:keyId',
    {
      config: { scope: 'admin:write' },
      schema: {
        tags: ['organisations'],
        summary: 'Revoke an API key',
        params: Type.Object({ org: Type.String(), keyId: Type.String() }),
        response: { 204: Type.Null(), ...errors(404) },
      },
    },
    async (request, reply) => {
      await tenancy.revokeApiKey(principalOf(request), request.params.org, request.params.keyId);
      return reply.status(204).send(null);
    },
  );

  invitationRoutes(app, tenancy.invitations);
}
