import { type Static, Type } from '@sinclair/typebox';
import { IsoTime, MAX_DAYS, Nullable } from '../http/schemas.js';
import { toIso, toIsoOrNull } from '../shared/clock.js';
import { VALUE_KINDS } from '../shared/values.js';
import { CONNECTIVITIES, type Datastream, DEVICE_CODE, type Device, type DeviceType, type Sensor, TYPE_NAME } from './devices.js';
import { IDENTITY_KINDS } from './identity.js';

/** TypeBox schemas of the registry's requests and answers, and the mappers to them. */

const Json = Type.Record(Type.String(), Type.Unknown());

export const ModuleSchema = Type.Object(
  {
    module: Type.String({ minLength: 1, description: 'Module name: temperature, airquality, shutter …' }),
    unit: Type.Optional(Type.String({ description: 'neOCampus unit (driver) name, e.g. lcc_sensor' })),
    frequency: Type.Optional(Type.Number({ minimum: 0, description: 'Seconds between publications' })),
    params: Type.Optional(
      Type.Array(Type.Object({ param: Type.String(), value: Type.Unknown() }, { additionalProperties: true })),
    ),
  },
  { additionalProperties: true, description: 'One entry of neOCampus zones[].modules' },
);

export const ConnectivitySchema = Type.Union(CONNECTIVITIES.map((c) => Type.Literal(c)));

export const DeviceTypeSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  connectivity: ConnectivitySchema,
  description: Nullable(Type.String()),
  configSchema: Json,
  modules: Type.Array(ModuleSchema),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});

export const DeviceTypeBody = {
  name: Type.String({ pattern: TYPE_NAME, description: 'e.g. rpi3, esp32, jetson_nano, lorawan-node' }),
  connectivity: ConnectivitySchema,
  description: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  configSchema: Type.Optional(
    Type.Record(Type.String(), Type.Unknown(), { description: 'JSON Schema (draft 2020-12) of config' }),
  ),
  modules: Type.Optional(Type.Array(ModuleSchema, { description: 'Default modules served by /device/config' })),
};

export const IdentitySchema = Type.Object(
  {
    kind: Type.Union(IDENTITY_KINDS.map((k) => Type.Literal(k))),
    value: Type.String({ minLength: 1, maxLength: 128, description: 'Any notation; stored canonical' }),
  },
  { additionalProperties: false },
);

const Part = (what: string) => Type.String({ minLength: 1, description: `${what} id or slug` });

export const LocationInput = Type.Object(
  {
    site: Type.Optional(Part('Site (default site when absent)')),
    building: Type.Optional(Part('Building')),
    room: Type.Optional(Part('Room')),
    outdoor: Type.Optional(
      Type.String({ minLength: 1, description: 'Outdoor zone (excludes building and room): outside/<zone>' }),
    ),
  },
  { additionalProperties: false },
);

const deviceFields = {
  identity: Type.Optional(Nullable(IdentitySchema)),
  description: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  location: Type.Optional(LocationInput),
  baseTopic: Type.Optional(
    Nullable(
      Type.String({ minLength: 1, maxLength: 200, description: 'Override of the derived base topic; null derives it again' }),
    ),
  ),
  latitude: Type.Optional(Nullable(Type.Number({ minimum: -90, maximum: 90 }))),
  longitude: Type.Optional(Nullable(Type.Number({ minimum: -180, maximum: 180 }))),
  altitude: Type.Optional(Nullable(Type.Number())),
  locationDescription: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  properties: Type.Optional(Json),
  config: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: "Validated against the type's configSchema" })),
  enabled: Type.Optional(Type.Boolean()),
  offlineAfter: Type.Optional(
    Type.Integer({ minimum: 10, maximum: 365 * 86400, description: 'Seconds without news before offline' }),
  ),
};

export const DeviceCode = Type.String({ pattern: DEVICE_CODE, description: 'Unique in the organisation, e.g. rpi3-u4-301' });

export const DeviceCreateBody = Type.Object(
  { code: DeviceCode, type: Type.String({ minLength: 1, description: 'Device type id or name' }), ...deviceFields },
  { additionalProperties: false },
);
export const DevicePatchBody = Type.Object(
  { code: Type.Optional(DeviceCode), type: Type.Optional(Type.String({ minLength: 1 })), ...deviceFields },
  { additionalProperties: false },
);

export const SensorBody = {
  code: Type.String({ pattern: DEVICE_CODE, description: 'Unique on the device' }),
  externalId: Type.Optional(
    Type.String({ minLength: 1, maxLength: 128, description: 'Key a decoder emits (channel, subID); default: code' }),
  ),
  brand: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
  model: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
  description: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  properties: Type.Optional(Json),
  archiveDays: Type.Optional(
    Nullable(Type.Integer({ minimum: 1, maximum: MAX_DAYS, description: "Retention in days; null: the organisation's" })),
  ),
};
export const SensorCreateBody = Type.Object(SensorBody, { additionalProperties: false });

