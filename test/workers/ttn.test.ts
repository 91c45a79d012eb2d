import { describe, expect, it } from 'vitest';
import { runBuiltin } from '../../src/workers/catalog.js';
import { drafts, fixture, messageOf } from './fixtures.js';

const v3 = fixture('ttn-v3-uplink.json').samples;
const v2 = fixture('ttn-v2-uplink.json').samples;
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const radio = (rssi: number, snr: number) => [
  { sensor: 'radio', observedProperty: 'rssi', unit: 'dB[mW]', value: rssi },
  { sensor: 'radio', observedProperty: 'snr', unit: 'dB', value: snr },
];

describe('ttn-v3', () => {
  it('reads the documented uplink: DevEUI, NS receive time, payload, counter, gateway, decoded payload', async () => {
    const out = await runBuiltin('ttn-v3', messageOf(v3.tts_docs_uplink_example));
    expect(out.device).toEqual({ identity: { kind: 'deveui', value: '0004A30B001C0530' } });
    expect(out.observedAt).toBe(Date.parse('2020-02-12T15:15:45.789Z'));
    expect(hex(out.payload)).toBe('8241de'); // "gkHe"
    expect(out.metadata).toMatchObject({
      provider: 'ttn-v3',
      event: 'uplink',
      fCnt: 1,
      devAddr: '00BCB929',
      deviceId: 'dev1',
      applicationId: 'app1',
      frequency: 868300000,
      spreadingFactor: 7,
      bandwidth: 125000,
      codingRate: '4/6',
      decoded: { temperature: 1.0, luminosity: 0.64 },
      gateways: [{ id: 'gtw1', rssi: -35, snr: 5, time: '2020-02-12T15:15:45.787Z' }],
    });
    expect(out.metadata.fPort).toBeUndefined(); // the docs example lacks f_port
    expect(out.metadata.skip).toBeUndefined();
    expect(drafts(out)).toEqual(radio(-35, 5));
  });

  it('recognises a join accept: no payload, no measurements, flagged skip', async () => {
    const out = await runBuiltin('ttn-v3', messageOf(v3.tts_docs_join_accept_example));
    expect(out.metadata).toMatchObject({ provider: 'ttn-v3', event: 'join_accept' });
    expect(out.metadata.skip).toMatch(/not an uplink/);
    expect(out.device?.identity?.value).toBe('0004A30B001C0530');
    expect(out.observedAt).toBe(Date.parse('2020-02-17T07:49:09.935Z'));
    expect(out.payload.length).toBe(0);
    expect(out.measurements).toEqual([]);
    // Later decoding steps leave a skipped message alone.
    const next = await runBuiltin('cayenne-lpp', out);
    expect(next).toBe(out);
  });

  it('reads a filtered webhook body that has only uplink_message', async () => {
    const out = await runBuiltin('ttn-v3', messageOf(v3['tts_docs_webhook_filtered_uplink_only_up.uplink_message']));
    expect(out.device).toBeUndefined();
    expect(out.observedAt).toBeUndefined();
    expect(hex(out.payload)).toBe('202c');
    expect(out.metadata).toMatchObject({ fPort: 1, fCnt: 0, frequency: 868000000 });
    expect(drafts(out)).toEqual(radio(42, 4.2));
  });

  it('reads the captured Bosch parking uplink', async () => {
    const out = await runBuiltin('ttn-v3', messageOf(v3.bosch_parking_captured_2023_tts_community));
    expect(out.device?.identity).toEqual({ kind: 'deveui', value: '1000000000000001' });
    expect(out.observedAt).toBe(Date.parse('2023-05-19T05:33:35.641Z'));
    expect(hex(out.payload)).toBe('0112');
    expect(out.metadata).toMatchObject({ fPort: 2, fCnt: 10335, codingRate: '4/5', frequency: 867100000 });
    expect(drafts(out)).toEqual(radio(-35, 13.2));
  });

  it('accepts the older settings layout (coding_rate at settings level)', async () => {
    const out = await runBuiltin('ttn-v3', messageOf(v3.decentlab_dl5tm_captured_2020_tts_old_settings_layout));
    expect(out.device?.identity?.value).toBe('70B3D57BA0000BCE');
    expect(out.observedAt).toBe(Date.parse('2020-02-06T09:46:05.234Z'));
    expect(hex(out.payload)).toBe('02023b0003003702710c60');
    expect(out.metadata).toMatchObject({ fPort: 1, fCnt: 101, codingRate: '4/5', spreadingFactor: 11 });
    expect(drafts(out)).toEqual(radio(-16, 8.5));
  });

  it('keeps a nested decoded_payload and maps its numeric leaves with json-map', async () => {
    const sample = v3.ezurio_rs26x_captured_2025;
    const out = await runBuiltin('ttn-v3', messageOf(sample));
    expect(out.metadata.decoded).toEqual(sample.uplink_message.decoded_payload);
    expect(out.metadata).toMatchObject({ fPort: 1, fCnt: 25, confirmed: true });
    expect(hex(out.payload)).toBe('00c40015d4');
    const mapped = await runBuiltin('json-map', out);
    expect(drafts(mapped)).toEqual([
      ...radio(-69, 8.25),
      // the provider's decoded value, checked against decoded_payload.Temperature
      { sensor: '0', observedProperty: 'temperature', unit: 'Cel', value: sample.uplink_message.decoded_payload.Temperature },
    ]);
    expect(mapped.measurements.at(-1)?.value).toBe(21.83);
  });

  it('fails a body that is not JSON with DECODE_FAILED naming the worker', async () => {
    await expect(runBuiltin('ttn-v3', messageOf('{"uplink_message": '))).rejects.toMatchObject({
      code: 'DECODE_FAILED',
      message: expect.stringMatching(/^ttn-v3: body is not JSON/),
    });
  });
});

