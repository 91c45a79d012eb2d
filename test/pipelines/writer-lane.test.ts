/**
 * The writer lane (src/pipelines/writer-lane.ts) on a SQLite file database: uplinks of a built-in
 * pipeline whose device and datastreams the store step has met are decoded and stored on the
 * writer thread, with the same trace, measurements, counters and sign of life as the runner's
 * own way; anything the thread cannot finish alone (a new device, a disabled one, a payload that
 * fails to decode, a script step) is the runner's, as before.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { SqliteWriter } from '../../src/db/sqlite-writer.js';
import { laneMessages } from '../../src/pipelines/lane-batch.js';
import type { LaneAnswer } from '../../src/pipelines/writer-lane-thread.js';
import { ADMIN_TOKEN, type ListeningPolder, startListeningPolder } from '../support/polder.js';
import { eventually } from '../support/poll.js';

const T0 = Date.UTC(2026, 10, 1, 12);
const EUI = '70B3D57ED0000A01';
/** Cayenne LPP: channel 1 temperature 22.5 °C, channel 2 humidity 40 %, channel 3 pressure 1000.0 hPa. */
const LPP = Buffer.from([1, 0x67, 0x00, 0xe1, 2, 0x68, 0x50, 3, 0x73, 0x27, 0x10]);

/** A TTN v3 uplink of the device, received at `at`, its LPP frame `frame`. */
const ttn = (at: number, frame: Buffer = LPP, eui = EUI) => ({
  end_device_ids: { device_id: `dev-${eui.toLowerCase()}`, application_ids: { application_id: 'lane' }, dev_eui: eui },
  received_at: new Date(at).toISOString(),
  uplink_message: { f_port: 1, f_cnt: at % 1000, frm_payload: frame.toString('base64'), received_at: new Date(at).toISOString() },
});

