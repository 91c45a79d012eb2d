import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { availableDialects } from '../support/databases.js';
import { MapCatalog, RecordingInbox } from '../support/ingest-doubles.js';
import { ADMIN_TOKEN, startTestPolder, type TestPolder } from '../support/polder.js';
import { senmlCsv, ttnV3Body } from '../support/uplink-fixtures.js';

const dialects = await availableDialects();
const INGEST_TOKEN = 'ingest-token-of-pipeline-a-0123456789';

describe.each(dialects)('POST /api/uplinks/{pipelineId} on %s', (dialect) => {
  let t: TestPolder;
  const catalog = new MapCatalog();
  const inbox = new RecordingInbox();
  let orgA: string;
  let keyB: string;
  let readOnlyKey: string;

  const post = (
    pipeline: string,
    opts: { body?: string | Buffer; type?: string; headers?: Record<string, string>; query?: string },
  ) =>
    t.polder.app.inject({
      method: 'POST',
      url: `/api/uplinks/${pipeline}${opts.query ?? ''}`,
      headers: { 'content-type': opts.type ?? 'application/json', ...(opts.headers ?? {}) },
      payload: opts.body ?? ttnV3Body(),
    });

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
    const ro = await t.call(ADMIN_TOKEN, {
      method: 'POST',
      url: `/api/organisations/${orgA}/api-keys`,
      payload: { name: 'ro', scopes: ['devices:write'] },
    });
    expect(ro.statusCode, ro.body).toBe(201);
    readOnlyKey = ro.json().secret;
    catalog.save({ id: 'pipe-a', orgId: orgA }, INGEST_TOKEN);
    catalog.save({ id: 'pipe-off', orgId: orgA, status: 'inactive' }, INGEST_TOKEN);
    catalog.save({ id: 'pipe-b', orgId: org.json().id });
  });
  afterAll(() => t.close());
  beforeEach(() => {
    inbox.messages.length = 0;
    inbox.failing = false;
  });

  it('answers 202 with the trace id and enqueues the body byte for byte (API key)', async () => {
    const body = ttnV3Body();
    const r = await post('pipe-a', { body, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(r.statusCode, r.body).toBe(202);
    const { traceId } = r.json();
    expect(inbox.messages).toHaveLength(1);
    const m = inbox.messages[0];
    expect(m).toMatchObject({
      id: traceId,
      orgId: orgA,
      pipelineId: 'pipe-a',
      transport: { kind: 'http', contentType: 'application/json' },
      metadata: {},
      measurements: [],
    });
    expect(Buffer.from(m?.payload ?? []).equals(body)).toBe(true);
  });

  it('keeps CSV, XML and binary bodies raw with their content type', async () => {
    const bodies: [string, Buffer][] = [
      ['text/csv; charset=utf-8', Buffer.from(senmlCsv())],
      ['application/xml', Buffer.from('<?xml version="1.0"?><uplink dev="10e2073a01080063"/>')],
      ['application/octet-stream', Buffer.from([0x03, 0x67, 0x01, 0x10, 0x05, 0x67, 0x00, 0xff])],
    ];
    for (const [type, body] of bodies) {
      const r = await post('pipe-a', { body, type, headers: { 'x-ingest-token': INGEST_TOKEN } });
      expect(r.statusCode, r.body).toBe(202);
    }
    expect(inbox.messages.map((m) => m.transport.contentType)).toEqual(bodies.map(([type]) => type));
    expect(inbox.messages.map((m) => Buffer.from(m.payload).toString('hex'))).toEqual(bodies.map(([, b]) => b.toString('hex')));
  });

  it('takes the ingest token from x-ingest-token, Authorization: Bearer and ?token=', async () => {
    expect((await post('pipe-a', { headers: { 'x-ingest-token': INGEST_TOKEN } })).statusCode).toBe(202);
    expect((await post('pipe-a', { headers: { authorization: `Bearer ${INGEST_TOKEN}` } })).statusCode).toBe(202);
    expect((await post('pipe-a', { query: `?token=${INGEST_TOKEN}` })).statusCode).toBe(202);
    expect(inbox.messages).toHaveLength(3);
  });

  it('answers 401 without credentials or with a wrong token, before revealing whether the pipeline exists', async () => {
    for (const pipeline of ['pipe-a', 'no-such-pipeline']) {
      const none = await post(pipeline, {});
      expect(none.statusCode).toBe(401);
      expect(none.json().error.code).toBe('UNAUTHENTICATED');
      expect((await post(pipeline, { headers: { 'x-ingest-token': 'wrong-token-0123456789' } })).statusCode).toBe(401);
      expect((await post(pipeline, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).statusCode).toBe(401);
      expect((await post(pipeline, { query: '?token=wrong' })).statusCode).toBe(401);
    }
    // A's token does not open B's pipeline.
    expect((await post('pipe-b', { headers: { 'x-ingest-token': INGEST_TOKEN } })).statusCode).toBe(401);
    expect(inbox.messages).toEqual([]);
  });

  it("answers 404 to another organisation's key, 403 to a key without uplinks:write", async () => {
    const other = await post('pipe-a', { headers: { authorization: `Bearer ${keyB}` } });
    expect(other.statusCode).toBe(404);
    expect(other.json().error.code).toBe('PIPELINE_NOT_FOUND');
    const ro = await post('pipe-a', { headers: { authorization: `Bearer ${readOnlyKey}` } });
    expect(ro.statusCode).toBe(403);
    expect(inbox.messages).toEqual([]);
  });

  it('answers 404 for an unknown pipeline and 409 for an inactive one', async () => {
    const unknown = await post('no-such-pipeline', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('PIPELINE_NOT_FOUND');
    const off = await post('pipe-off', { headers: { 'x-ingest-token': INGEST_TOKEN } });
    expect(off.statusCode).toBe(409);
    expect(off.json().error.code).toBe('PIPELINE_INACTIVE');
    expect(inbox.messages).toEqual([]);
  });

  it('answers 413 with the error envelope over POLDER_UPLINK_MAX_BYTES, for any content type', async () => {
    for (const type of ['application/json', 'application/octet-stream']) {
      const r = await post('pipe-a', { body: Buffer.alloc(16385, 0x20), type, headers: { 'x-ingest-token': INGEST_TOKEN } });
      expect(r.statusCode).toBe(413);
      expect(r.json().error.code).toBe('PAYLOAD_TOO_LARGE');
    }
    expect(
      (await post('pipe-a', { body: Buffer.alloc(16384, 0x20), headers: { 'x-ingest-token': INGEST_TOKEN } })).statusCode,
    ).toBe(202);
    const metrics = await t.polder.metrics.registry.metrics();
    expect(metrics).toMatch(/polder_uplinks_rejected_total\{transport="http",reason="PAYLOAD_TOO_LARGE"\} [1-9]/);
  });

  it('answers 503 INBOX_UNAVAILABLE when the inbox does not store the uplink', async () => {
    inbox.failing = true;
    const r = await post('pipe-a', { headers: { 'x-ingest-token': INGEST_TOKEN } });
    expect(r.statusCode).toBe(503);
    expect(r.json().error.code).toBe('INBOX_UNAVAILABLE');
  });

  it('answers only once enqueue has resolved', async () => {
    inbox.hold();
    const before = inbox.calls;
    let answered = false;
    const pending = post('pipe-a', { headers: { 'x-ingest-token': INGEST_TOKEN } }).then((r) => {
      answered = true;
      return r;
    });
    await inbox.started(before + 1);
    // Give the request every chance to answer early: it must not.
    await new Promise((r) => setImmediate(r));
    expect(answered).toBe(false);
    expect(inbox.messages).toEqual([]);
    inbox.open();
    const r = await pending;
    expect(r.statusCode).toBe(202);
    expect(inbox.messages.map((m) => m.id)).toEqual([r.json().traceId]);
  });

  it('counts accepted uplinks per transport', async () => {
    await post('pipe-a', { headers: { 'x-ingest-token': INGEST_TOKEN } });
    expect(await t.polder.metrics.registry.metrics()).toMatch(/polder_uplinks_received_total\{transport="http"\} [1-9]/);
  });
});

describe('POST /api/uplinks without a content type', () => {
  it('takes a body without content-type as raw bytes', async () => {
    const catalog = new MapCatalog();
    const inbox = new RecordingInbox();
    const t = await startTestPolder('sqlite', {}, { ingestCatalog: catalog, inbox });
    try {
      catalog.save({ id: 'p', orgId: t.polder.bootstrap.org.id }, INGEST_TOKEN);
      const r = await t.polder.app.inject({
        method: 'POST',
        url: '/api/uplinks/p',
        headers: { 'x-ingest-token': INGEST_TOKEN },
        payload: Buffer.from('01 02 03'),
      });
      expect(r.statusCode, r.body).toBe(202);
      expect(inbox.messages.map((m) => Buffer.from(m.payload).toString())).toEqual(['01 02 03']);
      expect(inbox.messages[0]?.transport).toEqual({ kind: 'http' });
      // A content type asked again (the route's parser is cached) is still taken raw; one that is no
      // media type is refused by Fastify before any parser (415), as it always was.
      const send = (type: string) =>
        t.polder.app.inject({
          method: 'POST',
          url: '/api/uplinks/p',
          headers: { 'x-ingest-token': INGEST_TOKEN, 'content-type': type },
          payload: Buffer.from([0xe9, 0x00, 0xff]),
        });
      for (const type of ['text/plain; charset=latin1', 'text/plain; charset=latin1', 'application/json'])
        expect((await send(type)).statusCode).toBe(202);
      const bad = await send('not a media type');
      expect([bad.statusCode, bad.json().error.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
      expect(inbox.messages.slice(1).map((m) => [m.transport.contentType, [...m.payload]])).toEqual([
        ['text/plain; charset=latin1', [0xe9, 0x00, 0xff]],
        ['text/plain; charset=latin1', [0xe9, 0x00, 0xff]],
        ['application/json', [0xe9, 0x00, 0xff]],
      ]);
    } finally {
      await t.close();
    }
  });
});
