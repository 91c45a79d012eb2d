import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects } from '../support/databases.js';
import { ADMIN_TOKEN, startTestPolder, type TestPolder } from '../support/polder.js';

const dialects = await availableDialects();

/** The measurement table has no foreign key: deleting a series through the API must take its data. */
describe.each(dialects)('deleting devices, sensors and datastreams removes their measurements on %s', (dialect) => {
  let t: TestPolder;
  const call = (method: string, url: string, payload?: unknown) =>
    t.call(ADMIN_TOKEN, { method: method as 'GET', url, ...(payload !== undefined && { payload: payload as object }) });
  const count = async (ids: number[]) => {
    const db = t.polder.database.db;
    const m = await db
      .selectFrom('measurements')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('datastream_id', 'in', ids)
      .executeTakeFirstOrThrow();
    const r = await db
      .selectFrom('rollups')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('datastream_id', 'in', ids)
      .executeTakeFirstOrThrow();
    return [Number(m.n), Number(r.n)];
  };
  async function series(device: string, sensor: string, property: string): Promise<number> {
    const s = await call('POST', `/api/devices/${device}/sensors`, { code: sensor });
    const sensorId =
      s.statusCode === 201
        ? s.json().id
        : (await call('GET', `/api/devices/${device}/sensors`)).json().data.find((x: { code: string }) => x.code === sensor).id;
    const ds = await call('POST', '/api/datastreams', { sensor: sensorId, observedProperty: property, unit: 'Cel' });
    expect(ds.statusCode, ds.body).toBe(201);
    const id = ds.json().id as number;
    await t.polder.measurements.insert([0, 1, 2].map((i) => ({ datastreamId: id, time: Date.UTC(2026, 0, 1, 0, i), value: i })));
    return id;
  }

  beforeAll(async () => {
    t = await startTestPolder(dialect);
    for (const code of ['keep', 'gone']) {
      const r = await call('POST', '/api/devices', { code, type: 'lorawan-node', identity: { kind: 'serial', value: code } });
      expect(r.statusCode, r.body).toBe(201);
    }
  });
  afterAll(() => t.close());

  it('removes the data of exactly the deleted series', async () => {
    const kept = await series('keep', 'a', 'temperature');
    const lone = await series('keep', 'b', 'temperature');
    const viaSensor = await series('keep', 'c', 'temperature');
    const viaDevice = await series('gone', 'd', 'temperature');
    // 3 rows each; rollups: 3 one-minute, 1 one-hour and 1 one-day bucket each (hours and days
    // once folded from the minutes, as the scheduler does every minute)
    await t.polder.retention.foldRollups();
    expect(await count([kept, lone, viaSensor, viaDevice])).toEqual([12, 20]);

    expect((await call('DELETE', `/api/datastreams/${lone}`)).statusCode).toBe(204);
    const sensorC = (await call('GET', '/api/devices/keep/sensors')).json().data.find((x: { code: string }) => x.code === 'c').id;
    expect((await call('DELETE', `/api/sensors/${sensorC}`)).statusCode).toBe(204);
    expect((await call('DELETE', '/api/devices/gone')).statusCode).toBe(204);

    expect(await count([lone, viaSensor, viaDevice])).toEqual([0, 0]);
    expect(await count([kept])).toEqual([3, 5]);
  });
});