describe('the writer lane on SQLite', () => {
  let t: ListeningPolder;
  let pipeline: string;
  const answers: { ids: string[]; answer: LaneAnswer }[] = [];
  const original = SqliteWriter.prototype.lane;

  const call = async (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) => {
    const res = await t.call(ADMIN_TOKEN, { method, url, ...(payload !== undefined && { payload: payload as object }) });
    return { status: res.statusCode, body: res.body ? res.json() : undefined };
  };
  const trace = (id: string) =>
    eventually(`trace ${id}`, async () => {
      const res = await call('GET', `/api/traces/${id}`);
      return res.status === 200 && res.body.status !== 'retrying' ? res.body : undefined;
    });
  /** Posts one uplink; answers its trace once finished, and whether the lane stored it. */
  const send = async (body: unknown, to = pipeline) => {
    const before = answers.length;
    const res = await call('POST', `/api/uplinks/${to}`, body);
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const traced = await trace(res.body.traceId);
    const mine = answers.slice(before).find((a) => a.ids.includes(res.body.traceId));
    const at = mine?.ids.indexOf(res.body.traceId) ?? -1;
    return { trace: traced, byLane: mine !== undefined && mine.answer.handled[at] === 1, offered: mine !== undefined };
  };
  const stored = () => metric('polder_measurements_stored_total');
  const metric = async (name: string) => {
    const res = await t.call(ADMIN_TOKEN, { method: 'GET', url: '/metrics' });
    return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(res.body)?.[1] ?? Number.NaN);
  };
  const values = async (device: string, at: number) => {
    const q = `/api/measurements?device=${device}&start=${new Date(at).toISOString()}&end=${new Date(at + 1).toISOString()}&limit=100`;
    const res = await call('GET', q);
    expect(res.status).toBe(200);
    return (res.body.data as { value: number }[]).map((r) => r.value).sort((a, b) => a - b);
  };

  beforeAll(async () => {
    vi.spyOn(SqliteWriter.prototype, 'lane').mockImplementation(async function (this: SqliteWriter, batch) {
      const ids = laneMessages(batch).map((m) => m.id);
      const answer = await original.call(this, batch);
      answers.push({ ids, answer });
      return answer;
    });
    t = await startListeningPolder('sqlite');
    const res = await call('POST', '/api/pipelines', {
      name: 'lane',
      steps: [{ worker: 'ttn-v3', config: { radio: false } }, { worker: 'cayenne-lpp' }],
      autoRegister: true,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    pipeline = res.body.id;
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await t?.close();
  });
  beforeEach(() => {
    answers.length = 0;
  });

  it('takes a known device on the thread, with the trace, rows, counters and sign of life of the runner', async () => {
    const first = await send(ttn(T0));
    expect(first.offered).toBe(true);
    expect(first.byLane).toBe(false); // a device not met yet: registered the usual way
    expect(first.trace).toMatchObject({ status: 'stored', measurements: 3 });
    const device = first.trace.deviceId as string;
    expect(device).toMatch(/^[0-9a-f-]{36}$/);

    const storedBefore = await stored();
    const messagesBefore = await metric('polder_pipeline_messages_total{status="stored"}');
    const second = await send(ttn(T0 + 60_000));
    expect(second.byLane).toBe(true);
    expect(second.trace).toMatchObject({
      status: 'stored',
      deviceId: device,
      measurements: 3,
      attempts: 1,
      error: null,
      transport: { kind: 'http' },
    });
    expect(second.trace.steps.map((s: { worker: string }) => s.worker)).toEqual(['ttn-v3', 'cayenne-lpp', 'store']);
    for (const s of second.trace.steps) {
      expect(s.durationMs).toBeGreaterThanOrEqual(0);
      expect(Date.parse(s.startedAt)).toBeGreaterThan(T0);
    }
    expect(second.trace.steps.map((s: { worker: string }) => s.worker)).toEqual(
      first.trace.steps.map((s: { worker: string }) => s.worker),
    );
    expect(await values(device, T0 + 60_000)).toEqual([22.5, 40, 1000]);
    expect(await stored()).toBe(storedBefore + 3);
    expect(await metric('polder_pipeline_messages_total{status="stored"}')).toBe(messagesBefore + 1);
    // The trace is listed under its device (the trace device fold sees the lane's traces too).
    await eventually('the trace listed by device', async () => {
      const res = await call('GET', `/api/traces?device=${device}&limit=10`);
      return res.body.data.some((x: { id: string }) => x.id === second.trace.id) || undefined;
    });
    // Its sign of life reaches the device (the activity tracker, flushed in batches).
    await eventually('the device seen', async () => {
      const res = await call('GET', `/api/devices/${device}`);
      return Date.parse(res.body.lastSeenAt ?? '') >= T0 + 60_000 || undefined;
    });

    // The same uplink again: stored once, counted once.
    const again = await send(ttn(T0 + 60_000));
    expect(again.byLane).toBe(true);
    expect(again.trace).toMatchObject({ status: 'stored', measurements: 3 });
    expect(await values(device, T0 + 60_000)).toEqual([22.5, 40, 1000]);
    expect(await stored()).toBe(storedBefore + 3);
  });

  it('leaves a disabled device to the runner, which refuses it, and takes it again once enabled', async () => {
    const first = await send(ttn(T0 + 120_000, LPP, '70B3D57ED0000A02'));
    const device = first.trace.deviceId as string;
    expect((await send(ttn(T0 + 180_000, LPP, '70B3D57ED0000A02'))).byLane).toBe(true);

    expect((await call('PATCH', `/api/devices/${device}`, { enabled: false })).status).toBe(200);
    const refused = await send(ttn(T0 + 240_000, LPP, '70B3D57ED0000A02'));
    expect(refused.byLane).toBe(false);
    expect(refused.trace).toMatchObject({ status: 'failed', error: { code: 'DEVICE_DISABLED' } });
    expect(await values(device, T0 + 240_000)).toEqual([]);

    expect((await call('PATCH', `/api/devices/${device}`, { enabled: true })).status).toBe(200);
    const back = await send(ttn(T0 + 300_000, LPP, '70B3D57ED0000A02'));
    expect(back.byLane).toBe(true);
    expect(back.trace.status).toBe('stored');
    expect(await values(device, T0 + 300_000)).toEqual([22.5, 40, 1000]);
  });

  it('leaves a payload that fails to decode to the runner: a failed trace naming the step', async () => {
    await send(ttn(T0 + 420_000, LPP, '70B3D57ED0000A03'));
    const bad = await send(ttn(T0 + 480_000, Buffer.from([1, 0x67, 0x00]), '70B3D57ED0000A03'));
    expect(bad.offered).toBe(true);
    expect(bad.byLane).toBe(false);
    expect(bad.trace).toMatchObject({ status: 'failed', error: { code: 'DECODE_FAILED', step: 1 } });
    expect(bad.trace.message).not.toBeNull();
  });

  it('does not take a pipeline with a script step', async () => {
    const script = await call('POST', '/api/workers', {
      name: 'lane-script',
      source: 'function decodeUplink(input) { return { data: { temperature: input.bytes.length } }; }',
    });
    expect(script.status, JSON.stringify(script.body)).toBe(201);
    const res = await call('POST', '/api/pipelines', {
      name: 'lane-scripted',
      steps: [{ worker: 'ttn-v3', config: { radio: false } }, { worker: script.body.name }],
      autoRegister: true,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    for (let i = 0; i < 2; i++) {
      const sent = await send(ttn(T0 + 540_000 + i * 60_000, LPP, '70B3D57ED0000A04'), res.body.id);
      expect(sent.offered).toBe(false);
      expect(sent.trace.status).toBe('stored');
    }
  });
});
