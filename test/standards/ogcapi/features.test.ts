/**
 * OGC API – Features Part 1 at /ogc, conformance classes core, geojson, html and oas30, on both
 * databases: one test per ETS (ets-ogcapi-features10) test class where it applies.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFORMANCE } from '../../../src/standards/ogcapi/ogcapi.js';
import { availableDialects } from '../../support/databases.js';
import { ADMIN_TOKEN, startTestPolder, type TestPolder } from '../../support/polder.js';
import { CAMPUS, MIN, type OgcWorld, PARIS, seedWorld, T0, TOULOUSE } from './world.js';

const dialects = await availableDialects();

interface Link {
  href: string;
  rel: string;
  type: string;
}
interface Feature {
  type: 'Feature';
  id: string;
  geometry: { type: 'Point'; coordinates: number[] } | null;
  properties: Record<string, unknown>;
  links?: Link[];
}
interface Items {
  type: 'FeatureCollection';
  features: Feature[];
  links: Link[];
  numberMatched?: number;
  numberReturned: number;
  timeStamp: string;
}

describe.each(dialects)('OGC API – Features on %s', (dialect) => {
  let t: TestPolder;
  let w: OgcWorld;

  const get = (url: string, token: string = w.key, headers: Record<string, string> = {}) => t.call(token, { url, headers });
  const json = async <T = Record<string, unknown>>(url: string, token = w.key) => {
    const res = await get(url, token);
    expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
    return res.json() as T;
  };
  const rel = (links: Link[], r: string, type?: string) => links.find((l) => l.rel === r && (!type || l.type === type));
  const path = (href: string) => {
    const u = new URL(href);
    return u.pathname + u.search;
  };
  const codes = (items: Items) => items.features.map((f) => f.id);
  const badRequest = async (url: string) => {
    const res = await get(url);
    expect(res.statusCode, `${url}: ${res.body}`).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION_FAILED');
    return res.json().error as { message: string; details: { field: string } };
  };

  beforeAll(async () => {
    t = await startTestPolder(dialect);
    const call = async (method: string, url: string, token: string, payload?: unknown) => {
      const res = await t.call(token, {
        method: method as 'GET',
        url,
        ...(payload !== undefined && { payload: payload as object }),
      });
      return { status: res.statusCode, body: res.body };
    };
    w = await seedWorld(call, t.polder.database, ADMIN_TOKEN);
  });
  afterAll(() => t.close());

  it('LandingPage: links to the API definition, conformance and collections (application/json)', async () => {
    const res = await get('/ogc', '');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const links = res.json().links as Link[];
    expect(rel(links, 'service-desc')?.type).toBe('application/vnd.oai.openapi+json;version=3.0');
    expect(rel(links, 'service-doc')?.type).toBe('text/html');
    expect(path((rel(links, 'conformance') as Link).href)).toBe('/ogc/conformance');
    expect(path((rel(links, 'data') as Link).href)).toBe('/ogc/collections');
    expect(rel(links, 'self')?.type).toBe('application/json');
    expect(rel(links, 'alternate')?.type).toBe('text/html');
    expect((await get('/ogc/', '')).statusCode).toBe(200);
  });

  it('Conformance: lists core, geojson, html and oas30', async () => {
    const doc = await json<{ conformsTo: string[] }>('/ogc/conformance', '');
    expect(doc.conformsTo.sort()).toEqual([...CONFORMANCE].sort());
    expect(doc.conformsTo).toContain('http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30');
  });

  it('ApiDefinition: a valid OpenAPI 3.0 document declaring limit, bbox, datetime and the property filters', async () => {
    const res = await get('/ogc/api', '');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.oai.openapi+json;version=3.0');
    const doc = res.json();
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(doc.openapi).toMatch(/^3\.0\./);
    const names = (p: string) =>
      (doc.paths[p].get.parameters as { name?: string; $ref?: string }[]).map((x) => x.name ?? x.$ref?.split('/').pop());
    for (const p of ['/collections/{collectionId}/items', '/collections/devices/items', '/collections/measurements/items'])
      expect(names(p)).toEqual(expect.arrayContaining(['limit', 'bbox', 'datetime', 'f']));
    expect(names('/collections/devices/items')).toEqual(expect.arrayContaining(['state', 'type', 'site']));
    expect(names('/collections/measurements/items')).toEqual(expect.arrayContaining(['datastream', 'device']));
    const html = await get('/ogc/api?f=html', '');
    expect(html.headers['content-type']).toMatch(/^text\/html/);
    expect(html.body).toContain('/collections/{collectionId}/items');
  });

  it('FeatureCollections: every collection with items links per encoding and its extent; the key is needed', async () => {
    expect((await get('/ogc/collections', '')).statusCode).toBe(401);
    expect((await get('/ogc/collections', 'not-a-key')).statusCode).toBe(401);
    const doc = await json<{
      links: Link[];
      collections: { id: string; links: Link[]; extent?: { spatial?: { bbox: number[][] } } }[];
    }>('/ogc/collections');
    expect(doc.collections.map((c) => c.id)).toEqual([
      'devices',
      'sites',
      'buildings',
      'measurements',
      'humidity',
      'temperature',
    ]);
    expect(rel(doc.links, 'self')?.type).toBe('application/json');
    for (const c of doc.collections) {
      expect(path((rel(c.links, 'items', 'application/geo+json') as Link).href)).toBe(`/ogc/collections/${c.id}/items`);
      expect(rel(c.links, 'items', 'text/html')).toBeDefined();
    }
    const devices = doc.collections[0];
    expect(devices?.extent?.spatial?.bbox).toEqual([[TOULOUSE.longitude, CAMPUS.latitude, PARIS.longitude, PARIS.latitude]]);
    const measurements = doc.collections.find((c) => c.id === 'measurements') as {
      extent?: { temporal?: { interval: unknown } };
    };
    expect(measurements.extent?.temporal?.interval).toEqual([[new Date(T0).toISOString(), new Date(T0 + 4 * MIN).toISOString()]]);
  });

  it('FeatureCollection: /collections/{id} is the same object as in the list; an unknown id is 404', async () => {
    const list = await json<{ collections: { id: string; title: string; extent: unknown; itemType: string }[] }>(
      '/ogc/collections',
    );
    for (const id of ['devices', 'temperature']) {
      const one = await json<{ id: string; title: string; extent: unknown; itemType: string; links: Link[] }>(
        `/ogc/collections/${id}`,
      );
      const listed = list.collections.find((c) => c.id === id);
      expect({ id: one.id, title: one.title, extent: one.extent, itemType: one.itemType }).toEqual({
        id: listed?.id,
        title: listed?.title,
        extent: listed?.extent,
        itemType: 'feature',
      });
      expect(rel(one.links, 'self')).toBeDefined();
    }
    const missing = await get('/ogc/collections/pressure');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('NOT_FOUND');
  });

  it('Features: a GeoJSON FeatureCollection with points, latest values, timeStamp, numberMatched/numberReturned', async () => {
    const res = await get('/ogc/collections/devices/items');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/geo\+json/);
    const items = res.json() as Items;
    expect(items.type).toBe('FeatureCollection');
    expect(codes(items)).toEqual(['d-nowhere', 'd-paris', 'd-room', 'd-toulouse']);
    expect(items.numberMatched).toBe(4);
    expect(items.numberReturned).toBe(4);
    expect(Math.abs(Date.parse(items.timeStamp) - Date.now())).toBeLessThan(60_000);
    const byCode = Object.fromEntries(items.features.map((f) => [f.id, f]));
    expect(byCode['d-toulouse']?.geometry).toEqual({ type: 'Point', coordinates: [TOULOUSE.longitude, TOULOUSE.latitude] });
    expect(byCode['d-room']?.geometry?.coordinates).toEqual([CAMPUS.longitude, CAMPUS.latitude]);
    expect(byCode['d-nowhere']?.geometry).toBeNull();
    expect(byCode['d-toulouse']?.properties).toMatchObject({
      code: 'd-toulouse',
      type: 'esp32',
      state: 'offline',
      site: 'campus',
      building: 'u4',
      room: '301',
      temperature: 20.4,
      humidity: 55.4,
    });
    expect(byCode['d-paris']?.properties).toMatchObject({ state: 'online', lastSeen: new Date(T0 + 10 * MIN).toISOString() });
    expect(byCode['d-paris']?.properties.temperature).toBeCloseTo(15.4);
    expect(rel(items.links, 'self')?.type).toBe('application/geo+json');
    expect(rel(items.links, 'alternate')?.type).toBe('text/html');
    expect(rel(items.links, 'next')).toBeUndefined();
  });

  it('FeaturesLimit: limit pages with next links until the end; bad limits are 400, a large one is clamped', async () => {
    const seen: string[] = [];
    let url: string | undefined = '/ogc/collections/devices/items?limit=1';
    let pages = 0;
    while (url) {
      const items: Items = await json<Items>(url);
      expect(items.features.length).toBeLessThanOrEqual(1);
      expect(items.numberMatched).toBe(4);
      seen.push(...codes(items));
      pages++;
      const next = rel(items.links, 'next');
      url = next ? path(next.href) : undefined;
    }
    expect(seen).toEqual(['d-nowhere', 'd-paris', 'd-room', 'd-toulouse']);
    expect(pages).toBe(4);
    for (const bad of ['0', '-1', 'abc', '1.5', ''])
      expect((await badRequest(`/ogc/collections/devices/items?limit=${bad}`)).details.field).toBe('limit');
    expect(codes(await json<Items>('/ogc/collections/devices/items?limit=99999'))).toHaveLength(4);
    expect((await badRequest('/ogc/collections/devices/items?cursor=garbage')).details.field).toBe('cursor');
  });

  it('FeaturesBBox: points inside the box and features without a place; bad boxes are 400', async () => {
    const around = (b: number[]) => json<Items>(`/ogc/collections/devices/items?bbox=${b.join(',')}`).then(codes);
    expect(await around([1.4, 43.5, 1.5, 43.6])).toEqual(['d-nowhere', 'd-room', 'd-toulouse']);
    expect(await around([2, 48, 3, 49])).toEqual(['d-nowhere', 'd-paris']);
    expect(await around([1.4, 43.5, 0, 1.5, 43.6, 100])).toEqual(['d-nowhere', 'd-room', 'd-toulouse']);
    // Across the antimeridian: from 170°E eastwards to 2°E covers Toulouse but not Paris (2.35°E).
    expect(await around([170, -90, 2, 90])).toEqual(['d-nowhere', 'd-room', 'd-toulouse']);
    const temps = await json<Items>('/ogc/collections/measurements/items?bbox=2,48,3,49&limit=100');
    expect(new Set(temps.features.map((f) => f.properties.device))).toEqual(new Set(['d-paris']));
    for (const bad of ['1,2,3', '1,2,3,4,5', 'a,b,c,d', '0,50,1,40', '0,-91,1,0'])
      expect((await badRequest(`/ogc/collections/devices/items?bbox=${bad}`)).details.field).toBe('bbox');
  });

  it('FeaturesTime: datetime instants, intervals and open ends on measurements; bad values are 400', async () => {
    const at = (i: number) => new Date(T0 + i * MIN).toISOString();
    const times = async (datetime: string) => {
      const items = await json<Items>(
        `/ogc/collections/measurements/items?datastream=${w.datastreams.toulouseTemp}&datetime=${encodeURIComponent(datetime)}`,
      );
      return items.features.map((f) => f.properties.datetime);
    };
    expect(await times(at(2))).toEqual([at(2)]);
    expect(await times(`${at(1)}/${at(3)}`)).toEqual([at(1), at(2), at(3)]);
    expect(await times(`../${at(1)}`)).toEqual([at(0), at(1)]);
    expect(await times(`/${at(1)}`)).toEqual([at(0), at(1)]);
    expect(await times(`${at(3)}/..`)).toEqual([at(3), at(4)]);
    expect(await times(`${at(3)}/`)).toEqual([at(3), at(4)]);
    expect(await times('2025-03-01')).toHaveLength(5);
    expect(await times('2025-03-01T01:00:00+01:00')).toEqual([at(0)]);
    // Devices: by last seen; a device never seen has no temporal information and matches.
    const seen = await json<Items>(`/ogc/collections/devices/items?datetime=${encodeURIComponent(`${at(5)}/..`)}`);
    expect(codes(seen)).toEqual(['d-nowhere', 'd-paris', 'd-room']);
    for (const bad of ['yesterday', '2025-13-01T00:00:00Z', '../..', `${at(3)}/${at(1)}`, '2025-03-01T00:00:00'])
      expect((await badRequest(`/ogc/collections/measurements/items?datetime=${encodeURIComponent(bad)}`)).details.field).toBe(
        'datetime',
      );
  });

  it('FeaturesErrorConditions: an unknown parameter is 400 naming it; repeated parameters too', async () => {
    expect((await badRequest('/ogc/collections/devices/items?colour=red')).details.field).toBe('colour');
    expect((await badRequest('/ogc/collections/devices/items?bbox-crs=x')).details.field).toBe('bbox-crs');
    expect((await badRequest('/ogc/collections/devices/items?limit=1&limit=2')).details.field).toBe('limit');
    expect((await badRequest('/ogc/collections?limit=1')).details.field).toBe('limit');
    expect((await badRequest('/ogc/collections/devices/items?f=xml')).details.field).toBe('f');
    expect((await badRequest('/ogc/collections/measurements/items?datastream=abc')).details.field).toBe('datastream');
  });

  it('property filters: state, type, location; comma-separated values are alternatives', async () => {
    const q = (query: string) => json<Items>(`/ogc/collections/devices/items?${query}`).then(codes);
    expect(await q('state=online')).toEqual(['d-paris']);
    expect(await q('state=online,offline')).toEqual(['d-paris', 'd-toulouse']);
    expect(await q('room=301&type=esp32')).toEqual(['d-room', 'd-toulouse']);
    expect(await q('site=campus&code=d-room')).toEqual(['d-room']);
    expect(await q('enabled=false')).toEqual([]);
    expect(await q('enabled=1&state=unknown')).toEqual(['d-nowhere', 'd-room']);
    const sites = await json<Items>('/ogc/collections/sites/items?slug=campus');
    expect(sites.features[0]).toMatchObject({
      id: 'campus',
      geometry: { coordinates: [CAMPUS.longitude, CAMPUS.latitude] },
      properties: { name: 'Campus', buildings: 1, devices: 2 },
    });
    const buildings = await json<Items>('/ogc/collections/buildings/items?site=campus');
    expect(buildings.features.map((f) => f.properties)).toEqual([
      { slug: 'u4', name: 'U4', site: 'campus', rooms: 1, devices: 2 },
    ]);
  });

  it('Basic CQL2 text filter on the property filters; a bad filter is 400 with its position', async () => {
    const q = (filter: string) => json<Items>(`/ogc/collections/devices/items?filter=${encodeURIComponent(filter)}`).then(codes);
    expect(await q("state = 'online' OR code = 'd-room'")).toEqual(['d-paris', 'd-room']);
    expect(await q("NOT (state = 'unknown') AND site = 'campus'")).toEqual(['d-toulouse']);
    expect(await q('building IS NULL')).toEqual(['d-nowhere', 'd-paris']);
    expect(await q("code >= 'd-r'")).toEqual(['d-room', 'd-toulouse']);
    expect(await q("'d-r' <= code AND enabled = TRUE")).toEqual(['d-room', 'd-toulouse']);
    expect(await q('site = building OR room = building')).toEqual([]);
    const m = await json<Items>(
      `/ogc/collections/measurements/items?filter=${encodeURIComponent(`datastream = ${w.datastreams.parisTemp}`)}&limit=100`,
    );
    expect(m.features).toHaveLength(5);
    const err = await badRequest(
      `/ogc/collections/devices/items?filter=${encodeURIComponent("state = 'online' AND colour = 1")}`,
    );
    expect(err.message).toContain('position 22');
    for (const bad of ["state = 'x", 'state =', "state 'x'", '((((', "state = 'a' OR", 'code = 3'])
      expect((await badRequest(`/ogc/collections/devices/items?filter=${encodeURIComponent(bad)}`)).details.field).toBe('filter');
    expect((await badRequest('/ogc/collections/devices/items?filter-lang=cql2-json&filter=x')).details.field).toBe('filter-lang');
  });

  it('Queryables (Part 3): a JSON Schema per collection, linked from it, each queryable also a query parameter', async () => {
    const c = await json<{ links: Link[] }>('/ogc/collections/devices');
    const link = rel(c.links, 'http://www.opengis.net/def/rel/ogc/1.0/queryables') as Link;
    expect(link.type).toBe('application/schema+json');
    const res = await get(path(link.href));
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/schema+json');
    const schema = res.json() as { type: string; properties: Record<string, { type: string }> };
    expect(schema.type).toBe('object');
    expect(Object.keys(schema.properties)).toEqual(['code', 'type', 'state', 'site', 'building', 'room', 'enabled']);
    expect(schema.properties.enabled?.type).toBe('boolean');
    const temps = await json<{ properties: Record<string, { type: string }> }>('/ogc/collections/temperature/queryables');
    expect(temps.properties.datastream?.type).toBe('integer');
    const api = (await get('/ogc/api', '')).json() as { paths: Record<string, { get: { parameters: { name?: string }[] } }> };
    const params = (api.paths['/collections/devices/items']?.get.parameters ?? []).map((p) => p.name);
    for (const name of Object.keys(schema.properties)) expect(params).toContain(name);
    expect((await get('/ogc/collections/devices/queryables?f=html')).body).toContain('<td>enabled</td>');
    expect((await get('/ogc/collections/nope/queryables')).statusCode).toBe(404);
  });

  it('Feature: one item by id with self, alternate and collection links; unknown ids are 404', async () => {
    const res = await get('/ogc/collections/devices/items/d-toulouse');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/geo\+json/);
    const f = res.json() as Feature;
    expect(f.id).toBe('d-toulouse');
    expect(f.properties.temperature).toBe(20.4);
    expect(path((rel(f.links ?? [], 'collection') as Link).href)).toBe('/ogc/collections/devices');
    expect(rel(f.links ?? [], 'self')?.type).toBe('application/geo+json');
    const temp = await json<Feature>(`/ogc/collections/temperature/items/${w.datastreams.toulouseTemp}`);
    expect(temp.properties).toMatchObject({ device: 'd-toulouse', sensor: 'bme280', unit: 'Cel', value: 20.4 });
    expect(temp.properties.time).toBe(new Date(T0 + 4 * MIN).toISOString());
    const one = await json<Feature>(`/ogc/collections/measurements/items/${w.datastreams.toulouseHum}-${T0 + MIN}`);
    expect(one.properties).toMatchObject({ value: 55.1, observedProperty: 'humidity', unit: '%', device: 'd-toulouse' });
    for (const url of [
      '/ogc/collections/devices/items/nope',
      '/ogc/collections/measurements/items/1-x',
      `/ogc/collections/measurements/items/${w.datastreams.toulouseHum}-${T0 + 1}`,
      '/ogc/collections/temperature/items/abc',
      `/ogc/collections/humidity/items/${w.datastreams.toulouseTemp}`,
    ])
      expect((await get(url)).statusCode, url).toBe(404);
  });

  it('observed-property collections: the latest value of each datastream measuring it', async () => {
    const items = await json<Items>('/ogc/collections/temperature/items');
    expect(items.features.map((f) => [f.properties.device, f.properties.value])).toEqual([
      ['d-toulouse', 20.4],
      ['d-paris', expect.closeTo(15.4)],
    ]);
    expect(items.features[1]?.geometry?.coordinates).toEqual([PARIS.longitude, PARIS.latitude]);
    expect(codes(await json<Items>('/ogc/collections/temperature/items?device=d-paris'))).toEqual([
      String(w.datastreams.parisTemp),
    ]);
  });

  it('HTML: chosen by Accept or f=html, with every link as an anchor; f=json wins over Accept', async () => {
    const browser = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };
    for (const url of [
      '/ogc',
      '/ogc/conformance',
      '/ogc/collections',
      '/ogc/collections/devices',
      '/ogc/collections/devices/items',
    ]) {
      const res = await get(url, w.key, browser);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type'], url).toMatch(/^text\/html/);
      expect(res.body).toMatch(/^<!DOCTYPE html>/);
    }
    const list = await get('/ogc/collections?f=html');
    const collections = (await json<{ collections: { links: Link[] }[] }>('/ogc/collections')).collections;
    for (const l of collections.flatMap((c) => c.links))
      expect(list.body).toContain(`<a href="${l.href.replace(/&/g, '&amp;')}"`);
    const items = await get('/ogc/collections/devices/items?f=html&limit=2');
    expect(items.headers['content-type']).toMatch(/^text\/html/);
    expect(items.body).toContain('d-nowhere');
    expect(items.body).toMatch(/<a href="[^"]*cursor=[^"]*" rel="next"/);
    const feature = await get('/ogc/collections/devices/items/d-paris?f=html');
    expect(feature.body).toContain('<th>temperature</th>');
    const gis = await get('/ogc/collections/devices/items?f=json', w.key, browser);
    expect(gis.headers['content-type']).toMatch(/^application\/geo\+json/);
    const client = await get('/ogc/collections', w.key, { accept: 'application/json' });
    expect(client.headers['content-type']).toMatch(/^application\/json/);
  });

  it('each organisation sees only its own devices, series and observed properties', async () => {
    const mine = codes(await json<Items>('/ogc/collections/devices/items', w.otherKey));
    expect(mine).toEqual(['d-other']);
    const theirs = await json<{ collections: { id: string }[] }>('/ogc/collections', w.otherKey);
    expect(theirs.collections.map((c) => c.id)).toEqual(['devices', 'sites', 'buildings', 'measurements', 'temperature']);
    const temps = await json<Items>('/ogc/collections/temperature/items', w.otherKey);
    expect(temps.features.map((f) => f.properties.device)).toEqual(['d-other']);
    const ms = await json<Items>('/ogc/collections/measurements/items?limit=100', w.otherKey);
    expect(new Set(ms.features.map((f) => f.properties.datastream))).toEqual(new Set([w.datastreams.otherTemp]));
    expect((await get('/ogc/collections/devices/items/d-toulouse', w.otherKey)).statusCode).toBe(404);
    expect((await get('/ogc/collections/humidity', w.otherKey)).statusCode).toBe(404);
    expect((await get(`/ogc/collections/temperature/items/${w.datastreams.toulouseTemp}`, w.otherKey)).statusCode).toBe(404);
    expect((await get(`/ogc/collections/measurements/items/${w.datastreams.toulouseTemp}-${T0}`, w.otherKey)).statusCode).toBe(
      404,
    );
    const none = await json<Items>(`/ogc/collections/measurements/items?datastream=${w.datastreams.toulouseTemp}`, w.otherKey);
    expect(none.features).toEqual([]);
  });
});
