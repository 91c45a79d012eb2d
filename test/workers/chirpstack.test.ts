import { describe, expect, it } from 'vitest';
import { runBuiltin } from '../../src/workers/catalog.js';
import { drafts, fixture, messageOf } from './fixtures.js';

const v4 = fixture('chirpstack-v4-uplink.json').samples;
const v3 = fixture('chirpstack-v3-uplink.json').samples;
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const radio = (rssi: number, snr: number) => [
  { sensor: 'radio', observedProperty: 'rssi', unit: 'dB[mW]', value: rssi },
  { sensor: 'radio', observedProperty: 'snr', unit: 'dB', value: snr },
];

describe('chirpstack-v4', () => {
  it('reads the documented up event', async () => {
    const out = await runBuiltin('chirpstack-v4', messageOf(v4.chirpstack_v4_docs_up));
    expect(out.device?.identity).toEqual({ kind: 'deveui', value: '0101010101010101' });
    expect(out.observedAt).toBe(Date.parse('2022-07-18T09:34:15.775Z'));
    expect(hex(out.payload)).toBe('aa');
    expect(out.metadata).toMatchObject({
      provider: 'chirpstack-v4',
      event: 'uplink',
      fPort: 1,
      fCnt: 0, // omitted by the 2022 docs example: protobuf default
      devAddr: '00189440',
      frequency: 867100000,
      spreadingFactor: 11,
      bandwidth: 125000,
      codingRate: 'CR_4_5',
      deviceName: 'Test device',
      gateways: [{ id: '0016c001f153a14c', rssi: -36, snr: 10.5 }],
    });
    expect(out.metadata.decoded).toBeUndefined();
    expect(drafts(out)).toEqual(radio(-36, 10.5));
  });

  it('reads the captured Decentlab up event (same bytes as the TTN capture of that sensor)', async () => {
    const out = await runBuiltin('chirpstack-v4', messageOf(v4.chirpstack_v4_captured_decentlab_2024));
    expect(out.device?.identity?.value).toBe('70B3D57BA0003BB8');
    expect(out.observedAt).toBe(Date.parse('2024-11-10T12:51:50Z'));
    expect(hex(out.payload)).toBe('02023b0003003702710c60');
    expect(out.metadata).toMatchObject({ fPort: 1, fCnt: 20, confirmed: false, devAddr: '017D1F70', dataRate: 5 });
    expect(drafts(out)).toEqual(radio(-106, 3));
  });

  it('reads the captured m5stack up event', async () => {
    const out = await runBuiltin('chirpstack-v4', messageOf(v4.chirpstack_v4_captured_m5stack_2024_unattributed));
    expect(out.device?.identity?.value).toBe('4BEE530D29435BEF');
    expect(out.observedAt).toBe(Date.parse('2024-04-30T11:21:25.396Z'));
    expect(hex(out.payload)).toBe('115a');
    expect(out.metadata).toMatchObject({ fPort: 10, fCnt: 90, confirmed: true });
    expect(drafts(out)).toEqual(radio(-22, 13.8));
  });

  it('turns a status event into battery level and link margin, and skips payload decoding', async () => {
    const out = await runBuiltin('chirpstack-v4', messageOf(v4.chirpstack_v4_docs_status));
    expect(out.metadata).toMatchObject({ event: 'status', skip: expect.any(String) });
    expect(out.observedAt).toBe(Date.parse('2022-07-18T09:35:06.927Z'));
    expect(drafts(out)).toEqual([
      { sensor: 'battery', observedProperty: 'battery_level', unit: '%', value: 88.3 },
      { sensor: 'radio', observedProperty: 'link_margin', unit: 'dB', value: 10 },
    ]);
    expect(await runBuiltin('cayenne-lpp', out)).toBe(out);
  });

  it.each([
    ['chirpstack_v4_docs_join', 'join'],
    ['chirpstack_v4_docs_ack', 'ack'],
    ['chirpstack_v4_docs_txack', 'txack'],
    ['chirpstack_v4_docs_log', 'log'],
    ['chirpstack_v4_docs_location', 'location'],
  ])('recognises %s as a %s event without measurements', async (name, event) => {
    const out = await runBuiltin('chirpstack-v4', messageOf(v4[name]));
    expect(out.metadata).toMatchObject({ provider: 'chirpstack-v4', event, skip: expect.stringMatching(/not an uplink/) });
    expect(out.device?.identity?.value).toBe('0101010101010101');
    expect(out.measurements).toEqual([]);
    expect(out.payload.length).toBe(0);
  });

  it('takes the event from the MQTT topic when the transport kept it', async () => {
    const msg = messageOf(v4.chirpstack_v4_docs_join, {
      kind: 'mqtt',
      topic: 'application/17c8/device/0101010101010101/event/join',
    });
    expect((await runBuiltin('chirpstack-v4', msg)).metadata.event).toBe('join');
    const up = messageOf(v4.chirpstack_v4_docs_up, { kind: 'mqtt', topic: 'application/17c8/device/0101010101010101/event/up' });
    expect((await runBuiltin('chirpstack-v4', up)).metadata.event).toBe('uplink');
  });
});

