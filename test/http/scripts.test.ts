import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects } from '../support/databases.js';
import { ADMIN_TOKEN, startTestPolder, type TestPolder } from '../support/polder.js';

const codec = readFileSync(new URL('../fixtures/codecs/decentlab-v2-style.js', import.meta.url), 'utf8');
const dialects = await availableDialects();

describe.each(dialects)('user scripts (workers API) on %s', (dialect) => {
  let t: TestPolder;
  const call = (method: string, url: string, payload?: unknown) =>
    t.call(ADMIN_TOKEN, { method: method as 'GET', url, ...(payload !== undefined && { payload: payload as object }) });

  beforeAll(async () => {
    t = await startTestPolder(dialect);
  });
  afterAll(() => t.close());

  it('stores a vendor codec pasted unchanged and decodes its documented example', async () => {
    const created = await call('POST', '/api/workers', { name: 'decentlab-dl-5tm', source: codec });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ name: 'decentlab-dl-5tm', language: 'javascript', revision: 1, source: codec });
    const r = await call('POST', '/api/workers/decentlab-dl-5tm/test', {
      payload: '02023b0002 0c60',
      encoding: 'hex',
      fPort: 1,
      config: { mapping: { defaults: true } },
    });
    expect(r.statusCode, r.body).toBe(200);
    const body = r.json();
    expect(body.errors).toEqual([]);
    expect(body.output.metadata.decoded).toEqual({
      battery_voltage: { displayName: 'Battery voltage', unit: 'V', value: 3.168 },
      device_id: 571,
      protocol_version: 2,
    });
    expect(body.output.measurements).toEqual([{ sensor: '0', observedProperty: 'battery_voltage', unit: 'V', value: 3.168 }]);
  });

  it('refuses a script that does not compile, or defines no entry point, and a built-in name', async () => {
    const broken = await call('POST', '/api/workers', { name: 'broken', source: 'function decodeUplink( {' });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error.code).toBe('SCRIPT_INVALID');
    const empty = await call('POST', '/api/workers', { name: 'empty', source: 'const x = 1;' });
    expect(empty.json().error.code).toBe('SCRIPT_INVALID');
    const clash = await call('POST', '/api/workers', { name: 'cayenne-lpp', source: 'function process(m) { return m }' });
    expect(clash.statusCode).toBe(409);
    expect((await call('GET', '/api/workers/broken')).statusCode).toBe(404);
  });

  it('keeps every revision, and tests any of them', async () => {
    const v1 = 'function process(m) { return { measurements: [{ sensor: "s", observedProperty: "n", unit: "1", value: 1 }] } }';
    const v2 =
      'function process(m) { console.log("v2 here"); return { measurements: [{ sensor: "s", observedProperty: "n", unit: "1", value: 2 }] } }';
    const created = (await call('POST', '/api/workers', { name: 'counter', language: 'typescript', source: v1 })).json();
    const renamed = await call('PATCH', `/api/workers/${created.id}`, { description: 'counts' });
    expect(renamed.json().revision).toBe(1);
    const patched = await call('PATCH', '/api/workers/counter', { source: v2 });
    expect(patched.json()).toMatchObject({ revision: 2, source: v2, description: 'counts' });
    const revisions = (await call('GET', '/api/workers/counter/revisions')).json();
    expect(revisions.data.map((r: { revision: number }) => r.revision)).toEqual([2, 1]);
    const now = (await call('POST', '/api/workers/counter/test', { payload: '' })).json();
    expect(now.output.measurements[0].value).toBe(2);
    expect(now.logs).toEqual([{ level: 'log', message: 'v2 here' }]);
    const old = (await call('POST', '/api/workers/counter/test', { payload: '', revision: 1 })).json();
    expect(old.output.measurements[0].value).toBe(1);
  });

  it('fails a runaway script with a clear error and keeps serving', async () => {
    await call('POST', '/api/workers', { name: 'spin', source: 'function process(m) { while (true) {} }' });
    const r = (await call('POST', '/api/workers/spin/test', { payload: 'x' })).json();
    expect(r.output).toBeNull();
    expect(r.errors[0].code).toBe('SCRIPT_TIMEOUT');
    await call('POST', '/api/workers', {
      name: 'bomb',
      source: 'function process(m) { const a = []; for (;;) a.push(new Array(1e6).fill(1)); }',
    });
    const bomb = (await call('POST', '/api/workers/bomb/test', { payload: 'x' })).json();
    expect(['SCRIPT_MEMORY_LIMIT', 'SCRIPT_TIMEOUT']).toContain(bomb.errors[0].code);
    expect((await call('GET', '/healthz')).statusCode).toBe(200);
    const ok = (await call('POST', '/api/workers/counter/test', { payload: '' })).json();
    expect(ok.errors).toEqual([]);
  });

  it('lists built-in workers with their config schemas, and tests them by name', async () => {
    const builtin = (await call('GET', '/api/workers/builtin')).json();
    expect(builtin.data.map((w: { name: string }) => w.name)).toEqual(
      expect.arrayContaining([
        'ttn-v3',
        'ttn-v2',
        'chirpstack-v4',
        'chirpstack-v3',
        'kpn-senml',
        'thingpark',
        'senml',
        'cayenne-lpp',
        'neocampus',
        'json-map',
        'csv',
      ]),
    );
    const r = (await call('POST', '/api/workers/cayenne-lpp/test', { payload: 'A2cBEAVnAP8=', encoding: 'base64' })).json();
    expect(r.output.measurements).toEqual([
      { sensor: '3', observedProperty: 'temperature', unit: 'Cel', value: 27.2 },
      { sensor: '5', observedProperty: 'temperature', unit: 'Cel', value: 25.5 },
    ]);
  });
});
