/**
 * Cayenne Low Power Payload: a concatenation of [channel, type, data…] records, big-endian, no
 * header (myDevices spec), plus the ElectronicCats "extended" types many TTN devices send.
 * One draft per scalar; the channel number is the sensor.
 */
import { Type } from '@sinclair/typebox';
import type { MeasurementDraft, PipelineMessage } from '../message.js';
import { decodeFailed, defineWorker } from '../worker.js';

const NAME = 'cayenne-lpp';

interface Field {
  property: string;
  unit: string;
  bytes: number;
  signed: boolean;
  /** Divide the raw integer by this (resolution 0.1 → 10); dividing avoids 27.200000000000003. */
  divisor: number;
}

interface LppType {
  name: string;
  fields: Field[];
}

/** The data bytes of each type (the sum of its fields), worked out once. */
const sizes = new Map<LppType, number>();
const sizeOf = (type: LppType): number => {
  let size = sizes.get(type);
  if (size === undefined) {
    size = type.fields.reduce((n, x) => n + x.bytes, 0);
    sizes.set(type, size);
  }
  return size;
};

/** Sensor names of the 256 channels, made once rather than per value. */
const CHANNELS = Array.from({ length: 256 }, (_, i) => String(i));

const f = (property: string, unit: string, bytes: number, signed: boolean, divisor = 1): Field => ({
  property,
  unit,
  bytes,
  signed,
  divisor,
});
const xyz = (prefix: string, unit: string, divisor: number): Field[] =>
  ['x', 'y', 'z'].map((axis) => f(`${prefix}_${axis}`, unit, 2, true, divisor));

/** LPP type = IPSO object id − 3200. Sizes are data only (the C header's constants include channel+type). */
export const LPP_TYPES: Record<number, LppType> = {
  0: { name: 'digital_input', fields: [f('digital_input', '1', 1, false)] },
  1: { name: 'digital_output', fields: [f('digital_output', '1', 1, false)] },
  2: { name: 'analog_input', fields: [f('analog_input', '1', 2, true, 100)] },
  3: { name: 'analog_output', fields: [f('analog_output', '1', 2, true, 100)] },
  100: { name: 'generic_sensor', fields: [f('generic', '1', 4, false)] },
  101: { name: 'illuminance', fields: [f('illuminance', 'lx', 2, false)] },
  102: { name: 'presence', fields: [f('presence', '1', 1, false)] },
  103: { name: 'temperature', fields: [f('temperature', 'Cel', 2, true, 10)] },
  104: { name: 'relative_humidity', fields: [f('relative_humidity', '%', 1, false, 2)] },
  113: { name: 'accelerometer', fields: xyz('acceleration', '[g]', 1000) },
  115: { name: 'barometric_pressure', fields: [f('barometric_pressure', 'hPa', 2, false, 10)] },
  116: { name: 'voltage', fields: [f('voltage', 'V', 2, false, 100)] },
  117: { name: 'current', fields: [f('current', 'A', 2, false, 1000)] },
  118: { name: 'frequency', fields: [f('frequency', 'Hz', 4, false)] },
  120: { name: 'percentage', fields: [f('percentage', '%', 1, false)] },
  121: { name: 'altitude', fields: [f('altitude', 'm', 2, true)] },
  128: { name: 'power', fields: [f('power', 'W', 2, false)] },
  130: { name: 'distance', fields: [f('distance', 'm', 4, false, 1000)] },
  131: { name: 'energy', fields: [f('energy', 'kW.h', 4, false, 1000)] },
  132: { name: 'direction', fields: [f('direction', 'deg', 2, false)] },
  133: { name: 'unix_time', fields: [f('unix_time', 's', 4, false)] },
  134: { name: 'gyrometer', fields: xyz('angular_velocity', 'deg/s', 100) },
  136: {
    name: 'gps',
    fields: [f('latitude', 'deg', 3, true, 10000), f('longitude', 'deg', 3, true, 10000), f('altitude', 'm', 3, true, 100)],
  },
  142: { name: 'switch', fields: [f('switch', '1', 1, false)] },
};

const hex = (n: number) => `0x${n.toString(16).padStart(2, '0')}`;

function readInt(bytes: Uint8Array, at: number, size: number, signed: boolean): number {
  let v = 0;
  for (let i = 0; i < size; i++) v = v * 256 + (bytes[at + i] ?? 0);
  const limit = 2 ** (8 * size);
  return signed && v >= limit / 2 ? v - limit : v;
}

/** Decodes a whole LPP frame; a truncated record or an unknown type fails the frame. */
export function decodeLpp(bytes: Uint8Array): MeasurementDraft[] {
  const out: MeasurementDraft[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    const channel = bytes[pos] ?? 0;
    if (pos + 1 >= bytes.length) throw decodeFailed(NAME, `channel ${channel} at byte ${pos} has no type byte`, { byte: pos });
    const typeCode = bytes[pos + 1] ?? 0;
    const type = LPP_TYPES[typeCode];
    // Without a size the rest of the frame cannot be walked: the spec makes this fatal.
    if (!type)
      throw decodeFailed(NAME, `channel ${channel} has unknown type ${hex(typeCode)} at byte ${pos + 1}`, { byte: pos + 1 });
    pos += 2;
    const size = sizeOf(type);
    const left = bytes.length - pos;
    if (left < size) {
      throw decodeFailed(NAME, `channel ${channel} type ${hex(typeCode)} needs ${size} bytes, ${left} left`, { byte: pos });
    }
    const sensor = CHANNELS[channel] as string;
    for (const field of type.fields) {
      const raw = readInt(bytes, pos, field.bytes, field.signed);
      pos += field.bytes;
      out.push({ sensor, observedProperty: field.property, unit: field.unit, value: raw / field.divisor });
    }
  }
  return out;
}

export const cayenneLppWorker = defineWorker<Record<string, never>>({
  name: NAME,
  kind: 'decoder',
  description:
    'Cayenne LPP payload (all myDevices types plus the ElectronicCats extended types): one measurement per value, sensor = channel number, e.g. 03 67 01 10 → sensor "3" temperature 27.2 Cel.',
  configSchema: Type.Object({}, { additionalProperties: false }),
  run: (msg: PipelineMessage) => {
    const decoded = decodeLpp(msg.payload);
    return { ...msg, measurements: msg.measurements.length === 0 ? decoded : [...msg.measurements, ...decoded] };
  },
});
