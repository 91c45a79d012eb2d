import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects } from '../../support/databases.js';
import { startTestPolder, type TestPolder } from '../../support/polder.js';
import { ALL_SETS, type Sta, seedEtsFixture, staClient } from './sta-client.js';

/** ets-sta10 Level 1 (sensingCore/Capability1Tests), one test per OGC test, on both databases and both versions. */
const dialects = await availableDialects();

const MANDATORY: Record<string, string[]> = {
  Things: ['name', 'description'],
  Locations: ['name', 'description', 'encodingType', 'location'],
  HistoricalLocations: ['time'],
  Datastreams: ['name', 'description', 'unitOfMeasurement', 'observationType'],
  Sensors: ['name', 'description', 'encodingType', 'metadata'],
  ObservedProperties: ['name', 'definition', 'description'],
  Observations: ['phenomenonTime', 'result', 'resultTime'],
  FeaturesOfInterest: ['name', 'description', 'encodingType', 'feature'],
};
const RELATIONS: Record<string, string[]> = {
  Things: ['Locations', 'HistoricalLocations', 'Datastreams'],
  Locations: ['Things', 'HistoricalLocations'],
  HistoricalLocations: ['Thing', 'Locations'],
  Datastreams: ['Thing', 'Sensor', 'ObservedProperty', 'Observations'],
  Sensors: ['Datastreams'],
  ObservedProperties: ['Datastreams'],
  Observations: ['Datastream', 'FeatureOfInterest'],
  FeaturesOfInterest: ['Observations'],
};

function checkEntity(set: string, e: Record<string, unknown>, root: string) {
  expect(e['@iot.id'], set).toBeDefined();
  expect(String(e['@iot.selfLink'])).toMatch(new RegExp(`^${root.replace(/[.()]/g, '\\$&')}/${set}\\(`));
  for (const p of MANDATORY[set] ?? []) expect(e, `${set}.${p}`).toHaveProperty([p]);
  for (const r of RELATIONS[set] ?? []) expect(e, `${set} ${r}`).toHaveProperty([`${r}@iot.navigationLink`]);
}

