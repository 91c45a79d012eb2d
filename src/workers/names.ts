/**
 * Field names decoders use → observed property (snake_case) and UCUM unit. Used by json-map's
 * default mapping and by SenML records that carry a unit but no name.
 */
export interface PropertyGuess {
  observedProperty: string;
  unit: string;
}

/** `Battery Voltage`, `batteryVoltage`, `battery-voltage` → `battery_voltage`. */
export function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();
}

/** Exact names (after snake_case) → property and unit. */
const KNOWN: Record<string, PropertyGuess> = {
  temperature: { observedProperty: 'temperature', unit: 'Cel' },
  temp: { observedProperty: 'temperature', unit: 'Cel' },
  humidity: { observedProperty: 'relative_humidity', unit: '%' },
  relative_humidity: { observedProperty: 'relative_humidity', unit: '%' },
  hum: { observedProperty: 'relative_humidity', unit: '%' },
  rh: { observedProperty: 'relative_humidity', unit: '%' },
  pressure: { observedProperty: 'barometric_pressure', unit: 'hPa' },
  barometric_pressure: { observedProperty: 'barometric_pressure', unit: 'hPa' },
  air_pressure: { observedProperty: 'barometric_pressure', unit: 'hPa' },
  barometer: { observedProperty: 'barometric_pressure', unit: 'hPa' },
  co2: { observedProperty: 'co2', unit: '[ppm]' },
  tvoc: { observedProperty: 'tvoc', unit: '[ppb]' },
  pm1: { observedProperty: 'pm1', unit: 'ug/m3' },
  pm2_5: { observedProperty: 'pm2_5', unit: 'ug/m3' },
  pm25: { observedProperty: 'pm2_5', unit: 'ug/m3' },
  pm10: { observedProperty: 'pm10', unit: 'ug/m3' },
  illuminance: { observedProperty: 'illuminance', unit: 'lx' },
  luminosity: { observedProperty: 'illuminance', unit: 'lx' },
  light: { observedProperty: 'illuminance', unit: 'lx' },
  lux: { observedProperty: 'illuminance', unit: 'lx' },
  battery_voltage: { observedProperty: 'battery_voltage', unit: 'V' },
  vbat: { observedProperty: 'battery_voltage', unit: 'V' },
  batv: { observedProperty: 'battery_voltage', unit: 'V' },
  battery_level: { observedProperty: 'battery_level', unit: '%' },
  battery_percentage: { observedProperty: 'battery_level', unit: '%' },
  voltage: { observedProperty: 'voltage', unit: 'V' },
  current: { observedProperty: 'current', unit: 'A' },
  power: { observedProperty: 'power', unit: 'W' },
  frequency: { observedProperty: 'frequency', unit: 'Hz' },
  rssi: { observedProperty: 'rssi', unit: 'dB[mW]' },
  snr: { observedProperty: 'snr', unit: 'dB' },
  latitude: { observedProperty: 'latitude', unit: 'deg' },
  lat: { observedProperty: 'latitude', unit: 'deg' },
  longitude: { observedProperty: 'longitude', unit: 'deg' },
  lon: { observedProperty: 'longitude', unit: 'deg' },
  lng: { observedProperty: 'longitude', unit: 'deg' },
  altitude: { observedProperty: 'altitude', unit: 'm' },
  alt: { observedProperty: 'altitude', unit: 'm' },
  wind_speed: { observedProperty: 'wind_speed', unit: 'm/s' },
  wind_direction: { observedProperty: 'wind_direction', unit: 'deg' },
  rainfall: { observedProperty: 'rainfall', unit: 'mm' },
  rain: { observedProperty: 'rainfall', unit: 'mm' },
  uv_index: { observedProperty: 'uv_index', unit: '{index}' },
  noise: { observedProperty: 'sound_level', unit: 'dB' },
  sound_level: { observedProperty: 'sound_level', unit: 'dB' },
  occupancy: { observedProperty: 'occupancy', unit: '1' },
  presence: { observedProperty: 'presence', unit: '1' },
  motion: { observedProperty: 'motion', unit: '1' },
};

/** `<name>_<unit>` suffixes: `battery_mv`, `energy_kwh`, `distance_mm`. */
const UNIT_SUFFIX: Record<string, string> = {
  c: 'Cel',
  v: 'V',
  mv: 'mV',
  a: 'A',
  ma: 'mA',
  w: 'W',
  kw: 'kW',
  wh: 'W.h',
  kwh: 'kW.h',
  pa: 'Pa',
  hpa: 'hPa',
  ppm: '[ppm]',
  ppb: '[ppb]',
  lux: 'lx',
  db: 'dB',
  dbm: 'dB[mW]',
  m: 'm',
  cm: 'cm',
  mm: 'mm',
  s: 's',
  ms: 'ms',
  pct: '%',
  percent: '%',
  hz: 'Hz',
};

/** Units that name their quantity (SenML records without a name: 5.1.3 of RFC 8428). */
const PROPERTY_BY_UNIT: Record<string, string> = {
  Cel: 'temperature',
  '%RH': 'relative_humidity',
  '%EL': 'battery_level',
  lon: 'longitude',
  lat: 'latitude',
  V: 'voltage',
  A: 'current',
  W: 'power',
  hPa: 'barometric_pressure',
  Pa: 'pressure',
  lx: 'illuminance',
  Hz: 'frequency',
  'W.h': 'energy',
  'kW.h': 'energy',
  J: 'energy',
  'dB[mW]': 'rssi',
  dBm: 'rssi',
  'm/s': 'speed',
  '[ppm]': 'concentration',
  ppm: 'concentration',
};

/** Property and unit for a decoder's field name, or undefined when the name says nothing certain. */
export function guessFromName(name: string): PropertyGuess | undefined {
  const key = snakeCase(name);
  const known = KNOWN[key] ?? KNOWN[key.replace(/_sensor$/, '')];
  if (known) return known;
  if (key.endsWith('_temperature')) return { observedProperty: key, unit: 'Cel' };
  if (key.endsWith('_humidity')) return { observedProperty: key, unit: '%' };
  const m = /^(.+)_([a-z]+)$/.exec(key);
  const suffixUnit = m?.[2] !== undefined ? UNIT_SUFFIX[m[2]] : undefined;
  if (m?.[1] && suffixUnit) return { observedProperty: m[1], unit: suffixUnit };
  return undefined;
}

/** The property a unit implies (`Cel` → temperature), for values that come without a name. */
export const propertyForUnit = (unit: string): string | undefined => PROPERTY_BY_UNIT[unit];
