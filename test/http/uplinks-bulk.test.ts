import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { availableDialects } from '../support/databases.js';
import { MapCatalog, RecordingInbox } from '../support/ingest-doubles.js';
import { ADMIN_TOKEN, startTestPolder, type TestPolder } from '../support/polder.js';
import { ttnV3Body } from '../support/uplink-fixtures.js';

const dialects = await availableDialects();
const INGEST_TOKEN = 'ingest-token-of-pipeline-a-0123456789';

describe.each(dialects)('POST /api/uplinks/{pipelineId}/batch on %s', (dialect) => {
  let t: TestPolder;
  const catalog = new MapCatalog();
  const inbox = new RecordingInbox();
  let orgA: string;
  let keyB: string;

  const post = (pipeline: string, body: string | Buffer, type: string, headers: Record<string, string> = {}) =>
    t.polder.app.inject({
      method: 'POST',
      url: `/api/uplinks/${pipeline}/batch`,
      headers: { 'content-type': type, ...headers },
      payload: body,
    });
  const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

  beforeAll(async () => {
    t = await startTestPolder(dialect, { POLDER_UPLINK_MAX_BYTES: '16384' }, { ingestCatalog: catalog, inbox });
    orgA = t.polder.bootstrap.org.id;
    const org = await t.call(ADMIN_TOKEN, { method: 'POST', url: '/api/organisations', payload: { slug: 'beta', name: 'beta' } });
    expect(org.statusCode, org.body).toBe(201);
    const key = await t.call(ADMIN_TOKEN, {
      method: 'POST',
      url: '/api/organisations/beta/api-keys',
      payload: { name: 'b', scopes: ['uplinks:write'] },
    });
    keyB = key.json().secret;
    catalog.save({ id: 'pipe-a', orgId: orgA }, INGEST_TOKEN);
    catalog.save({ id: 'pipe-off', orgId: orgA, status: 'inactive' }, INGEST_TOKEN);
  });
  afterAll(() => t.close());
  beforeEach(() => {
    inbox.messages.length = 0;
    inbox.failing = false;
  });

  it('NDJSON: each non-empty line is one uplink, byte for byte, in order, with its trace id', async () => {
    // NDJSON: one record per line, so the sample goes compact.
    const bodies = [Buffer.from(JSON.stringify(JSON.parse(ttnV3Body().toString()))), Buffer.from('{"a":1}'), Buffer.from('{"b": [2, 3]}')];
    const ndjson = Buffer.concat([
      bodies[0]!,
      Buffer.from('\r\n\n  \n'),
      bodies[1]!,
      Buffer.from('\n'),
      bodies[2]!,
      Buffer.from('\n'),
    ]);
    const r = await post('pipe-a', ndjson, 'application/x-ndjson', admin);
    expect(r.statusCode, r.body).toBe(202);
    const { accepted, results } = r.json();
    expect(accepted).toBe(3);
    expect(results.map((x: { traceId: string }) => x.traceId)).toEqual(inbox.messages.map((m) => m.id));
    expect(inbox.messages.map((m) => Buffer.from(m.payload).toString('hex'))).toEqual(bodies.map((b) => b.toString('hex')));
    expect(inbox.messages.every((m) => m.orgId === orgA && m.pipelineId === 'pipe-a' && m.transport.kind === 'http')).toBe(true);
  });

  it('a JSON array: each element becomes a JSON body; the ingest token works as for one uplink', async () => {
    const r = await post('pipe-a', JSON.stringify([{ x: 1 }, [1, 2], 'text']), 'application/json', {
      'x-ingest-token': INGEST_TOKEN,
    });
    expect(r.statusCode, r.body).toBe(202);
    expect(inbox.messages.map((m) => Buffer.from(m.payload).toString('utf8'))).toEqual(['{"x":1}', '[1,2]', '"text"']);
  });

  it('bad input is a 400 naming body, and nothing is enqueued', async () => {
    const cases: [string, string][] = [
      ['[1, 2', 'application/json'],
      ['{"not": "an array"}', 'application/json'],
      ['[]', 'application/json'],
      ['\n\n', 'application/x-ndjson'],
      ['a,b\n1,2', 'text/csv'],
      [`[${Array.from({ length: 10_001 }, () => '0').join(',')}]`, 'application/json'],
    ];
    for (const [body, type] of cases) {
      const r = await post('pipe-a', body, type, admin);
      expect(r.statusCode, `${type} ${body.slice(0, 30)}: ${r.body}`).toBe(400);
      expect(r.json().error.details.field).toBe('body');
    }
    expect(inbox.messages).toEqual([]);
  });

  it('an uplink over the size limit is refused alone; credentials, other organisations and inactive pipelines as for one uplink', async () => {
    const big = Buffer.alloc(20_000, 0x61);
    const r = await post(
      'pipe-a',
      Buffer.concat([Buffer.from('{"ok":1}\n'), big, Buffer.from('\n')]),
      'application/x-ndjson',
      admin,
    );
    expect(r.statusCode, r.body).toBe(202);
    expect(r.json().accepted).toBe(1);
    expect(r.json().results[1].error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(inbox.messages).toHaveLength(1);
    expect((await post('pipe-a', '{"a":1}\n', 'application/x-ndjson')).statusCode).toBe(401);
    const other = await post('pipe-a', '{"a":1}\n', 'application/x-ndjson', { authorization: `Bearer ${keyB}` });
    expect(other.statusCode).toBe(404);
    const off = await post('pipe-off', '{"a":1}\n{"b":2}\n', 'application/x-ndjson', admin);
    expect(off.statusCode).toBe(409);
    expect(off.json().error.code).toBe('PIPELINE_INACTIVE');
    expect(inbox.messages).toHaveLength(1);
  });

  it('answers 503 when the inbox cannot store them, and none is accepted', async () => {
    inbox.failing = true;
    const r = await post('pipe-a', '{"a":1}\n{"b":2}\n', 'application/x-ndjson', admin);
    expect(r.statusCode).toBe(503);
    expect(inbox.messages).toEqual([]);
  });
});
