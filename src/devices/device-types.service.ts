import type { Clock } from '../shared/clock.js';
import { conflict, invalid, notFound } from '../shared/errors.js';
import { type IdGenerator, isUuid } from '../shared/ids.js';
import type { Page, PageRequest } from '../shared/page.js';
import type { ConfigValidator } from './config-validator.js';
import type { Connectivity, DeviceType, DeviceTypeStore, ModuleEntry } from './devices.js';

export interface DeviceTypeInput {
  name: string;
  connectivity: Connectivity;
  description?: string | null | undefined;
  configSchema?: Record<string, unknown> | undefined;
  modules?: ModuleEntry[] | undefined;
}

/** A schema that accepts any JSON object: the default of a type that says nothing. */
const ANY_OBJECT = { type: 'object' };

/**
 * Types every organisation starts with (the boards of neOCampus, a generic LoRaWAN node, and a
 * generic device whose data comes through a pipeline: what auto-registration uses by default);
 * the list is the organisation's own afterwards: edit, delete or add through the API.
 */
const BUILTIN: Pick<DeviceType, 'name' | 'connectivity' | 'description'>[] = [
  { name: 'esp8266', connectivity: 'mqtt', description: 'ESP8266 board (neOSensor), MQTT' },
  { name: 'esp32', connectivity: 'mqtt', description: 'ESP32 board (neOSensor), MQTT' },
  { name: 'rpi3', connectivity: 'mqtt', description: 'Raspberry Pi 3, MQTT' },
  { name: 'jetson_nano', connectivity: 'mqtt', description: 'NVIDIA Jetson Nano, MQTT' },
  { name: 'lorawan-node', connectivity: 'lorawan', description: 'LoRaWAN end-device, data through a network server' },
  {
    name: 'sensor',
    connectivity: 'http',
    description: 'Device whose data arrives through a pipeline (webhook, poller, MQTT topic)',
  },
];

export class DeviceTypeService {
  constructor(
    private readonly store: DeviceTypeStore,
    private readonly validator: ConfigValidator,
    private readonly clock: Clock,
    private readonly newId: IdGenerator,
  ) {}

  /** Adds the built-in types an organisation lacks (by name); never overwrites. */
  async ensureBuiltins(orgId: string): Promise<void> {
    const now = this.clock();
    await this.store.insertMissing(
      BUILTIN.map((t) => ({
        ...t,
        id: this.newId(),
        orgId,
        configSchema: ANY_OBJECT,
        modules: [],
        createdAt: now,
        updatedAt: now,
      })),
    );
  }

  async create(orgId: string, input: DeviceTypeInput): Promise<DeviceType> {
    const schema = input.configSchema ?? ANY_OBJECT;
    this.validator.checkSchema(schema);
    if (await this.store.find(orgId, input.name)) throw conflict('name', input.name);
    const now = this.clock();
    const type: DeviceType = {
      id: this.newId(),
      orgId,
      name: input.name,
      connectivity: input.connectivity,
      description: input.description ?? null,
      configSchema: schema,
      modules: input.modules ?? [],
      createdAt: now,
      updatedAt: now,
    };
    await this.store.insert(type);
    return type;
  }

  async get(orgId: string, idOrName: string): Promise<DeviceType> {
    const type = await this.store.find(orgId, isUuid(idOrName) ? idOrName.toLowerCase() : idOrName);
    if (!type) throw notFound('device type', idOrName);
    return type;
  }

  /** A type named in a request body: unknown is a 400 on `field`, not a 404 of the route. */
  async ref(orgId: string, idOrName: string, field = 'type'): Promise<DeviceType> {
    const type = await this.store.find(orgId, isUuid(idOrName) ? idOrName.toLowerCase() : idOrName);
    if (!type) throw invalid(field, `device type ${idOrName} not found`);
    return type;
  }

  list(orgId: string, page: PageRequest): Promise<Page<DeviceType>> {
    return this.store.list(orgId, page);
  }

  all(orgId: string): Promise<DeviceType[]> {
    return this.store.all(orgId);
  }

  /**
   * A new schema applies to the next write of each device; configs stored already are not
   * re-checked. Connectivity cannot change while devices use the type (their MQTT credentials
   * depend on it).
   */
  async update(orgId: string, idOrName: string, patch: Partial<DeviceTypeInput>): Promise<DeviceType> {
    const type = await this.get(orgId, idOrName);
    if (patch.name !== undefined && patch.name !== type.name && (await this.store.find(orgId, patch.name)))
      throw conflict('name', patch.name);
    if (patch.configSchema !== undefined) this.validator.checkSchema(patch.configSchema);
    if (patch.connectivity !== undefined && patch.connectivity !== type.connectivity) {
      const n = await this.store.countDevices(orgId, type.id);
      if (n > 0)
        throw conflict(
          'connectivity',
          patch.connectivity,
          `${n} device(s) use type ${type.name}: its connectivity cannot change`,
        );
    }
    // Strictly increasing, so the validator cache sees a new revision even within one millisecond.
    const updatedAt = Math.max(this.clock(), type.updatedAt + 1);
    await this.store.update(orgId, type.id, {
      ...(patch.name !== undefined && { name: patch.name }),
      ...(patch.connectivity !== undefined && { connectivity: patch.connectivity }),
      ...(patch.description !== undefined && { description: patch.description }),
      ...(patch.configSchema !== undefined && { configSchema: patch.configSchema }),
      ...(patch.modules !== undefined && { modules: patch.modules }),
      updatedAt,
    });
    this.validator.forget(type.id);
    return this.get(orgId, type.id);
  }

  async delete(orgId: string, idOrName: string): Promise<void> {
    const type = await this.get(orgId, idOrName);
    const n = await this.store.countDevices(orgId, type.id);
    if (n > 0) throw conflict('devices', n, `${n} device(s) use type ${type.name}: change or delete them first`);
    await this.store.delete(orgId, type.id);
    this.validator.forget(type.id);
  }
}
