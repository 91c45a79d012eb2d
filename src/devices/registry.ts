import type { Database } from '../db/database.js';
import { LocationService } from '../locations/locations.service.js';
import { KyselyLocationStore } from '../locations/locations.store.js';
import type { Clock } from '../shared/clock.js';
import type { IdGenerator } from '../shared/ids.js';
import { JsonSchemas } from '../shared/json-schema.js';
import type { Logger } from '../shared/logger.js';
import { ConfigValidator } from './config-validator.js';
import { KyselyDatastreamStore } from './datastreams.store.js';
import { DeviceEvents } from './device-events.js';
import { DeviceImportService } from './device-import.service.js';
import { KyselyDeviceImportStore } from './device-import.store.js';
import { DeviceTypeService } from './device-types.service.js';
import { KyselyDeviceTypeStore } from './device-types.store.js';
import { DeviceService } from './devices.service.js';
import { KyselyDeviceStore } from './devices.store.js';
import { type BrokerAddress, ProvisioningService } from './provisioning.service.js';
import { SensorService } from './sensors.service.js';
import { KyselySensorStore } from './sensors.store.js';

/** The device registry's services, built once by the composition root. */
export interface Registry {
  locations: LocationService;
  types: DeviceTypeService;
  devices: DeviceService;
  sensors: SensorService;
  provisioning: ProvisioningService;
  importer: DeviceImportService;
  /** Saved, disabled, deleted, bulk changes, password issued, credentials reset: what the MQTT broker follows. */
  events: DeviceEvents;
  /** What every organisation starts with: the default site and the built-in device types. */
  ensureDefaults(orgId: string): Promise<void>;
  /** Requests per minute per client address on /device/*. */
  provisioningRateLimit: number;
  /**
   * Where /device/credentials sends devices. Mutable: with POLDER_MQTT_PORT=0 the embedded
   * broker's real port is known only once it listens.
   */
  brokerAddress: BrokerAddress;
}

export function createRegistry(deps: {
  database: Database;
  config: {
    mqttPort: number;
    mqttPublicHost?: string | undefined;
    mqttPublicPort?: number | undefined;
    provisioningRateLimit: number;
  };
  logger: Logger;
  clock: Clock;
  newId: IdGenerator;
}): Registry {
  const { database, clock, newId } = deps;
  const db = database.db;
  const schemas = new JsonSchemas();
  const validator = new ConfigValidator(schemas);
  const events = new DeviceEvents((err, event) => deps.logger.error({ err, event }, 'device event listener failed'));
  const locations = new LocationService(new KyselyLocationStore(db), clock, newId);
  const types = new DeviceTypeService(new KyselyDeviceTypeStore(db), validator, clock, newId);
  const deviceStore = new KyselyDeviceStore(database);
  const sensorStore = new KyselySensorStore(db);
  const devices = new DeviceService(deviceStore, types, locations, validator, events, clock, newId);
  locations.onChanged(async (orgId, scope) => {
    await devices.refreshBaseTopics(orgId, scope);
  });
  locations.onSiteSaved((orgId, siteId) => events.emit('registryChanged', { orgId, places: [siteId] }));
  const sensors = new SensorService(sensorStore, new KyselyDatastreamStore(db, newId), devices, events, clock, newId);
  const brokerAddress: BrokerAddress = {
    host: deps.config.mqttPublicHost,
    port: deps.config.mqttPublicPort ?? deps.config.mqttPort,
  };
  const provisioning = new ProvisioningService(deviceStore, devices, types, events, brokerAddress, clock);
  const importer = new DeviceImportService(
    devices,
    deviceStore,
    sensorStore,
    new KyselyDeviceImportStore(db),
    types,
    locations,
    validator,
    clock,
    newId,
    schemas,
  );
  return {
    locations,
    types,
    devices,
    sensors,
    provisioning,
    importer,
    events,
    provisioningRateLimit: deps.config.provisioningRateLimit,
    brokerAddress,
    async ensureDefaults(orgId) {
      await locations.ensureDefaultSite(orgId);
      await types.ensureBuiltins(orgId);
    },
  };
}