describe('ttn-v2', () => {
  it('reads the documented example; the 1970 placeholder time is ignored with a warning', async () => {
    const out = await runBuiltin('ttn-v2', messageOf(v2.ttn_v2_docs_example));
    expect(out.device?.identity).toEqual({ kind: 'deveui', value: '0102030405060708' });
    expect(out.observedAt).toBeUndefined();
    expect(out.metadata.warnings).toEqual([expect.stringMatching(/metadata\.time 1970-01-01T00:00:00Z is before 2000/)]);
    expect(hex(out.payload)).toBe('01020304');
    expect(out.metadata).toMatchObject({ fPort: 1, fCnt: 2, frequency: 868100000, spreadingFactor: 7, dataRate: 'SF7BW125' });
    expect(out.metadata.decoded).toBeUndefined(); // payload_fields {} is "no decoder output"
    expect(drafts(out)).toEqual(radio(-25, 5));
  });

  it('reads the captured 2021 uplink and picks the gateway with the best RSSI', async () => {
    const out = await runBuiltin('ttn-v2', messageOf(v2.ttn_v2_captured_2021));
    expect(out.device?.identity?.value).toBe('1234566754334353');
    expect(out.observedAt).toBe(Date.parse('2021-04-07T18:18:51.132Z'));
    expect(Buffer.from(out.payload).toString('base64')).toBe(v2.ttn_v2_captured_2021.payload_raw);
    expect(out.metadata).toMatchObject({ fPort: 1, fCnt: 0, retry: true });
    expect((out.metadata.gateways as unknown[]).length).toBe(3);
    expect(drafts(out)).toEqual(radio(-102, -1.5)); // eui-b827ebfffe0ee7c9
  });

  it('emits no radio measurements when the step says radio: false', async () => {
    const out = await runBuiltin('ttn-v2', messageOf(v2.ttn_v2_captured_2021), { radio: false });
    expect(out.measurements).toEqual([]);
  });
});
