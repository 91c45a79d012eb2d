import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects } from '../../support/databases.js';
import { startTestPolder, type TestPolder } from '../../support/polder.js';
import { key, type Sta, staClient } from './sta-client.js';

/** ets-sta10 Level 2 (createUpdateDelete/Capability2Tests), one test per OGC test, on both databases. */
const dialects = await availableDialects();
const MAX = '9223372036854775807';

const location = (name: string, lon = 5.1, lat = 52.1) => ({
  name,
  description: `${name} description`,
  encodingType: 'application/vnd.geo+json',
  location: { type: 'Point', coordinates: [lon, lat] },
});
const sensor = (name: string) => ({ name, description: 'a sensor', encodingType: 'application/pdf', metadata: 'datasheet.pdf' });
const property = (name: string) => ({ name, definition: `urn:example:${name}`, description: `${name} of air` });
const datastream = (name: string, extra: object) => ({
  name,
  description: `${name} stream`,
  unitOfMeasurement: { name: 'degree Celsius', symbol: 'Cel', definition: 'http://unitsofmeasure.org/ucum.html#para-30' },
  observationType: 'http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement',
  ...extra,
});

describe.each(dialects)('SensorThings create, update, delete (ets-sta10 level 2) on %s', (dialect) => {
  let t: TestPolder;
  let sta: Sta;
  beforeAll(async () => {
    t = await startTestPolder(dialect);
    sta = staClient(t);
  });
  afterAll(() => t.close());

  /** A Thing with a Location and a Datastream (Sensor, ObservedProperty) made one POST at a time. */
  async function createChain(tag: string) {
    const loc = await sta.post('Locations', location(`loc ${tag}`));
    expect(loc.statusCode, loc.body).toBe(201);
    const locationId = sta.idOf(loc);
    const thing = await sta.post('Things', {
      name: `thing ${tag}`,
      description: 'a thing',
      Locations: [{ '@iot.id': locationId }],
    });
    expect(thing.statusCode, thing.body).toBe(201);
    const thingId = sta.idOf(thing);
    const s = await sta.post('Sensors', sensor(`sensor ${tag}`));
    expect(s.statusCode, s.body).toBe(201);
    const op = await sta.post('ObservedProperties', property(`prop ${tag}`));
    expect(op.statusCode, op.body).toBe(201);
    const ds = await sta.post(
      'Datastreams',
      datastream(`ds ${tag}`, {
        Thing: { '@iot.id': thingId },
        Sensor: { '@iot.id': sta.idOf(s) },
        ObservedProperty: { '@iot.id': sta.idOf(op) },
      }),
    );
    expect(ds.statusCode, ds.body).toBe(201);
    const obs = await sta.post('Observations', {
      phenomenonTime: '2024-05-01T10:00:00Z',
      result: 21.5,
      Datastream: { '@iot.id': sta.idOf(ds) },
    });
    expect(obs.statusCode, obs.body).toBe(201);
    return {
      locationId,
      thingId,
      sensorId: sta.idOf(s),
      propertyId: sta.idOf(op),
      datastreamId: sta.idOf(ds),
      observationId: sta.idOf(obs),
    };
  }

  it('createEntities: POST each entity type → 201, Location header with the id, entity readable', async () => {
    const c = await createChain('create');
    expect(typeof c.datastreamId).toBe('number');
    for (const [set, id] of [
      ['Things', c.thingId],
      ['Locations', c.locationId],
      ['Sensors', c.sensorId],
      ['ObservedProperties', c.propertyId],
      ['Datastreams', c.datastreamId],
      ['Observations', c.observationId],
    ] as const) {
      const res = await sta.get(`${set}${key(id)}`);
      expect(res.statusCode, `${set} ${res.body}`).toBe(200);
      expect(res.json()['@iot.id']).toEqual(id);
    }
    // The Thing's HistoricalLocation exists and points at the Location.
    const hl = await sta.get(`Things${key(c.thingId)}/HistoricalLocations?$expand=Locations`);
    expect(hl.json().value).toHaveLength(1);
    expect(hl.json().value[0].Locations[0]['@iot.id']).toBe(c.locationId);
    // The Observation's FeatureOfInterest was derived from the Thing's Location.
    const foi = await sta.get(`Observations${key(c.observationId)}/FeatureOfInterest`);
    expect(foi.statusCode).toBe(200);
    expect(foi.json()['@iot.id']).toBe(c.locationId);
    expect(foi.json().feature).toEqual({ type: 'Point', coordinates: [5.1, 52.1] });
    const obs = (await sta.get(`Observations${key(c.observationId)}`)).json();
    expect(obs).toMatchObject({
      result: 21.5,
      phenomenonTime: '2024-05-01T10:00:00.000Z',
      resultTime: '2024-05-01T10:00:00.000Z',
    });
    // A HistoricalLocation POST moves the Thing.
    const other = sta.idOf(await sta.post('Locations', location('second', 4.9, 52.3)));
    const moved = await sta.post('HistoricalLocations', {
      time: '2024-06-01T00:00:00Z',
      Thing: { '@iot.id': c.thingId },
      Locations: [{ '@iot.id': other }],
    });
    expect(moved.statusCode, moved.body).toBe(201);
    expect(
      (await sta.get(`Things${key(c.thingId)}/Locations`)).json().value.map((l: { '@iot.id': string }) => l['@iot.id']),
    ).toEqual([other]);
  });

  it('createEntitiesWithDeepInsert: a Thing with Locations, Datastreams, Sensor, ObservedProperty, Observations in one POST', async () => {
    const res = await sta.post('Things', {
      name: 'deep thing',
      description: 'deep',
      properties: { floor: 3 },
      Locations: [location('deep location', 6.5, 53.2)],
      Datastreams: [
        datastream('deep ds 1', {
          Sensor: sensor('deep sensor 1'),
          ObservedProperty: property('deep prop 1'),
          Observations: [{ phenomenonTime: '2024-01-01T00:00:00Z', result: 1 }],
        }),
        datastream('deep ds 2', { Sensor: sensor('deep sensor 2'), ObservedProperty: property('deep prop 2') }),
      ],
    });
    expect(res.statusCode, res.body).toBe(201);
    const id = sta.idOf(res);
    const thing = (
      await sta.get(`Things${key(id)}?$expand=Locations,Datastreams($expand=Sensor,ObservedProperty,Observations)`)
    ).json();
    expect(thing.properties).toEqual({ floor: 3 });
    expect(thing.Locations).toHaveLength(1);
    expect(thing.Locations[0]).toMatchObject({ name: 'deep location', location: { type: 'Point', coordinates: [6.5, 53.2] } });
    expect(thing.Datastreams.map((d: { name: string }) => d.name).sort()).toEqual(['deep ds 1', 'deep ds 2']);
    const ds1 = thing.Datastreams.find((d: { name: string }) => d.name === 'deep ds 1');
    expect(ds1.Sensor.name).toBe('deep sensor 1');
    expect(ds1.ObservedProperty).toMatchObject({ name: 'deep prop 1', definition: 'urn:example:deep prop 1' });
    expect(ds1.Observations.map((o: { result: number }) => o.result)).toEqual([1]);
  });

  it('createInvalidEntitiesWithDeepInsert: integrity violations → 400/409 and nothing created', async () => {
    const before = (await sta.get('Things?$count=true&$top=0')).json()['@iot.count'];
    const bad = await sta.post('Things', {
      name: 'invalid deep',
      description: 'x',
      Locations: [location('invalid deep location')],
      Datastreams: [datastream('no sensor', { ObservedProperty: property('p') })],
    });
    expect([400, 409]).toContain(bad.statusCode);
    expect(bad.json().error.details.field).toBe('Sensor');
    expect((await sta.get('Things?$count=true&$top=0')).json()['@iot.count']).toBe(before);
    const locations = (await sta.get(`Locations?$filter=name eq 'invalid deep location'`)).json();
    expect(locations.value).toHaveLength(0);
  });

  it('createInvalidEntities: Datastream or Observation without their mandatory links → 400/409', async () => {
    const c = await createChain('invalid');
    const noThing = await sta.post(
      'Datastreams',
      datastream('x', { Sensor: { '@iot.id': c.sensorId }, ObservedProperty: { '@iot.id': c.propertyId } }),
    );
    expect([400, 409]).toContain(noThing.statusCode);
    const noProperty = await sta.post(
      'Datastreams',
      datastream('x', { Thing: { '@iot.id': c.thingId }, Sensor: { '@iot.id': c.sensorId } }),
    );
    expect([400, 409]).toContain(noProperty.statusCode);
    const noDatastream = await sta.post('Observations', { phenomenonTime: '2024-05-01T10:00:00Z', result: 1 });
    expect([400, 409]).toContain(noDatastream.statusCode);
    expect(noDatastream.json().error.details.field).toBe('Datastream');
  });

  it('patchEntities: PATCH each type → 200 and only the given properties change', async () => {
    const c = await createChain('patch');
    const cases: [string, string | number, Record<string, unknown>, Record<string, unknown>][] = [
      ['Things', c.thingId, { description: 'patched thing' }, { name: 'thing patch' }],
      ['Locations', c.locationId, { location: { type: 'Point', coordinates: [3, 51] } }, { name: 'loc patch' }],
      ['Sensors', c.sensorId, { description: 'patched sensor' }, { name: 'sensor patch' }],
      ['ObservedProperties', c.propertyId, { definition: 'urn:example:patched' }, { name: 'prop patch' }],
      ['Datastreams', c.datastreamId, { description: 'patched ds' }, { name: 'ds patch' }],
      ['Observations', c.observationId, { result: 99 }, { phenomenonTime: '2024-05-01T10:00:00.000Z' }],
    ];
    for (const [set, id, change, unchanged] of cases) {
      const res = await sta.patch(`${set}${key(id)}`, change);
      expect(res.statusCode, `${set} ${res.body}`).toBe(200);
      const after = (await sta.get(`${set}${key(id)}`)).json();
      expect(after, set).toMatchObject({ ...change, ...unchanged });
    }
    // PUT replaces (all mandatory properties), a missing one is 400.
    const put = await sta.put(`Things${key(c.thingId)}`, { name: 'thing put', description: 'put' });
    expect(put.statusCode, put.body).toBe(200);
    expect((await sta.put(`Things${key(c.thingId)}`, { name: 'no description' })).statusCode).toBe(400);
    expect((await sta.patch(`Things('nope')`, { name: 'x' })).statusCode).toBe(404);
  });

  it('link-to-existing-entities: POST under a navigation links the parent; PATCH moves a Thing to another Location', async () => {
    const c = await createChain('links');
    const viaNav = await sta.post(`Things${key(c.thingId)}/Locations`, location('via navigation', 4.5, 51.9));
    expect(viaNav.statusCode, viaNav.body).toBe(201);
    const newLocation = sta.idOf(viaNav);
    const at = async () =>
      (await sta.get(`Things${key(c.thingId)}/Locations`)).json().value.map((l: { '@iot.id': string }) => l['@iot.id']);
    expect(await at()).toEqual([newLocation]);
    expect((await sta.patch(`Things${key(c.thingId)}`, { Locations: [{ '@iot.id': c.locationId }] })).statusCode).toBe(200);
    expect(await at()).toEqual([c.locationId]);
    const obs = await sta.post(`Datastreams${key(c.datastreamId)}/Observations`, {
      phenomenonTime: '2024-05-02T00:00:00Z',
      result: 2,
    });
    expect(obs.statusCode, obs.body).toBe(201);
    expect((await sta.get(`Observations${key(sta.idOf(obs))}/Datastream`)).json()['@iot.id']).toBe(c.datastreamId);
    expect(
      (await sta.post(`Datastreams${key(c.datastreamId)}/Observations`, { phenomenonTime: '2024-05-02T00:00:00Z', result: 3 }))
        .statusCode,
    ).toBe(409);
  });

  it('invalidPatchEntities: PATCH with inline related entities → 400', async () => {
    const c = await createChain('badpatch');
    const thing = await sta.patch(`Things${key(c.thingId)}`, { Locations: [location('new inline')] });
    expect(thing.statusCode).toBe(400);
    const ds = await sta.patch(`Datastreams${key(c.datastreamId)}`, {
      Observations: [{ phenomenonTime: '2024-01-01T00:00:00Z', result: 3 }],
    });
    expect(ds.statusCode).toBe(400);
    const sensorRes = await sta.patch(`Datastreams${key(c.datastreamId)}`, { Sensor: sensor('inline') });
    expect(sensorRes.statusCode).toBe(400);
  });

  it('deleteEntities: DELETE → 200, then 404, with the cascades of the specification', async () => {
    const a = await createChain('del-thing');
    expect((await sta.del(`Things${key(a.thingId)}`)).statusCode).toBe(200);
    expect((await sta.get(`Things${key(a.thingId)}`)).statusCode).toBe(404);
    expect((await sta.get(`Datastreams${key(a.datastreamId)}`)).statusCode).toBe(404);
    expect((await sta.get(`Observations${key(a.observationId)}`)).statusCode).toBe(404);
    expect((await sta.get(`HistoricalLocations${key(a.thingId)}`)).statusCode).toBe(404);
    expect((await sta.get(`Locations${key(a.locationId)}`)).statusCode).toBe(200);
    expect((await sta.get(`ObservedProperties${key(a.propertyId)}`)).statusCode).toBe(200);

    const b = await createChain('del-ds');
    expect((await sta.del(`Datastreams${key(b.datastreamId)}`)).statusCode).toBe(200);
    expect((await sta.get(`Observations${key(b.observationId)}`)).statusCode).toBe(404);
    expect((await sta.get(`Things${key(b.thingId)}`)).statusCode).toBe(200);

    const c = await createChain('del-loc');
    expect((await sta.del(`Locations${key(c.locationId)}`)).statusCode).toBe(200);
    expect((await sta.get(`Locations${key(c.locationId)}`)).statusCode).toBe(404);
    expect((await sta.get(`HistoricalLocations${key(c.thingId)}`)).statusCode).toBe(404);

    const d = await createChain('del-sensor');
    expect((await sta.del(`Sensors${key(d.sensorId)}`)).statusCode).toBe(200);
    expect((await sta.get(`Datastreams${key(d.datastreamId)}`)).statusCode).toBe(404);
    expect((await sta.get(`Observations${key(d.observationId)}`)).statusCode).toBe(404);

    const e = await createChain('del-prop');
    expect((await sta.del(`ObservedProperties${key(e.propertyId)}`)).statusCode).toBe(200);
    expect((await sta.get(`Datastreams${key(e.datastreamId)}`)).statusCode).toBe(404);

    const f = await createChain('del-obs');
    expect((await sta.del(`Observations${key(f.observationId)}`)).statusCode).toBe(200);
    expect((await sta.get(`Observations${key(f.observationId)}`)).statusCode).toBe(404);
  });

  it('deleteNoneexistentEntities: DELETE Set(Long.MAX_VALUE) → 404', async () => {
    for (const set of [
      'Things',
      'Locations',
      'HistoricalLocations',
      'Datastreams',
      'Sensors',
      'ObservedProperties',
      'Observations',
      'FeaturesOfInterest',
    ]) {
      const res = await sta.del(`${set}(${MAX})`);
      expect(res.statusCode, set).toBe(404);
      expect(res.json().error.code).toBe('NOT_FOUND');
    }
  });
});
