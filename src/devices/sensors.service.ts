import type { Clock } from '../shared/clock.js';
import { conflict, invalid, notFound } from '../shared/errors.js';
import { type IdGenerator, isUuid } from '../shared/ids.js';
import type { Page, PageRequest } from '../shared/page.js';
import type { DeviceEvents } from './device-events.js';
import type { Datastream, DatastreamKey, DatastreamStore, Sensor, SensorInput, SensorStore } from './devices.js';
import type { DeviceService } from './devices.service.js';

const UNIT_RE = /^[^\s]{1,64}$/;
const PROPERTY_RE = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/;

/** Sensors of devices and their datastreams; `resolveDatastreams` is the pipeline's find-or-create. */
export class SensorService {
  constructor(
    private readonly sensors: SensorStore,
    private readonly datastreams: DatastreamStore,
    private readonly devices: DeviceService,
    private readonly events: DeviceEvents,
    private readonly clock: Clock,
    private readonly newId: IdGenerator,
  ) {}

  async create(orgId: string, deviceRef: string, input: SensorInput): Promise<Sensor> {
    const device = await this.devices.get(orgId, deviceRef);
    const externalId = input.externalId ?? input.code;
    await this.checkUnique(orgId, device.id, input.code, externalId);
    const now = this.clock();
    const sensor: Sensor = {
      id: this.newId(),
      orgId,
      deviceId: device.id,
      code: input.code,
      externalId,
      brand: input.brand ?? null,
      model: input.model ?? null,
      description: input.description ?? null,
      properties: input.properties ?? {},
      archiveDays: input.archiveDays ?? null,
      createdAt: now,
      updatedAt: now,
    };
    await this.sensors.insert(sensor);
    await this.events.emit('registryChanged', { orgId, sensors: [sensor.id] });
    return sensor;
  }

  async get(orgId: string, id: string): Promise<Sensor> {
    const sensor = isUuid(id) ? await this.sensors.find(orgId, id.toLowerCase()) : undefined;
    if (!sensor) throw notFound('sensor', id);
    return sensor;
  }

  async list(orgId: string, deviceRef: string, page: PageRequest): Promise<Page<Sensor>> {
    const device = await this.devices.get(orgId, deviceRef);
    return this.sensors.list(orgId, device.id, page);
  }

  async update(orgId: string, id: string, patch: Partial<SensorInput>): Promise<Sensor> {
    const sensor = await this.get(orgId, id);
    await this.checkUnique(orgId, sensor.deviceId, patch.code, patch.externalId, sensor.id);
    await this.sensors.update(orgId, sensor.id, { ...patch, updatedAt: this.clock() });
    await this.events.emit('registryChanged', { orgId, sensors: [sensor.id] });
    return this.get(orgId, sensor.id);
  }

  /** Deletes the sensor with its datastreams; `datastreamsDeleted` takes their measurements. */
  async delete(orgId: string, id: string): Promise<void> {
    const sensor = await this.get(orgId, id);
    const ids = await this.datastreams.idsOfSensor(orgId, sensor.id);
    await this.sensors.delete(orgId, sensor.id);
    if (ids.length > 0) await this.events.emit('datastreamsDeleted', { orgId, ids });
  }

  // ---- datastreams ---------------------------------------------------------------------

  /**
   * The pipeline's find-or-create: one datastream id per key (same order), creating missing
   * sensors (code = externalId) and datastreams in one transaction. The device must be the
   * organisation's (the caller resolved it).
   */
  resolveDatastreams(orgId: string, deviceId: string, keys: DatastreamKey[]): Promise<number[]> {
    return this.datastreams.resolve(orgId, deviceId, keys, this.clock());
  }

  async createDatastream(orgId: string, input: { sensor: string; observedProperty: string; unit: string }): Promise<Datastream> {
    if (!PROPERTY_RE.test(input.observedProperty))
      throw invalid('observedProperty', 'an observed property is 1–100 letters, digits, _ . : - (e.g. temperature)');
    if (!UNIT_RE.test(input.unit)) throw invalid('unit', 'a unit is a UCUM code without spaces, e.g. Cel, %, hPa');
    const sensor = isUuid(input.sensor) ? await this.sensors.find(orgId, input.sensor.toLowerCase()) : undefined;
    if (!sensor) throw invalid('sensor', `sensor ${input.sensor} not found`);
    const created = await this.datastreams.insert({
      orgId,
      deviceId: sensor.deviceId,
      sensorId: sensor.id,
      observedProperty: input.observedProperty,
      unit: input.unit,
      createdAt: this.clock(),
    });
    if (!created)
      throw conflict(
        'observedProperty',
        input.observedProperty,
        `sensor ${sensor.code} has a ${input.observedProperty} datastream in ${input.unit} already`,
      );
    await this.events.emit('registryChanged', { orgId, datastreams: [created.id] });
    return created;
  }

  async getDatastream(orgId: string, id: string): Promise<Datastream> {
    const n = /^\d{1,15}$/.test(id) ? Number(id) : Number.NaN;
    const ds = Number.isSafeInteger(n) ? await this.datastreams.find(orgId, n) : undefined;
    if (!ds) throw notFound('datastream', id);
    return ds;
  }

  async deleteDatastream(orgId: string, id: string): Promise<void> {
    const ds = await this.getDatastream(orgId, id);
    await this.datastreams.delete(orgId, ds.id);
    await this.events.emit('datastreamsDeleted', { orgId, ids: [ds.id] });
  }

  async listDatastreams(orgId: string, of: { device?: string | undefined; sensor?: string | undefined }, page: PageRequest) {
    const deviceId = of.device === undefined ? undefined : (await this.devices.get(orgId, of.device)).id;
    const sensorId = of.sensor === undefined ? undefined : (await this.get(orgId, of.sensor)).id;
    return this.datastreams.list(orgId, { deviceId, sensorId }, page);
  }

  private async checkUnique(orgId: string, deviceId: string, code?: string, externalId?: string, selfId?: string) {
    if (code !== undefined) {
      const same = await this.sensors.findByCode(orgId, deviceId, code);
      if (same && same.id !== selfId) throw conflict('code', code);
    }
    if (externalId !== undefined) {
      const same = await this.sensors.findByExternalId(orgId, deviceId, externalId);
      if (same && same.id !== selfId)
        throw conflict('externalId', externalId, `sensor ${same.code} has externalId ${externalId}`);
    }
  }
}
