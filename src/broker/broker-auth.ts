import { hasScope } from '../tenancy/tenancy.js';
import type { TenancyService } from '../tenancy/tenancy.service.js';
import type { Authenticator, BrokerAuth, MqttPrincipal } from './broker.js';

const REMEMBER_MS = 24 * 3600 * 1000;

/**
 * Holders of an admin API key (sent as the MQTT password, any username) are superusers of the
 * broker. Brokers that later ask about the username alone (ACL, superuser) get the answer from
 * the logins remembered here.
 */
export function adminKeyAuthenticator(tenancy: TenancyService, clock: () => number): Authenticator {
  const recent = new Map<string, { who: MqttPrincipal; until: number }>();
  return {
    async authenticate(username, password) {
      if (!password) return undefined;
      const principal = await tenancy.authenticateKey(password);
      if (!principal || !hasScope(principal.scopes, 'admin:write')) return undefined;
      const who: MqttPrincipal = { kind: 'admin', orgId: principal.orgId, name: principal.name };
      if (username) recent.set(username, { who, until: clock() + REMEMBER_MS });
      return who;
    },
    async lookup(username) {
      const hit = recent.get(username);
      if (!hit) return undefined;
      if (hit.until < clock()) {
        recent.delete(username);
        return undefined;
      }
      return hit.who;
    },
  };
}

/** Polder's own account on an external broker (the userinfo of POLDER_MQTT_URL) is a superuser. */
export function serviceAuthenticator(username: string | undefined, password: string | undefined): Authenticator {
  return {
    authenticate: async (u, p) => (username && u === username && p === password ? { kind: 'service' } : undefined),
    lookup: async (u) => (username && u === username ? { kind: 'service' } : undefined),
  };
}

/** Devices may publish and subscribe only where the fleet says; admins and the service anywhere. */
export type DeviceAcl = Pick<BrokerAuth, 'canPublish' | 'canSubscribe'>;

/** The first authenticator that knows the client wins. */
export function composeBrokerAuth(
  authenticators: Authenticator[],
  device: DeviceAcl = { canPublish: () => false, canSubscribe: () => false },
): BrokerAuth {
  const superuser = (who: MqttPrincipal) => who.kind === 'admin' || who.kind === 'service';
  const first = async (ask: (a: Authenticator) => Promise<MqttPrincipal | undefined>) => {
    for (const a of authenticators) {
      const who = await ask(a);
      if (who) return who;
    }
    return undefined;
  };
  return {
    authenticate: (username, password, clientId) => first((a) => a.authenticate(username, password, clientId)),
    lookup: (username) => first((a) => a.lookup(username)),
    canPublish: (who, topic) => superuser(who) || device.canPublish(who, topic),
    canSubscribe: (who, filter) => superuser(who) || device.canSubscribe(who, filter),
  };
}
