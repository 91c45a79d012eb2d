import { describe, expect, it } from 'vitest';
import { runBuiltin } from '../../src/workers/catalog.js';
import { decodeLpp } from '../../src/workers/decoders/cayenne-lpp.worker.js';
import { codeBlocks, drafts, messageOf, reference } from './fixtures.js';

const md = reference('cayenne-lpp.md');
const bytes = (hex: string) => new Uint8Array(Buffer.from(hex.replace(/\s+/g, ''), 'hex'));
const d = (sensor: string, observedProperty: string, unit: string, value: number) => ({ sensor, observedProperty, unit, value });

describe('cayenne-lpp: the worked examples of the spec', () => {
  it('1: two temperature channels', () => {
    expect(decodeLpp(bytes('03 67 01 10 05 67 00 FF'))).toEqual([
      d('3', 'temperature', 'Cel', 27.2),
      d('5', 'temperature', 'Cel', 25.5),
    ]);
  });
  it('2: a negative temperature', () => {
    expect(decodeLpp(bytes('01 67 FF D7'))).toEqual([d('1', 'temperature', 'Cel', -4.1)]);
  });
  it('3: accelerometer, signed per axis', () => {
    expect(decodeLpp(bytes('06 71 04 D2 FB 2E 00 00'))).toEqual([
      d('6', 'acceleration_x', '[g]', 1.234),
      d('6', 'acceleration_y', '[g]', -1.234),
      d('6', 'acceleration_z', '[g]', 0),
    ]);
  });
  it('4: GPS', () => {
    expect(decodeLpp(bytes('01 88 06 76 5F F2 96 0A 00 03 E8'))).toEqual([
      d('1', 'latitude', 'deg', 42.3519),
      d('1', 'longitude', 'deg', -87.9094),
      d('1', 'altitude', 'm', 10),
    ]);
  });
  it('5: one channel, two types (TTS docs)', () => {
    expect(decodeLpp(bytes('00 73 27 BF 00 67 00 DE'))).toEqual([
      d('0', 'barometric_pressure', 'hPa', 1017.5),
      d('0', 'temperature', 'Cel', 22.2),
    ]);
  });
  it('humidity is value×2, illuminance and barometer are unsigned', () => {
    expect(decodeLpp(bytes('02 68 64 04 65 FF FF 05 73 FF FF'))).toEqual([
      d('2', 'relative_humidity', '%', 50),
      d('4', 'illuminance', 'lx', 65535),
      d('5', 'barometric_pressure', 'hPa', 6553.5),
    ]);
  });
  it('every other type of the reference table, with its size and resolution', () => {
    const frame = [
      '01 00 01', // digital input
      '02 01 00', // digital output
      '03 02 FF 9C', // analog input −1.00
      '04 03 01 2C', // analog output 3.00
      '05 66 01', // presence
      '06 86 00 64 FF 9C 27 10', // gyrometer 1, −1, 100 °/s
      '07 64 00 01 00 00', // generic 65536
      '08 74 01 4A', // voltage 3.30 V
      '09 75 03 E8', // current 1.000 A
      '0A 76 00 00 C3 50', // 50000 Hz
      '0B 78 64', // 100 %
      '0C 79 FF FE', // altitude −2 m
      '0D 80 0B B8', // 3000 W
      '0E 82 00 00 30 39', // 12.345 m
      '0F 83 00 01 E2 40', // 123.456 kWh
      '10 84 01 0E', // 270°
      '11 85 65 5F 1E 00', // Unix time 1700732416
      '12 8E 01', // switch on
    ].join(' ');
    expect(decodeLpp(bytes(frame))).toEqual([
      d('1', 'digital_input', '1', 1),
      d('2', 'digital_output', '1', 0),
      d('3', 'analog_input', '1', -1),
      d('4', 'analog_output', '1', 3),
      d('5', 'presence', '1', 1),
      d('6', 'angular_velocity_x', 'deg/s', 1),
      d('6', 'angular_velocity_y', 'deg/s', -1),
      d('6', 'angular_velocity_z', 'deg/s', 100),
      d('7', 'generic', '1', 65536),
      d('8', 'voltage', 'V', 3.3),
      d('9', 'current', 'A', 1),
      d('10', 'frequency', 'Hz', 50000),
      d('11', 'percentage', '%', 100),
      d('12', 'altitude', 'm', -2),
      d('13', 'power', 'W', 3000),
      d('14', 'distance', 'm', 12.345),
      d('15', 'energy', 'kW.h', 123.456),
      d('16', 'direction', 'deg', 270),
      d('17', 'unix_time', 's', 1700732416),
      d('18', 'switch', '1', 1),
    ]);
  });
});

