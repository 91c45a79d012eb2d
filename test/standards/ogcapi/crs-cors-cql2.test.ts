/**
 * OGC API – Features beyond Part 1 core, on both databases: Part 2 CRS (`crs`, `bbox-crs`,
 * CRS84 and EPSG:4326 axis order, `Content-Crs`), `prev` links, CORS for browser clients, and
 * CQL2 beyond Basic (LIKE, BETWEEN, IN, S_INTERSECTS with BBOX/ENVELOPE/POINT).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFORMANCE, CRS84, EPSG4326 } from '../../../src/standards/ogcapi/ogcapi.js';
import { availableDialects } from '../../support/databases.js';
import { ADMIN_TOKEN, startTestPolder, type TestPolder } from '../../support/polder.js';
import { type OgcWorld, PARIS, seedWorld } from './world.js';

const dialects = await availableDialects();

interface Link {
  href: string;
  rel: string;
}
interface Items {
  features: { id: string; geometry: { coordinates: number[] } | null }[];
  links: Link[];
}

describe.each(dialects)('OGC API – Features CRS, prev, CORS, CQL2 on %s', (dialect) => {
  let t: TestPolder;
  let w: OgcWorld;
  const get = (url: string, headers: Record<string, string> = {}) => t.call(w.key, { url, headers });
  const items = async (url: string) => {
    const res = await get(url);
    expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
    return res.json() as Items;
  };
  const ids = (page: Items) => page.features.map((f) => f.id);
  const link = (page: Items, rel: string) => {
    const l = page.links.find((x) => x.rel === rel);
    return l && new URL(l.href).pathname + new URL(l.href).search;
  };
  const cql = (filter: string) => `/ogc/collections/devices/items?filter=${encodeURIComponent(filter)}`;

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

  it('Part 2 crs: CRS84 by default, EPSG:4326 puts latitude first; Content-Crs names it; others 400', async () => {
    const conf = (await get('/ogc/conformance')).json().conformsTo as string[];
    expect(conf).toContain('http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs');
    expect(CONFORMANCE).toEqual(conf);
    const collection = (await get('/ogc/collections/devices')).json();
    expect(collection.crs).toEqual([CRS84, EPSG4326]);
    expect(collection.storageCrs).toBe(CRS84);

    const plain = await get('/ogc/collections/devices/items?code=d-paris');
    expect(plain.headers['content-crs']).toBe(`<${CRS84}>`);
    expect(plain.json().features[0].geometry.coordinates).toEqual([PARIS.longitude, PARIS.latitude]);
    const swapped = await get(`/ogc/collections/devices/items?code=d-paris&crs=${encodeURIComponent(EPSG4326)}`);
    expect(swapped.statusCode, swapped.body).toBe(200);
    expect(swapped.headers['content-crs']).toBe(`<${EPSG4326}>`);
    expect(swapped.json().features[0].geometry.coordinates).toEqual([PARIS.latitude, PARIS.longitude]);
    const one = await get(`/ogc/collections/devices/items/d-paris?crs=${encodeURIComponent(EPSG4326)}`);
    expect(one.json().geometry.coordinates).toEqual([PARIS.latitude, PARIS.longitude]);
    expect(one.headers['content-crs']).toBe(`<${EPSG4326}>`);

    const bad = await get('/ogc/collections/devices/items?crs=http://www.opengis.net/def/crs/EPSG/0/3857');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.field).toBe('crs');
  });

  it('Part 2 bbox-crs: an EPSG:4326 bbox is minLat,minLon,maxLat,maxLon', async () => {
    const around = (a: number, b: number) => [a - 0.1, b - 0.1, a + 0.1, b + 0.1].join(',');
    const lonFirst = await items(`/ogc/collections/devices/items?bbox=${around(PARIS.longitude, PARIS.latitude)}`);
    const latFirst = await items(
      `/ogc/collections/devices/items?bbox=${around(PARIS.latitude, PARIS.longitude)}&bbox-crs=${encodeURIComponent(EPSG4326)}`,
    );
    // d-nowhere has no place: it matches any bbox (§7.15.3).
    expect(ids(lonFirst)).toEqual(['d-nowhere', 'd-paris']);
    expect(ids(latFirst)).toEqual(ids(lonFirst));
    // The same numbers read as CRS84 are somewhere else entirely.
    const misread = await get(`/ogc/collections/devices/items?bbox=${around(PARIS.latitude, PARIS.longitude)}`);
    expect(misread.statusCode === 400 || !ids(misread.json() as Items).includes('d-paris')).toBe(true);
    expect((await get(`/ogc/collections/devices/items?bbox-crs=${encodeURIComponent(EPSG4326)}`)).statusCode).toBe(400);
  });

  it('prev links: paging forward by next and back by prev gives the same pages; none before the first', async () => {
    const forward: string[][] = [];
    let url: string | undefined = '/ogc/collections/devices/items?limit=1';
    let page: Items | undefined;
    const pages: Items[] = [];
    while (url) {
      page = await items(url);
      pages.push(page);
      forward.push(ids(page));
      url = link(page, 'next');
    }
    expect(forward.flat()).toEqual(['d-nowhere', 'd-paris', 'd-room', 'd-toulouse']);
    expect(link(pages[0] as Items, 'prev')).toBeUndefined();
    const backward: string[][] = [];
    let back = link(pages[pages.length - 1] as Items, 'prev');
    while (back) {
      const p = await items(back);
      backward.unshift(ids(p));
      back = link(p, 'prev');
    }
    expect(backward).toEqual(forward.slice(0, -1));
    // A prev page has a next link leading forward again.
    const second = await items(link(pages[2] as Items, 'prev') as string);
    expect(ids(second)).toEqual(['d-paris']);
    expect(ids(await items(link(second, 'next') as string))).toEqual(['d-room']);
  });

  it('CORS: answers carry Access-Control-Allow-Origin; a preflight allows Authorization', async () => {
    const res = await get('/ogc/collections', { origin: 'https://maps.example.org' });
    expect(res.headers['access-control-allow-origin']).toBe('*');
    const preflight = await t.call('', {
      method: 'OPTIONS',
      url: '/ogc/collections/devices/items',
      headers: {
        origin: 'https://maps.example.org',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization',
      },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('*');
    expect(String(preflight.headers['access-control-allow-headers'])).toMatch(/Authorization/);
    expect(String(preflight.headers['access-control-allow-methods'])).toMatch(/GET/);
    // Outside /ogc nothing changes.
    expect((await t.call(ADMIN_TOKEN, { url: '/api/devices' })).headers['access-control-allow-origin']).toBeUndefined();
  });

  it('CQL2 advanced comparisons: LIKE, BETWEEN, IN and their NOT forms', async () => {
    expect(ids(await items(cql("code LIKE 'd-p%'")))).toEqual(['d-paris']);
    expect(ids(await items(cql("code LIKE 'd-_oom'")))).toEqual(['d-room']);
    expect(ids(await items(cql("code NOT LIKE 'd-%o%'")))).toEqual(['d-paris']);
    // Case-sensitive on both databases (CQL2; SQLite's own LIKE ignores ASCII case).
    expect(ids(await items(cql("code LIKE 'D-P%'")))).toEqual([]);
    expect(ids(await items(cql("code LIKE 'd-PARIS'")))).toEqual([]);
    expect(ids(await items(cql("code NOT LIKE 'D-%'")))).toEqual(['d-nowhere', 'd-paris', 'd-room', 'd-toulouse']);
    // Only % and _ are wildcards (GLOB's * ? [ are literal), and a backslash escapes them.
    expect(ids(await items(cql("code LIKE 'd-*'")))).toEqual([]);
    expect(ids(await items(cql("code LIKE 'd-?oom'")))).toEqual([]);
    expect(ids(await items(cql("code LIKE '[d]-room'")))).toEqual([]);
    expect(ids(await items(cql("code LIKE 'd\\_room'")))).toEqual([]);
    expect(ids(await items(cql("code LIKE 'd\\-room'")))).toEqual(['d-room']);
    expect(ids(await items(cql("code BETWEEN 'd-o' AND 'd-r'")))).toEqual(['d-paris']);
    expect(ids(await items(cql("code IN ('d-room', 'd-paris', 'nothing')")))).toEqual(['d-paris', 'd-room']);
    expect(ids(await items(cql("code NOT IN ('d-room', 'd-paris') AND type = 'esp32'")))).toEqual(['d-nowhere', 'd-toulouse']);
    const bad = await get(cql('code LIKE 3'));
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details).toMatchObject({ field: 'filter', position: 11 });
    expect((await get(cql("code IN ('a'"))).statusCode).toBe(400);
  });

  it('CQL2 S_INTERSECTS: geometry against BBOX, ENVELOPE and POINT; features without a place never intersect', async () => {
    const box = `BBOX(${PARIS.longitude - 0.1}, ${PARIS.latitude - 0.1}, ${PARIS.longitude + 0.1}, ${PARIS.latitude + 0.1})`;
    expect(ids(await items(cql(`S_INTERSECTS(geometry, ${box})`)))).toEqual(['d-paris']);
    const envelope = `ENVELOPE(${PARIS.longitude - 0.1}, ${PARIS.longitude + 0.1}, ${PARIS.latitude + 0.1}, ${PARIS.latitude - 0.1})`;
    expect(ids(await items(cql(`S_INTERSECTS(geometry, ${envelope})`)))).toEqual(['d-paris']);
    expect(ids(await items(cql(`S_INTERSECTS(geometry, POINT(${PARIS.longitude} ${PARIS.latitude}))`)))).toEqual(['d-paris']);
    expect(ids(await items(cql(`NOT S_INTERSECTS(geometry, ${box}) AND code <> 'd-nowhere'`)))).toEqual(['d-room', 'd-toulouse']);
    const bad = await get(cql('S_INTERSECTS(geometry, BBOX(1, 2, 3))'));
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.field).toBe('filter');
  });
});
