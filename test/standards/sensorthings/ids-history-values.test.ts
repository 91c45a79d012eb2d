import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects } from '../../support/databases.js';
import { ADMIN_TOKEN, startTestPolder, type TestPolder } from '../../support/polder.js';
import { key, type Sta, staClient } from './sta-client.js';

/**
 * ets-sta10 level 2 reads every created entity's id from the `Location` header as a long
 * integer (createUpdateDelete/Capability2Tests.createEntities, EntityUtils `idOf`), links new
 * entities to existing ones by those integers, and checks HistoricalLocations created by
 * linking Things to Locations. Polder keeps its registry keys (UUIDs) and gives each entity a
 * stable integer alias; quoted registry keys stay accepted. On both databases.
 */
const dialects = await availableDialects();

const OM = 'http://www.opengis.net/def/observationType/OGC-OM/2.0/';
const LONG_ID = /\/(\w+)\((\d{1,18})\)$/;

/** The long integer in a 201's Location header, as ets-sta10 parses it (and fails on anything else). */
function longIdOf(res: { statusCode: number; headers: Record<string, unknown>; body: string }): number {
  expect(res.statusCode, res.body).toBe(201);
  const m = LONG_ID.exec(String(res.headers.location));
  if (!m) throw new Error(`Location '${String(res.headers.location)}' holds no long integer id`);
  return Number(m[2]);
}

