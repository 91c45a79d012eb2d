/**
 * The bad input issue 9 item 8 found answering 500, each now a 4xx in the error envelope naming
 * the field (test/http/fuzz.test.ts walks every route; these are the reported cases, by name).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startListeningPolder, type TestPolder } from '../support/polder.js';
import { DEEP_ARRAY, DEEP_OBJECT } from './fuzz.cases.js';

describe('bad input that answered 500', () => {
  let t: TestPolder;
  const api = (method: string, url: string, payload?: string, headers: Record<string, string> = {}, token = ADMIN_TOKEN) =>
    t.call(token, {
      method: method as 'GET',
      url,
      ...(payload !== undefined && { payload, headers: { 'content-type': 'application/json', ...headers } }),
    });
  const made = async (url: string, body: unknown) => {
    const res = await api('POST', url, JSON.stringify(body));
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string };
  };
  const refused = (res: Awaited<ReturnType<typeof api>>, status: number, code: string, field?: string) => {
    expect(res.statusCode, res.body).toBe(status);
    expect(res.json().error).toMatchObject({ code, ...(field && { details: { field } }) });
  };
  let device: { id: string };
  let worker: { id: string };
  let pipeline: { id: string };

  beforeAll(async () => {
    t = await startListeningPolder('sqlite');
    const site = await made('/api/sites', { slug: 'bad-input', name: 'Bad input' });
    const building = await made('/api/buildings', { site: site.id, slug: 'b1', name: 'B1' });
    const room = await made('/api/rooms', { building: building.id, slug: 'r1', name: 'R1' });
    await made('/api/device-types', { name: 'bad-type', connectivity: 'mqtt' });
    device = await made('/api/devices', { code: 'bad-1', type: 'bad-type', location: { site: site.id, room: room.id } });
    worker = await made('/api/workers', { name: 'w1', source: 'export function decodeUplink() { return { data: {} }; }' });
    pipeline = await made('/api/pipelines', { name: 'p1', steps: [{ worker: 'ttn-v3' }] });
    await made(`/api/pipelines/${pipeline.id}/ingest-token`, {});
  });
  afterAll(async () => {
    await t?.close();
  });

  it.each(['Infinity', '-Infinity', '1e400'])('limit=%s on a list route: 400 naming querystring.limit', async (limit) => {
    refused(await api('GET', `/api/devices?limit=${limit}`), 400, 'VALIDATION_FAILED', 'querystring.limit');
    refused(await api('GET', `/api/organisations?limit=${limit}`), 400, 'VALIDATION_FAILED', 'querystring.limit');
  });

  it('JSON nested 5,000 levels in any JSON field: 400 naming the field', async () => {
    const deep = [DEEP_ARRAY, DEEP_OBJECT];
    for (const d of deep) {
      refused(
        await api('POST', '/api/device-types', `{"name":"t2","connectivity":"mqtt","configSchema":${d}}`),
        400,
        'VALIDATION_FAILED',
        'body.configSchema',
      );
      refused(await api('PATCH', `/api/devices/${device.id}`, `{"config":${d}}`), 400, 'VALIDATION_FAILED', 'body.config');
      refused(
        await api('PATCH', `/api/devices/${device.id}`, `{"properties":${d}}`),
        400,
        'VALIDATION_FAILED',
        'body.properties',
      );
      refused(
        await api('PATCH', '/api/organisations/default', `{"settings":{"x":${d}}}`),
        400,
        'VALIDATION_FAILED',
        'body.settings',
      );
      refused(
        await api('POST', `/api/devices/${device.id}/commands`, `{"order":"set","value":${d}}`),
        400,
        'VALIDATION_FAILED',
        'body.value',
      );
      refused(
        await api('POST', `/api/workers/${worker.id}/test`, `{"payload":"{}","metadata":${d}}`),
        400,
        'VALIDATION_FAILED',
        'body.metadata',
      );
      refused(await api('POST', '/api/devices', d), 400, 'VALIDATION_FAILED', d === DEEP_ARRAY ? 'body.0' : 'body.a');
    }
    // 64 levels are still fine.
    const ok = `${'{"a":'.repeat(63)}1${'}'.repeat(63)}`;
    expect((await api('PATCH', `/api/devices/${device.id}`, `{"properties":${ok}}`)).statusCode).toBe(200);
  });

  it('JSON too deep in a query parameter or a CSV cell: 400 naming it', async () => {
    const deep = encodeURIComponent(`${'{"a":'.repeat(100)}1${'}'.repeat(100)}`);
    refused(await api('GET', `/api/devices?properties=${deep}`), 400, 'VALIDATION_FAILED', 'properties');
    const csv = `code,type,properties\nbad-2,bad-type,"${'{""a"":'.repeat(100)}1${'}'.repeat(100)}"\n`;
    const res = await api('POST', '/api/devices/import', csv, { 'content-type': 'text/csv' });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.details.errors ?? res.json().error.details).toBeDefined();
    expect(res.body).toContain('nested deeper than 64 levels');
  });

  it('PATCH /api/organisations/{org} with {} changes nothing and answers 200', async () => {
    const res = await api('PATCH', '/api/organisations/default', '{}');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().slug).toBe('default');
  });

  it('a repeated ?token= on POST /api/uplinks/{id}, without credentials: 400 naming querystring.token', async () => {
    const res = await t.call(undefined, { method: 'POST', url: `/api/uplinks/${pipeline.id}?token=a&token=b`, payload: '{}' });
    refused(res, 400, 'VALIDATION_FAILED', 'querystring.token');
  });

  it('numbers that are not finite and text PostgreSQL cannot store: 400 naming the field', async () => {
    refused(
      await api('PATCH', `/api/devices/${device.id}`, '{"latitude":"Infinity"}'),
      400,
      'VALIDATION_FAILED',
      'body.latitude',
    );
    refused(
      await api('PATCH', `/api/devices/${device.id}`, '{"description":"a\\u0000b"}'),
      400,
      'VALIDATION_FAILED',
      'body.description',
    );
    refused(
      await api('PATCH', `/api/devices/${device.id}`, '{"description":"a\\ud800b"}'),
      400,
      'VALIDATION_FAILED',
      'body.description',
    );
    refused(await api('GET', '/api/devices/a%00b'), 400, 'VALIDATION_FAILED', 'params.id');
    refused(
      await api('PATCH', '/api/organisations/default', '{"archiveDays":123456789012}'),
      400,
      'VALIDATION_FAILED',
      'body.archiveDays',
    );
  });

  it('an invalid interval lists the allowed values once', async () => {
    const res = await api('GET', '/api/measurements?datastream=1&interval=2h');
    refused(res, 400, 'VALIDATION_FAILED', 'querystring.interval');
    expect(res.json().error.message).toBe('querystring.interval: must be one of 1m, 5m, 15m, 1h, 1d, auto');
    expect(res.json().error.details.errors).toEqual([
      { field: 'querystring.interval', rule: 'enum', message: 'must be one of 1m, 5m, 15m, 1h, 1d, auto' },
    ]);
    expect(res.json().error.details.rule).toBe('enum');
  });

  it("Fastify's own errors use the envelope", async () => {
    refused(await api('GET', '/api/devices/%E0%A4%A'), 400, 'BAD_REQUEST');
    refused(await api('GET', `/api/devices/${'x'.repeat(150)}`), 414, 'URI_TOO_LONG');
    refused(await api('POST', '/api/devices', '{"code":'), 400, 'BAD_REQUEST');
    refused(await api('POST', '/api/devices', '{"__proto__":{"x":1}}'), 400, 'BAD_REQUEST');
    refused(await api('POST', '/api/devices', '{}', { 'content-type': 'application/x-unknown' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    refused(await api('POST', '/api/devices', JSON.stringify({ code: 'x'.repeat(2 * 1024 * 1024) })), 413, 'PAYLOAD_TOO_LARGE');
  });
});
