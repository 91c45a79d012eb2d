import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampled } from '../../src/pipelines/trace-messages.js';
import { availableDialects } from '../support/databases.js';
import { fixture, reference } from '../workers/fixtures.js';
import { deliveries, RECEIVED, type RunnerWorld, startRunnerWorld } from './runner-world.js';

/**
 * The pipeline runner on a real Polder: uplinks from real public samples go through built-in
 * and user workers into stored measurements, read back through the API value by value.
 */
const dialects = await availableDialects();
const v3 = fixture('ttn-v3-uplink.json').samples;
const v4 = fixture('chirpstack-v4-uplink.json').samples;
const senml = fixture('senml-examples.json');
const codec = readFileSync(new URL('../fixtures/codecs/decentlab-v2-style.js', import.meta.url), 'utf8');
const neocampusMd = reference('neocampus.md');
/** The stored neOCampus temperature message quoted in the reference (value as a string, unitID "outside"). */
const neocampusTemperature = [...neocampusMd.matchAll(/`(\{[^`]*\})`/g)]
  .map((m) => m[1] ?? '')
  .find((s) => s.startsWith('{"subID":"ouest"')) as string;

/**
 * The TTS docs uplink (DevEUI 0004A30B001C0530, one gateway at -35 dBm / SNR 5) carrying the
 * Cayenne LPP frame of the TTS docs formatter example: temperature_3 27.2, temperature_5 25.5.
 */
const ttnLpp = () => {
  const body = structuredClone(v3.tts_docs_uplink_example);
  body.uplink_message.frm_payload = 'A2cBEAVnAP8=';
  body.uplink_message.f_port = 8;
  return body;
};
const DEV_EUI = { failures: '2000000000000001', sample: '2000000000000002', all: '2000000000000003' } as const;
const TTN_TIME = '2020-02-12T15:15:45.789Z';
const ttnRows = [
  { sensor: '3', observedProperty: 'temperature', unit: 'Cel', time: TTN_TIME, value: 27.2 },
  { sensor: '5', observedProperty: 'temperature', unit: 'Cel', time: TTN_TIME, value: 25.5 },
  { sensor: 'radio', observedProperty: 'rssi', unit: 'dB[mW]', time: TTN_TIME, value: -35 },
  { sensor: 'radio', observedProperty: 'snr', unit: 'dB', time: TTN_TIME, value: 5 },
];
const decentlabMapping = {
  mapping: {
    defaults: true,
    fields: { 'dielectric_permittivity.value': { observedProperty: 'dielectric_permittivity', unit: '1' } },
  },
};

describe.each(dialects)('pipeline runner on %s', (dialect) => {
  let w: RunnerWorld;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    w = await startRunnerWorld(dialect, 3);
    ids.tts = await w.device({ code: 'tts-node', type: 'lorawan-node', identity: { kind: 'deveui', value: '0004a30b001c0530' } });
    ids.cs = await w.device({ code: 'cs-node', type: 'lorawan-node', identity: { kind: 'deveui', value: '0101010101010101' } });
    ids.kpn = await w.device({ code: 'kpn-node', type: 'lorawan-node', identity: { kind: 'deveui', value: '0059AC0000000000' } });
    ids.dl = await w.device({ code: 'dl-5tm', type: 'lorawan-node', identity: { kind: 'deveui', value: '70B3D57BA0003BB8' } });
    ids.ip1 = await w.device({ code: '2001:db8::1', type: 'lorawan-node' });
    ids.ip2 = await w.device({ code: '2001:db8::2', type: 'lorawan-node' });
    expect((await w.api('POST', '/api/buildings', { slug: 'u4', name: 'U4' })).statusCode).toBe(201);
    expect((await w.api('POST', '/api/rooms', { building: 'u4', slug: '302', name: '302' })).statusCode).toBe(201);
    // Two boards share room u4/302; the payload's unitID tells them apart.
    const room = { building: 'u4', room: '302' };
    ids.outside = await w.device({
      code: 'board-out',
      type: 'esp32',
      identity: { kind: 'mac', value: '24:0a:c4:00:00:11' },
      location: room,
      properties: { unitID: 'outside' },
    });
    ids.inside = await w.device({
      code: 'board-in',
      type: 'esp32',
      identity: { kind: 'mac', value: '24:0a:c4:00:00:12' },
      location: room,
      properties: { unitID: 'inside' },
    });
  });
  afterAll(() => w?.close());

  it('stores a TTN v3 uplink through [ttn-v3, cayenne-lpp]: values, units, time, device; traces it', async () => {
    const p = w.pipeline(['ttn-v3', 'cayenne-lpp'], { traceMessages: 'all' });
    const msg = w.message(p, ttnLpp());
    const outcome = await w.handle(deliveries([msg]));
    expect(outcome).toEqual({ done: [msg.id], retry: [] });
    expect(await w.stored('tts-node')).toEqual(ttnRows);
    const trace = w.sink.of(msg.id);
    expect(trace).toMatchObject({
      id: msg.id,
      orgId: w.orgId,
      pipelineId: p.id,
      deviceId: ids.tts,
      status: 'stored',
      attempts: 1,
      receivedAt: RECEIVED,
      measurements: 4,
      error: null,
      transport: { kind: 'http' },
    });
    expect(trace.steps.map((s) => s.worker)).toEqual(['ttn-v3', 'cayenne-lpp', 'store']);
    for (const s of trace.steps) expect(s.durationMs).toBeGreaterThanOrEqual(0);
    // The trace keeps the message as received (traceMessages 'all'), for inspection and replay.
    expect(JSON.parse(Buffer.from(trace.message?.payload ?? '', 'base64').toString('utf8'))).toEqual(ttnLpp());
  });

  it('redelivering the same batch stores no duplicates', async () => {
    const p = w.pipeline(['ttn-v3', 'cayenne-lpp']);
    const batch = [w.message(p, ttnLpp()), w.message(p, ttnLpp())];
    const first = await w.handle(deliveries(batch));
    expect(first.done).toHaveLength(2);
    const again = await w.handle(deliveries(batch, 2));
    expect(again).toEqual({ done: batch.map((m) => m.id), retry: [] });
    expect(w.sink.of(batch[0]?.id as string)).toMatchObject({ status: 'stored', attempts: 2, measurements: 4 });
    expect(await w.stored('tts-node')).toEqual(ttnRows);
  });

  it('stores a ChirpStack v4 uplink by its lower-case DevEUI', async () => {
    const p = w.pipeline(['chirpstack-v4']);
    const msg = w.message(p, v4.chirpstack_v4_docs_up);
    expect((await w.handle(deliveries([msg]))).done).toEqual([msg.id]);
    const at = '2022-07-18T09:34:15.775Z';
    expect(await w.stored('cs-node')).toEqual([
      { sensor: 'radio', observedProperty: 'rssi', unit: 'dB[mW]', time: at, value: -36 },
      { sensor: 'radio', observedProperty: 'snr', unit: 'dB', time: at, value: 10.5 },
    ]);
    expect(w.sink.of(msg.id)).toMatchObject({ status: 'stored', deviceId: ids.cs, measurements: 2 });
  });

  it('a KPN SenML raw LoRa pack without a decoder: stored with no measurement, its device seen', async () => {
    const p = w.pipeline(['kpn-senml']);
    const msg = w.message(p, senml.kpn_things_examples['kpn_things_raw_lora_2023-04-13_base_fields_merged_into_first_record']);
    expect((await w.handle(deliveries([msg]))).done).toEqual([msg.id]);
    expect(w.sink.of(msg.id)).toMatchObject({ status: 'stored', deviceId: ids.kpn, measurements: 0 });
    await w.t.polder.activity.flush();
    expect((await w.api('GET', '/api/devices/kpn-node')).json().lastSeenAt).toBe(new Date(RECEIVED).toISOString());
  });

  it('a neOCampus message via [neocampus] goes to the board its unitID names among those sharing the topic', async () => {
    const p = w.pipeline(['neocampus']);
    const msg = w.message(p, neocampusTemperature, { kind: 'mqtt', topic: 'u4/302/temperature' });
    expect((await w.handle(deliveries([msg]))).done).toEqual([msg.id]);
    expect(w.sink.of(msg.id)).toMatchObject({ status: 'stored', deviceId: ids.outside, measurements: 1 });
    expect(await w.stored('board-out')).toEqual([
      { sensor: 'ouest', observedProperty: 'temperature', unit: 'Cel', time: new Date(RECEIVED).toISOString(), value: 15 },
    ]);
    expect(await w.stored('board-in')).toEqual([]);
  });

  it('a SenML pack naming two devices (RFC 8428 §5.1.6) stores each value on its own device', async () => {
    const p = w.pipeline(['senml']);
    const msg = w.message(p, senml.rfc8428_examples['5.1.6_collection_of_resources']);
    expect((await w.handle(deliveries([msg]))).done).toEqual([msg.id]);
    const at = new Date(1320078429000).toISOString();
    expect(await w.stored('2001:db8::1')).toEqual([
      { sensor: '0', observedProperty: 'relative_humidity', unit: '%', time: at, value: 67 },
      { sensor: '0', observedProperty: 'temperature', unit: 'Cel', time: at, value: 12.3 },
    ]);
    expect(await w.stored('2001:db8::2')).toEqual([
      { sensor: '0', observedProperty: 'relative_humidity', unit: '%', time: at, value: 30 },
      { sensor: '0', observedProperty: 'temperature', unit: 'Cel', time: at, value: 25.2 },
    ]);
    // Two devices: the trace names none of them.
    expect(w.sink.of(msg.id)).toMatchObject({ status: 'stored', deviceId: null, measurements: 4 });
  });

  it('an unknown device fails its message (DEVICE_NOT_FOUND, with the ref); the rest of the batch is stored', async () => {
    const p = w.pipeline(['ttn-v3']);
    const unknown = w.message(p, v3.bosch_parking_captured_2023_tts_community);
    const known = w.message(w.pipeline(['ttn-v3', 'cayenne-lpp']), ttnLpp(), {}, RECEIVED + 1);
    const outcome = await w.handle(deliveries([unknown, known]));
    expect(outcome).toEqual({ done: [unknown.id, known.id], retry: [] });
    const trace = w.sink.of(unknown.id);
    expect(trace).toMatchObject({
      status: 'failed',
      deviceId: null,
      measurements: 0,
      error: {
        code: 'DEVICE_NOT_FOUND',
        step: 1,
        details: { ref: { identity: { kind: 'deveui', value: '1000000000000001' } } },
      },
    });
    expect(trace.steps.map((s) => s.worker)).toEqual(['ttn-v3', 'store']);
    expect(trace.steps[1]?.error?.code).toBe('DEVICE_NOT_FOUND');
    expect(w.sink.of(known.id)).toMatchObject({ status: 'stored', deviceId: ids.tts });
    const devices = await w.api('GET', '/api/devices?identity=deveui:1000000000000001');
    expect(devices.json().data).toEqual([]);
  });

  it('autoRegister creates a device once although it appears in 50 messages of a batch', async () => {
    const p = w.pipeline(['ttn-v3'], { autoRegister: true });
    const body = v3.bosch_parking_captured_2023_tts_community;
    const batch = Array.from({ length: 50 }, (_, i) => {
      const b = structuredClone(body);
      b.uplink_message.received_at = new Date(Date.parse('2023-05-19T05:33:35.641Z') + i * 60_000).toISOString();
      return w.message(p, b);
    });
    const outcome = await w.handle(deliveries(batch));
    expect(outcome.done).toHaveLength(50);
    const devices = (await w.api('GET', '/api/devices?identity=deveui:1000000000000001')).json().data;
    expect(devices).toHaveLength(1);
    expect(devices[0]).toMatchObject({
      code: '1000000000000001',
      type: 'lorawan-node',
      identity: { kind: 'deveui', value: '1000000000000001' },
    });
    const traces = batch.map((m) => w.sink.of(m.id));
    expect(new Set(traces.map((t) => t.deviceId))).toEqual(new Set([devices[0].id]));
    expect(traces.every((t) => t.status === 'stored' && t.measurements === 2)).toBe(true);
    const rows = await w.stored('1000000000000001');
    expect(rows).toHaveLength(100);
    expect(rows.filter((r) => r.observedProperty === 'rssi').map((r) => r.value)).toEqual(Array(50).fill(-35));
    // The same batch again (a second worker racing, or a redelivery) creates nothing more.
    await w.handle(deliveries(batch, 2));
    expect((await w.api('GET', '/api/devices?identity=deveui:1000000000000001')).json().data).toHaveLength(1);
  });

  it('two runners racing to auto-register the same device create it once', async () => {
    const other = w.secondRunner();
    const p = w.pipeline(['ttn-v3'], { autoRegister: true });
    const body = (i: number) => {
      const b = structuredClone(v3.ezurio_rs26x_captured_2025);
      b.end_device_ids.dev_eui = '70B3D57ED005A1B2';
      b.uplink_message.received_at = new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString();
      return b;
    };
    const a = Array.from({ length: 20 }, (_, i) => w.message(p, body(i)));
    const b = Array.from({ length: 20 }, (_, i) => w.message(p, body(100 + i)));
    const [ra, rb] = await Promise.all([w.handle(deliveries(a)), other(deliveries(b))]);
    expect(ra.done).toHaveLength(20);
    expect(rb.done).toHaveLength(20);
    const devices = (await w.api('GET', '/api/devices?identity=deveui:70B3D57ED005A1B2')).json().data;
    expect(devices).toHaveLength(1);
    expect(new Set([...a, ...b].map((m) => w.sink.of(m.id).deviceId))).toEqual(new Set([devices[0].id]));
    expect((await w.stored('70B3D57ED005A1B2')).filter((r) => r.observedProperty === 'rssi')).toHaveLength(40);
  });

  it('autoRegister gives new devices the pipeline deviceType', async () => {
    const type = await w.api('POST', '/api/device-types', { name: 'decentlab-dl', connectivity: 'lorawan' });
    expect(type.statusCode, type.body).toBe(201);
    const p = w.pipeline(['ttn-v3'], { autoRegister: true, deviceType: 'decentlab-dl' });
    const msg = w.message(p, v3.decentlab_dl5tm_captured_2020_tts_old_settings_layout);
    expect((await w.handle(deliveries([msg]))).done).toEqual([msg.id]);
    const device = (await w.api('GET', '/api/devices/70B3D57BA0000BCE')).json();
    expect(device).toMatchObject({ type: 'decentlab-dl', identity: { kind: 'deveui', value: '70B3D57BA0000BCE' } });
    expect(w.sink.of(msg.id)).toMatchObject({ status: 'stored', deviceId: device.id });
  });

  it('a vendor decodeUplink codec (user script) decodes a real ChirpStack capture into stored values', async () => {
    expect((await w.api('POST', '/api/workers', { name: 'decentlab-dl-5tm', source: codec })).statusCode).toBe(201);
    const p = w.pipeline(['chirpstack-v4', { worker: 'decentlab-dl-5tm', config: decentlabMapping }]);
    const msg = w.message(p, v4.chirpstack_v4_captured_decentlab_2024);
    expect((await w.handle(deliveries([msg]))).done).toEqual([msg.id]);
    const at = '2024-11-10T12:51:50.000Z';
    const rows = await w.stored('dl-5tm');
    expect(rows).toEqual([
      { sensor: '0', observedProperty: 'battery_voltage', unit: 'V', time: at, value: 3.168 },
      { sensor: '0', observedProperty: 'dielectric_permittivity', unit: '1', time: at, value: 1.1 },
      { sensor: '0', observedProperty: 'soil_temperature', unit: 'Cel', time: at, value: 22.5 },
      {
        sensor: '0',
        observedProperty: 'volumetric_water_content',
        unit: 'm3/m3',
        time: at,
        value: expect.closeTo(-0.0215397767, 10),
      },
      { sensor: 'radio', observedProperty: 'rssi', unit: 'dB[mW]', time: at, value: -106 },
      { sensor: 'radio', observedProperty: 'snr', unit: 'dB', time: at, value: 3 },
    ]);
    const trace = w.sink.of(msg.id);
    expect(trace.steps.map((s) => s.worker)).toEqual(['chirpstack-v4', 'decentlab-dl-5tm', 'store']);
    expect(trace).toMatchObject({ status: 'stored', deviceId: ids.dl, measurements: 6 });
  });

  // Issue 9 item 19: codec fields without a unit were dropped into metadata.unmapped silently.
  it('says which codec fields without a unit are not stored (trace, worker test); keepUnmapped stores them unit-less', async () => {
    const test = await w.api('POST', '/api/workers/decentlab-dl-5tm/test', {
      payload: v4.chirpstack_v4_captured_decentlab_2024.data,
      encoding: 'base64',
      fPort: 1,
      config: decentlabMapping,
    });
    expect(test.statusCode, test.body).toBe(200);
    const warning = expect.stringMatching(/^not stored, no unit known: protocol_version, device_id \(.*keepUnmapped/);
    expect(test.json().logs).toEqual([{ level: 'warn', message: warning }]);
    expect(test.json().output.metadata).toMatchObject({ unmapped: ['protocol_version', 'device_id'], warnings: [warning] });

    const skip = w.pipeline(['chirpstack-v4', { worker: 'decentlab-dl-5tm', config: decentlabMapping }]);
    const first = w.message(skip, v4.chirpstack_v4_captured_decentlab_2024);
    expect((await w.handle(deliveries([first]))).done).toEqual([first.id]);
    expect(w.sink.of(first.id).steps[1]?.logs).toEqual([{ level: 'warn', message: warning }]);

    const keep = w.pipeline([
      'chirpstack-v4',
      { worker: 'decentlab-dl-5tm', config: { ...decentlabMapping, keepUnmapped: true } },
    ]);
    const second = w.message(keep, v4.chirpstack_v4_captured_decentlab_2024);
    expect((await w.handle(deliveries([second]))).done).toEqual([second.id]);
    expect(w.sink.of(second.id).steps[1]?.logs).toBeUndefined();
    const rows = await w.stored('dl-5tm');
    expect(rows.filter((r) => ['device_id', 'protocol_version'].includes(r.observedProperty))).toEqual([
      { sensor: '0', observedProperty: 'device_id', unit: '', time: '2024-11-10T12:51:50.000Z', value: 571 },
      { sensor: '0', observedProperty: 'protocol_version', unit: '', time: '2024-11-10T12:51:50.000Z', value: 2 },
    ]);
  });

  it('a script that never returns: SCRIPT_TIMEOUT, retried with backoff, then failed; the rest of the batch is stored', async () => {
    const spin = await w.api('POST', '/api/workers', {
      name: 'spin',
      source: 'function decodeUplink(input) { console.log("starting"); while (true) {} }',
    });
    expect(spin.statusCode, spin.body).toBe(201);
    const bad = w.pipeline(['ttn-v3', 'spin']);
    const good = w.pipeline(['chirpstack-v4']);
    const stuck = w.message(bad, ttnLpp());
    const fine = w.message(good, v4.chirpstack_v4_docs_up, {}, RECEIVED + 2);
    const first = await w.handle(deliveries([stuck, fine]));
    expect(first).toEqual({ done: [fine.id], retry: [{ id: stuck.id, delayMs: 1000 }] });
    const trace = w.sink.of(stuck.id);
    expect(trace).toMatchObject({ status: 'retrying', attempts: 1, error: { code: 'SCRIPT_TIMEOUT', step: 1 } });
    expect(trace.steps.map((s) => s.worker)).toEqual(['ttn-v3', 'spin']);
    expect(trace.steps[1]?.error?.code).toBe('SCRIPT_TIMEOUT');
    expect(w.sink.of(fine.id).status).toBe('stored');
    expect(await w.handle([{ message: stuck, attempt: 2 }])).toEqual({ done: [], retry: [{ id: stuck.id, delayMs: 2000 }] });
    // The third delivery is the last one (inboxMaxAttempts = 3): a dead letter.
    expect(await w.handle([{ message: stuck, attempt: 3 }])).toEqual({ done: [stuck.id], retry: [] });
    expect(w.sink.of(stuck.id)).toMatchObject({ status: 'failed', attempts: 3, error: { code: 'SCRIPT_TIMEOUT' } });
  });

  it('a script that reports errors fails its message at once (not retryable), logs kept in the trace step', async () => {
    const src =
      'function decodeUplink(input) { console.log("bytes", input.bytes.length); return { errors: ["unknown frame"] }; }';
    expect((await w.api('POST', '/api/workers', { name: 'picky', source: src })).statusCode).toBe(201);
    const p = w.pipeline(['ttn-v3', 'picky']);
    const msg = w.message(p, ttnLpp());
    expect(await w.handle(deliveries([msg]))).toEqual({ done: [msg.id], retry: [] });
    const trace = w.sink.of(msg.id);
    expect(trace).toMatchObject({ status: 'failed', error: { code: 'SCRIPT_FAILED', step: 1 } });
    expect(trace.steps[1]?.logs).toEqual([{ level: 'log', message: 'bytes 8' }]);
  });

  it('a failed message names its device in the trace when known: a DevEUI an envelope read, an MQTT session', async () => {
    // Issue 9 item 15: failed traces had deviceId null although the device was known.
    expect(
      (await w.api('POST', '/api/workers', { name: 'broken', source: 'function decodeUplink() { throw new Error("x"); }' }))
        .statusCode,
    ).toBe(201);
    const p = w.pipeline(['ttn-v3', 'broken']);
    const byDevEui = w.message(p, ttnLpp());
    const nc = w.pipeline(['neocampus']);
    // A board authenticated to the embedded broker: the transport names it by id.
    const bySession = {
      ...w.message(nc, '{"value": "not json', { kind: 'mqtt', topic: 'u4/302/temperature' }),
      device: { id: ids.inside as string },
    };
    // A device nobody knows, and a message naming none: still null.
    const unknownEui = structuredClone(ttnLpp());
    unknownEui.end_device_ids.dev_eui = 'FFFFFFFFFFFFFFFF';
    const unknown = w.message(p, unknownEui);
    const anonymous = w.message(nc, '{"value": "not json', { kind: 'mqtt', topic: 'x' });
    expect(await w.handle(deliveries([byDevEui, bySession, unknown, anonymous]))).toEqual({
      done: [byDevEui.id, bySession.id, unknown.id, anonymous.id],
      retry: [],
    });
    expect(w.sink.of(byDevEui.id)).toMatchObject({ status: 'failed', deviceId: ids.tts });
    expect(w.sink.of(bySession.id)).toMatchObject({ status: 'failed', deviceId: ids.inside, error: { code: 'DECODE_FAILED' } });
    expect(w.sink.of(unknown.id)).toMatchObject({ status: 'failed', deviceId: null });
    expect(w.sink.of(anonymous.id)).toMatchObject({ status: 'failed', deviceId: null });
  });

  it('a changed script is used from the next batch on', async () => {
    const v1 =
      'function process(m) { return { measurements: [{ sensor: "s", observedProperty: "count", unit: "1", value: 1 }] }; }';
    expect((await w.api('POST', '/api/workers', { name: 'counter', source: v1 })).statusCode).toBe(201);
    const p = w.pipeline(['ttn-v3', 'counter'], { autoRegister: true });
    const body = (i: number) => {
      const b = structuredClone(v3.ezurio_rs26x_captured_2025);
      b.uplink_message.received_at = new Date(Date.UTC(2025, 0, 1) + i * 1000).toISOString();
      return b;
    };
    await w.handle(deliveries([w.message(p, body(0))]));
    const v2 = v1.replace('value: 1', 'value: 2');
    expect((await w.api('PATCH', '/api/workers/counter', { source: v2 })).statusCode).toBe(200);
    const msg = w.message(p, body(1));
    await w.handle(deliveries([msg]));
    const device = w.sink.of(msg.id).deviceId as string;
    const counts = (await w.stored(device)).filter((r) => r.observedProperty === 'count').map((r) => r.value);
    expect(counts).toEqual([1, 2]);
  });

  it('skip events (a join accept) are traced skipped, store nothing, and leave the batch', async () => {
    const p = w.pipeline(['ttn-v3', 'cayenne-lpp']);
    const join = w.message(p, v3.tts_docs_join_accept_example);
    expect(await w.handle(deliveries([join]))).toEqual({ done: [join.id], retry: [] });
    const trace = w.sink.of(join.id);
    expect(trace).toMatchObject({ status: 'skipped', measurements: 0, error: null, deviceId: null });
    expect(trace.steps.map((s) => s.worker)).toEqual(['ttn-v3']);
  });

  it('a deleted pipeline fails its queued messages (PIPELINE_NOT_FOUND); an inactive one still runs them', async () => {
    const gone = w.pipeline(['ttn-v3']);
    const paused = w.pipeline(['chirpstack-v4'], { status: 'inactive' });
    const orphan = w.message(gone, ttnLpp());
    const queued = w.message(paused, v4.chirpstack_v4_docs_up);
    w.catalog.delete(gone.id);
    expect(await w.handle(deliveries([orphan, queued]))).toEqual({ done: [orphan.id, queued.id], retry: [] });
    expect(w.sink.of(orphan.id)).toMatchObject({ status: 'failed', error: { code: 'PIPELINE_NOT_FOUND' }, steps: [] });
    expect(w.sink.of(queued.id)).toMatchObject({ status: 'stored', deviceId: ids.cs });
  });

  it('a disabled device fails its uplinks unstored (DEVICE_DISABLED); the trace names it', async () => {
    const id = await w.device({
      code: 'off-node',
      type: 'lorawan-node',
      identity: { kind: 'deveui', value: '70B3D57BA0000BCF' },
      enabled: false,
    });
    const body = structuredClone(v3.decentlab_dl5tm_captured_2020_tts_old_settings_layout);
    body.end_device_ids.dev_eui = '70B3D57BA0000BCF';
    const p = w.pipeline(['ttn-v3']);
    const msg = w.message(p, body);
    expect((await w.handle(deliveries([msg]))).done).toEqual([msg.id]);
    expect(w.sink.of(msg.id)).toMatchObject({ status: 'failed', deviceId: id, error: { code: 'DEVICE_DISABLED' } });
    expect(await w.stored(id)).toEqual([]);
  });

  it('counts messages by status, measurements and step times in Prometheus metrics', async () => {
    const text = await w.t.polder.metrics.registry.metrics();
    const value = (re: RegExp) => Number(re.exec(text)?.[1] ?? Number.NaN);
    expect(value(/^polder_pipeline_messages_total\{status="stored"\} (\d+)/m)).toBeGreaterThan(50);
    expect(value(/^polder_pipeline_messages_total\{status="failed"\} (\d+)/m)).toBeGreaterThanOrEqual(4);
    expect(value(/^polder_pipeline_measurements_total (\d+)/m)).toBeGreaterThan(100);
    expect(text).toMatch(/^polder_pipeline_step_seconds_count\{worker="ttn-v3"\} \d+/m);
    expect(text).toMatch(/^polder_pipeline_step_seconds_count\{worker="script"\} \d+/m);
    expect(text).toMatch(/^polder_pipeline_step_seconds_count\{worker="store"\} \d+/m);
  });

  it.each([
    ['failures', () => false],
    ['sample', sampled],
    ['all', () => true],
  ] as const)(
    'traceMessages %s: a stored uplink keeps its raw message as the mode says, a failed one always; the API tells',
    async (mode, keeps) => {
      // Each mode its own auto-registered device (other tests expect the sample's DevEUI unknown).
      const p = w.pipeline(['ttn-v3'], { autoRegister: true, traceMessages: mode });
      const body = v3.bosch_parking_captured_2023_tts_community;
      const ok = Array.from({ length: 300 }, (_, i) => {
        const b = structuredClone(body);
        b.end_device_ids.dev_eui = DEV_EUI[mode];
        b.uplink_message.received_at = new Date(Date.parse('2024-05-19T05:33:35.641Z') + i * 60_000).toISOString();
        return w.message(p, b, {}, RECEIVED + i);
      });
      const bad = w.message(p, '{"uplink_message": ', {}, RECEIVED + 400);
      const outcome = await w.handle(deliveries([...ok, bad]));
      expect(outcome.done).toHaveLength(301);
      const traces = ok.map((m) => w.sink.of(m.id));
      expect(traces.every((t) => t.status === 'stored' && t.measurements === 2)).toBe(true);
      const kept = traces.filter((t) => t.message !== null).map((t) => t.id);
      expect(kept).toEqual(ok.filter((m) => keeps(m.id)).map((m) => m.id));
      if (mode === 'all') expect(kept).toHaveLength(300);
      if (mode === 'failures') expect(kept).toHaveLength(0);
      const failed = w.sink.of(bad.id);
      expect(failed.status).toBe('failed');
      expect(failed.message?.id).toBe(bad.id);

      // Through the database's trace store (this dialect) and the API: slim rows read back as messageKept false.
      const latest = [...traces, failed];
      await w.t.polder.pipelines.traces.sink.write(latest);
      const slim = traces.find((t) => t.message === null);
      expect(slim === undefined).toBe(mode === 'all');
      if (slim) {
        const r = await w.api('GET', `/api/traces/${slim.id}`);
        expect(r.statusCode, r.body).toBe(200);
        expect(r.json()).toMatchObject({ status: 'stored', messageKept: false, payload: null, measurements: 2 });
      }
      const f = await w.api('GET', `/api/traces/${bad.id}`);
      expect(f.json()).toMatchObject({ status: 'failed', messageKept: true, payload: { text: '{"uplink_message": ' } });
      const replay = await w.api('POST', `/api/traces/${bad.id}/replay`);
      expect(replay.statusCode, replay.body).toBe(202);
    },
  );
});
