import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { TypedApp } from '../http/types.js';
import { DomainError } from '../shared/errors.js';
import { addressFilter } from './address-filter.js';
import type { BrokerAuth, MqttPrincipal } from './broker.js';

/**
 * HTTP endpoints that external brokers call to authenticate clients and check ACLs, so
 * Mosquitto (with mosquitto-go-auth's HTTP backend) or EMQX use Polder's registry and topic
 * policy directly. Contracts: docs/security.md. Registered only for the broker mode that needs
 * them (POLDER_MQTT_AUTH_ROUTES) and, with POLDER_MQTT_AUTH_ALLOW, only for the broker's
 * addresses. Public routes (the broker has no API key), so: superuser only for the platform
 * credential and Polder's service account; ACL questions are answered only for a username that
 * authenticated through these routes (no oracle without credentials).
 */

export interface BrokerAuthRoutesOptions {
  mode: 'go-auth' | 'emqx' | 'off';
  /** CIDRs (or addresses) allowed to call; empty: any. */
  allow: string[];
  clock?: () => number;
  /** Whether a remembered login still stands (a device disabled, moved or deleted since does not). */
  stillValid?: (who: MqttPrincipal) => boolean;
}

/** How long an authenticated login answers ACL questions (brokers ask again after a reconnect). */
const REMEMBER_MS = 3600 * 1000;

// mosquitto MOSQ_ACL_* bits (go-auth `acc`)
const ACC_READ = 1;
const ACC_WRITE = 2;
const ACC_SUBSCRIBE = 4;

const GoAuthBody = Type.Object({
  username: Type.Optional(Type.String()),
  password: Type.Optional(Type.String()),
  clientid: Type.Optional(Type.String()),
  topic: Type.Optional(Type.String()),
  acc: Type.Optional(Type.Union([Type.Integer(), Type.String()])),
});
const GoAuthQuery = Type.Object({
  mode: Type.Optional(
    Type.Union([Type.Literal('status'), Type.Literal('json'), Type.Literal('text')], {
      description: "go-auth's http_response_mode",
    }),
  ),
});

/** go-auth reads the status (status mode), `{"ok": …}` (json mode) or the body `ok` (text mode). */
function goAuthAnswer(reply: FastifyReply, mode: string | undefined, granted: boolean, why: string) {
  reply.status(granted ? 200 : 403);
  if (mode === 'text') return reply.type('text/plain').send(granted ? 'ok' : 'denied');
  return reply.send(granted ? { ok: true } : { ok: false, error: why });
}

/** Mosquitto asks READ for each message it delivers, SUBSCRIBE for the filter, WRITE for each publish. */
export function aclAllows(auth: BrokerAuth, who: MqttPrincipal, topic: string, acc: number): boolean {
  if (acc & ACC_WRITE && !auth.canPublish(who, topic)) return false;
  if (acc & ACC_READ && !auth.canReceive(who, topic)) return false;
  if (acc & ACC_SUBSCRIBE && !auth.canSubscribe(who, topic)) return false;
  return (acc & (ACC_READ | ACC_WRITE | ACC_SUBSCRIBE)) !== 0;
}

/** Usernames that authenticated lately, with who they are: only they get ACL answers. */
function loginMemory(clock: () => number, stillValid: (who: MqttPrincipal) => boolean) {
  const seen = new Map<string, { who: MqttPrincipal; until: number }>();
  return {
    remember(username: string | undefined, who: MqttPrincipal) {
      if (username) seen.set(username, { who, until: clock() + REMEMBER_MS });
    },
    recall(username: string | undefined): MqttPrincipal | undefined {
      const hit = username === undefined ? undefined : seen.get(username);
      if (!hit) return undefined;
      if (hit.until < clock() || !stillValid(hit.who)) {
        seen.delete(username as string);
        return undefined;
      }
      return hit.who;
    },
  };
}

export function brokerAuthRoutes(app: TypedApp, auth: BrokerAuth, opts: BrokerAuthRoutesOptions) {
  if (opts.mode === 'off') return;
  const logins = loginMemory(opts.clock ?? Date.now, opts.stillValid ?? (() => true));
  const allowed = addressFilter(opts.allow);
  // The socket's address, not X-Forwarded-For: a broker calls directly.
  app.addHook('onRequest', async (request: FastifyRequest) => {
    if (!allowed(request.socket.remoteAddress ?? ''))
      throw new DomainError('FORBIDDEN', 'broker auth routes answer only the broker (POLDER_MQTT_AUTH_ALLOW)', {});
  });
  if (opts.mode === 'go-auth') goAuthRoutes(app, auth, logins);
  else emqxRoutes(app, auth, logins);
}

