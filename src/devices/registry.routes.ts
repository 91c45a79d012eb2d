import type { TypedApp } from '../http/types.js';
import { locationRoutes } from '../locations/locations.routes.js';
import { deviceImportRoutes } from './device-import.routes.js';
import { deviceTypeRoutes } from './device-types.routes.js';
import { deviceRoutes } from './devices.routes.js';
import { provisioningRoutes } from './provisioning.routes.js';
import type { Registry } from './registry.js';
import { sensorRoutes } from './sensors.routes.js';

/** Every route of the device registry (needs @fastify/rate-limit registered with global: false). */
export function registryRoutes(app: TypedApp, registry: Registry) {
  locationRoutes(app, registry.locations);
  deviceTypeRoutes(app, registry.types);
  deviceImportRoutes(app, registry.importer);
  deviceRoutes(app, registry.devices, registry.provisioning);
  sensorRoutes(app, registry.sensors);
  provisioningRoutes(app, registry.provisioning, { ratePerMinute: registry.provisioningRateLimit });
}
