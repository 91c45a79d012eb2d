import type { DerivedDatastream, DerivedDefinition } from '../derived/derived.js';
import type { DerivedInput } from '../derived/derived.service.js';
import type { Clock } from '../shared/clock.js';
import { conflict, invalid, notFound } from '../shared/errors.js';
import { type IdGenerator, isUuid } from '../shared/ids.js';
import type { Page, PageRequest } from '../shared/page.js';
import type { DeviceEvents } from './device-events.js';
import type { Datastream, DatastreamKey, DatastreamStore, Sensor, SensorInput, SensorStore } from './devices.js';
import type { DeviceService } from './devices.service.js';

const UNIT_RE = /^[^\s]{1,64}$/;
const PROPERTY_RE = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/;

/**
 * Derived definitions (src/derived, DerivedService), for a datastream created with one
 * (`POST /api/datastreams` with `derived`); attached by the composition root.
 */
export interface DatastreamDerivation {
  /** Checks a definition for a datastream not created yet; a 400 names `derived.<field>`. */
  checkNew(orgId: string, input: DerivedInput): Promise<DerivedDefinition>;
  /** Makes the datastream just created derived. */
  attach(orgId: string, id: number, definition: DerivedDefinition): Promise<DerivedDatastream>;
}

/** Sensors of devices and their datastreams; `resolveDatastreams` is the pipeline's find-or-create. */
export class SensorService {
  private derivation: DatastreamDerivation | undefined;

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

  /** Derived datastreams become available (`createDerivedDatastream`). */
  attachDerivation(derivation: DatastreamDerivation): void {
    this.derivation = derivation;
  }

  async createDatastream(
    orgId: string,
    input: { sensor?: string | undefined; observedProperty: string; unit: string },
  ): Promise<Datastream> {
    this.checkDatastream(input);
    if (input.sensor === undefined) throw invalid('sensor', 'name the sensor (its id) the datastream belongs to');
    return this.insertDatastream(orgId, input.sensor, input);
  }

  /**
   * A datastream and its derived definition in one call: the definition is checked first, so
   * nothing is created when it is wrong (400 naming `derived.<field>`). Without `sensor`, it goes
   * on the sensor of the first input (all inputs on one device). Should the definition not be
   * kept after all, the datastream is removed again.
   */
  async createDerivedDatastream(
    orgId: string,
    input: { sensor?: string | undefined; observedProperty: string; unit: string; derived: DerivedInput },
  ): Promise<{ datastream: Datastream; derived: DerivedDatastream }> {
    if (!this.derivation) throw invalid('derived', 'derived datastreams are not available in this process');
    this.checkDatastream(input);
    const definition = await this.derivation.checkNew(orgId, input.derived);
    let sensor = input.sensor;
    if (sensor === undefined) {
      const inputs = [];
      for (const id of Object.values(definition.inputs)) {
        const ds = await this.datastreams.find(orgId, id);
        if (ds) inputs.push(ds);
      }
      const devices = new Set(inputs.map((d) => d.deviceId));
      if (devices.size !== 1 || !inputs[0])
        throw invalid('sensor', 'the inputs are on several devices: name the sensor the datastream belongs to');
      sensor = inputs[0].sensorId;
    }
    const datastream = await this.insertDatastream(orgId, sensor, input);
    try {
      return { datastream, derived: await this.derivation.attach(orgId, datastream.id, definition) };
    } catch (err) {
      await this.datastreams.delete(orgId, datastream.id);
      throw err;
    }
  }

  private checkDatastream(input: { observedProperty: string; unit: string }): void {
    if (!PROPERTY_RE.test(input.observedProperty))
      throw invalid('observedProperty', 'an observed property is 1–100 letters, digits, _ . : - (e.g. temperature)');
    if (!UNIT_RE.test(input.unit)) throw invalid('unit', 'a unit is a UCUM code without spaces, e.g. Cel, %, hPa');
  }

  private async insertDatastream(
    orgId: string,
    sensorRef: string,
    input: { observedProperty: string; unit: string },
  ): Promise<Datastream> {
    const sensor = isUuid(sensorRef) ? await this.sensors.find(orgId, sensorRef.toLowerCase()) : undefined;
    if (!sensor) throw invalid('sensor', `sensor ${sensorRef} not found`);
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
