import { hasScope, type Scope } from '../tenancy/tenancy.js';
import type { TenancyService } from '../tenancy/tenancy.service.js';
import type { Authenticator, BrokerAuth, MqttPrincipal } from './broker.js';
import { TopicPolicy } from './topic-policy.js';

/** A key connects when it has some MQTT right (topic-policy.ts says which topics each gives). */
const MQTT_SCOPES: Scope[] = ['measurements:read', 'uplinks:write', 'devices:write', 'admin:write'];

/**
 * An API key sent as the MQTT password (any username). A platform credential is broker-wide;
 * an organisation's key reaches only that organisation's topics.
 */
export function apiKeyAuthenticator(tenancy: Pick<TenancyService, 'authenticateKey' | 'slugOf'>): Authenticator {
  return {
    async authenticate(_username, password) {
      if (!password) return undefined;
      const principal = await tenancy.authenticateKey(password);
      if (!principal) return undefined;
      if (!principal.platformAdmin && !MQTT_SCOPES.some((s) => hasScope(principal.scopes, s))) return undefined;
      return {
        kind: 'key',
        orgId: principal.orgId,
        orgSlug: await tenancy.slugOf(principal.orgId),
        name: principal.name,
        scopes: [...principal.scopes],
        platform: principal.platformAdmin,
      };
    },
  };
}

/** Polder's own account on an external broker (the userinfo of POLDER_MQTT_URL) is a superuser. */
export function serviceAuthenticator(username: string | undefined, password: string | undefined): Authenticator {
  return {
    authenticate: async (u, p) => (username && u === username && p === password ? { kind: 'service' } : undefined),
  };
}

/** The first authenticator that knows the client wins; the topic policy decides the rest. */
export function composeBrokerAuth(authenticators: Authenticator[], policy: TopicPolicy): BrokerAuth {
  return {
    async authenticate(username, password, clientId) {
      for (const a of authenticators) {
        const who = await a.authenticate(username, password, clientId);
        if (who) return who;
      }
      return undefined;
    },
    canPublish: (who, topic) => policy.mayPublish(who, topic),
    canSubscribe: (who, filter) => policy.maySubscribe(who, filter),
    canSubscribeStrict: (who, filter) => policy.maySubscribeStrict(who, filter),
    canReceive: (who, topic) => policy.mayReceive(who, topic),
    isSuperuser: (who: MqttPrincipal) => TopicPolicy.broad(who),
  };
}
