/**
 * Every operation of the OpenAPI document, fed malformed input: each field of its body replaced
 * by hostile JSON (5,000 levels of nesting, 1e400, NUL, overlong strings, wrong types …), whole
 * hostile bodies and content types, each query parameter hostile or repeated, each path
 * parameter hostile. Path parameters are real ids otherwise (resources made first), so the
 * input reaches the services. Every answer must be 2xx/3xx or a 4xx in the error envelope with a
 * documented code and its status: any 5xx, or any error outside the envelope, fails.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATUS_BY_CODE } from '../../src/http/errors.js';
import { availableDialects } from '../support/databases.js';
import { ADMIN_TOKEN, startListeningPolder, type TestPolder } from '../support/polder.js';
import {
  fieldPaths,
  HOSTILE_BODIES,
  HOSTILE_JSON,
  HOSTILE_PATH,
  HOSTILE_QUERY,
  type JsonSchema,
  NESTED_CASES,
  STORAGE_CASES,
  sample,
  unique,
  withField,
} from './fuzz.cases.js';

const dialects = await availableDialects();

interface Operation {
  method: string;
  path: string;
  params: { name: string; in: string }[];
  body?: JsonSchema | undefined;
  /** Callable without an API key (public, or an ingest token in the URL). */
  open: boolean;
}

interface Call {
  method: string;
  url: string;
  payload?: string;
  contentType?: string;
  token?: string | undefined;
}

interface Answer {
  status: number;
  body: string;
}

/** What is wrong with an answer, or undefined. */
function problem({ status, body: text }: Answer): string | undefined {
  if (status >= 500) return `answered ${status}: ${text.slice(0, 200)}`;
  if (status < 400) return undefined;
  let body: { error?: { code?: unknown; message?: unknown; details?: unknown } };
  try {
    body = JSON.parse(text);
  } catch {
    return `answered ${status} with a body that is not JSON: ${text.slice(0, 120)}`;
  }
  const e = body.error;
  if (typeof e?.code !== 'string' || typeof e.message !== 'string' || Object.keys(body).length !== 1)
    return `answered ${status} outside the envelope: ${text.slice(0, 200)}`;
  if (STATUS_BY_CODE[e.code] !== status) return `answered ${status} with code ${e.code} (not so in docs/errors.md)`;
  if (e.details !== undefined && (e.details === null || typeof e.details !== 'object' || Array.isArray(e.details)))
    return `details is not an object: ${text.slice(0, 200)}`;
  if (e.code === 'VALIDATION_FAILED' && typeof (e.details as { field?: unknown } | undefined)?.field !== 'string')
    return `VALIDATION_FAILED without details.field: ${text.slice(0, 200)}`;
  return undefined;
}

