import type { Kysely, Transaction } from 'kysely';
import type { Schema } from '../../db/schema.js';
import { deviceWrites } from '../../devices/device-writes.store.js';
import type { Measurement, ValueRow } from '../../measurements/measurements.js';
import { uuidv7 } from '../../shared/ids.js';
import { toJsonColumn } from '../../shared/json.js';
import { KIND_ONE, type NonNumericValue, type ValueKind, valueKindOf } from '../../shared/values.js';
import { kindOfObservationType, type SetName } from './entities.js';
import {
  type Body,
  instant,
  isObject,
  linkId,
  optionalObject,
  optionalString,
  pointOf,
  requiredString,
  slugOf,
} from './sta-body.js';
import { type AliasKind, keyOf, recordPlacement } from './sta-ids.js';
import { WriteError } from './sta-write-error.js';
import { OBSERVED_PROPERTIES, UNASSIGNED_SENSORS } from './vocabulary.js';

type Tx = Transaction<Schema> | Kysely<Schema>;

export const bad = (field: string, message: string) => new WriteError(400, 'VALIDATION_FAILED', message, field);
const missing = (what: string, id: unknown) =>
  new WriteError(400, 'VALIDATION_FAILED', `${what} ${String(id)} does not exist`, what);

/**
 * Creates SensorThings entities as Polder registry rows, inside one transaction so a deep
 * insert is all or nothing. Observations found inline are collected in `observations` and
 * stored by the caller after the commit (through the measurement service, which announces them).
 */
export class StaCreator {
  readonly observations: Measurement[] = [];
  /** Non-numeric results (text, booleans, JSON), stored in measurement_values. */
  readonly values: ValueRow[] = [];
  /** Every entity created, in order (a deep insert's nested ones too), for MQTT announcements. */
  readonly created: { set: SetName; key: string | number }[] = [];

  constructor(
    private readonly tx: Tx,
    private readonly orgId: string,
    private readonly now: number,
  ) {}

  async thing(body: Body): Promise<string> {
    const name = requiredString(body, 'name', bad);
    const id = uuidv7();
    const placed = await this.placeOf(body.Locations);
    const place = placed?.columns;
    if (body.HistoricalLocations !== undefined) arrayOf(body.HistoricalLocations, 'HistoricalLocations');
    await deviceWrites.insertThing(this.tx, {
      id,
      orgId: this.orgId,
      code: await this.freeCode(name),
      description: optionalString(body, 'description', bad) ?? null,
      place,
      properties: optionalObject(body, 'properties', bad) ?? {},
      now: this.now,
    });
    this.created.push({ set: 'Things', key: id });
    // Linking a Location creates a HistoricalLocation (SensorThings 1.1 §10.2.1.3).
    if (placed)
      this.created.push({ set: 'HistoricalLocations', key: await recordPlacement(this.tx, this.orgId, id, placed.id, this.now) });
    for (const ds of arrayOf(body.Datastreams, 'Datastreams')) await this.datastream({ ...ds, Thing: { '@iot.id': id } });
    return id;
  }

  /** A device's place from `Locations` (links or one inline Location): the columns to set. */
  async placeOf(locations: unknown) {
    const list = arrayOf(locations, 'Locations');
    if (list.length === 0) return undefined;
    if (list.length > 1) throw bad('Locations', 'a Polder device has one place: give one Location');
    const first = list[0] as Body;
    const ref = linkId(first);
    const id = ref === undefined ? await this.location(first) : await this.key('place', ref, 'Location');
    return { id, columns: await this.placeColumns(id) };
  }

  /** The registry key of a link (`{"@iot.id": 5}` is an alias, a string the registry key). */
  async key(kind: AliasKind, ref: string | number, what: string): Promise<string> {
    const key = await keyOf(this.tx, this.orgId, kind, ref);
    if (key === undefined) throw missing(what, ref);
    return key;
  }

