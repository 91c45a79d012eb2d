import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import type { TypedApp } from '../http/types.js';
import type { BrokerAuth, MqttPrincipal } from './broker.js';

/**
 * HTTP endpoints that external brokers call to authenticate devices and check ACLs, so
 * Mosquitto (with mosquitto-go-auth's HTTP backend) or EMQX use Polder's registry directly.
 * Contracts: shared/reference/mqtt-http-auth.md. Public routes: the broker has no API key, and
 * each answer reveals no more than an MQTT CONNECT attempt would.
 */

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

export function aclAllows(auth: BrokerAuth, who: MqttPrincipal, topic: string, acc: number): boolean {
  if (acc & ACC_WRITE && !auth.canPublish(who, topic)) return false;
  if (acc & (ACC_READ | ACC_SUBSCRIBE) && !auth.canSubscribe(who, topic)) return false;
  return (acc & (ACC_READ | ACC_WRITE | ACC_SUBSCRIBE)) !== 0;
}

export function brokerAuthRoutes(app: TypedApp, auth: BrokerAuth) {
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
      return goAuthAnswer(reply, request.query.mode, who !== undefined, 'bad username or password');
    },
  });

  app.route({
    method: methods,
    url: '/mqtt/go-auth/superuser',
    ...common,
    schema: { ...common.schema, summary: 'mosquitto-go-auth: is this username a superuser?' },
    handler: async (request, reply) => {
      const who = request.body?.username ? await auth.lookup(request.body.username) : undefined;
      const superuser = who?.kind === 'admin' || who?.kind === 'service';
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
      const who = username ? await auth.lookup(username) : undefined;
      const granted = who !== undefined && topic !== undefined && aclAllows(auth, who, topic, Number(acc));
      return goAuthAnswer(reply, request.query.mode, granted, 'not authorised for this topic');
    },
  });

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
      return { result: 'allow', is_superuser: who.kind === 'admin' || who.kind === 'service' };
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
      const who = username ? await auth.lookup(username) : undefined;
      const acc = action === 'publish' ? ACC_WRITE : action === 'subscribe' ? ACC_SUBSCRIBE : 0;
      return { result: who && aclAllows(auth, who, topic, acc) ? 'allow' : 'deny' };
    },
  );
}