/** A device as import takes it and export gives it: the create body plus its sensors. */
export const ImportDevice = Type.Object(
  {
    code: DeviceCode,
    type: Type.String({ minLength: 1 }),
    ...deviceFields,
    sensors: Type.Optional(Type.Array(SensorCreateBody)),
  },
  { additionalProperties: false },
);
export type ImportDevice = Static<typeof ImportDevice>;

export const DeviceSchema = Type.Object({
  id: Type.String(),
  code: Type.String(),
  identity: Nullable(Type.Object({ kind: Type.String(), value: Type.String() })),
  type: Nullable(Type.String({ description: 'Device type name' })),
  typeId: Nullable(Type.String()),
  connectivity: ConnectivitySchema,
  description: Nullable(Type.String()),
  location: Type.Object({
    site: Nullable(Type.String()),
    building: Nullable(Type.String()),
    room: Nullable(Type.String()),
    outdoor: Nullable(Type.String()),
  }),
  locationIds: Type.Object({ site: Nullable(Type.String()), building: Nullable(Type.String()), room: Nullable(Type.String()) }),
  baseTopic: Nullable(Type.String()),
  baseTopicOverride: Type.Boolean(),
  latitude: Nullable(Type.Number()),
  longitude: Nullable(Type.Number()),
  altitude: Nullable(Type.Number()),
  locationDescription: Nullable(Type.String()),
  properties: Json,
  config: Json,
  enabled: Type.Boolean(),
  offlineAfter: Type.Integer(),
  mqtt: Nullable(
    Type.Object({
      login: Type.String(),
      passwordDelivered: Type.Boolean({ description: 'The password went out; the next /device/credentials call has none' }),
    }),
  ),
  state: Type.String(),
  lastSeenAt: Nullable(IsoTime),
  lastStatus: Type.Unknown(),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});

export const SensorSchema = Type.Object({
  id: Type.String(),
  deviceId: Type.String(),
  code: Type.String(),
  externalId: Type.String(),
  brand: Nullable(Type.String()),
  model: Nullable(Type.String()),
  description: Nullable(Type.String()),
  properties: Json,
  archiveDays: Nullable(Type.Integer()),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});

export const DatastreamSchema = Type.Object({
  id: Type.Integer(),
  deviceId: Type.String(),
  sensorId: Type.String(),
  sensor: Type.String({ description: 'Sensor code' }),
  observedProperty: Type.String(),
  unit: Type.String({ description: 'UCUM code; empty for values without a unit' }),
  valueKind: Type.Union(
    VALUE_KINDS.map((k) => Type.Literal(k)),
    { description: 'What its values are: number, text, boolean or json (any JSON)' },
  ),
  createdAt: IsoTime,
});

export const typeOut = (t: DeviceType) => ({
  id: t.id,
  name: t.name,
  connectivity: t.connectivity,
  description: t.description,
  configSchema: t.configSchema,
  modules: t.modules,
  createdAt: toIso(t.createdAt),
  updatedAt: toIso(t.updatedAt),
});

export const deviceOut = (d: Device) => ({
  id: d.id,
  code: d.code,
  identity: d.identity,
  type: d.typeName,
  typeId: d.typeId,
  connectivity: d.connectivity,
  description: d.description,
  location: {
    site: d.location.siteSlug,
    building: d.location.buildingSlug,
    room: d.location.roomSlug,
    outdoor: d.location.outdoor,
  },
  locationIds: { site: d.location.siteId, building: d.location.buildingId, room: d.location.roomId },
  baseTopic: d.baseTopic,
  baseTopicOverride: d.baseTopicOverride,
  latitude: d.latitude,
  longitude: d.longitude,
  altitude: d.altitude,
  locationDescription: d.locationDescription,
  properties: d.properties,
  config: d.config,
  enabled: d.enabled,
  offlineAfter: d.offlineAfter,
  mqtt: d.mqttLogin === null ? null : { login: d.mqttLogin, passwordDelivered: d.mqttPasswordDelivered },
  state: d.state,
  lastSeenAt: toIsoOrNull(d.lastSeenAt),
  lastStatus: d.lastStatus ?? null,
  createdAt: toIso(d.createdAt),
  updatedAt: toIso(d.updatedAt),
});

export const sensorOut = (s: Sensor) => ({
  id: s.id,
  deviceId: s.deviceId,
  code: s.code,
  externalId: s.externalId,
  brand: s.brand,
  model: s.model,
  description: s.description,
  properties: s.properties,
  archiveDays: s.archiveDays,
  createdAt: toIso(s.createdAt),
  updatedAt: toIso(s.updatedAt),
});

export const datastreamOut = (d: Datastream) => ({
  id: d.id,
  deviceId: d.deviceId,
  sensorId: d.sensorId,
  sensor: d.sensorCode,
  observedProperty: d.observedProperty,
  unit: d.unit,
  valueKind: d.valueKind,
  createdAt: toIso(d.createdAt),
});
