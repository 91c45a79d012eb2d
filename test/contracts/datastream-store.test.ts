import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KyselyDatastreamStore } from '../../src/devices/datastreams.store.js';
import type { DatastreamKey } from '../../src/devices/devices.js';
import { KyselyDeviceStore } from '../../src/devices/devices.store.js';
import { KyselySensorStore } from '../../src/devices/sensors.store.js';
import { uuidv7 } from '../../src/shared/ids.js';
import { availableDialects, openTestDatabase, type TestDatabase } from '../support/databases.js';
import { deviceRow, seedOrg, T0 } from '../support/registry.js';

const dialects = await availableDialects();

describe.each(dialects)('SensorStore and DatastreamStore contract on %s', (dialect) => {
  let tdb: TestDatabase;
  let sensors: KyselySensorStore;
  let datastreams: KyselyDatastreamStore;
  let orgId: string;
  let otherOrg: string;
  let deviceId: string;
  let device2: string;

  const count = async (table: 'sensors' | 'datastreams') =>
    Number(
      (
        await tdb.database.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    tdb = await openTestDatabase(dialect);
    sensors = new KyselySensorStore(tdb.database.db);
    datastreams = new KyselyDatastreamStore(tdb.database.db, uuidv7);
    const a = await seedOrg(tdb.database, 'alpha');
    const b = await seedOrg(tdb.database, 'beta');
    orgId = a.orgId;
    otherOrg = b.orgId;
    const devices = new KyselyDeviceStore(tdb.database);
    const d1 = deviceRow(orgId, a.site.id, a.type.id, { code: 'neosensor-1' });
    const d2 = deviceRow(orgId, a.site.id, a.type.id, { code: 'neosensor-2' });
    await devices.insert(d1);
    await devices.insert(d2);
    deviceId = d1.id;
    device2 = d2.id;
  });
  afterAll(() => tdb.drop());

  it('creates sensors (code = externalId) and datastreams on first resolve, in key order', async () => {
    const keys: DatastreamKey[] = [
      { sensor: 'ouest', observedProperty: 'temperature', unit: 'Cel' },
      { sensor: 'ouest', observedProperty: 'relative_humidity', unit: '%' },
      { sensor: '3', observedProperty: 'temperature', unit: 'Cel' },
      { sensor: 'ouest', observedProperty: 'temperature', unit: 'Cel' },
    ];
    const ids = await datastreams.resolve(orgId, deviceId, keys, T0);
    expect(ids).toHaveLength(4);
    expect(ids[3]).toBe(ids[0]);
    expect(new Set(ids).size).toBe(3);
    expect(await datastreams.resolve(orgId, deviceId, keys, T0 + 1)).toEqual(ids);
    const created = await sensors.ofDevices(orgId, [deviceId]);
    expect(created.map((s) => [s.code, s.externalId])).toEqual([
      ['3', '3'],
      ['ouest', 'ouest'],
    ]);
    const ds = await datastreams.find(orgId, ids[1] as number);
    expect(ds).toMatchObject({ deviceId, sensorCode: 'ouest', observedProperty: 'relative_humidity', unit: '%', createdAt: T0 });
    expect(await datastreams.find(otherOrg, ids[1] as number)).toBeUndefined();
  });

  it('keeps series of the same property in different units apart', async () => {
    const [cel] = await datastreams.resolve(
      orgId,
      deviceId,
      [{ sensor: 'ouest', observedProperty: 'temperature', unit: 'Cel' }],
      T0,
    );
    const [far] = await datastreams.resolve(
      orgId,
      deviceId,
      [{ sensor: 'ouest', observedProperty: 'temperature', unit: '[degF]' }],
      T0,
    );
    expect(far).not.toBe(cel);
  });

  it('gives every concurrent caller the same ids and creates each row once', async () => {
    const keys = Array.from({ length: 12 }, (_, i) => ({ sensor: `ch${i % 4}`, observedProperty: `p${i}`, unit: 'V' }));
    const sensorsBefore = await count('sensors');
    const streamsBefore = await count('datastreams');
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => datastreams.resolve(orgId, device2, i % 2 ? keys : [...keys].reverse(), T0)),
    );
    for (const [i, r] of results.entries()) expect(i % 2 ? r : [...r].reverse()).toEqual(results[1]);
    expect(await count('sensors')).toBe(sensorsBefore + 4);
    expect(await count('datastreams')).toBe(streamsBefore + 12);
  });

  it('creates a sensor under another code when a hand-made sensor holds the externalId as its code', async () => {
    const now = T0;
    await sensors.insert({
      id: uuidv7(),
      orgId,
      deviceId,
      code: 'nord',
      externalId: 'subid-north',
      brand: 'Maxim',
      model: 'DS18B20',
      description: null,
      properties: {},
      archiveDays: 365,
      createdAt: now,
      updatedAt: now,
    });
    const [viaExternal] = await datastreams.resolve(
      orgId,
      deviceId,
      [{ sensor: 'subid-north', observedProperty: 'temperature', unit: 'Cel' }],
      now,
    );
    expect((await datastreams.find(orgId, viaExternal as number))?.sensorCode).toBe('nord');
    const [viaCode] = await datastreams.resolve(
      orgId,
      deviceId,
      [{ sensor: 'nord', observedProperty: 'temperature', unit: 'Cel' }],
      now,
    );
    const other = await datastreams.find(orgId, viaCode as number);
    expect(other?.sensorCode).toMatch(/^nord~/);
    expect(viaCode).not.toBe(viaExternal);
  });

  it('refuses a duplicate hand-made datastream and lists per device and sensor', async () => {
    const nord = await sensors.findByCode(orgId, deviceId, 'nord');
    const made = await datastreams.insert({
      orgId,
      deviceId,
      sensorId: nord!.id,
      observedProperty: 'battery_voltage',
      unit: 'V',
      createdAt: T0,
    });
    expect(made).toMatchObject({ sensorCode: 'nord', observedProperty: 'battery_voltage' });
    expect(
      await datastreams.insert({
        orgId,
        deviceId,
        sensorId: nord!.id,
        observedProperty: 'battery_voltage',
        unit: 'V',
        createdAt: T0,
      }),
    ).toBeUndefined();
    const ofSensor = await datastreams.list(orgId, { sensorId: nord!.id }, { limit: 100 });
    expect(ofSensor.items.map((d) => d.observedProperty).sort()).toEqual(['battery_voltage', 'temperature']);
    const ofDevice = await datastreams.list(orgId, { deviceId: device2 }, { limit: 5, count: true });
    expect(ofDevice.total).toBe(12);
    expect(ofDevice.items).toHaveLength(5);
    expect((await datastreams.list(otherOrg, {}, { limit: 100 })).items).toEqual([]);
    expect(await datastreams.delete(otherOrg, made!.id)).toBe(false);
    expect(await datastreams.delete(orgId, made!.id)).toBe(true);
  });

  it('upserts sensors by (device, code) and deletes them with their datastreams', async () => {
    const ouest = (await sensors.findByCode(orgId, deviceId, 'ouest'))!;
    await sensors.upsertMany([{ ...ouest, id: uuidv7(), brand: 'Bosch', archiveDays: 90, updatedAt: T0 + 5 }]);
    expect(await sensors.find(orgId, ouest.id)).toMatchObject({
      brand: 'Bosch',
      archiveDays: 90,
      externalId: 'ouest',
      updatedAt: T0 + 5,
    });
    const before = await count('datastreams');
    const own = (await datastreams.list(orgId, { sensorId: ouest.id }, { limit: 100 })).items.length;
    expect(await sensors.delete(otherOrg, ouest.id)).toBe(false);
    expect(await sensors.delete(orgId, ouest.id)).toBe(true);
    expect(await count('datastreams')).toBe(before - own);
  });
});
