import { timingSafeEqual } from 'node:crypto';
import type { Clock } from '../shared/clock.js';
import { DomainError, invalid } from '../shared/errors.js';
import { randomSecret } from '../shared/ids.js';
import { digestSecret } from '../shared/secrets.js';
import type { DeviceEvents } from './device-events.js';
import type { DeviceTypeService } from './device-types.service.js';
import type { Device, DeviceStore, ModuleEntry } from './devices.js';
import type { DeviceService } from './devices.service.js';
import { IDENTITY_EXAMPLES, IDENTITY_KINDS, type IdentityKind, normaliseIdentityValue } from './identity.js';

/** Where devices are told to connect: the public MQTT host and port (settings, else the request's host). */
export interface BrokerAddress {
  host?: string | undefined;
  port: number;
}

/** The sensOCampus credentials answer; `password` only on the first call after creation or reset. */
export interface Credentials {
  login: string;
  password?: string;
  server: string;
  port: number;
  base_topic: string | null;
}

/** The sensOCampus config answer: the firmware reads topics[0] and zones[0].modules. */
export interface DeviceConfigAnswer {
  topics: string[];
  zones: { topic: string; modules: ModuleEntry[] }[];
  config: Record<string, unknown>;
}

const deviceError = (code: string, message: string, details?: Record<string, unknown>) => new DomainError(code, message, details);

/**
 * The device side of the registry, compatible with the neOCampus firmware: credentials by
 * identity (no authentication, as the firmware has none), configuration with HTTP Basic (the
 * MQTT login and password), and the MQTT password check the broker calls.
 */
export class ProvisioningService {
  constructor(
    private readonly store: DeviceStore,
    private readonly devices: DeviceService,
    private readonly types: DeviceTypeService,
    private readonly events: DeviceEvents,
    private readonly broker: BrokerAddress,
    private readonly clock: Clock,
  ) {}

  /**
   * GET /device/credentials?mac=… (or deveui, uuid, serial). Identities are unique across
   * organisations (a unique index since migration 20261202-1630): one value names one device.
   * IDENTITY_AMBIGUOUS stays only as a guard against a database that lacks the index.
   * The first call after creation or reset generates the password, stores its digest and
   * returns it; a concurrent or later call returns no password.
   */
  async credentials(query: Partial<Record<IdentityKind, string>>, requestHost: string): Promise<Credentials> {
    const given = IDENTITY_KINDS.filter((k) => query[k] !== undefined);
    if (given.length !== 1)
      throw invalid(given.length === 0 ? 'mac' : (given[1] as string), 'give exactly one of mac, deveui, uuid, serial');
    const kind = given[0] as IdentityKind;
    const value = normaliseIdentityValue(kind, query[kind] as string);
    if (value === undefined) throw invalid(kind, `${query[kind]} is not a ${kind} (${IDENTITY_EXAMPLES[kind]})`);

    const found = await this.store.findByIdentity({ kind, value });
    if (found.length === 0) throw new DomainError('DEVICE_NOT_FOUND', `no device has ${kind} ${value}`, { [kind]: value });
    if (found.length > 1)
      throw deviceError('IDENTITY_AMBIGUOUS', `${kind} ${value} is registered in ${found.length} organisations`, {
        [kind]: value,
      });
    const device = found[0] as Device;
    if (!device.enabled) throw deviceError('DEVICE_DISABLED', `device ${device.code} is disabled`);
    if (device.connectivity !== 'mqtt' || device.mqttLogin === null)
      throw deviceError(
        'DEVICE_NOT_MQTT',
        `device ${device.code} is of connectivity ${device.connectivity}: it has no MQTT credentials`,
        { connectivity: device.connectivity },
      );

    const answer: Credentials = {
      login: device.mqttLogin,
      server: this.broker.host ?? requestHost,
      port: this.broker.port,
      base_topic: device.baseTopic,
    };
    if (!device.mqttPasswordDelivered) {
      const password = randomSecret(18);
      if (await this.store.deliverPassword(device.id, digestSecret(password), this.clock())) {
        // An external broker (dynamic security) must know the password before the device uses it.
        await this.events.emit('passwordIssued', { device, password });
        answer.password = password;
      }
    }
    return answer;
  }

