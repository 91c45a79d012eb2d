import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects } from '../../support/databases.js';
import { startTestPolder, type TestPolder } from '../../support/polder.js';
import { seededRandom, testSeed } from '../../support/random.js';
import { ALL_SETS, obsTime, type Sta, seedEtsFixture, staClient } from './sta-client.js';

/** ets-sta10 Level 3 (filteringExtension/Capability3Tests), one test per OGC test, then the functions of §9.3.3.5.2. */
const dialects = await availableDialects();
type E = Record<string, unknown>;

describe.each(dialects)('SensorThings query options (ets-sta10 level 3) on %s', (dialect) => {
  let t: TestPolder;
  let sta: Sta;
  const values = async (path: string): Promise<E[]> => {
    const res = await sta.get(path);
    expect(res.statusCode, `${path}: ${res.body}`).toBe(200);
    return res.json().value;
  };
  const results = async (path: string) => (await values(path)).map((o) => o.result);

  beforeAll(async () => {
    t = await startTestPolder(dialect);
    sta = staClient(t);
    await seedEtsFixture(sta);
  });
  afterAll(() => t.close());

  it('readEntitiesWithSelectQO: only the selected properties come back, on sets and on relations', async () => {
    for (const [set, props] of [
      ['Things', ['name']],
      ['Things', ['name', 'description']],
      ['Locations', ['location', 'encodingType']],
      ['Datastreams', ['unitOfMeasurement', 'id']],
      ['Observations', ['result', 'phenomenonTime']],
      ['ObservedProperties', ['definition']],
      ['Sensors', ['metadata', 'Datastreams']],
    ] as const) {
      for (const e of await values(`${set}?$select=${props.join(',')}`)) {
        const expected = props
          .map((p) => (p === 'id' ? '@iot.id' : p === 'Datastreams' ? 'Datastreams@iot.navigationLink' : p))
          .sort();
        expect(Object.keys(e).sort(), set).toEqual(expected);
      }
    }
    const ds = (await values('Datastreams'))[0]?.['@iot.id'];
    for (const o of await values(`Datastreams(${ds})/Observations?$select=result`)) expect(Object.keys(o)).toEqual(['result']);
    expect((await sta.get('Things?$select=nope')).statusCode).toBe(400);
  });

  it('readEntitiesWithExpandQO: single, multiple and multi-level expansions inline the related entities', async () => {
    const things = await values('Things?$expand=Locations,Datastreams');
    expect(things).toHaveLength(2);
    for (const thing of things) {
      expect(thing.Locations as E[]).toHaveLength(1);
      expect((thing.Datastreams as E[]).map((d) => d.name)).toHaveLength(2);
    }
    const ds = await values('Datastreams?$expand=Sensor,ObservedProperty,Thing/Locations');
    for (const d of ds) {
      expect((d.Sensor as E).name).toMatch(/^sensor /);
      expect((d.ObservedProperty as E).definition).toMatch(/^urn:example:property-/);
      expect(((d.Thing as E).Locations as E[])[0]?.location).toMatchObject({ type: 'Point' });
    }
    const obs = await values('Observations?$expand=Datastream/Thing&$top=1');
    expect(((obs[0] as E).Datastream as E as { Thing: E }).Thing.name).toMatch(/^thing /);
    // Nested options: filter, order, top, count, select inside $expand.
    const nested = await values(
      'Datastreams?$expand=Observations($filter=result gt 1;$orderby=result desc;$top=1;$count=true;$select=result)&$orderby=name',
    );
    expect(nested.map((d) => d['Observations@iot.count'])).toEqual([2, 3, 3, 3]);
    expect(nested.map((d) => d.Observations)).toEqual([[{ result: 3 }], [{ result: 6 }], [{ result: 9 }], [{ result: 12 }]]);
    expect((await sta.get('Things?$expand=Nothing')).statusCode).toBe(400);
  });

  it('readEntitiesWithTopQO: at most n entities; @iot.nextLink exactly when more exist', async () => {
    for (let n = 1; n <= 13; n++) {
      const body = (await sta.get(`Observations?$top=${n}`)).json();
      expect(body.value).toHaveLength(Math.min(n, 12));
      expect('@iot.nextLink' in body, `top ${n}`).toBe(n < 12);
    }
    const ds = (await values('Datastreams'))[0]?.['@iot.id'];
    const rel = (await sta.get(`Datastreams(${ds})/Observations?$top=2`)).json();
    expect(rel.value).toHaveLength(2);
    expect(rel['@iot.nextLink']).toBeDefined();
    // Following nextLinks walks every observation once, in order.
    const seen: unknown[] = [];
    let next: string | undefined = '/sta/v1.1/Observations?$top=5&$orderby=phenomenonTime';
    while (next) {
      const url = new URL(next, 'http://localhost:80');
      const res = await t.call((await import('../../support/polder.js')).ADMIN_TOKEN, { url: url.pathname + url.search });
      seen.push(...res.json().value.map((o: E) => o.result));
      next = res.json()['@iot.nextLink'];
    }
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('readEntitiesWithSkipQO: skips n, no nextLink once the rest fits', async () => {
    for (let n = 1; n <= 12; n++) {
      const body = (await sta.get(`Observations?$skip=${n}&$orderby=result`)).json();
      expect(body.value.map((o: E) => o.result)).toEqual(Array.from({ length: 12 - n }, (_, i) => n + i + 1));
      expect(body['@iot.nextLink']).toBeUndefined();
    }
    expect(await results('Observations?$skip=10&$top=1&$orderby=result')).toEqual([11]);
  });

  it('readEntitiesWithOrderbyQO: one and two keys, asc and desc', async () => {
    expect(await results('Observations?$orderby=phenomenonTime')).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(await results('Observations?$orderby=phenomenonTime asc')).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(await results('Observations?$orderby=result desc')).toEqual([12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    const names = (await values('Datastreams?$orderby=Thing/name desc,name asc')).map((d) => d.name);
    expect(names).toEqual(['datastream 2-1', 'datastream 2-2', 'datastream 1-1', 'datastream 1-2']);
    expect(await results('Observations?$orderby=Datastream/name desc,result desc&$top=4')).toEqual([12, 11, 10, 9]);
  });

  it('readEntitiesWithCountQO: @iot.count with $count=true (ignoring $top and $skip), absent with false, 400 otherwise', async () => {
    for (const [set, n] of [
      ['Things', 2],
      ['Locations', 2],
      ['HistoricalLocations', 2],
      ['Datastreams', 4],
      ['Sensors', 4],
      ['ObservedProperties', 4],
      ['Observations', 12],
      ['FeaturesOfInterest', 2],
    ] as const) {
      const body = (await sta.get(`${set}?$count=true&$top=1&$skip=1`)).json();
      expect(body['@iot.count'], set).toBe(n);
      expect(Object.keys(body)[0]).toBe('@iot.count');
      expect((await sta.get(`${set}?$count=false`)).json()['@iot.count']).toBeUndefined();
    }
    expect(ALL_SETS).toHaveLength(8);
    expect((await sta.get('Things?$count=yes')).statusCode).toBe(400);
  });

  it('readEntitiesWithFilterQO: lt le eq ne ge gt on every property type, through relations', async () => {
    expect(await results('Observations?$filter=result lt 4&$orderby=result')).toEqual([1, 2, 3]);
    expect(await results('Observations?$filter=result le 4&$orderby=result')).toEqual([1, 2, 3, 4]);
    expect(await results('Observations?$filter=result eq 4')).toEqual([4]);
    expect(await results('Observations?$filter=result ne 4&$count=true&$top=0')).toEqual([]);
    expect((await sta.get('Observations?$filter=result ne 4&$count=true')).json()['@iot.count']).toBe(11);
    expect(await results('Observations?$filter=result ge 11&$orderby=result')).toEqual([11, 12]);
    expect(await results('Observations?$filter=result gt 11')).toEqual([12]);
    expect(await results(`Observations?$filter=phenomenonTime gt ${obsTime(10)}&$orderby=result`)).toEqual([11, 12]);
    expect(await results(`Observations?$filter=phenomenonTime le '${obsTime(2)}'&$orderby=result`)).toEqual([1, 2]);
    expect(await results(`Observations?$filter=resultTime eq ${obsTime(5)}`)).toEqual([5]);
    expect((await values("Things?$filter=name eq 'thing 2'")).map((e) => e.name)).toEqual(['thing 2']);
    expect((await values("Things?$filter=name ne 'thing 2'")).map((e) => e.name)).toEqual(['thing 1']);
    expect((await values("Things?$filter=name lt 'thing 2'")).map((e) => e.name)).toEqual(['thing 1']);
    expect((await values('Things?$filter=properties/floor gt 1')).map((e) => e.name)).toEqual(['thing 2']);
    expect((await values("Things?$filter=properties/reference eq 'ref-1'")).map((e) => e.name)).toEqual(['thing 1']);
    expect((await values("Datastreams?$filter=unitOfMeasurement/symbol eq 'Cel'")).length).toBe(4);
    expect(await results("Observations?$filter=Datastream/name eq 'datastream 2-2'&$orderby=result")).toEqual([10, 11, 12]);
    expect(await results("Observations?$filter=Datastream/Thing/name eq 'thing 1' and result ge 5&$orderby=result")).toEqual([
      5, 6,
    ]);
    expect((await values('Things?$filter=Datastreams/Observations/result eq 12')).map((e) => e.name)).toEqual(['thing 2']);
    expect((await values("Locations?$filter=Things/name eq 'thing 1'")).map((e) => e.name)).toEqual(['location 1']);
    const ds = (await values("Datastreams?$filter=name eq 'datastream 1-2'"))[0]?.['@iot.id'];
    expect(await results(`Observations?$filter=Datastream/id eq ${ds}&$orderby=result`)).toEqual([4, 5, 6]);
    expect(await results('Observations?$filter=not (result lt 11) or result eq 1&$orderby=result')).toEqual([1, 11, 12]);
  });

  it('checkQueriesPriorityOrdering: $filter, $count, $orderby, $skip, $top in the order of the specification', async () => {
    const body = (
      await sta.get("Observations?$count=true&$top=1&$skip=2&$orderby=phenomenonTime asc&$filter=result gt '3'")
    ).json();
    expect(body['@iot.count']).toBe(6);
    expect(body.value).toHaveLength(1);
    expect(String(body.value[0].result)).toBe('6');
  });

  it('built-in functions: string, date, math and arithmetic', async () => {
    const names = async (f: string) => (await values(`Things?$filter=${f}`)).map((e) => e.name).sort();
    expect(await names("substringof('ing 1', name)")).toEqual(['thing 1']);
    expect(await names("startswith(name, 'thing')")).toEqual(['thing 1', 'thing 2']);
    expect(await names("endswith(name, '2')")).toEqual(['thing 2']);
    expect(await names('length(name) eq 7')).toEqual(['thing 1', 'thing 2']);
    expect(await names("indexof(name, 'g') eq 4")).toEqual(['thing 1', 'thing 2']);
    expect(await names("substring(name, 6) eq '2'")).toEqual(['thing 2']);
    expect(await names("substring(name, 0, 5) eq 'thing' and tolower(name) eq 'thing 1'")).toEqual(['thing 1']);
    expect(await names("toupper(name) eq 'THING 2'")).toEqual(['thing 2']);
    expect(await names("trim(concat(' ', name)) eq 'thing 1'")).toEqual(['thing 1']);
    expect(await names("concat(concat(name, '-'), description) eq 'thing 2-thing number 2'")).toEqual(['thing 2']);
    expect(
      await results(
        'Observations?$filter=year(phenomenonTime) eq 2015 and month(phenomenonTime) eq 3 and day(phenomenonTime) eq 1&$count=true&$top=0',
      ),
    ).toEqual([]);
    expect(
      (
        await sta.get(
          'Observations?$filter=year(phenomenonTime) eq 2015 and month(phenomenonTime) eq 3 and day(phenomenonTime) eq 1&$count=true',
        )
      ).json()['@iot.count'],
    ).toBe(12);
    expect(
      await results(
        'Observations?$filter=hour(phenomenonTime) eq 0 and minute(phenomenonTime) eq 3 and second(phenomenonTime) eq 0',
      ),
    ).toEqual([3]);
    expect(
      await results(
        'Observations?$filter=fractionalseconds(phenomenonTime) eq 0 and totaloffsetminutes(phenomenonTime) eq 0&$orderby=result&$top=1',
      ),
    ).toEqual([1]);
    expect(
      await results(
        "Observations?$filter=date(phenomenonTime) eq date(2015-03-01T10:00:00Z) and time(phenomenonTime) eq '00:04:00'",
      ),
    ).toEqual([4]);
    expect(
      await results(
        'Observations?$filter=phenomenonTime lt now() and phenomenonTime gt mindatetime() and phenomenonTime lt maxdatetime()&$top=1&$orderby=result',
      ),
    ).toEqual([1]);
    expect(await results('Observations?$filter=round(result div 4) eq 2&$orderby=result')).toEqual([6, 7, 8, 9]);
    expect(await results('Observations?$filter=floor(result div 4) eq 2&$orderby=result')).toEqual([8, 9, 10, 11]);
    expect(await results('Observations?$filter=ceiling(result div 4) eq 1&$orderby=result')).toEqual([1, 2, 3, 4]);
    expect(await results('Observations?$filter=result mod 5 eq 0&$orderby=result')).toEqual([5, 10]);
    expect(await results('Observations?$filter=result add 1 mul 2 eq 13')).toEqual([11]);
    expect(await results('Observations?$filter=(result sub 2) div 0 eq 1')).toEqual([]);
    expect(await results('Observations?$filter=-result lt -11')).toEqual([12]);
  });

  it('geospatial functions: st_within, st_intersects, st_contains, st_equals, st_disjoint, geo.distance, geo.intersects', async () => {
    // Location 1 is at (6, 52.1), location 2 at (7, 52.2).
    const loc = async (f: string) => (await values(`Locations?$filter=${f}`)).map((e) => e.name).sort();
    const around1 = "geography'POLYGON((5.5 51.5, 6.5 51.5, 6.5 52.5, 5.5 52.5, 5.5 51.5))'";
    expect(await loc(`st_within(location, ${around1})`)).toEqual(['location 1']);
    expect(await loc(`st_intersects(location, ${around1})`)).toEqual(['location 1']);
    expect(await loc(`geo.intersects(location, ${around1})`)).toEqual(['location 1']);
    expect(await loc(`st_contains(${around1}, location)`)).toEqual(['location 1']);
    expect(await loc(`st_disjoint(location, ${around1})`)).toEqual(['location 2']);
    expect(await loc("st_equals(location, geography'POINT(7 52.2)')")).toEqual(['location 2']);
    expect(await loc("geo.distance(location, geography'POINT(6 52.1)') lt 0.5")).toEqual(['location 1']);
    expect(await loc("st_touches(location, geography'LINESTRING(6 50, 6 60)')")).toEqual(['location 1']);
    // A concave polygon whose bounding box holds both points but whose shape holds only location 2.
    const hook = "geography'POLYGON((5 51, 8 51, 8 53, 6.8 53, 6.8 51.5, 5 51.5, 5 51))'";
    expect(await loc(`st_within(location, ${hook})`)).toEqual(['location 2']);
    // Through relations: Things whose Location is in the polygon, Observations whose feature is.
    expect((await values(`Things?$filter=st_within(Locations/location, ${around1})`)).map((e) => e.name)).toEqual(['thing 1']);
    expect(await results(`Observations?$filter=st_within(FeatureOfInterest/feature, ${around1})&$orderby=result`)).toEqual([
      1, 2, 3, 4, 5, 6,
    ]);
    expect((await sta.get("Locations?$filter=st_relate(location, geography'POINT(1 2)', 'T********')")).statusCode).toBe(501);
  });

  it('refuses bad input: 400 naming $filter and the position; 501 for what is not implemented', async () => {
    const bad = await sta.get('Observations?$filter=result gt 3 and');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details).toEqual({ field: '$filter', position: 15 });
    const unknown = await sta.get('Observations?$filter=colour eq 3');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.message).toMatch(/no property 'colour'/);
    expect((await sta.get("Observations?$filter=length(result) eq 'x' and badfn(1)")).statusCode).toBe(400);
    expect((await sta.get('Things?$top=-1')).statusCode).toBe(400);
    expect((await sta.get('Things?$search=x')).statusCode).toBe(501);
    expect((await sta.get('Things?$resultFormat=csv')).statusCode).toBe(501);
    expect((await sta.get('Things?$filter=Datastreams/name eq Locations/name')).statusCode).toBe(501);
  });

  it('Data Array: $resultFormat=dataArray groups observations by datastream', async () => {
    const body = (await sta.get('Observations?$resultFormat=dataArray&$orderby=result')).json();
    expect(body.value).toHaveLength(4);
    expect(body.value[0].components).toEqual(['id', 'phenomenonTime', 'resultTime', 'result']);
    expect(body.value.flatMap((g: { dataArray: unknown[][] }) => g.dataArray.map((r) => r[3]))).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
    ]);
    const ds = (await values("Datastreams?$filter=name eq 'datastream 1-1'"))[0]?.['@iot.id'];
    const created = await sta.post('CreateObservations', [
      {
        Datastream: { '@iot.id': ds },
        components: ['phenomenonTime', 'result'],
        dataArray: [
          [obsTime(100), 100],
          [obsTime(101), 101],
        ],
      },
    ]);
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toHaveLength(2);
    expect(await results(`Datastreams(${ds})/Observations?$filter=result ge 100&$orderby=result`)).toEqual([100, 101]);
    for (const link of created.json() as string[]) expect((await sta.del(link.slice(sta.root.length + 1))).statusCode).toBe(200);
  });

  const seed = testSeed();
  it(`fuzz over HTTP (seed ${seed}): random filters answer 200, 400 or 501, never 5xx`, async () => {
    const rnd = seededRandom(seed);
    const atoms = [
      'result',
      'phenomenonTime',
      'name',
      'Datastream/name',
      'Datastream/Thing/properties/floor',
      'properties/floor',
      'FeatureOfInterest/feature',
      "'3'",
      '1',
      '2.5',
      '0',
      '2015-03-01T00:00:00Z',
      'true',
      'null',
      "geography'POINT(6 52.1)'",
      'eq',
      'gt',
      'and',
      'or',
      'not',
      'add',
      'div',
      'mod',
      '(',
      ')',
      ',',
      'length(',
      'year(',
      'round(',
      'substring(',
      'st_within(',
      'geo.distance(',
      'concat(',
      'now()',
      '-',
    ];
    const statuses = new Set<number>();
    for (let i = 0; i < 150; i++) {
      const filter = Array.from({ length: rnd.int(1, 9) }, () => rnd.pick(atoms)).join(' ');
      const set = rnd.pick(['Observations', 'Things', 'Datastreams'] as const);
      const res = await sta.get(`${set}?$filter=${encodeURIComponent(filter)}`);
      expect([200, 400, 501], `${set} ${filter}: ${res.body}`).toContain(res.statusCode);
      statuses.add(res.statusCode);
    }
    expect(statuses.has(400)).toBe(true);
  });
});
