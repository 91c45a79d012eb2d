import { describe, expect, it } from 'vitest';
import { prepareStep, runBuiltin } from '../../src/workers/catalog.js';
import { mapJson } from '../../src/workers/decoders/json-map.worker.js';
import { drafts, fixture, messageOf } from './fixtures.js';

const v3 = fixture('ttn-v3-uplink.json').samples;
const cs3 = fixture('chirpstack-v3-uplink.json').samples;

describe('json-map defaults', () => {
  it('maps well-known names of the TTS docs decoded_payload', async () => {
    const out = await runBuiltin('json-map', await runBuiltin('ttn-v3', messageOf(v3.tts_docs_uplink_example)));
    expect(drafts(out).slice(2)).toEqual([
      { sensor: '0', observedProperty: 'temperature', unit: 'Cel', value: 1 },
      { sensor: '0', observedProperty: 'illuminance', unit: 'lx', value: 0.64 },
    ]);
  });

  it('reads {value, unit} objects, "<number> <unit>" strings and channel suffixes; lists what it could not name', () => {
    const r = mapJson(
      {
        battery_voltage: { displayName: 'Battery voltage', unit: 'V', value: 3.168 },
        soil_temperature: { unit: '°C', value: 22.5 },
        volumetric_water_content: { unit: 'm³⋅m⁻³', value: -0.0215397767 },
        dielectric_permittivity: { value: 1.1 },
        device_id: 571,
        Bat: '3.384 V',
        humidity_2: 41,
        status: 'ok',
        indoor: { temperature: 21.5 },
      },
      {},
    );
    expect(r.measurements).toEqual([
      { sensor: '0', observedProperty: 'battery_voltage', unit: 'V', value: 3.168 },
      { sensor: '0', observedProperty: 'soil_temperature', unit: 'Cel', value: 22.5 },
      { sensor: '0', observedProperty: 'volumetric_water_content', unit: 'm3/m3', value: -0.0215397767 },
      { sensor: '0', observedProperty: 'bat', unit: 'V', value: 3.384 },
      { sensor: '2', observedProperty: 'relative_humidity', unit: '%', value: 41 },
      { sensor: 'indoor', observedProperty: 'temperature', unit: 'Cel', value: 21.5 },
    ]);
    expect(r.unmapped).toEqual(['dielectric_permittivity.value', 'device_id']);
    const kept = mapJson({ device_id: 571 }, { unmapped: 'keep' });
    expect(kept.measurements).toEqual([{ sensor: '0', observedProperty: 'device_id', unit: '1', value: 571 }]);
  });

  it('lists unmapped paths in metadata', async () => {
    const msg = { ...messageOf('{"protocol_version": 2, "temperature": 20.5}'), metadata: {} };
    const out = await runBuiltin('json-map', msg, { source: 'payload' });
    expect(out.metadata.unmapped).toEqual(['protocol_version']);
    expect(drafts(out)).toEqual([{ sensor: '0', observedProperty: 'temperature', unit: 'Cel', value: 20.5 }]);
  });
});

describe('json-map explicit fields', () => {
  it('maps quoted keys, wildcards (the matched key is the sensor), scale and offset', async () => {
    const enveloped = await runBuiltin('chirpstack-v3', messageOf(cs3.chirpstack_v3_docs_uplink_json_v3));
    const out = await runBuiltin('json-map', enveloped, {
      fields: {
        'temperatureSensor.*': { observedProperty: 'air_temperature', unit: '°C' },
        "$['humiditySensor']['1']": { observedProperty: 'relative_humidity', unit: '%', sensor: 'sht', scale: 0.5, offset: 1 },
      },
    });
    expect(drafts(out).slice(2)).toEqual([
      { sensor: '1', observedProperty: 'air_temperature', unit: 'Cel', value: 25 },
      { sensor: 'sht', observedProperty: 'relative_humidity', unit: '%', value: 17 },
    ]);
  });

  it('fails a mapped field that is not a number, naming it', async () => {
    const enveloped = await runBuiltin('ttn-v3', messageOf(v3.ezurio_rs26x_captured_2025));
    await expect(
      runBuiltin('json-map', enveloped, { fields: { "['Battery Status']": { observedProperty: 'battery', unit: '1' } } }),
    ).rejects.toMatchObject({ code: 'DECODE_FAILED', message: 'json-map: $.Battery Status is "Good", not a number' });
  });

  it('takes the observation time from a path', () => {
    const r = mapJson({ ts: '2024-11-12T12:51:50Z', temperature: 3 }, { time: 'ts' });
    expect(r.measurements[0]?.time).toBe(Date.parse('2024-11-12T12:51:50Z'));
    expect(mapJson({ ts: 1731415910, temperature: 3 }, { time: 'ts' }).measurements[0]?.time).toBe(1731415910000);
  });

  it('names the device from a path of the JSON (identity normalised, or a registry code)', async () => {
    const cs4 = fixture('chirpstack-v4-uplink.json').samples.chirpstack_v4_captured_decentlab_2024;
    const byEui = await runBuiltin('json-map', messageOf(cs4), {
      source: 'payload',
      fields: { fCnt: { observedProperty: 'frame_counter', unit: '1' } },
      device: { path: 'deviceInfo.devEui', kind: 'deveui' },
    });
    expect(byEui.device).toEqual({ identity: { kind: 'deveui', value: '70B3D57BA0003BB8' } });
    expect(drafts(byEui)).toEqual([{ sensor: '0', observedProperty: 'frame_counter', unit: '1', value: 20 }]);
    const byCode = await runBuiltin('json-map', messageOf(cs4), {
      source: 'payload',
      fields: {},
      device: { path: 'deviceInfo.deviceName', kind: 'code' },
    });
    expect(byCode.device).toEqual({ code: 'PM-15288' });
  });

  it('fails a message that does not name its device where the config says, naming the path', async () => {
    const cs4 = fixture('chirpstack-v4-uplink.json').samples.chirpstack_v4_captured_decentlab_2024;
    await expect(
      runBuiltin('json-map', messageOf(cs4), {
        source: 'payload',
        fields: {},
        device: { path: 'deviceInfo.serial', kind: 'serial' },
      }),
    ).rejects.toMatchObject({ code: 'DECODE_FAILED', message: 'json-map: device path deviceInfo.serial gave no device id' });
    await expect(
      runBuiltin('json-map', messageOf(cs4), {
        source: 'payload',
        fields: {},
        device: { path: 'deviceInfo.deviceName', kind: 'mac' },
      }),
    ).rejects.toMatchObject({ code: 'DECODE_FAILED', message: 'json-map: deviceInfo.deviceName "PM-15288" is not a mac' });
    expect(() => prepareStep('json-map', { device: { path: 'a[', kind: 'code' } })).toThrow(
      expect.objectContaining({ details: expect.objectContaining({ field: 'config.device.path' }) }),
    );
  });

  it('rejects bad configs when the step is prepared, naming the field', () => {
    expect(() => prepareStep('json-map', { fields: { 'a[': { observedProperty: 'x', unit: '1' } } })).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED', details: expect.objectContaining({ field: 'config.fields.a[' }) }),
    );
    expect(() => prepareStep('json-map', { fields: { a: { observedProperty: 'Bad Name', unit: '1' } } })).toThrow(
      expect.objectContaining({ details: expect.objectContaining({ field: 'config.fields.a.observedProperty' }) }),
    );
    expect(() => prepareStep('json-map', { nope: 1 })).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });
});
