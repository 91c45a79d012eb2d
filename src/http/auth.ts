import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError } from '../shared/errors.js';
import type { Principal, Scope } from '../tenancy/tenancy.js';
import type { TenancyService } from '../tenancy/tenancy.service.js';
import { requireScope } from '../tenancy/tenancy.service.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyContextConfig {
    /** The permission a route needs; routes without `scope` or `public` need any signed-in caller. */
    scope?: Scope;
    /** No credentials needed (health, login, provisioning that checks its own). */
    public?: boolean;
    /**
     * The route also takes credentials the global hook does not know (a pipeline's ingest token,
     * also as `Authorization: Bearer`) and checks them itself in a route-level onRequest hook:
     * an unknown bearer is not refused here, and no principal is required.
     */
    ownCredentials?: boolean;
  }
}

export const SESSION_COOKIE = 'polder_session';
/** Double-submit CSRF token: readable by the page's script, echoed in `X-CSRF-Token`. */
export const CSRF_COOKIE = 'polder_csrf';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Derived from the session token, so nothing is stored and another site cannot guess it. */
export const csrfTokenOf = (session: string) => createHash('sha256').update(`csrf:${session}`).digest('base64url');

const sameToken = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

const unauthenticated = (why: string) => new DomainError('UNAUTHENTICATED', why);

/** The caller of a route that required authentication. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw unauthenticated('authentication required');
  return request.principal;
}

/**
 * Resolves the caller from `Authorization: Bearer <api key>` or the session cookie, then
 * enforces the route's scope. Runs before validation, so a bad key is a 401 whatever the body.
 */
export function registerAuth(app: FastifyInstance, tenancy: TenancyService) {
  app.addHook('onRequest', async (request, reply) => {
    // Read once: Fastify builds a new routeOptions object on every read.
    const route = request.routeOptions;
    const config = route.config;
    const header = request.headers.authorization;
    if (header?.startsWith('Bearer ')) {
      request.principal = await tenancy.authenticateKey(header.slice(7).trim());
      if (!request.principal && !config.public && !config.ownCredentials)
        throw unauthenticated('the API key is unknown, revoked or expired');
    } else {
      const token = request.cookies[SESSION_COOKIE];
      if (token) request.principal = await tenancy.authenticateSession(token);
      if (token && request.principal) {
        // A browser sends the session cookie with any site's form: unsafe requests must echo the token.
        const csrf = csrfTokenOf(token);
        if (request.cookies[CSRF_COOKIE] !== csrf) reply.setCookie(CSRF_COOKIE, csrf, { path: '/', sameSite: 'strict' });
        const given = request.headers[CSRF_HEADER];
        if (!SAFE_METHODS.has(request.method) && !config.public && (typeof given !== 'string' || !sameToken(given, csrf))) {
          throw new DomainError('FORBIDDEN', 'missing or wrong X-CSRF-Token header (copy the polder_csrf cookie)', {
            field: CSRF_HEADER,
          });
        }
      }
    }
    if (config.public || config.ownCredentials || route.url === undefined) return;
    const principal = principalOf(request);
    if (config.scope) requireScope(principal, config.scope);
  });
}