  /** GET /device/config with HTTP Basic: 401 on wrong credentials, 403 when disabled. */
  async config(authorization: string | undefined): Promise<DeviceConfigAnswer> {
    const basic = parseBasic(authorization);
    const device = basic && (await this.checkPassword(basic.login, basic.password));
    if (!device) throw new DomainError('UNAUTHENTICATED', 'wrong device login or password', { scheme: 'Basic' });
    if (!device.enabled) throw deviceError('DEVICE_DISABLED', `device ${device.code} is disabled`);
    const configModules = device.config.modules;
    let modules: ModuleEntry[];
    if (Array.isArray(configModules)) modules = configModules as ModuleEntry[];
    else modules = device.typeId === null ? [] : (await this.types.get(device.orgId, device.typeId)).modules;
    const topic = device.baseTopic;
    return {
      topics: topic === null ? [] : [topic],
      zones: topic === null ? [] : [{ topic, modules }],
      config: device.config,
    };
  }

  /** The broker's check: the enabled MQTT device with this login and password, else undefined. */
  async verifyMqttCredentials(login: string, password: string): Promise<Device | undefined> {
    const device = await this.checkPassword(login, password);
    return device?.enabled ? device : undefined;
  }

  /**
   * Admin reset: the stored digest is cleared (the old password fails at once) and the next
   * credentials call issues a new one; listeners (the broker) disconnect the old session,
   * unless `announce: false` (the caller then calls announceReset itself).
   */
  async resetCredentials(orgId: string, idOrCode: string, opts: { announce?: boolean } = {}): Promise<Device> {
    const device = await this.devices.get(orgId, idOrCode);
    if (device.connectivity !== 'mqtt')
      throw deviceError(
        'DEVICE_NOT_MQTT',
        `device ${device.code} is of connectivity ${device.connectivity}: it has no MQTT credentials`,
      );
    await this.store.update(orgId, device.id, { mqttPasswordHash: null, mqttPasswordDelivered: false, updatedAt: this.clock() });
    const updated = await this.devices.get(orgId, device.id);
    if (opts.announce !== false) await this.announceReset(updated);
    return updated;
  }

  /**
   * Tells listeners (the broker) to end the old session. Separate from the reset for the
   * `reinstall` order, which must still reach the device after its credentials were reset.
   */
  announceReset(device: Device): Promise<void> {
    return this.events.emit('credentialsReset', device);
  }

  onCredentialsReset(listener: (device: Device) => void | Promise<void>): () => void {
    return this.events.on('credentialsReset', listener);
  }

  /** The enabled MQTT device with this login, without checking a password (brokers' ACL questions). */
  async findMqttDevice(login: string): Promise<Device | undefined> {
    const found = await this.store.findByMqttLogin(login);
    return found?.device.enabled && found.device.connectivity === 'mqtt' ? found.device : undefined;
  }

  private async checkPassword(login: string, password: string): Promise<Device | undefined> {
    const found = await this.store.findByMqttLogin(login);
    if (!found || found.passwordHash === null || found.device.connectivity !== 'mqtt') return undefined;
    const expected = Buffer.from(found.passwordHash);
    const actual = Buffer.from(digestSecret(password));
    return expected.length === actual.length && timingSafeEqual(expected, actual) ? found.device : undefined;
  }
}

/** `Basic base64(login:password)` (RFC 7617); the password may contain `:`. */
export function parseBasic(header: string | undefined): { login: string; password: string } | undefined {
  const m = header === undefined ? null : /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!m) return undefined;
  const text = Buffer.from(m[1] as string, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon < 0) return undefined;
  return { login: text.slice(0, colon), password: text.slice(colon + 1) };
}