  async placeColumns(locationId: string) {
    const none = { site_id: null, building_id: null, room_id: null, latitude: null, longitude: null };
    const site = await this.tx
      .selectFrom('sites')
      .select('id')
      .where('org_id', '=', this.orgId)
      .where('id', '=', locationId)
      .executeTakeFirst();
    if (site) return { ...none, site_id: site.id };
    const building = await this.tx
      .selectFrom('buildings')
      .select(['id', 'site_id'])
      .where('org_id', '=', this.orgId)
      .where('id', '=', locationId)
      .executeTakeFirst();
    if (building) return { ...none, site_id: building.site_id, building_id: building.id };
    const room = await this.tx
      .selectFrom('rooms')
      .innerJoin('buildings', 'buildings.id', 'rooms.building_id')
      .select(['rooms.id as room_id', 'buildings.id as building_id', 'buildings.site_id as site_id'])
      .where('rooms.org_id', '=', this.orgId)
      .where('rooms.id', '=', locationId)
      .executeTakeFirst();
    if (room) return { ...none, ...room };
    const device = await this.tx
      .selectFrom('devices')
      .select(['latitude', 'longitude'])
      .where('org_id', '=', this.orgId)
      .where('id', '=', locationId)
      .where('latitude', 'is not', null)
      .executeTakeFirst();
    if (device) return { ...none, latitude: device.latitude, longitude: device.longitude };
    throw missing('Location', locationId);
  }

  /** A Location (or FeatureOfInterest) is a site with coordinates. */
  async location(body: Body, geometryField = 'location'): Promise<string> {
    const name = requiredString(body, 'name', bad);
    const [lon, lat] = pointOf(body[geometryField], geometryField, bad);
    const id = uuidv7();
    await this.tx
      .insertInto('sites')
      .values({
        id,
        org_id: this.orgId,
        slug: await this.freeSlug(slugOf(name)),
        name,
        description: optionalString(body, 'description', bad) ?? null,
        latitude: lat,
        longitude: lon,
        time_zone: null,
        is_default: 0,
        created_at: this.now,
        updated_at: this.now,
      })
      .execute();
    this.created.push({ set: geometryField === 'feature' ? 'FeaturesOfInterest' : 'Locations', key: id });
    return id;
  }

  /** A Sensor waits on a holding device until a Datastream gives it a Thing. */
  async sensor(body: Body, deviceId?: string): Promise<string> {
    const name = requiredString(body, 'name', bad);
    const device = deviceId ?? (await this.holdingDevice());
    const id = uuidv7();
    const code = await this.freeSensorCode(device, name);
    await this.tx
      .insertInto('sensors')
      .values({
        id,
        org_id: this.orgId,
        device_id: device,
        code,
        external_id: code,
        brand: null,
        model: optionalString(body, 'metadata', bad)?.slice(0, 200) ?? null,
        description: optionalString(body, 'description', bad) ?? null,
        properties: toJsonColumn(optionalObject(body, 'properties', bad) ?? {}),
        archive_days: null,
        created_at: this.now,
        updated_at: this.now,
      })
      .execute();
    this.created.push({ set: 'Sensors', key: id });
    return id;
  }

  async observedProperty(body: Body): Promise<string> {
    const name = requiredString(body, 'name', bad);
    const definition = requiredString(body, 'definition', bad);
    // A definition Polder knows maps to its own key, so decoders' datastreams and STA ones meet.
    const known = Object.entries(OBSERVED_PROPERTIES).find(([, p]) => p.definition === definition && p.name === name)?.[0];
    let key = known ?? slugOf(name).replace(/-/g, '_');
    const taken = async (k: string) =>
      (await this.tx
        .selectFrom('sta_observed_properties')
        .select('key')
        .where('org_id', '=', this.orgId)
        .where('key', '=', k)
        .executeTakeFirst()) !== undefined;
    for (let n = 2; await taken(key); n++) key = `${known ?? slugOf(name).replace(/-/g, '_')}_${n}`;
    await this.tx
      .insertInto('sta_observed_properties')
      .values({
        org_id: this.orgId,
        key,
        name,
        definition,
        description: optionalString(body, 'description', bad) ?? '',
        properties: toJsonColumn(optionalObject(body, 'properties', bad) ?? null),
        created_at: this.now,
      })
      .execute();
    this.created.push({ set: 'ObservedProperties', key });
    return key;
  }

