/** Device types, devices, sensors and datastreams: the registry's types and storage ports. */

import type { LocationRef, LocationScope } from '../locations/locations.js';
import type { Page, PageRequest } from '../shared/page.js';
import type { ValueKind } from '../shared/values.js';
import type { Identity, IdentityKind } from './identity.js';

export const CONNECTIVITIES = ['mqtt', 'lorawan', 'http', 'none'] as const;
export type Connectivity = (typeof CONNECTIVITIES)[number];

/** Device states; the fleet service moves devices between online/offline/unknown. */
export const DEVICE_STATES = ['online', 'offline', 'unknown', 'disabled'] as const;
export type DeviceState = (typeof DEVICE_STATES)[number];

export const DEFAULT_OFFLINE_AFTER = 1800;
export const DEVICE_CODE = '^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$';
export const DEVICE_CODE_RE = new RegExp(DEVICE_CODE);
export const TYPE_NAME = '^[a-z0-9][a-z0-9._-]{0,62}$';

/** One entry of a neOCampus config's `zones[].modules`, kept as given. */
export interface ModuleEntry {
  module: string;
  unit?: string;
  frequency?: number;
  params?: { param: string; value: unknown }[];
  [extra: string]: unknown;
}

export interface DeviceType {
  id: string;
  orgId: string;
  name: string;
  connectivity: Connectivity;
  description: string | null;
  /** JSON Schema (draft 2020-12) every device's `config` must satisfy. */
  configSchema: Record<string, unknown>;
  /** Modules a device of this type gets in /device/config when its config has none. */
  modules: ModuleEntry[];
  createdAt: number;
  updatedAt: number;
}

export interface DeviceLocation {
  siteId: string | null;
  siteSlug: string | null;
  buildingId: string | null;
  buildingSlug: string | null;
  roomId: string | null;
  roomSlug: string | null;
  outdoor: string | null;
}

export interface Device {
  id: string;
  orgId: string;
  code: string;
  identity: Identity | null;
  typeId: string | null;
  typeName: string | null;
  connectivity: Connectivity;
  description: string | null;
  location: DeviceLocation;
  baseTopic: string | null;
  /** True when baseTopic was set by hand rather than derived from the location. */
  baseTopicOverride: boolean;
  latitude: number | null;
  longitude: number | null;
  altitude: number | null;
  locationDescription: string | null;
  properties: Record<string, unknown>;
  config: Record<string, unknown>;
  enabled: boolean;
  offlineAfter: number;
  mqttLogin: string | null;
  /** A password is set (its digest is never read outside the store). */
  mqttPasswordSet: boolean;
  mqttPasswordDelivered: boolean;
  state: string;
  lastSeenAt: number | null;
  lastStatus: unknown;
  createdAt: number;
  updatedAt: number;
}

/** What the service writes: every column it owns (fleet-owned last_seen_at/last_status excluded). */
export interface DeviceRow {
  id: string;
  orgId: string;
  code: string;
  identityKind: IdentityKind | null;
  identityValue: string | null;
  typeId: string;
  description: string | null;
  siteId: string;
  buildingId: string | null;
  roomId: string | null;
  outdoor: string | null;
  baseTopic: string | null;
  baseTopicOverride: boolean;
  latitude: number | null;
  longitude: number | null;
  altitude: number | null;
  locationDescription: string | null;
  properties: Record<string, unknown>;
  config: Record<string, unknown>;
  enabled: boolean;
  offlineAfter: number;
  mqttLogin: string | null;
  mqttPasswordHash: string | null;
  mqttPasswordDelivered: boolean;
  state: string;
  createdAt: number;
  updatedAt: number;
}

/** What a bulk import needs to know of each existing device. */
export interface DeviceKeys {
  id: string;
  code: string;
  identityKind: string | null;
  identityValue: string | null;
  mqttLogin: string | null;
  mqttPasswordHash: string | null;
  mqttPasswordDelivered: boolean;
  state: string;
  createdAt: number;
}

/** A device as a request describes it (create, full replace by import). */
export interface DeviceInput {
  code: string;
  identity?: { kind: IdentityKind; value: string } | null | undefined;
  type: string;
  description?: string | null | undefined;
  location?: LocationRef | undefined;
  baseTopic?: string | null | undefined;
  latitude?: number | null | undefined;
  longitude?: number | null | undefined;
  altitude?: number | null | undefined;
  locationDescription?: string | null | undefined;
  properties?: Record<string, unknown> | undefined;
  config?: Record<string, unknown> | undefined;
  enabled?: boolean | undefined;
  offlineAfter?: number | undefined;
}

