/**
 * Cayenne LPP encoder (myDevices spec plus the ElectronicCats extended types): the inverse of
 * the cayenne-lpp worker, for the types the simulator sends. Values are rounded to the type's
 * resolution and must fit its range (a simulator bug otherwise, so it throws).
 */
export interface LppField {
  /** LPP type = IPSO object id − 3200. */
  type: number;
  /** Bytes of the value, big-endian. */
  bytes: number;
  signed: boolean;
  /** Multiplier: raw = round(value × multiplier). */
  multiplier: number;
}

export const LPP = {
  temperature: { type: 103, bytes: 2, signed: true, multiplier: 10 },
  relativeHumidity: { type: 104, bytes: 1, signed: false, multiplier: 2 },
  barometricPressure: { type: 115, bytes: 2, signed: false, multiplier: 10 },
  analogInput: { type: 2, bytes: 2, signed: true, multiplier: 100 },
  illuminance: { type: 101, bytes: 2, signed: false, multiplier: 1 },
  voltage: { type: 116, bytes: 2, signed: false, multiplier: 100 },
} as const satisfies Record<string, LppField>;

export interface LppRecord {
  channel: number;
  field: LppField;
  value: number;
}

export function encodeLpp(records: readonly LppRecord[]): Buffer {
  const parts: number[] = [];
  for (const { channel, field, value } of records) {
    const raw = Math.round(value * field.multiplier);
    const limit = 2 ** (8 * field.bytes);
    const [lo, hi] = field.signed ? [-limit / 2, limit / 2 - 1] : [0, limit - 1];
    if (!Number.isFinite(raw) || raw < lo || raw > hi)
      throw new RangeError(`LPP type ${field.type}: ${value} does not fit ${field.bytes} bytes`);
    parts.push(channel & 0xff, field.type);
    const unsigned = raw < 0 ? raw + limit : raw;
    for (let i = field.bytes - 1; i >= 0; i--) parts.push(Math.floor(unsigned / 256 ** i) % 256);
  }
  return Buffer.from(parts);
}

/** The smallest step a field can carry (0.1 for temperature). */
export const resolutionOf = (field: LppField): number => 1 / field.multiplier;