describe('chirpstack-v3', () => {
  it('reads the json_v3 uplink: hex DevEUI, object, the docs placeholder data left empty with a warning', async () => {
    const sample = v3.chirpstack_v3_docs_uplink_json_v3;
    const out = await runBuiltin('chirpstack-v3', messageOf(sample));
    expect(out.device?.identity).toEqual({ kind: 'deveui', value: '0202020202020202' });
    expect(out.observedAt).toBe(Date.parse('2016-11-25T16:24:37.295Z'));
    expect(out.payload.length).toBe(0);
    expect(out.metadata.warnings).toEqual(['data is not base64; payload left empty']);
    expect(out.metadata).toMatchObject({ fPort: 5, fCnt: 10, frequency: 868100000, dataRate: 5, decoded: sample.object });
    expect(drafts(out)).toEqual(radio(-57, 10));
    // The provider's decoded object, mapped by json-map's defaults: {"temperatureSensor": {"1": 25}}.
    const mapped = await runBuiltin('json-map', out);
    expect(drafts(mapped).slice(2)).toEqual([
      { sensor: '1', observedProperty: 'temperature', unit: 'Cel', value: sample.object.temperatureSensor['1'] },
      { sensor: '1', observedProperty: 'relative_humidity', unit: '%', value: sample.object.humiditySensor['1'] },
    ]);
  });

  it('reads the protobuf-JSON uplink: base64 DevEUI, objectJSON string', async () => {
    const out = await runBuiltin('chirpstack-v3', messageOf(v3.chirpstack_v3_docs_uplink_protobuf_json));
    expect(out.device?.identity?.value).toBe('0202020202020202');
    expect(out.observedAt).toBe(Date.parse('2019-11-08T13:59:25.048Z'));
    expect(out.metadata).toMatchObject({
      fPort: 5,
      fCnt: 10,
      dataRate: 1,
      spreadingFactor: 11,
      bandwidth: 125000,
      decoded: { temperatureSensor: 25, humiditySensor: 32 },
      gateways: [{ id: '0303030303030303', rssi: -48, snr: 9 }],
    });
    const mapped = await runBuiltin('json-map', out);
    expect(drafts(mapped).slice(2)).toEqual([
      { sensor: '0', observedProperty: 'temperature', unit: 'Cel', value: 25 },
      { sensor: '0', observedProperty: 'relative_humidity', unit: '%', value: 32 },
    ]);
  });

  it('reads the captured Melita uplink (base64 ids, empty objectJSON)', async () => {
    const out = await runBuiltin('chirpstack-v3', messageOf(v3.chirpstack_v3_captured_protobuf_json_2022_unattributed));
    expect(out.device?.identity?.value).toBe('B0B353FFFE40366A'); // = its deviceName
    expect(out.observedAt).toBe(Date.parse('2022-07-11T10:44:40.458Z'));
    expect(hex(out.payload)).toBe('0000038d');
    expect(out.metadata).toMatchObject({ fPort: 3, fCnt: 300, confirmed: true, devAddr: '01420A61' });
    expect(out.metadata.decoded).toBeUndefined();
    expect(drafts(out)).toEqual(radio(-98, 8.2));
  });

  it('turns a status event into battery level and margin', async () => {
    const out = await runBuiltin('chirpstack-v3', messageOf(v3.chirpstack_v3_docs_status_json_v3));
    expect(out.metadata).toMatchObject({ event: 'status', skip: expect.any(String) });
    expect(out.device?.identity?.value).toBe('0202020202020202');
    expect(drafts(out)).toEqual([
      { sensor: 'battery', observedProperty: 'battery_level', unit: '%', value: 75.5 },
      { sensor: 'radio', observedProperty: 'link_margin', unit: 'dB', value: 6 },
    ]);
  });
});
