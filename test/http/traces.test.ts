import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TraceRecord, TraceStatus } from '../../src/pipelines/pipelines.js';
import { TraceService } from '../../src/pipelines/traces.service.js';
import { uuidv7 } from '../../src/shared/ids.js';
import { messageToJson, type PipelineMessage, type PipelineMessageJson } from '../../src/workers/workers.js';
import { availableDialects } from '../support/databases.js';
import { ADMIN_TOKEN, startTestPolder, type TestPolder } from '../support/polder.js';
import { fixture, messageOf } from '../workers/fixtures.js';

const dialects = await availableDialects();
const ttn = fixture('ttn-v3-uplink.json').samples;
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 1, 12);

describe.each(dialects)('traces and dead letters on %s', (dialect) => {
  let t: TestPolder;
  let orgId: string;
  let pipeA: string;
  let pipeB: string;
  const enqueued: PipelineMessage[][] = [];
  let failEnqueue = false;
  const call = (method: string, url: string, payload?: unknown) =>
    t.call(ADMIN_TOKEN, { method: method as 'GET', url, ...(payload !== undefined && { payload: payload as object }) });

  /** A trace as the runner writes it, around a real TTN v3 webhook body (or raw bytes). */
  function record(over: Partial<TraceRecord> & { body?: unknown; bytes?: Uint8Array }): TraceRecord {
    const { body, bytes, ...rest } = over;
    const msg = messageOf(body ?? ttn.tts_docs_uplink_example, { kind: 'mqtt', topic: 'v3/app@ttn/devices/eui-1/up' });
    const message = messageToJson({
      ...msg,
      id: rest.id ?? uuidv7(),
      orgId,
      pipelineId: rest.pipelineId ?? pipeA,
      receivedAt: rest.receivedAt ?? T0,
      ...(bytes && { payload: bytes }),
      metadata: { gateway: 'eui-b827ebfffe000001' },
    });
    const status = rest.status ?? 'stored';
    return {
      id: message.id,
      orgId,
      pipelineId: message.pipelineId,
      deviceId: null,
      status,
      receivedAt: message.receivedAt,
      finishedAt: message.receivedAt + 40,
      attempts: 1,
      transport: message.transport,
      steps: [
        { worker: 'ttn-v3', startedAt: message.receivedAt + 1, durationMs: 0.4 },
        {
          worker: 'cayenne-lpp',
          startedAt: message.receivedAt + 2,
          durationMs: 0.2,
          ...(status === 'failed' && { error: { code: 'DECODE_FAILED', message: 'channel 3: unknown type 0xde', step: 1 } }),
        },
      ],
      error: status === 'failed' ? { code: 'DECODE_FAILED', message: 'channel 3: unknown type 0xde', step: 1 } : null,
      measurements: status === 'stored' ? 2 : 0,
      ...rest,
      message,
    };
  }
  const ids = (res: { json(): { data: { id: string }[] } }) => res.json().data.map((x) => x.id);

  beforeAll(async () => {
    t = await startTestPolder(
      dialect,
      {},
      {
        // The replay side of the inbox, recorded (this Polder does not start its runner).
        inbox: {
          kind: 'database',
          enqueue: async (messages) => {
            if (failEnqueue) throw new Error('inbox down');
            enqueued.push([...messages]);
          },
          start: () => {},
          depth: async () => enqueued.length,
          close: async () => {},
        },
      },
    );
    orgId = t.polder.bootstrap.org.id;
    const mk = async (name: string) => {
      const r = await call('POST', '/api/pipelines', { name, steps: [{ worker: 'ttn-v3' }, { worker: 'cayenne-lpp' }] });
      expect(r.statusCode, r.body).toBe(201);
      return r.json().id as string;
    };
    pipeA = await mk('ttn-a');
    pipeB = await mk('ttn-b');
  });
  afterAll(() => t.close());

  it('upserts a batch by id and lists it newest first, by each filter', async () => {
    const sink = t.polder.pipelines.traces.sink;
    const created = await call('POST', '/api/devices', { code: 'trace-node', type: 'sensor' });
    expect(created.statusCode, created.body).toBe(201);
    const device = created.json().id as string;
    const batch = [
      record({ receivedAt: T0, status: 'stored', deviceId: device }),
      record({ receivedAt: T0 + 1000, status: 'retrying' }),
      record({ receivedAt: T0 + 2000, status: 'skipped', pipelineId: pipeB, body: ttn.tts_docs_join_accept_example }),
      record({ receivedAt: T0 + 3000, status: 'stored', deviceId: device, pipelineId: pipeB }),
    ];
    await sink.write(batch);
    // The retried message finishes: same id, one trace, the outcome overwrites.
    const retried = batch[1] as TraceRecord;
    await sink.write([{ ...retried, status: 'stored', attempts: 2, deviceId: device, measurements: 3 }]);

    const all = await call('GET', '/api/traces?count=true');
    expect(all.statusCode, all.body).toBe(200);
    expect(all.json().total).toBe(4);
    expect(ids(all)).toEqual(batch.map((b) => b.id).reverse());
    expect(all.json().data[2]).toMatchObject({ status: 'stored', attempts: 2, deviceId: device, measurements: 3 });
    expect(all.json().data[0]).toMatchObject({
      pipelineId: pipeB,
      transport: { kind: 'mqtt', topic: 'v3/app@ttn/devices/eui-1/up' },
      receivedAt: new Date(T0 + 3000).toISOString(),
      steps: [{ worker: 'ttn-v3', startedAt: new Date(T0 + 3001).toISOString() }, { worker: 'cayenne-lpp' }],
      error: null,
    });

    const byId = (list: TraceRecord[]) => list.map((b) => b.id).reverse();
    expect(ids(await call('GET', `/api/traces?pipeline=${pipeB}`))).toEqual(byId([batch[2]!, batch[3]!]));
    expect(ids(await call('GET', '/api/traces?pipeline=ttn-b'))).toEqual(byId([batch[2]!, batch[3]!]));
    expect(ids(await call('GET', `/api/traces?device=${device}`))).toEqual(byId([batch[0]!, batch[1]!, batch[3]!]));
    // Issue 9 item 15: by code too, and an unknown device is a 404 (like /api/measurements), not an empty list.
    expect(ids(await call('GET', '/api/traces?device=trace-node'))).toEqual(byId([batch[0]!, batch[1]!, batch[3]!]));
    const unknown = await call('GET', `/api/traces?device=${uuidv7()}`);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('DEVICE_NOT_FOUND');
    expect((await call('GET', '/api/traces?device=no-such-code')).statusCode).toBe(404);
    expect(ids(await call('GET', '/api/traces?status=skipped'))).toEqual([batch[2]!.id]);
    const from = new Date(T0 + 1000).toISOString();
    const to = new Date(T0 + 3000).toISOString();
    expect(ids(await call('GET', `/api/traces?start=${from}&end=${to}`))).toEqual(byId([batch[1]!, batch[2]!]));
    // Pages: no repeats, no gaps.
    const p1 = (await call('GET', '/api/traces?limit=3')).json();
    const next = new URL(p1.links.next);
    const p2 = (await call('GET', next.pathname + next.search)).json();
    expect([...p1.data, ...p2.data].map((x: { id: string }) => x.id)).toEqual(ids(all));
    expect((await call('GET', '/api/traces?status=bogus')).json().error.details.field).toBe('querystring.status');
    expect((await call('GET', '/api/traces?pipeline=no-such-pipeline')).statusCode).toBe(404);
  });

  it('shows one trace with its raw payload as base64, and as text when it is UTF-8', async () => {
    const json = record({ receivedAt: T0 - DAY, status: 'failed' });
    const binary = record({ receivedAt: T0 - DAY, status: 'failed', bytes: new Uint8Array([0x82, 0x41, 0xde]) });
    await t.polder.pipelines.traces.sink.write([json, binary]);

    const one = await call('GET', `/api/traces/${json.id}`);
    expect(one.statusCode, one.body).toBe(200);
    const body = one.json();
    expect(body).toMatchObject({
      id: json.id,
      status: 'failed',
      error: { code: 'DECODE_FAILED', step: 1 },
      transport: { kind: 'mqtt' },
      metadata: { gateway: 'eui-b827ebfffe000001' },
    });
    expect(body.steps[1].error.code).toBe('DECODE_FAILED');
    expect(body.messageKept).toBe(true);
    expect(JSON.parse(body.payload.text)).toEqual(ttn.tts_docs_uplink_example);
    expect(Buffer.from(body.payload.base64, 'base64').toString('utf8')).toBe(body.payload.text);

    const bin = (await call('GET', `/api/traces/${binary.id}`)).json();
    expect(bin.payload).toEqual({ base64: 'gkHe', text: null, size: 3 });
    const missing = await call('GET', `/api/traces/${uuidv7()}`);
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('TRACE_NOT_FOUND');
  });

  it('shows a trace whose raw message was not kept with messageKept false, and refuses its replay', async () => {
    const slim = { ...record({ receivedAt: T0 - DAY }), message: null };
    // A failed trace always keeps its message (the runner); one without (written by hand) is not replayed either.
    const slimFailed = { ...record({ receivedAt: T0 - DAY, status: 'failed' }), message: null };
    await t.polder.pipelines.traces.sink.write([slim, slimFailed]);
    enqueued.length = 0;

    const one = await call('GET', `/api/traces/${slim.id}`);
    expect(one.statusCode, one.body).toBe(200);
    expect(one.json()).toMatchObject({
      id: slim.id,
      status: 'stored',
      measurements: 2,
      messageKept: false,
      payload: null,
      metadata: null,
    });
    const kept = record({ receivedAt: T0 - DAY });
    await t.polder.pipelines.traces.sink.write([kept]);
    expect((await call('GET', `/api/traces/${kept.id}`)).json()).toMatchObject({
      messageKept: true,
      payload: { size: expect.any(Number) },
    });

    for (const [trace, status] of [
      [slim, 'stored'],
      [slimFailed, 'failed'],
    ] as const) {
      const r = await call('POST', `/api/traces/${trace.id}/replay`);
      expect(r.statusCode, r.body).toBe(409);
      expect(r.json().error).toMatchObject({ code: 'TRACE_MESSAGE_NOT_KEPT', details: { id: trace.id, status } });
    }
    // The failed one is still a dead letter (claimed, then given back), and nothing was queued.
    expect((await call('GET', `/api/traces/${slimFailed.id}`)).json().status).toBe('failed');
    expect(enqueued).toHaveLength(0);
  });

  it('a pipeline keeps raw messages of a sample by default; traceMessages is PATCH-able and validated', async () => {
    const got = await call('GET', `/api/pipelines/${pipeA}`);
    expect(got.statusCode, got.body).toBe(200);
    expect(got.json().traceMessages).toBe('sample');
    const all = await call('PATCH', `/api/pipelines/${pipeA}`, { traceMessages: 'all' });
    expect(all.statusCode, all.body).toBe(200);
    expect(all.json().traceMessages).toBe('all');
    expect((await call('GET', `/api/pipelines/${pipeA}`)).json().traceMessages).toBe('all');
    const bad = await call('PATCH', `/api/pipelines/${pipeA}`, { traceMessages: 'some' });
    expect(bad.statusCode, bad.body).toBe(400);
    expect(bad.json().error.details.field).toContain('traceMessages');
    expect((await call('PATCH', `/api/pipelines/${pipeA}`, { traceMessages: 'sample' })).json().traceMessages).toBe('sample');
  });

  it('replays a failed trace once: the original message, same id, and the trace turns retrying', async () => {
    const failed = record({ receivedAt: T0 + 10_000, status: 'failed' });
    await t.polder.pipelines.traces.sink.write([failed]);
    enqueued.length = 0;

    const r = await call('POST', `/api/traces/${failed.id}/replay`);
    expect(r.statusCode, r.body).toBe(202);
    expect(r.json()).toMatchObject({ id: failed.id, status: 'retrying' });
    expect(enqueued).toHaveLength(1);
    const [sent] = enqueued[0] as PipelineMessage[];
    expect(messageToJson(sent as PipelineMessage)).toEqual(failed.message);
    expect(Buffer.from((sent as PipelineMessage).payload).toString('utf8')).toBe(JSON.stringify(ttn.tts_docs_uplink_example));
    expect((await call('GET', `/api/traces/${failed.id}`)).json().status).toBe('retrying');

    const twice = await call('POST', `/api/traces/${failed.id}/replay`);
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error).toMatchObject({ code: 'TRACE_NOT_FAILED', details: { status: 'retrying' } });
    expect(enqueued).toHaveLength(1);

    const stored = record({ status: 'stored' });
    await t.polder.pipelines.traces.sink.write([stored]);
    expect((await call('POST', `/api/traces/${stored.id}/replay`)).statusCode).toBe(409);
    expect((await call('POST', `/api/traces/${uuidv7()}/replay`)).statusCode).toBe(404);
  });

  it('keeps a trace failed when the inbox refuses the replay', async () => {
    const failed = record({ status: 'failed' });
    await t.polder.pipelines.traces.sink.write([failed]);
    failEnqueue = true;
    try {
      const r = await call('POST', `/api/traces/${failed.id}/replay`);
      expect(r.statusCode).toBe(500);
    } finally {
      failEnqueue = false;
    }
    expect((await call('GET', `/api/traces/${failed.id}`)).json().status).toBe('failed');
  });

  it('replays in bulk only the failed traces that match the filters, and returns the count', async () => {
    // Start from a clean slate of dead letters.
    await call('POST', '/api/traces/replay');
    const inB = Array.from({ length: 3 }, (_, i) => record({ status: 'failed', pipelineId: pipeB, receivedAt: T0 + 20_000 + i }));
    const inA = record({ status: 'failed', pipelineId: pipeA, receivedAt: T0 + 20_000 });
    const storedB = record({ status: 'stored', pipelineId: pipeB, receivedAt: T0 + 20_000 });
    // Another organisation's dead letter with the same pipeline id is never touched.
    const other = await call('POST', '/api/organisations', { slug: 'other-org', name: 'Other' });
    expect(other.statusCode, other.body).toBe(201);
    const foreign = record({ status: 'failed', pipelineId: pipeB, receivedAt: T0 + 20_000 });
    const foreignTrace = {
      ...foreign,
      orgId: other.json().id,
      message: { ...(foreign.message as PipelineMessageJson), orgId: other.json().id },
    };
    await t.polder.pipelines.traces.sink.write([...inB, inA, storedB, foreignTrace]);
    enqueued.length = 0;

    const r = await call('POST', `/api/traces/replay?pipeline=${pipeB}`);
    expect(r.statusCode, r.body).toBe(202);
    expect(r.json()).toEqual({ count: 3 });
    const sent = enqueued.flat();
    expect(sent.map((m) => m.id).sort()).toEqual(inB.map((x) => x.id).sort());
    for (const m of sent) expect(messageToJson(m)).toEqual(inB.find((x) => x.id === m.id)?.message);
    const states = async (list: TraceRecord[]) =>
      Promise.all(list.map(async (x) => (await call('GET', `/api/traces/${x.id}`)).json().status as TraceStatus));
    expect(await states(inB)).toEqual(['retrying', 'retrying', 'retrying']);
    expect(await states([inA, storedB])).toEqual(['failed', 'stored']);
    expect((await t.polder.pipelines.traces.get(other.json().id, foreign.id)).status).toBe('failed');
    expect((await call('GET', `/api/traces/${foreign.id}`)).statusCode).toBe(404);
    expect(ids(await call('GET', `/api/traces?pipeline=${pipeB}&limit=1000`))).not.toContain(foreign.id);
    // Nothing left to replay there.
    expect((await call('POST', `/api/traces/replay?pipeline=${pipeB}`)).json()).toEqual({ count: 0 });
  });

  it('retention removes only traces older than POLDER_TRACE_RETENTION_DAYS', async () => {
    const now = T0 + 100 * DAY;
    const old = [record({ receivedAt: now - 8 * DAY }), record({ receivedAt: now - 30 * DAY, status: 'failed' })];
    const young = [record({ receivedAt: now - 6 * DAY }), record({ receivedAt: now - 1000 })];
    await t.polder.pipelines.traces.sink.write([...old, ...young]);
    // Retention spans every organisation: count the table itself.
    const rows = async () =>
      Number(
        (
          await t.polder.database.db
            .selectFrom('traces')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await rows();
    const keepForever = new TraceService(t.polder.pipelines.traces.sink, async () => {}, { retentionDays: 0 });
    expect(await keepForever.removeExpiredTraces(now)).toBe(0);
    expect(await rows()).toBe(before);

    const removed = await t.polder.pipelines.traces.removeExpiredTraces(now);
    expect(removed).toBe(before - young.length);
    for (const x of old) expect((await call('GET', `/api/traces/${x.id}`)).statusCode).toBe(404);
    for (const x of young) expect((await call('GET', `/api/traces/${x.id}`)).statusCode).toBe(200);
    expect(await rows()).toBe(young.length);
    expect(await t.polder.pipelines.traces.removeExpiredTraces(now)).toBe(0);
  });

  it('writes a batch larger than one statement holds, in one call', async () => {
    const many = Array.from({ length: 3000 }, (_, i) =>
      record({ receivedAt: T0 + 200 * DAY + i, status: i % 2 ? 'stored' : 'failed', pipelineId: pipeB }),
    );
    await t.polder.pipelines.traces.sink.write(many);
    const start = new Date(T0 + 200 * DAY).toISOString();
    const listed = (await call('GET', `/api/traces?start=${start}&count=true&limit=1`)).json();
    expect(listed.total).toBe(3000);
    expect(listed.data[0].id).toBe(many[2999]?.id);
    const failed = (await call('GET', `/api/traces?start=${start}&status=failed&count=true&limit=1`)).json();
    expect(failed.total).toBe(1500);
  });
});
