import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects } from '../support/databases.js';
import { RecordingInbox } from '../support/ingest-doubles.js';
import { ADMIN_TOKEN, startTestPolder, type TestPolder } from '../support/polder.js';
import { ttnV3Body } from '../support/uplink-fixtures.js';

const dialects = await availableDialects();

// Issue 9 item 16: docs/pipelines.md says the API takes a pipeline's name wherever an id goes.
describe.each(dialects)('POST /api/uplinks/{pipeline name} on %s', (dialect) => {
  let t: TestPolder;
  const inbox = new RecordingInbox();
  let pipelineA: string;
  let pipelineB: string;
  let tokenA: string;
  let tokenB: string;
  let keyB: string;

  const post = (pipeline: string, headers: Record<string, string>) =>
    t.polder.app.inject({
      method: 'POST',
      url: `/api/uplinks/${pipeline}`,
      headers: { 'content-type': 'application/json', ...headers },
      payload: ttnV3Body(),
    });
  const create = async (token: string) => {
    const headers = { authorization: `Bearer ${token}` };
    const p = await t.polder.app.inject({
      method: 'POST',
      url: '/api/pipelines',
      headers,
      payload: { name: 'ttn', steps: [{ worker: 'ttn-v3' }] },
    });
    expect(p.statusCode, p.body).toBe(201);
    const tok = await t.polder.app.inject({ method: 'POST', url: `/api/pipelines/${p.json().id}/ingest-token`, headers });
    expect(tok.statusCode, tok.body).toBe(201);
    return { id: p.json().id as string, token: tok.json().token as string };
  };

  beforeAll(async () => {
    t = await startTestPolder(dialect, {}, { inbox });
    const org = await t.call(ADMIN_TOKEN, { method: 'POST', url: '/api/organisations', payload: { slug: 'beta', name: 'beta' } });
    expect(org.statusCode, org.body).toBe(201);
    const key = await t.call(ADMIN_TOKEN, {
      method: 'POST',
      url: '/api/organisations/beta/api-keys',
      payload: { name: 'b', scopes: ['uplinks:write', 'pipelines:write'] },
    });
    expect(key.statusCode, key.body).toBe(201);
    keyB = key.json().secret;
    ({ id: pipelineA, token: tokenA } = await create(ADMIN_TOKEN));
    // Another organisation's pipeline of the same name: names are unique per organisation only.
    ({ id: pipelineB, token: tokenB } = await create(keyB));
  });
  afterAll(() => t.close());

  it('takes the name with an API key, in the caller organisation', async () => {
    inbox.messages.length = 0;
    const a = await post('ttn', { authorization: `Bearer ${ADMIN_TOKEN}` });
    expect(a.statusCode, a.body).toBe(202);
    const b = await post('ttn', { authorization: `Bearer ${keyB}` });
    expect(b.statusCode, b.body).toBe(202);
    expect(inbox.messages.map((m) => m.pipelineId)).toEqual([pipelineA, pipelineB]);
    const unknown = await post('no-such-name', { authorization: `Bearer ${ADMIN_TOKEN}` });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error).toMatchObject({ code: 'PIPELINE_NOT_FOUND' });
  });

  it('takes the name with the ingest token, and the token picks the pipeline of that name it belongs to', async () => {
    inbox.messages.length = 0;
    expect((await post('ttn', { 'x-ingest-token': tokenB })).statusCode).toBe(202);
    expect((await post('ttn', { authorization: `Bearer ${tokenA}` })).statusCode).toBe(202);
    expect(inbox.messages.map((m) => [m.pipelineId, m.orgId])).toEqual([
      [pipelineB, expect.any(String)],
      [pipelineA, t.polder.bootstrap.org.id],
    ]);
    // A token opens no pipeline of another name, and a wrong token is 401 as with ids.
    inbox.messages.length = 0;
    expect((await post('other', { 'x-ingest-token': tokenA })).statusCode).toBe(401);
    expect((await post('ttn', { 'x-ingest-token': 'wrong-token-0123456789' })).statusCode).toBe(401);
    expect(inbox.messages).toEqual([]);
  });

  it('still takes the id', async () => {
    expect((await post(pipelineA, { 'x-ingest-token': tokenA })).statusCode).toBe(202);
  });
});