  async datastream(body: Body): Promise<number> {
    requiredString(body, 'name', bad);
    const uom = optionalObject(body, 'unitOfMeasurement', bad);
    if (!uom) throw bad('unitOfMeasurement', 'unitOfMeasurement is required');
    const unit = String(uom.symbol ?? uom.name ?? '1') || '1';
    const thingRef = linkId(body.Thing);
    const thing =
      thingRef !== undefined
        ? await this.key('thing', thingRef, 'Thing')
        : await this.existingOrNew(body.Thing, 'Thing', (b) => this.thing(b));
    const device = await this.tx
      .selectFrom('devices')
      .select('id')
      .where('org_id', '=', this.orgId)
      .where('id', '=', String(thing))
      .executeTakeFirst();
    if (!device) throw missing('Thing', thing);
    const sensorRef = linkId(body.Sensor);
    const sensorId =
      sensorRef !== undefined
        ? await this.attachSensor(await this.key('sensor', sensorRef, 'Sensor'), device.id)
        : isObject(body.Sensor)
          ? await this.sensor(body.Sensor, device.id)
          : undefined;
    if (!sensorId) throw bad('Sensor', 'a Datastream needs a Sensor');
    const opRef = linkId(body.ObservedProperty);
    const property =
      opRef !== undefined
        ? await this.existingProperty(await this.key('op', opRef, 'ObservedProperty'))
        : isObject(body.ObservedProperty)
          ? await this.observedProperty(body.ObservedProperty)
          : undefined;
    if (!property) throw bad('ObservedProperty', 'a Datastream needs an ObservedProperty');
    const clash = await this.tx
      .selectFrom('datastreams')
      .select('id')
      .where('sensor_id', '=', sensorId)
      .where('observed_property', '=', property)
      .where('unit', '=', unit)
      .executeTakeFirst();
    if (clash)
      throw new WriteError(409, 'CONFLICT', `Datastream ${clash.id} already links this Sensor, ObservedProperty and unit`);
    const row = await this.tx
      .insertInto('datastreams')
      .values({
        org_id: this.orgId,
        device_id: device.id,
        sensor_id: sensorId,
        observed_property: property,
        unit,
        value_kind: kindOfObservationType(body.observationType),
        created_at: this.now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const id = Number(row.id);
    await this.tx
      .insertInto('sta_datastreams')
      .values({
        datastream_id: id,
        name: optionalString(body, 'name', bad) ?? null,
        description: optionalString(body, 'description', bad) ?? null,
        properties: toJsonColumn(optionalObject(body, 'properties', bad) ?? null),
      })
      .execute();
    this.created.push({ set: 'Datastreams', key: id });
    const kind = kindOfObservationType(body.observationType) as ValueKind;
    for (const o of arrayOf(body.Observations, 'Observations'))
      this.observation({ ...o, Datastream: { '@iot.id': id } }, id, kind);
    return id;
  }

  /** A HistoricalLocation records a placement of a device; the device moves there. Answers its id. */
  async historicalLocation(thingId: string, locationId: string, time?: number): Promise<number> {
    const place = await this.placeColumns(locationId);
    if (!(await deviceWrites.place(this.tx, this.orgId, thingId, place, time ?? this.now))) throw missing('Thing', thingId);
    const id = await recordPlacement(this.tx, this.orgId, thingId, locationId, time ?? this.now);
    this.created.push({ set: 'HistoricalLocations', key: id });
    return id;
  }

  /**
   * Validates an Observation and queues it: a number for a numeric datastream, text, a boolean
   * or JSON for a datastream of that kind (its observationType). Answers its id.
   */
  observation(body: Body, datastreamId: number, kind: ValueKind = 'number'): string {
    const time = instant(body.phenomenonTime, 'phenomenonTime', bad) ?? this.now;
    const result = body.result;
    const got = valueKindOf(result);
    if (got === undefined) throw bad('result', 'result is required (a number, text, a boolean or JSON)');
    if (got !== kind) throw bad('result', `result must be ${KIND_ONE[kind]}: the Datastream's observationType says so`);
    if (kind === 'number') this.observations.push({ datastreamId, time, value: result as number });
    else this.values.push({ datastreamId, time, value: result as NonNumericValue });
    return `${datastreamId}-${time}`;
  }

  private async existingOrNew(v: unknown, what: string, create: (b: Body) => Promise<string>): Promise<string> {
    const ref = linkId(v);
    if (ref !== undefined) return String(ref);
    if (isObject(v)) return create(v);
    throw bad(what, `a ${what} link or inline entity is required`);
  }

  private async existingProperty(key: string): Promise<string> {
    const known = await this.tx
      .selectFrom('datastreams')
      .select('observed_property as key')
      .where('org_id', '=', this.orgId)
      .where('observed_property', '=', key)
      .union(this.tx.selectFrom('sta_observed_properties').select('key').where('org_id', '=', this.orgId).where('key', '=', key))
      .executeTakeFirst();
    if (!known) throw missing('ObservedProperty', key);
    return key;
  }

  /** A Sensor links to the Thing of its first Datastream; Polder sensors belong to one device. */
  private async attachSensor(sensorId: string, deviceId: string): Promise<string> {
    const sensor = await this.tx
      .selectFrom('sensors')
      .innerJoin('devices', 'devices.id', 'sensors.device_id')
      .select(['sensors.id', 'sensors.device_id', 'devices.code'])
      .where('sensors.org_id', '=', this.orgId)
      .where('sensors.id', '=', sensorId)
      .executeTakeFirst();
    if (!sensor) throw missing('Sensor', sensorId);
    if (sensor.device_id === deviceId) return sensor.id;
    if (sensor.code !== UNASSIGNED_SENSORS)
      throw new WriteError(
        409,
        'CONFLICT',
        `Sensor ${sensorId} belongs to another Thing (a Polder sensor is part of one device)`,
        'Sensor',
      );
    await this.tx.updateTable('sensors').set({ device_id: deviceId, updated_at: this.now }).where('id', '=', sensor.id).execute();
    return sensor.id;
  }

  private async holdingDevice(): Promise<string> {
    const found = await this.tx
      .selectFrom('devices')
      .select('id')
      .where('org_id', '=', this.orgId)
      .where('code', '=', UNASSIGNED_SENSORS)
      .executeTakeFirst();
    if (found) return found.id;
    return this.thing({ name: UNASSIGNED_SENSORS, description: 'Sensors created through SensorThings, not yet on a Thing' });
  }

  private async freeCode(name: string): Promise<string> {
    const base = name.slice(0, 100);
    let code = base;
    for (let n = 2; ; n++) {
      const taken = await this.tx
        .selectFrom('devices')
        .select('id')
        .where('org_id', '=', this.orgId)
        .where('code', '=', code)
        .executeTakeFirst();
      if (!taken) return code;
      code = `${base}~${n}`;
    }
  }

  private async freeSensorCode(deviceId: string, name: string): Promise<string> {
    const base = name.slice(0, 100);
    let code = base;
    for (let n = 2; ; n++) {
      const taken = await this.tx
        .selectFrom('sensors')
        .select('id')
        .where('device_id', '=', deviceId)
        .where((eb) => eb.or([eb('code', '=', code), eb('external_id', '=', code)]))
        .executeTakeFirst();
      if (!taken) return code;
      code = `${base}~${n}`;
    }
  }

  private async freeSlug(base: string): Promise<string> {
    let slug = base;
    for (let n = 2; ; n++) {
      const taken = await this.tx
        .selectFrom('sites')
        .select('id')
        .where('org_id', '=', this.orgId)
        .where('slug', '=', slug)
        .executeTakeFirst();
      if (!taken) return slug;
      slug = `${base}-${n}`;
    }
  }
}

export function arrayOf(v: unknown, field: string): Body[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || !v.every(isObject)) throw bad(field, `${field} must be an array of objects`);
  return v as Body[];
}