describe.each(dialects)('fuzzing every route of the OpenAPI document on %s', (dialect) => {
  let t: TestPolder;
  let operations: Operation[] = [];
  const ids: Record<string, string> = {};
  const bases: Record<string, () => unknown> = {};
  const baseQuery: Record<string, string> = {};

  const call = async (token: string | undefined, c: Call) =>
    t.call(token, {
      method: c.method as 'GET',
      url: c.url,
      ...(c.payload !== undefined && { payload: c.payload }),
      headers: c.contentType ? { 'content-type': c.contentType } : {},
    });
  /** The answer; a stream (GET /api/live) is read only when it is not a 200 event stream, else let go. */
  const answer = async (token: string | undefined, c: Call, stream: boolean): Promise<Answer> => {
    if (!stream) {
      const res = await call(token, c);
      return { status: res.statusCode, body: res.body };
    }
    const res = await t.call(token, { method: c.method as 'GET', url: c.url, payloadAsStream: true });
    if (res.statusCode === 200) {
      res.stream().destroy();
      return { status: 200, body: '' };
    }
    let body = '';
    for await (const chunk of res.stream()) body += String(chunk);
    return { status: res.statusCode, body };
  };
  const created = async (url: string, body: unknown): Promise<{ id: string; [k: string]: unknown }> => {
    const res = await call(ADMIN_TOKEN, { method: 'POST', url, payload: JSON.stringify(body), contentType: 'application/json' });
    expect(res.statusCode, `${url}: ${res.body}`).toBe(201);
    return res.json();
  };

  beforeAll(async () => {
    // Listening, so that the embedded broker runs (orders to devices are published).
    t = await startListeningPolder(dialect);
    const doc = (await call(undefined, { method: 'GET', url: '/api/openapi.json' })).json();
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, Record<string, unknown>>>))
      for (const [method, op] of Object.entries(ops)) {
        const security = op.security as Record<string, unknown>[] | undefined;
        const content = (op.requestBody as JsonSchema | undefined)?.content;
        operations.push({
          method: method.toUpperCase(),
          path,
          params: [
            ...((op.parameters as Operation['params'] | undefined) ?? []),
            // An ingest token in the URL is a security scheme, not a parameter, in the document.
            ...(security?.some((s) => 'ingestTokenQuery' in s) ? [{ name: 'token', in: 'query' }] : []),
          ],
          body: content?.['application/json']?.schema,
          open: security !== undefined && (security.length === 0 || security.some((s) => 'ingestTokenQuery' in s)),
        });
      }
    // Deletions last, so that every other operation meets real resources.
    operations = [...operations.filter((o) => o.method !== 'DELETE'), ...operations.filter((o) => o.method === 'DELETE')];

    const site = await created('/api/sites', { slug: unique(), name: 'Fuzz site' });
    const building = await created('/api/buildings', { site: site.id, slug: unique(), name: 'Fuzz building' });
    const room = await created('/api/rooms', { building: building.id, slug: unique(), name: 'Fuzz room' });
    const type = await created('/api/device-types', { name: unique(), connectivity: 'mqtt', configSchema: { type: 'object' } });
    const location = { site: site.id, building: building.id, room: room.id };
    const device = await created('/api/devices', { code: unique(), type: type.id, location });
    const sensor = await created(`/api/devices/${device.id}/sensors`, { code: unique() });
    const datastream = await created('/api/datastreams', { sensor: sensor.id, observedProperty: 'temperature', unit: 'Cel' });
    const source = 'export function decodeUplink(input) { return { data: { n: input.bytes.length } }; }';
    const worker = await created('/api/workers', { name: unique(), source });
    const pipeline = await created('/api/pipelines', { name: unique(), steps: [{ worker: 'ttn-v3' }] });
    const webhook = await created('/api/webhooks', { name: unique(), url: 'http://127.0.0.1:9/fuzz' });
    const user = await created('/api/organisations/default/users', {
      username: unique(),
      password: 'fuzz-password-1',
      role: 'viewer',
    });
    const key = await created('/api/organisations/default/api-keys', { name: unique(), scopes: ['devices:read'] });
    await created(`/api/pipelines/${pipeline.id}/ingest-token`, {});
    Object.assign(ids, {
      org: 'default',
      userId: user.id,
      keyId: key.id,
      pipelineId: pipeline.id,
      sites: site.id,
      buildings: building.id,
      rooms: room.id,
      'device-types': type.id,
      devices: device.id,
      sensors: sensor.id,
      datastreams: datastream.id,
      workers: worker.id,
      pipelines: pipeline.id,
      webhooks: webhook.id,
    });
    Object.assign(bases, {
      'POST /api/buildings': () => ({ site: site.id, slug: unique(), name: 'b' }),
      'POST /api/rooms': () => ({ building: building.id, slug: unique(), name: 'r' }),
      'POST /api/devices': () => ({ code: unique(), type: type.id, location }),
      'POST /api/datastreams': () => ({ sensor: sensor.id, observedProperty: unique(), unit: 'Cel' }),
      'POST /api/pipelines': () => ({ name: unique(), steps: [{ worker: 'ttn-v3' }] }),
      'POST /api/workers': () => ({ name: unique(), source }),
      'POST /api/workers/{id}/test': () => ({ payload: '{"a":1}' }),
      'POST /api/devices/{id}/commands': () => ({ order: 'status' }),
      'POST /api/webhooks': () => ({ name: unique(), url: 'http://127.0.0.1:9/fuzz' }),
      'POST /api/organisations/{org}/users': () => ({ username: unique(), password: 'fuzz-password-1', role: 'viewer' }),
      'POST /api/devices/import': () => [{ code: unique(), type: type.id }],
    });
    Object.assign(baseQuery, {
      '/api/measurements': `datastream=${datastream.id}`,
      '/api/measurements/export': `datastream=${datastream.id}`,
    });
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  /** The URL of an operation with real ids, one path parameter replaced when asked. */
  const urlOf = (op: Operation, replace?: { name: string; value: string }, query = baseQuery[op.path] ?? '') => {
    const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => {
      if (replace?.name === name) return replace.value;
      return ids[name] ?? ids[op.path.split('/')[2] ?? ''] ?? 'none';
    });
    return query ? `${path}?${query}` : path;
  };

  it('answers every malformed request with 2xx or a documented 4xx in the error envelope', async () => {
    // SQLite meets every case; PostgreSQL (slower per request) the ones that can break in storage.
    const pick = <T>(cases: Record<string, T>) =>
      dialect === 'sqlite' ? cases : Object.fromEntries(Object.entries(cases).filter(([label]) => STORAGE_CASES.has(label)));
    const bodies = HOSTILE_BODIES.filter(([label]) => dialect === 'sqlite' || STORAGE_CASES.has(label));
    const failures: string[] = [];
    let calls = 0;
    const check = async (op: Operation, label: string, c: Omit<Call, 'method'>) => {
      for (const token of op.open ? [undefined, ADMIN_TOKEN] : [ADMIN_TOKEN]) {
        calls++;
        // A live stream never ends on its own: its answer is taken as soon as the headers are out.
        const got = await answer(token, { method: op.method, ...c }, op.path === '/api/live');
        // mosquitto-go-auth's HTTP backend reads its own answer shape ({ok, error}): only 5xx counts there.
        const wrong = op.path.startsWith('/mqtt/go-auth/') && got.status < 500 ? undefined : problem(got);
        if (wrong)
          failures.push(`${op.method} ${op.path} [${label}${token ? '' : ', no credentials'}] ${c.url.slice(0, 80)}: ${wrong}`);
      }
    };
    for (const op of operations) {
      const pathParams = op.params.filter((p) => p.in === 'path');
      const queryParams = op.params.filter((p) => p.in === 'query');
      for (const p of pathParams)
        for (const [label, value] of Object.entries(pick(HOSTILE_PATH)))
          await check(op, `path ${p.name}: ${label}`, { url: urlOf(op, { name: p.name, value }) });
      for (const p of queryParams) {
        const base = baseQuery[op.path] ?? '';
        const q = (v: string) => [base, `${p.name}=${v}`].filter(Boolean).join('&');
        for (const [label, value] of Object.entries(pick(HOSTILE_QUERY)))
          await check(op, `query ${p.name}: ${label}`, { url: urlOf(op, undefined, q(value)) });
        if (dialect === 'sqlite') await check(op, `query ${p.name}: repeated`, { url: urlOf(op, undefined, q(`1&${p.name}=2`)) });
      }
      if (op.body === undefined) continue;
      const key = `${op.method} ${op.path}`;
      const base = () => bases[key]?.() ?? sample(op.body);
      const json = { contentType: 'application/json', url: urlOf(op) };
      await check(op, 'plausible body', { ...json, payload: JSON.stringify(base()) });
      for (const [label, contentType, payload] of bodies)
        await check(op, `body: ${label}`, { url: urlOf(op), contentType, payload });
      for (const path of fieldPaths(op.body))
        for (const [label, raw] of Object.entries(pick(HOSTILE_JSON)).filter(([l]) => path.length === 1 || NESTED_CASES.has(l)))
          await check(op, `body.${path.join('.')}: ${label}`, { ...json, payload: withField(base(), path, raw) });
    }
    expect(operations.length).toBeGreaterThan(90);
    expect(calls).toBeGreaterThan(dialect === 'sqlite' ? 5_000 : 2_000);
    expect(failures.slice(0, 60), `${failures.length} of ${calls} requests`).toEqual([]);
  }, 300_000);
});
