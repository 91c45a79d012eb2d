import { describe, expect, it } from 'vitest';
import { runBuiltin } from '../../src/workers/catalog.js';
import { resolveSenml } from '../../src/workers/envelopes/senml-resolve.js';
import { drafts, fixture, messageOf } from './fixtures.js';

const file = fixture('senml-examples.json');
const rfc = file.rfc8428_examples;
const kpn = file.kpn_things_examples;
const RECEIVED = Date.UTC(2025, 0, 1);
const serial = (value: string) => ({ identity: { kind: 'serial', value } });

describe('senml (RFC 8428 examples)', () => {
  it('5.1.1: a name without base name that is a device URN; the unit names the property', async () => {
    const out = await runBuiltin('senml', messageOf(rfc['5.1.1_single_data_point']));
    expect(out.device).toEqual(serial('10e2073a01080063'));
    expect(drafts(out)).toEqual([{ sensor: '0', observedProperty: 'temperature', unit: 'Cel', value: 23.1 }]);
    expect(out.observedAt).toBeUndefined(); // no time: "now", i.e. the receive time
  });

  it('5.1.2: base name + names; relative times from the base time; base unit', async () => {
    const a = await runBuiltin('senml', messageOf(rfc['5.1.2_multiple_data_points_a']));
    expect(a.device).toEqual(serial('10e2073a01080063'));
    expect(drafts(a)).toEqual([
      { sensor: '0', observedProperty: 'voltage', unit: 'V', value: 120.1 },
      { sensor: '0', observedProperty: 'current', unit: 'A', value: 1.2 },
    ]);
    const b = await runBuiltin('senml', messageOf(rfc['5.1.2_multiple_data_points_b_with_relative_times']));
    expect(b.device).toEqual(serial('10e2073a0108006'));
    const bt = 1276020076.001;
    expect(drafts(b)).toEqual([
      { sensor: '0', observedProperty: 'voltage', unit: 'V', value: 120.1, time: Math.round(bt * 1000) },
      ...[-5, -4, -3, -2, -1, 0].map((t, i) => ({
        sensor: '0',
        observedProperty: 'current',
        unit: 'A',
        value: [1.2, 1.3, 1.4, 1.5, 1.6, 1.7][i],
        time: Math.round((bt + t) * 1000),
      })),
    ]);
    expect(b.observedAt).toBe(1276020076001);
  });

  it('5.1.2 stream: records without names take the property from the base unit %RH', async () => {
    const out = await runBuiltin('senml', messageOf(rfc['5.1.2_sensml_stream_prefix_(truncated_in_rfc_with_...)']));
    const values = [21.2, 21.3, 21.4, 21.4, 21.5, 21.5, 21.5, 21.6, 21.7];
    expect(drafts(out)).toEqual(
      values.map((value, i) => ({
        sensor: '0',
        observedProperty: 'relative_humidity',
        unit: '%',
        value,
        time: (1320067464 + i * 10) * 1000,
      })),
    );
  });

  it('5.1.3 resolves to exactly the records of its resolved form 5.1.4', () => {
    const now = RECEIVED / 1000;
    const pick = (r: ReturnType<typeof resolveSenml>[number]) => ({ name: r.name, unit: r.unit, time: r.time, value: r.value });
    const resolved = resolveSenml('senml', rfc['5.1.3_multiple_measurements'], now).map(pick);
    expect(resolved).toEqual(resolveSenml('senml', rfc['5.1.4_resolved_form_of_5.1.3'], now).map(pick));
    expect(resolved).toHaveLength(13);
  });

  it('5.1.3: lon/lat/%EL units become longitude, latitude and battery level', async () => {
    const out = await runBuiltin('senml', messageOf(rfc['5.1.3_multiple_measurements']));
    expect(drafts(out).slice(0, 3)).toEqual([
      { sensor: '0', observedProperty: 'relative_humidity', unit: '%', value: 20, time: 1320067464000 },
      { sensor: '0', observedProperty: 'longitude', unit: 'deg', value: 24.30621, time: 1320067464000 },
      { sensor: '0', observedProperty: 'latitude', unit: 'deg', value: 60.07965, time: 1320067464000 },
    ]);
    expect(drafts(out)[9]).toEqual({ sensor: '0', observedProperty: 'battery_level', unit: '%', value: 98, time: 1320067614000 });
  });

  it('5.1.5: string and data values go to metadata.text; a boolean becomes 0/1', async () => {
    const out = await runBuiltin('senml', messageOf(rfc['5.1.5_multiple_data_types']));
    expect(drafts(out)).toEqual([
      { sensor: '0', observedProperty: 'temperature', unit: 'Cel', value: 23.1 },
      { sensor: '0', observedProperty: 'open', unit: '1', value: 0 },
    ]);
    expect(out.metadata.text).toEqual({
      'urn:dev:ow:10e2073a01080063:label': 'Machine Room',
      'urn:dev:ow:10e2073a01080063:nfv-reader': 'aGkgCg',
    });
  });

  it('5.1.6: two base names are two devices; the later records keep the first base time', async () => {
    const out = await runBuiltin('senml', messageOf(rfc['5.1.6_collection_of_resources']));
    expect(out.device).toBeUndefined();
    const t = 1320078429000;
    expect(drafts(out)).toEqual([
      { sensor: '0', observedProperty: 'temperature', unit: 'Cel', value: 25.2, time: t, device: { code: '2001:db8::2' } },
      { sensor: '0', observedProperty: 'relative_humidity', unit: '%', value: 30, time: t, device: { code: '2001:db8::2' } },
      { sensor: '0', observedProperty: 'temperature', unit: 'Cel', value: 12.3, time: t, device: { code: '2001:db8::1' } },
      { sensor: '0', observedProperty: 'relative_humidity', unit: '%', value: 67, time: t, device: { code: '2001:db8::1' } },
    ]);
  });

  it('5.1.7: a base-only first record carries no value; "/" is the ratio unit 1', async () => {
    const out = await runBuiltin('senml', messageOf(rfc['5.1.7_setting_an_actuator']));
    expect(drafts(out)).toEqual([
      { sensor: '0', observedProperty: 'temperature', unit: 'Cel', value: 23.1 },
      { sensor: '0', observedProperty: 'heat', unit: '1', value: 1 },
      { sensor: '0', observedProperty: 'fan', unit: '1', value: 0 },
    ]);
    const dim = await runBuiltin('senml', messageOf(rfc['5.1.7_two_lights_dim_then_off']));
    expect(drafts(dim).map((d) => [d.device?.code, d.value, d.time])).toEqual([
      ['2001:db8::3', 0.5, 1320078429000],
      ['2001:db8::4', 0.5, 1320078429000],
      ['2001:db8::3', 0, 1320078429100],
      ['2001:db8::4', 0, 1320078429100],
    ]);
  });

  it('rejects what RFC 8428 says a reader must reject', async () => {
    const bad = async (pack: unknown) => runBuiltin('senml', messageOf(pack));
    await expect(bad({ n: 'x', v: 1 })).rejects.toMatchObject({
      code: 'DECODE_FAILED',
      message: expect.stringMatching(/JSON array/),
    });
    await expect(bad([{ bver: 11, n: 'x', v: 1 }])).rejects.toMatchObject({ message: expect.stringMatching(/version 11/) });
    await expect(bad([{ n: 'x', v: 1, foo_: 2 }])).rejects.toMatchObject({
      message: expect.stringMatching(/label foo_ must be understood/),
    });
    await expect(bad([{ n: 'x', v: 1, vs: 'a' }])).rejects.toMatchObject({
      message: expect.stringMatching(/more than one value/),
    });
    await expect(bad([{ n: 'x y', v: 1 }])).rejects.toMatchObject({ message: expect.stringMatching(/not a valid SenML name/) });
    await expect(bad([{ n: 'x', v: '1' }])).rejects.toMatchObject({ message: expect.stringMatching(/v must be a number/) });
  });

  it('times below 2**28 are relative to the receive time', () => {
    const [r] = resolveSenml('senml', [{ n: 'x', v: 1, t: -60 }], RECEIVED / 1000);
    expect(r?.time).toBe(RECEIVED / 1000 - 60);
  });
});

