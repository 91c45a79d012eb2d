import type { LightMyRequestResponse } from 'fastify';
import { ADMIN_TOKEN, type TestPolder } from '../../support/polder.js';

/** A SensorThings client over app.inject, as the OGC test suite talks to a server (JSON in, JSON out). */
export interface Sta {
  root: string;
  get(path: string, token?: string): Promise<LightMyRequestResponse>;
  post(path: string, body: unknown, token?: string): Promise<LightMyRequestResponse>;
  patch(path: string, body: unknown): Promise<LightMyRequestResponse>;
  put(path: string, body: unknown): Promise<LightMyRequestResponse>;
  del(path: string): Promise<LightMyRequestResponse>;
  /** The id in a 201's Location header (`…/Things('x')` → x, `…/Datastreams(5)` → 5). */
  idOf(res: LightMyRequestResponse): string | number;
}

export const ROOT = 'http://localhost:80/sta/v1.1';

export function staClient(t: TestPolder, version = 'v1.1'): Sta {
  const url = (path: string) => `/sta/${version}${path.startsWith('/') || path === '' ? path : `/${path}`}`;
  const send = (method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, body?: unknown, token = ADMIN_TOKEN) =>
    t.call(token, {
      method,
      url: url(path),
      ...(body !== undefined && { payload: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
  return {
    root: ROOT.replace('v1.1', version),
    get: (path, token) => send('GET', path, undefined, token),
    post: (path, body, token) => send('POST', path, body, token),
    patch: (path, body) => send('PATCH', path, body),
    put: (path, body) => send('PUT', path, body),
    del: (path) => send('DELETE', path),
    idOf(res) {
      const location = String(res.headers.location ?? '');
      const m = /\(([^()]*)\)$/.exec(location);
      if (!m) throw new Error(`no id in Location '${location}' (${res.statusCode} ${res.body})`);
      const raw = m[1] as string;
      return raw.startsWith("'") ? raw.slice(1, -1).replace(/''/g, "'") : Number(raw);
    },
  };
}

/** `Things('x')` / `Datastreams(5)`: how an id goes in a URL. */
export const key = (id: string | number) => (typeof id === 'number' ? `(${id})` : `('${id.replace(/'/g, "''")}')`);

export const ALL_SETS = [
  'Things',
  'Locations',
  'HistoricalLocations',
  'Datastreams',
  'Sensors',
  'ObservedProperties',
  'Observations',
  'FeaturesOfInterest',
] as const;

const T0 = Date.UTC(2015, 2, 1);
export const obsTime = (i: number) => new Date(T0 + i * 60_000).toISOString();

/**
 * The fixture ets-sta10's level 3 deep-inserts: 2 Things, each with 1 Location and 2
 * Datastreams (Sensor, ObservedProperty), 12 Observations with results 1..12 in
 * phenomenonTime order (3 per Datastream). Answers the Things' ids.
 */
export async function seedEtsFixture(sta: Sta): Promise<(string | number)[]> {
  const things: (string | number)[] = [];
  let n = 0;
  for (const t of [1, 2]) {
    const datastreams = [1, 2].map((d) => ({
      name: `datastream ${t}-${d}`,
      description: `datastream ${t}-${d} of thing ${t}`,
      unitOfMeasurement: { name: 'degree Celsius', symbol: 'Cel', definition: 'http://unitsofmeasure.org/ucum.html#para-30' },
      observationType: 'http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement',
      Sensor: {
        name: `sensor ${t}-${d}`,
        description: `sensor ${t}-${d}`,
        encodingType: 'application/pdf',
        metadata: 'spec.pdf',
      },
      ObservedProperty: {
        name: `property ${t}-${d}`,
        definition: `urn:example:property-${t}-${d}`,
        description: `property ${t}-${d}`,
      },
      Observations: [0, 1, 2].map(() => {
        n++;
        return { phenomenonTime: obsTime(n), result: n };
      }),
    }));
    const res = await sta.post('Things', {
      name: `thing ${t}`,
      description: `thing number ${t}`,
      properties: { reference: `ref-${t}`, floor: t },
      Locations: [
        {
          name: `location ${t}`,
          description: `where thing ${t} is`,
          encodingType: 'application/vnd.geo+json',
          location: { type: 'Point', coordinates: [5 + t, 52 + t / 10] },
        },
      ],
      Datastreams: datastreams,
    });
    if (res.statusCode !== 201) throw new Error(`fixture: ${res.statusCode} ${res.body}`);
    things.push(sta.idOf(res));
  }
  return things;
}
