import type { Authenticator, MqttPrincipal } from '../broker/broker.js';
import type { DeviceAcl } from '../broker/broker-auth.js';
import type { Device } from '../devices/devices.js';

/** What the broker's device checks need of the registry. */
export interface DeviceCredentialCheck {
  /** The enabled MQTT device with this login and password. */
  verifyMqttCredentials(login: string, password: string): Promise<Device | undefined>;
  /** The enabled MQTT device with this login (an external broker's ACL questions carry no password). */
  findMqttDevice(login: string): Promise<Device | undefined>;
}

/**
 * A device connects with the login and password the registry handed out. Unknown, disabled
 * and devices without a base topic (nowhere to publish) are refused at CONNACK.
 */
export function deviceAuthenticator(registry: DeviceCredentialCheck): Authenticator {
  const principal = (d: Device | undefined): MqttPrincipal | undefined =>
    d?.mqttLogin && d.baseTopic !== null
      ? { kind: 'device', orgId: d.orgId, deviceId: d.id, login: d.mqttLogin, baseTopic: d.baseTopic }
      : undefined;
  return {
    async authenticate(username, password) {
      if (!username || !password) return undefined;
      return principal(await registry.verifyMqttCredentials(username, password));
    },
    lookup: async (username) => principal(await registry.findMqttDevice(username)),
  };
}

const levels = (topic: string) => topic.split('/');

/**
 * A device publishes anywhere under its base topic (`<base>/<module>`, `<base>/device`) and
 * subscribes only to command topics under it: `<base>/<module>/command` or `<base>/+/command`.
 * The base part of a filter must be literal, so no wildcard reaches past it.
 */
export const deviceAcl: DeviceAcl = {
  canPublish(who, topic) {
    if (who.kind !== 'device' || !topic.startsWith(`${who.baseTopic}/`)) return false;
    return !levels(topic).some((l) => l === '' || l.includes('+') || l.includes('#'));
  },
  canSubscribe(who, filter) {
    if (who.kind !== 'device' || !filter.startsWith(`${who.baseTopic}/`)) return false;
    const rest = levels(filter.slice(who.baseTopic.length + 1));
    if (rest.length < 2 || rest[rest.length - 1] !== 'command') return false;
    // `+` only as a whole level; `#` never (MQTT 3.1.1 §4.7.1: it would also match the base's other topics).
    return rest.every((l) => l !== '' && !l.includes('#') && (l === '+' || !l.includes('+')));
  },
};