describe('cayenne-lpp: bad frames fail with the record at fault', () => {
  it('a truncated record is rejected, not zero-padded', async () => {
    await expect(runBuiltin('cayenne-lpp', { ...messageOf(''), payload: bytes('03 67 01') })).rejects.toMatchObject({
      code: 'DECODE_FAILED',
      message: 'cayenne-lpp: channel 3 type 0x67 needs 2 bytes, 1 left',
    });
  });
  it('an unknown type makes the rest undecodable', () => {
    expect(() => decodeLpp(bytes('03 67 01 10 04 99 00'))).toThrow('cayenne-lpp: channel 4 has unknown type 0x99 at byte 5');
  });
  it('a channel byte without a type byte', () => {
    expect(() => decodeLpp(bytes('03 67 01 10 05'))).toThrow('cayenne-lpp: channel 5 at byte 4 has no type byte');
  });
  it('an empty payload decodes to nothing', () => {
    expect(decodeLpp(new Uint8Array(0))).toEqual([]);
  });
});

describe('cayenne-lpp behind ttn-v3 agrees with The Things Stack formatter output', () => {
  const bodies = codeBlocks(md, 'json').filter((b) => b.includes('uplink_message'));
  it.each(bodies.map((b, i) => [i, b]))('TTS docs body %i', async (_i, body) => {
    const tts = JSON.parse(body as string);
    const enveloped = await runBuiltin('ttn-v3', messageOf(tts));
    const ours = await runBuiltin('cayenne-lpp', enveloped);
    const theirs = await runBuiltin('json-map', enveloped);
    expect(ours.metadata).toMatchObject({ fPort: 8, fCnt: 113 });
    const key = (m: { sensor: string; observedProperty: string }) => `${m.observedProperty}_${m.sensor}`;
    const fromUs = Object.fromEntries(
      ours.measurements.map((m) => [key(m), { unit: m.unit, value: Math.fround(m.value as number) }]),
    );
    const fromTts = Object.fromEntries(
      theirs.measurements.map((m) => [key(m), { unit: m.unit, value: Math.fround(m.value as number) }]),
    );
    // TTS widens float32 (27.200000762939453): equal at float32 precision, same names, same units.
    expect(fromUs).toEqual(fromTts);
    expect(Object.keys(fromUs).sort()).toEqual(Object.keys(tts.uplink_message.decoded_payload).sort());
  });
  it('found both documented bodies', () => {
    expect(bodies).toHaveLength(2);
  });
});

describe('cayenne-lpp: drafts keep earlier measurements', () => {
  it('appends to what the envelope produced', async () => {
    const msg = { ...messageOf(''), payload: bytes('03 67 01 10'), measurements: [d('radio', 'rssi', 'dB[mW]', -40)] };
    const out = await runBuiltin('cayenne-lpp', msg);
    expect(drafts(out)).toEqual([d('radio', 'rssi', 'dB[mW]', -40), d('3', 'temperature', 'Cel', 27.2)]);
    expect(msg.measurements).toHaveLength(1); // the input message is not mutated
  });
});
