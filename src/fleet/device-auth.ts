import type { Authenticator, MqttPrincipal } from '../broker/broker.js';
import type { Device } from '../devices/devices.js';

/** What the broker's device checks need of the registry. */
export interface DeviceCredentialCheck {
  /** The enabled MQTT device with this login and password. */
  verifyMqttCredentials(login: string, password: string): Promise<Device | undefined>;
}

/**
 * A device connects with the login and password the registry handed out. Unknown, disabled
 * and devices without a base topic (nowhere to publish) are refused at CONNACK. What a device
 * may publish and subscribe to is src/broker/topic-policy.ts.
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
  };
}