describe('kpn-senml (KPN Things packs)', () => {
  it('reads a pre-2022 pack with a separate base record', async () => {
    const pack = kpn['kpn_things_raw_lora_pre_2022-12_separate_base_record'];
    const out = await runBuiltin('kpn-senml', messageOf(pack));
    expect(out.device).toEqual({ identity: { kind: 'deveui', value: '0059AC00001B1930' } });
    expect(out.observedAt).toBe(1668814455000);
    expect(Buffer.from(out.payload).toString('hex')).toBe(pack[1].vs);
    expect(out.metadata).toMatchObject({ provider: 'kpn-senml', fPort: 3, timeOrigin: 'THINGSENGINE' });
    expect(out.measurements).toEqual([]);
  });

  it('reads a 2023 pack whose base fields are merged into the first record', async () => {
    const pack = kpn['kpn_things_raw_lora_2023-04-13_base_fields_merged_into_first_record'];
    const out = await runBuiltin('kpn-senml', messageOf(pack));
    expect(out.device?.identity).toEqual({ kind: 'deveui', value: '0059AC0000000000' });
    expect(out.observedAt).toBe(1766754820000);
    expect(Buffer.from(out.payload).toString('hex')).toBe(pack[0].vs);
    expect(out.metadata).toMatchObject({ fPort: 3, timeOrigin: 'NETWORK' });
    expect(out.measurements).toEqual([]);
  });

  it('fails a payload record that is not hex', async () => {
    const pack = [{ bn: 'urn:dev:DEVEUI:0059AC0000000000:', bt: 1766754820, n: 'payload', vs: 'xyz' }];
    await expect(runBuiltin('kpn-senml', messageOf(pack))).rejects.toMatchObject({
      code: 'DECODE_FAILED',
      message: 'kpn-senml: payload is not an even-length hex string',
    });
  });
});