describe.each(dialects)('SensorThings sensing core (ets-sta10 level 1) on %s', (dialect) => {
  let t: TestPolder;
  const clients: Sta[] = [];
  beforeAll(async () => {
    t = await startTestPolder(dialect);
    clients.push(staClient(t, 'v1.1'), staClient(t, 'v1.0'));
    await seedEtsFixture(clients[0] as Sta);
  });
  afterAll(() => t.close());

  it('readEntitiesAndCheckResponse: GET each set → 200 with value; entities carry control info, mandatory properties, navigation links', async () => {
    for (const sta of clients)
      for (const set of ALL_SETS) {
        const res = await sta.get(set);
        expect(res.statusCode, set).toBe(200);
        const value = res.json().value as Record<string, unknown>[];
        expect(value.length, set).toBeGreaterThan(0);
        for (const e of value.slice(0, 2)) checkEntity(set, e, sta.root);
      }
  });

  it('readNonexistentEntity: GET Set(Long.MAX_VALUE) → 404 for all sets', async () => {
    for (const set of ALL_SETS) expect((await clients[0]?.get(`${set}(9223372036854775807)`))?.statusCode, set).toBe(404);
  });

  it('readEntityAndCheckResponse: GET Set(id) of a listed entity → 200 with the same checks', async () => {
    for (const sta of clients)
      for (const set of ALL_SETS) {
        const first = (await sta.get(set)).json().value[0];
        const res = await sta.get(String(first['@iot.selfLink']).slice(sta.root.length + 1));
        expect(res.statusCode, set).toBe(200);
        checkEntity(set, res.json(), sta.root);
        expect(res.json()['@iot.id']).toEqual(first['@iot.id']);
      }
  });

  it('readPropertyOfEntityAndCheckResponse: Set(id)/prop is {prop: …}; /$value is the raw value', async () => {
    const sta = clients[0] as Sta;
    for (const set of ALL_SETS) {
      const self = String((await sta.get(set)).json().value[0]['@iot.selfLink']).slice(sta.root.length + 1);
      for (const prop of MANDATORY[set] ?? []) {
        const res = await sta.get(`${self}/${prop}`);
        expect(res.statusCode, `${set}/${prop}`).toBe(200);
        expect(Object.keys(res.json()), `${set}/${prop}`).toEqual([prop]);
        const raw = await sta.get(`${self}/${prop}/$value`);
        expect(raw.statusCode, `${set}/${prop}/$value`).toBe(200);
        if (['location', 'feature', 'unitOfMeasurement'].includes(prop)) expect(raw.body.startsWith('{'), prop).toBe(true);
        else expect(raw.body.includes('{'), `${set}/${prop}/$value: ${raw.body}`).toBe(false);
      }
    }
  });

  it('checkResourcePaths: navigation chains answer 200 and non-empty; $ref lists only selfLinks', async () => {
    const sta = clients[0] as Sta;
    const thing = String((await sta.get('Things')).json().value[0]['@iot.selfLink']).slice(sta.root.length + 1);
    const chains = [`${thing}/Datastreams`, `${thing}/Locations`, `${thing}/HistoricalLocations`, `${thing}/HistoricalLocations`];
    const ds = (await sta.get(`${thing}/Datastreams`)).json().value[0]['@iot.id'];
    chains.push(
      `${thing}/Datastreams(${ds})/Sensor`,
      `${thing}/Datastreams(${ds})/Sensor/Datastreams`,
      `${thing}/Datastreams(${ds})/ObservedProperty/Datastreams`,
      `${thing}/Datastreams(${ds})/Observations`,
      `Datastreams(${ds})/Thing/Locations`,
      `Datastreams(${ds})/Observations`,
    );
    const obs = (await sta.get(`Datastreams(${ds})/Observations`)).json().value[0]['@iot.id'];
    chains.push(`Datastreams(${ds})/Observations('${obs}')/FeatureOfInterest`, `Observations('${obs}')/Datastream/Thing`);
    for (const path of chains) {
      const res = await sta.get(path);
      expect(res.statusCode, path).toBe(200);
      const body = res.json();
      if ('value' in body) expect(body.value.length, path).toBeGreaterThan(0);
      else expect(body['@iot.id'], path).toBeDefined();
      if ('value' in body) {
        const refs = await sta.get(`${path}/$ref`);
        expect(refs.statusCode, `${path}/$ref`).toBe(200);
        for (const r of refs.json().value) expect(Object.keys(r)).toEqual(['@iot.selfLink']);
      }
    }
    expect((await sta.get(`Datastreams(${ds})/Observations('${obs}')/resultTime`)).json()).toEqual({
      resultTime: (await sta.get(`Observations('${obs}')`)).json().resultTime,
    });
  });

  it('checkServiceRootUri: the root lists exactly the eight sets with absolute urls, and the conformance and MQTT endpoint', async () => {
    for (const sta of clients) {
      const res = await sta.get('');
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.value).toEqual(ALL_SETS.map((name) => ({ name, url: `${sta.root}/${name}` })));
      expect(body.serverSettings.conformance).toContain('http://www.opengis.net/spec/iot_sensing/1.1/req/create-update-delete');
      expect(
        body.serverSettings['http://www.opengis.net/spec/iot_sensing/1.1/req/receive-updates-via-mqtt/receive-updates']
          .endpoints[0],
      ).toMatch(/^mqtt:\/\//);
    }
  });

  it('answers only the caller’s organisation and refuses callers without credentials or scope', async () => {
    const sta = clients[0] as Sta;
    expect((await sta.get('Things', '')).statusCode).toBe(401);
    await t.call(undefined, { method: 'GET', url: '/sta/v1.1/Things' }).then((r) => expect(r.statusCode).toBe(401));
    const { ADMIN_TOKEN } = await import('../../support/polder.js');
    await t.call(ADMIN_TOKEN, { method: 'POST', url: '/api/organisations', payload: { slug: 'sta-other', name: 'Other' } });
    const key = (
      await t.call(ADMIN_TOKEN, {
        method: 'POST',
        url: '/api/organisations/sta-other/api-keys',
        payload: { name: 'reader', scopes: ['devices:read'] },
      })
    ).json().secret as string;
    for (const set of ALL_SETS.filter((s) => s !== 'Observations')) {
      const res = await sta.get(set, key);
      expect(res.statusCode, set).toBe(200);
      // The other organisation's only entities are its default site (a Location/FeatureOfInterest).
      const names = res.json().value.map((e: { name?: string }) => e.name);
      expect(
        names.filter((n: string | undefined) => n?.startsWith('thing') || n?.startsWith('datastream') || n?.startsWith('sensor')),
        set,
      ).toEqual([]);
    }
    expect((await sta.get('Observations', key)).statusCode).toBe(403);
    const thing = (await sta.get('Things')).json().value[0]['@iot.selfLink'] as string;
    expect((await sta.get(thing.slice(sta.root.length + 1), key)).statusCode).toBe(404);
  });
});
