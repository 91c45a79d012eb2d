/**
 * One bad message never costs the others: malformed bodies, a payload that does not decode, a
 * user script that never returns and one that allocates without end, sent together with good
 * uplinks, fail only their own traces, each with a clear error; the good ones are stored and
 * Polder keeps serving.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects } from '../support/databases.js';
import { ADMIN_TOKEN, type ListeningPolder, startListeningPolder } from '../support/polder.js';
import { readingOf, ttnUplink } from '../support/uplinks.js';

const dialects = await availableDialects();
const T0 = Date.UTC(2026, 1, 1);
const EUI = '70B3D57ED0BAD000';

describe.each(dialects)('bad input among good uplinks on %s', (dialect) => {
  let t: ListeningPolder;
  const pipelines: Record<string, string> = {};

  const call = async (method: 'GET' | 'POST', url: string, payload?: unknown) => {
    const res = await t.call(ADMIN_TOKEN, {
      method,
      url,
      ...(payload !== undefined && { payload: typeof payload === 'string' ? payload : (payload as object) }),
      headers: { 'content-type': 'application/json' },
    });
    return { status: res.statusCode, body: res.body ? res.json() : undefined };
  };

  beforeAll(async () => {
    // A roomy time limit, so the memory limit is what stops the allocation bomb on a slow machine.
    t = await startListeningPolder(dialect, { POLDER_SCRIPT_TIMEOUT_MS: '1500', POLDER_INBOX_MAX_ATTEMPTS: '2' });
    const scripts = {
      bomb: 'function decodeUplink(input) { var a = []; for (;;) a.push(new Array(1e6).fill(1.5)); }',
      spin: 'function decodeUplink(input) { while (true) {} }',
    };
    for (const [name, source] of Object.entries(scripts)) {
      expect((await call('POST', '/api/workers', { name, source })).status).toBe(201);
    }
    const steps = { good: ['cayenne-lpp'], bomb: ['bomb'], spin: ['spin'] };
    for (const [name, [second]] of Object.entries(steps)) {
      const res = await call('POST', '/api/pipelines', {
        name,
        steps: [{ worker: 'ttn-v3' }, { worker: second }],
        autoRegister: true,
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      pipelines[name] = res.body.id;
    }
  });
  afterAll(async () => t?.close());

  async function settled(id: string) {
    for (let i = 0; i < 300; i++) {
      const res = await call('GET', `/api/traces/${id}`);
      if (res.status === 200 && res.body.status !== 'retrying') return res.body;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`trace ${id} did not settle`);
  }

  it('fails only the bad ones, each with its error, and stores the rest', async () => {
    const good = Array.from({ length: 20 }, (_, i) => ttnUplink(EUI, i, T0 + i * 1000, readingOf(i)));
    const badLpp = { ...ttnUplink(EUI, 99, T0 + 99_000, readingOf(99)) };
    (badLpp.uplink_message as Record<string, unknown>).frm_payload = Buffer.from([0x01, 0xde, 0x00]).toString('base64');
    const sends = [
      ...good.map((body) => ({ pipeline: 'good', body, want: 'stored' })),
      { pipeline: 'good', body: '{"end_device_ids": {', want: 'DECODE_FAILED' },
      { pipeline: 'good', body: '[1, 2, 3]', want: 'DECODE_FAILED' },
      { pipeline: 'good', body: badLpp, want: 'DECODE_FAILED' },
      { pipeline: 'bomb', body: ttnUplink(EUI, 200, T0 + 200_000, readingOf(200)), want: 'SCRIPT_MEMORY_LIMIT' },
      { pipeline: 'spin', body: ttnUplink(EUI, 201, T0 + 201_000, readingOf(201)), want: 'SCRIPT_TIMEOUT' },
    ];
    // Sent together, so they share inbox batches.
    const accepted = await Promise.all(
      sends.map(async (s) => {
        const res = await call('POST', `/api/uplinks/${pipelines[s.pipeline]}`, s.body);
        expect(res.status, JSON.stringify(res.body)).toBe(202);
        return { ...s, traceId: res.body.traceId as string };
      }),
    );
    for (const s of accepted) {
      const trace = await settled(s.traceId);
      if (s.want === 'stored') expect(trace).toMatchObject({ status: 'stored', measurements: 5, error: null });
      else {
        expect(trace.status).toBe('failed');
        expect(trace.error.code).toBe(s.want);
        expect(trace.error.message.length).toBeGreaterThan(10);
      }
    }
    // The good ones are queryable, value by value.
    const latest = await call('GET', `/api/devices/${EUI}/latest`);
    const temp = (latest.body.data as { datastream: number; observedProperty: string }[]).find(
      (d) => d.observedProperty === 'temperature',
    );
    const rows = (await call('GET', `/api/measurements?datastream=${temp?.datastream}&limit=1000`)).body.data;
    expect(rows.map((r: { time: string; value: number }) => [Date.parse(r.time), r.value])).toEqual(
      good.map((_, i) => [T0 + i * 1000, readingOf(i).temperature]),
    );
    // And Polder keeps serving: a new uplink is stored.
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    const after = await call('POST', `/api/uplinks/${pipelines.good}`, ttnUplink(EUI, 300, T0 + 300_000, readingOf(300)));
    expect((await settled(after.body.traceId)).status).toBe('stored');
  }, 120_000);
});