function goAuthRoutes(app: TypedApp, auth: BrokerAuth, logins: ReturnType<typeof loginMemory>) {
  // go-auth's form mode posts application/x-www-form-urlencoded.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  const common = { config: { public: true }, schema: { tags: ['broker auth'], body: GoAuthBody, querystring: GoAuthQuery } };
  // go-auth's http_method: POST (its default) or PUT. GET with a JSON body is not supported.
  const methods: ('POST' | 'PUT')[] = ['POST', 'PUT'];

  app.route({
    method: methods,
    url: '/mqtt/go-auth/user',
    ...common,
    schema: { ...common.schema, summary: 'mosquitto-go-auth: may this username/password connect?' },
    handler: async (request, reply) => {
      const { username, password, clientid } = request.body ?? {};
      const who = await auth.authenticate(username, password, clientid ?? '');
      if (who) logins.remember(username, who);
      return goAuthAnswer(reply, request.query.mode, who !== undefined, 'bad username or password');
    },
  });

  app.route({
    method: methods,
    url: '/mqtt/go-auth/superuser',
    ...common,
    schema: { ...common.schema, summary: 'mosquitto-go-auth: is this username a superuser?' },
    handler: async (request, reply) => {
      const who = logins.recall(request.body?.username);
      const superuser = who !== undefined && auth.isSuperuser(who);
      return goAuthAnswer(reply, request.query.mode, superuser, 'not a superuser');
    },
  });

  app.route({
    method: methods,
    url: '/mqtt/go-auth/acl',
    ...common,
    schema: { ...common.schema, summary: 'mosquitto-go-auth: may this username read, write or subscribe to this topic?' },
    handler: async (request, reply) => {
      const { username, topic, acc } = request.body ?? {};
      const who = logins.recall(username);
      const granted = who !== undefined && topic !== undefined && aclAllows(auth, who, topic, Number(acc));
      return goAuthAnswer(reply, request.query.mode, granted, 'not authorised for this topic');
    },
  });
}

function emqxRoutes(app: TypedApp, auth: BrokerAuth, logins: ReturnType<typeof loginMemory>) {
  const EmqxAuthn = Type.Object({
    clientid: Type.Optional(Type.String()),
    username: Type.Optional(Type.String()),
    password: Type.Optional(Type.String()),
  });
  app.post(
    '/mqtt/emqx/authn',
    {
      config: { public: true },
      schema: {
        tags: ['broker auth'],
        summary: 'EMQX 5 HTTP authentication: {"result": "allow"|"deny", "is_superuser"}',
        body: EmqxAuthn,
        response: { 200: Type.Object({ result: Type.String(), is_superuser: Type.Optional(Type.Boolean()) }) },
      },
    },
    async (request) => {
      const { username, password, clientid } = request.body;
      const who = await auth.authenticate(username, password, clientid ?? '');
      if (!who) return { result: 'deny' };
      logins.remember(username, who);
      return { result: 'allow', is_superuser: auth.isSuperuser(who) };
    },
  );

  app.post(
    '/mqtt/emqx/authz',
    {
      config: { public: true },
      schema: {
        tags: ['broker auth'],
        summary: 'EMQX 5 HTTP authorization: {"result": "allow"|"deny"}',
        body: Type.Object({
          clientid: Type.Optional(Type.String()),
          username: Type.Optional(Type.String()),
          topic: Type.String(),
          action: Type.String({ description: 'publish or subscribe' }),
        }),
        response: { 200: Type.Object({ result: Type.String() }) },
      },
    },
    async (request) => {
      const { username, topic, action } = request.body;
      const who = logins.recall(username);
      // EMQX checks the subscription only, not each delivery: the whole filter must be readable.
      const granted =
        who !== undefined &&
        (action === 'publish' ? auth.canPublish(who, topic) : action === 'subscribe' && auth.canSubscribeStrict(who, topic));
      return { result: granted ? 'allow' : 'deny' };
    },
  );
}