export type DevicePatch = Partial<DeviceInput>;

export type DeviceSort = 'code' | '-code' | 'createdAt' | '-createdAt' | 'lastSeenAt' | '-lastSeenAt';

/** List filters, already resolved to ids and canonical values by the service. */
export interface DeviceFilter {
  siteId?: string | undefined;
  buildingIds?: string[] | undefined;
  roomIds?: string[] | undefined;
  typeId?: string | undefined;
  state?: string | undefined;
  enabled?: boolean | undefined;
  /** Any of these identities (a bare value may be a MAC or a serial…). */
  identities?: Identity[] | undefined;
  /** Case-insensitive substring of code or description. */
  text?: string | undefined;
  bbox?: { minLon: number; minLat: number; maxLon: number; maxLat: number } | undefined;
  near?: { lat: number; lon: number; radius: number } | undefined;
  /** JSON containment, as PostgreSQL's `@>`. */
  properties?: Record<string, unknown> | undefined;
}

export interface Sensor {
  id: string;
  orgId: string;
  deviceId: string;
  code: string;
  /** The key a decoder emits for this sensor (LPP channel, neOCampus subID …). */
  externalId: string;
  brand: string | null;
  model: string | null;
  description: string | null;
  properties: Record<string, unknown>;
  /** Retention of raw measurements in days; null = the organisation's default. */
  archiveDays: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface SensorInput {
  code: string;
  externalId?: string | undefined;
  brand?: string | null | undefined;
  model?: string | null | undefined;
  description?: string | null | undefined;
  properties?: Record<string, unknown> | undefined;
  archiveDays?: number | null | undefined;
}

export interface Datastream {
  id: number;
  orgId: string;
  deviceId: string;
  sensorId: string;
  sensorCode: string;
  observedProperty: string;
  /** UCUM code (Cel, %, hPa, lx …); "" for values without a unit. */
  unit: string;
  /** What it holds: numbers, text, booleans or JSON (set when it is created). */
  valueKind: ValueKind;
  createdAt: number;
}

/** What the pipeline knows of a measurement's series. */
export interface DatastreamKey {
  /** The sensor's externalId. */
  sensor: string;
  observedProperty: string;
  unit: string;
  /** The kind a new datastream gets (default number). */
  kind?: ValueKind | undefined;
}

/** A resolved series: its id and the kind of value it holds. */
export interface ResolvedSeries {
  id: number;
  kind: ValueKind;
}

export interface DeviceTypeStore {
  insert(type: DeviceType): Promise<void>;
  /** Inserts the ones whose name is free; existing names are left alone. */
  insertMissing(types: DeviceType[]): Promise<void>;
  update(orgId: string, id: string, patch: Partial<Omit<DeviceType, 'id' | 'orgId' | 'createdAt'>>): Promise<void>;
  delete(orgId: string, id: string): Promise<boolean>;
  find(orgId: string, idOrName: string): Promise<DeviceType | undefined>;
  list(orgId: string, page: PageRequest): Promise<Page<DeviceType>>;
  all(orgId: string): Promise<DeviceType[]>;
  countDevices(orgId: string, typeId: string): Promise<number>;
}

export interface DeviceStore {
  insert(row: DeviceRow): Promise<void>;
  update(orgId: string, id: string, row: Partial<DeviceRow>): Promise<boolean>;
  delete(orgId: string, id: string): Promise<boolean>;
  /** Ids of the datastreams of a device (their measurements go when it is deleted). */
  datastreamIds(orgId: string, deviceId: string): Promise<number[]>;
  find(orgId: string, idOrCode: string): Promise<Device | undefined>;
  /** Devices with this identity: in one organisation, or in all (provisioning, which has no org). */
  findByIdentity(identity: Identity, orgId?: string): Promise<Device[]>;
  /** Devices publishing under this base topic (several may share a room): in one organisation or all. */
  findByBaseTopic(topic: string, orgId?: string): Promise<Device[]>;
  /** The device owning an MQTT login, with its password digest (null when not yet issued). */
  findByMqttLogin(login: string): Promise<{ device: Device; passwordHash: string | null } | undefined>;
  list(orgId: string, filter: DeviceFilter, sort: DeviceSort, page: PageRequest): Promise<Page<Device>>;
  /** Every device matching, in code order (export). */
  all(orgId: string, filter: DeviceFilter): Promise<Device[]>;
  /** Which of these MQTT logins are taken, in any organisation. */
  loginsTaken(logins: string[]): Promise<Set<string>>;
  /**
   * A base topic of another organisation's MQTT device that equals `topic`, is a prefix of it
   * or lies under it (base topics are global names on a shared broker); undefined: none.
   */
  baseTopicHeldElsewhere(orgId: string, topic: string): Promise<string | undefined>;
  /** Which of these identities (`kind:value`) devices of other organisations hold (identities are platform-wide). */
  identitiesElsewhere(orgId: string, identities: Identity[]): Promise<Set<string>>;
  /** Stores a password digest and marks it delivered, only if none was delivered since (first caller wins). */
  deliverPassword(id: string, passwordHash: string, now: number): Promise<boolean>;
  /** Devices whose derived base topic depends on this location (overrides excluded). */
  topicInputs(
    orgId: string,
    scope: LocationScope,
  ): Promise<{ id: string; location: DeviceLocation; siteIsDefault: boolean; mqtt: boolean }[]>;
  setBaseTopics(orgId: string, topics: { id: string; baseTopic: string | null }[], now: number): Promise<void>;
  /** Identity, code and login of every device of the organisation (bulk import checks). */
  keys(orgId: string): Promise<DeviceKeys[]>;
  /** Insert-or-update by (org, code) in multi-row statements. */
  upsertMany(rows: DeviceRow[]): Promise<void>;
}

export interface SensorStore {
  insert(sensor: Sensor): Promise<void>;
  update(orgId: string, id: string, patch: Partial<Omit<Sensor, 'id' | 'orgId' | 'deviceId' | 'createdAt'>>): Promise<void>;
  delete(orgId: string, id: string): Promise<boolean>;
  find(orgId: string, id: string): Promise<Sensor | undefined>;
  findByCode(orgId: string, deviceId: string, code: string): Promise<Sensor | undefined>;
  findByExternalId(orgId: string, deviceId: string, externalId: string): Promise<Sensor | undefined>;
  list(orgId: string, deviceId: string, page: PageRequest): Promise<Page<Sensor>>;
  /** Sensors of many devices at once (export, import checks). */
  ofDevices(orgId: string, deviceIds?: string[]): Promise<Sensor[]>;
  /** Insert-or-update by (device, code) in multi-row statements. */
  upsertMany(sensors: Sensor[]): Promise<void>;
}

export interface DatastreamStore {
  /**
   * The datastream ids of `keys` (same order) for one device, creating the missing sensors
   * (code = externalId) and datastreams in one transaction; safe under concurrent callers.
   */
  resolve(orgId: string, deviceId: string, keys: DatastreamKey[], now: number): Promise<number[]>;
  /** As resolve, with the kind each datastream holds (an existing one keeps its own kind). */
  resolveSeries(orgId: string, deviceId: string, keys: DatastreamKey[], now: number): Promise<ResolvedSeries[]>;
  /** A new datastream; undefined when (sensor, property, unit) exists already. */
  insert(
    d: Omit<Datastream, 'id' | 'sensorCode' | 'valueKind'> & { valueKind?: ValueKind | undefined },
  ): Promise<Datastream | undefined>;
  find(orgId: string, id: number): Promise<Datastream | undefined>;
  delete(orgId: string, id: number): Promise<boolean>;
  /** Ids of the datastreams of a sensor. */
  idsOfSensor(orgId: string, sensorId: string): Promise<number[]>;
  list(
    orgId: string,
    filter: { deviceId?: string | undefined; sensorId?: string | undefined },
    page: PageRequest,
  ): Promise<Page<Datastream>>;
}

/** One device's latest sign of life (the fleet's Activity). */
export interface DeviceSeen {
  orgId: string;
  deviceId: string;
  at: number;
  /** The status JSON the device sent, when the activity was one. */
  status?: unknown;
}

/** An online device marked offline by the sweep (the fleet's WentOffline). */
export interface DeviceWentSilent {
  orgId: string;
  deviceId: string;
  code: string;
  lastSeenAt: number;
  offlineAfter: number;
}
