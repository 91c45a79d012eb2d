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