describe.each(dialects)('SensorThings integer ids, location history, non-numeric results on %s', (dialect) => {
  let t: TestPolder;
  let sta: Sta;
  beforeAll(async () => {
    t = await startTestPolder(dialect);
    sta = staClient(t);
  });
  afterAll(() => t.close());

  it('createEntities: every POST answers a long integer id in Location; links by those ids; GET Set(id) → 200', async () => {
    const location = longIdOf(
      await sta.post('Locations', {
        name: 'lab',
        description: 'the lab',
        encodingType: 'application/vnd.geo+json',
        location: { type: 'Point', coordinates: [1.46, 43.56] },
      }),
    );
    const thing = longIdOf(
      await sta.post('Things', { name: 'int thing', description: 'x', Locations: [{ '@iot.id': location }] }),
    );
    const sensor = longIdOf(
      await sta.post('Sensors', { name: 'int sensor', description: 's', encodingType: 'application/pdf', metadata: 'm.pdf' }),
    );
    const property = longIdOf(
      await sta.post('ObservedProperties', { name: 'Luminance', definition: 'urn:example:lum', description: 'l' }),
    );
    const datastream = longIdOf(
      await sta.post('Datastreams', {
        name: 'lum',
        description: 'lum',
        unitOfMeasurement: { name: 'lux', symbol: 'lx', definition: 'http://unitsofmeasure.org/ucum.html#lx' },
        observationType: `${OM}OM_Measurement`,
        Thing: { '@iot.id': thing },
        Sensor: { '@iot.id': sensor },
        ObservedProperty: { '@iot.id': property },
      }),
    );
    const foi = longIdOf(
      await sta.post('FeaturesOfInterest', {
        name: 'bench',
        description: 'b',
        encodingType: 'application/vnd.geo+json',
        feature: { type: 'Point', coordinates: [1.47, 43.57] },
      }),
    );
    const historical = longIdOf(
      await sta.post('HistoricalLocations', {
        time: '2026-01-01T00:00:00Z',
        Thing: { '@iot.id': thing },
        Locations: [{ '@iot.id': foi }],
      }),
    );
    const ids = { Things: thing, Locations: location, Sensors: sensor, ObservedProperties: property, Datastreams: datastream };
    for (const [set, id] of Object.entries({ ...ids, FeaturesOfInterest: foi, HistoricalLocations: historical })) {
      const res = await sta.get(`${set}(${id})`);
      expect(res.statusCode, `${set}(${id})`).toBe(200);
      expect(res.json()['@iot.id'], set).toBe(id);
      expect(res.json()['@iot.selfLink'], set).toBe(`${sta.root}/${set}(${id})`);
    }
    // The links hold: the Datastream's Thing, Sensor and ObservedProperty are the ones created.
    const ds = (await sta.get(`Datastreams(${datastream})?$expand=Thing,Sensor,ObservedProperty`)).json();
    expect([ds.Thing['@iot.id'], ds.Sensor['@iot.id'], ds.ObservedProperty['@iot.id']]).toEqual([thing, sensor, property]);
    // $filter and $orderby work on the integer ids.
    const filtered = (await sta.get(`Things?$filter=id eq ${thing}`)).json().value;
    expect(filtered.map((e: Record<string, unknown>) => e['@iot.id'])).toEqual([thing]);
    // A link to an id no entity has is refused, not guessed.
    const dangling = await sta.post('Datastreams', {
      name: 'x',
      description: 'x',
      unitOfMeasurement: { name: 'lux', symbol: 'lx', definition: 'x' },
      observationType: `${OM}OM_Measurement`,
      Thing: { '@iot.id': 987654321 },
      Sensor: { '@iot.id': sensor },
      ObservedProperty: { '@iot.id': property },
    });
    expect(dangling.statusCode, dangling.body).toBe(400);
  });

  it('quoted registry keys stay accepted and name the same entity as its integer id', async () => {
    const deviceId = (
      await t.call(ADMIN_TOKEN, { method: 'POST', url: '/api/devices', payload: { code: 'quoted-1', type: 'sensor' } })
    ).json().id as string;
    const byKey = await sta.get(`Things${key(deviceId)}`);
    expect(byKey.statusCode, byKey.body).toBe(200);
    const id = byKey.json()['@iot.id'];
    expect(Number.isSafeInteger(id)).toBe(true);
    expect((await sta.get(`Things(${id})`)).json().name).toBe('quoted-1');
  });

  it('aliases are stable: a registry entity keeps its id across reads and as others are added', async () => {
    const before = (await sta.get('Things?$select=id,name')).json().value as { '@iot.id': number; name: string }[];
    await t.call(ADMIN_TOKEN, { method: 'POST', url: '/api/devices', payload: { code: 'later-1', type: 'sensor' } });
    const after = (await sta.get('Things?$select=id,name')).json().value as { '@iot.id': number; name: string }[];
    for (const b of before) expect(after.find((a) => a.name === b.name)?.['@iot.id'], b.name).toBe(b['@iot.id']);
    const added = after.find((a) => a.name === 'later-1');
    expect(added && Math.max(...before.map((b) => b['@iot.id'])) < added['@iot.id']).toBe(true);
    expect(new Set(after.map((a) => a['@iot.id'])).size).toBe(after.length);
  });

  it('historical-location-auto-creation: each placement of a Thing is a HistoricalLocation, newest last in time', async () => {
    const loc = async (name: string, x: number) =>
      longIdOf(
        await sta.post('Locations', {
          name,
          description: name,
          encodingType: 'application/geo+json',
          location: { type: 'Point', coordinates: [x, 50] },
        }),
      );
    const a = await loc('place-a', 4);
    const b = await loc('place-b', 5);
    // Placed through Polder's own API (the registry) at site place-a, then moved by SensorThings, then by the API again.
    const created = await t.call(ADMIN_TOKEN, {
      method: 'POST',
      url: '/api/devices',
      payload: { code: 'mover', type: 'sensor', location: { site: 'place-a' } },
    });
    expect(created.statusCode, created.body).toBe(201);
    const thing = (await sta.get(`Things${key(created.json().id)}`)).json()['@iot.id'] as number;
    expect((await sta.patch(`Things(${thing})`, { Locations: [{ '@iot.id': b }] })).statusCode).toBe(200);
    const moved = await t.call(ADMIN_TOKEN, {
      method: 'PATCH',
      url: `/api/devices/${created.json().id}`,
      payload: { latitude: 51.5, longitude: 6.5 },
    });
    expect(moved.statusCode, moved.body).toBe(200);
    const history = (
      await sta.get(`Things(${thing})/HistoricalLocations?$orderby=time asc,id asc&$expand=Locations($select=id,name)`)
    ).json().value as { '@iot.id': number; time: string; Locations: { '@iot.id': number; name: string }[] }[];
    expect(history.map((h) => h.Locations.map((l) => l.name))).toEqual([['place-a'], ['place-b'], ['Position of mover']]);
    expect(new Set(history.map((h) => h['@iot.id'])).size).toBe(3);
    // Every HistoricalLocation leads back to its Thing; the Thing's Locations is the current one only.
    for (const h of history) expect((await sta.get(`HistoricalLocations(${h['@iot.id']})/Thing`)).json()['@iot.id']).toBe(thing);
    const current = (await sta.get(`Things(${thing})/Locations`)).json().value;
    expect(current.map((l: { name: string }) => l.name)).toEqual(['Position of mover']);
    // Deleting a Location deletes its HistoricalLocations (§10.4), not the others.
    expect((await sta.del(`Locations(${a})`)).statusCode).toBe(200);
    const left = (await sta.get(`Things(${thing})/HistoricalLocations`)).json().value;
    expect(left).toHaveLength(2);
  });

  it('non-numeric results: text, boolean and JSON Observations by observationType, read back as written', async () => {
    const thing = longIdOf(
      await sta.post('Things', {
        name: 'switchboard',
        description: 'x',
        Datastreams: [
          ['state', 'OM_CategoryObservation'],
          ['door', 'OM_TruthObservation'],
          ['spectrum', 'OM_Observation'],
        ].map(([name, type]) => ({
          name,
          description: name,
          unitOfMeasurement: { name: null, symbol: null, definition: null },
          observationType: `${OM}${type}`,
          Sensor: { name: `${name}-sensor`, description: 's', encodingType: 'text/plain', metadata: 'm' },
          ObservedProperty: { name: `${name}-prop`, definition: `urn:example:${name}`, description: 'p' },
        })),
      }),
    );
    const streams = (await sta.get(`Things(${thing})/Datastreams?$orderby=name`)).json().value as Record<string, unknown>[];
    const byName = Object.fromEntries(streams.map((s) => [s.name, s]));
    expect(byName.door?.observationType).toBe(`${OM}OM_TruthObservation`);
    const results: Record<string, unknown> = { state: 'on', door: true, spectrum: { bands: [1, 2.5, 3] } };
    for (const [name, result] of Object.entries(results)) {
      const ds = byName[name]?.['@iot.id'];
      const res = await sta.post(`Datastreams(${ds})/Observations`, { phenomenonTime: '2026-02-01T00:00:00Z', result });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json().result).toEqual(result);
      const read = (await sta.get(`Datastreams(${ds})/Observations`)).json().value;
      expect(read.map((o: { result: unknown }) => o.result)).toEqual([result]);
      // A number on a datastream of text is refused, and the other way round.
      const wrong = await sta.post(`Datastreams(${ds})/Observations`, { phenomenonTime: '2026-02-01T00:01:00Z', result: 3 });
      expect(wrong.statusCode).toBe(400);
      expect(wrong.json().error.details.field).toBe('result');
    }
    // PATCH changes a text result; DELETE removes it.
    const ds = byName.state?.['@iot.id'];
    const obs = (await sta.get(`Datastreams(${ds})/Observations`)).json().value[0];
    expect((await sta.patch(`Observations${key(obs['@iot.id'])}`, { result: 'off' })).json().result).toBe('off');
    expect((await sta.del(`Observations${key(obs['@iot.id'])}`)).statusCode).toBe(200);
    expect((await sta.get(`Datastreams(${ds})/Observations`)).json().value).toEqual([]);
    // The Data Array extension carries them too.
    const door = byName.door?.['@iot.id'];
    const arr = (await sta.get(`Datastreams(${door})/Observations?$resultFormat=dataArray`)).json().value[0];
    expect(arr.dataArray[0][3]).toBe(true);
  });
});
