import type { Database } from '../../src/db/database.js';
import { KyselyDeviceTypeStore } from '../../src/devices/device-types.store.js';
import type { DeviceRow, DeviceType } from '../../src/devices/devices.js';
import type { Site } from '../../src/locations/locations.js';
import { KyselyLocationStore } from '../../src/locations/locations.store.js';
import { uuidv7 } from '../../src/shared/ids.js';
import { KyselyTenancyStore } from '../../src/tenancy/tenancy.store.js';

export const T0 = 1_700_000_000_000;

/** An organisation with a default site and one MQTT device type, straight through the stores. */
export async function seedOrg(database: Database, slug: string) {
  const orgId = uuidv7();
  await new KyselyTenancyStore(database.db).insertOrganisation({
    id: orgId,
    slug,
    name: slug,
    archiveDays: 30,
    settings: {},
    createdAt: T0,
  });
  const site: Site = {
    id: uuidv7(),
    orgId,
    slug: 'main',
    name: 'Main',
    description: null,
    latitude: null,
    longitude: null,
    timeZone: null,
    isDefault: true,
    createdAt: T0,
    updatedAt: T0,
  };
  await new KyselyLocationStore(database.db).insertSite(site);
  const type: DeviceType = {
    id: uuidv7(),
    orgId,
    name: 'esp32',
    connectivity: 'mqtt',
    description: null,
    configSchema: { type: 'object' },
    modules: [],
    createdAt: T0,
    updatedAt: T0,
  };
  await new KyselyDeviceTypeStore(database.db).insert(type);
  return { orgId, site, type };
}

/** A complete device row with defaults; override what the test is about. */
export function deviceRow(orgId: string, siteId: string, typeId: string, over: Partial<DeviceRow> = {}): DeviceRow {
  const code = over.code ?? `dev-${uuidv7().slice(-8)}`;
  return {
    id: uuidv7(),
    orgId,
    code,
    identityKind: null,
    identityValue: null,
    typeId,
    description: null,
    siteId,
    buildingId: null,
    roomId: null,
    outdoor: null,
    baseTopic: null,
    baseTopicOverride: false,
    latitude: null,
    longitude: null,
    altitude: null,
    locationDescription: null,
    properties: {},
    config: {},
    enabled: true,
    offlineAfter: 1800,
    mqttLogin: null,
    mqttPasswordHash: null,
    mqttPasswordDelivered: false,
    state: 'unknown',
    createdAt: T0,
    updatedAt: T0,
    ...over,
  };
}
