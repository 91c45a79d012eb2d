/**
 * Unit strings as decoders, SenML packs and neOCampus firmware write them → UCUM codes
 * (https://ucum.org/ucum). Keys are compared lower-cased with spaces removed; a string that is
 * not in the table is kept as written (most decoders already write valid UCUM: V, A, W, Hz, m).
 */
const ALIASES: Record<string, string> = {
  // temperature
  cel: 'Cel',
  '°c': 'Cel',
  '℃': 'Cel',
  c: 'Cel',
  degc: 'Cel',
  celsius: 'Cel',
  '°f': '[degF]',
  degf: '[degF]',
  fahrenheit: '[degF]',
  k: 'K',
  kelvin: 'K',
  // ratios
  '%': '%',
  percent: '%',
  pct: '%',
  '%rh': '%',
  '%r.h.': '%',
  '%r.h': '%',
  rh: '%',
  '%el': '%', // SenML: remaining battery energy level
  '/': '1', // SenML: ratio
  ratio: '1',
  cosphi: '1',
  count: '1',
  ppm: '[ppm]',
  ppb: '[ppb]',
  // electricity
  v: 'V',
  mv: 'mV',
  a: 'A',
  ma: 'mA',
  w: 'W',
  kw: 'kW',
  wh: 'W.h',
  'w.h': 'W.h',
  kwh: 'kW.h',
  'kw.h': 'kW.h',
  va: 'V.A',
  var: 'V.A', // reactive power: the observed property tells it apart from apparent power
  hz: 'Hz',
  ohm: 'Ohm',
  // pressure
  pa: 'Pa',
  hpa: 'hPa',
  kpa: 'kPa',
  mbar: 'mbar',
  bar: 'bar',
  // light, sound, radio
  lx: 'lx',
  lux: 'lx',
  db: 'dB',
  dba: 'dB',
  'db(a)': 'dB',
  dbm: 'dB[mW]',
  'db[mw]': 'dB[mW]',
  // length, speed, direction, position
  m: 'm',
  cm: 'cm',
  mm: 'mm',
  km: 'km',
  'm/s': 'm/s',
  'km/h': 'km/h',
  kmh: 'km/h',
  deg: 'deg',
  '°': 'deg',
  degrees: 'deg',
  lat: 'deg', // SenML latitude
  lon: 'deg', // SenML longitude
  // time
  s: 's',
  ms: 'ms',
  min: 'min',
  h: 'h',
  // concentrations, volumes
  'µg/m³': 'ug/m3',
  'µg/m3': 'ug/m3',
  'ug/m3': 'ug/m3',
  'mg/m3': 'mg/m3',
  'm³⋅m⁻³': 'm3/m3',
  'm3/m3': 'm3/m3',
  'm³/m³': 'm3/m3',
  l: 'L',
  m3: 'm3',
  'm³': 'm3',
  'ms/cm': 'mS/cm',
  'ds/m': 'dS/m',
  'µs/cm': 'uS/cm',
  kg: 'kg',
  g: 'g',
  'g/kg': 'g/kg',
  'mm/h': 'mm/h',
  'w/m2': 'W/m2',
  'w/m²': 'W/m2',
};

/** The UCUM code for a unit string, or the string itself when the table does not know it. */
export function toUcum(unit: string): string {
  const key = unit.trim().toLowerCase().replace(/\s+/g, '');
  return ALIASES[key] ?? unit.trim();
}

/** The UCUM code if the table knows the string, else undefined (for callers that want to refuse). */
export function knownUcum(unit: string): string | undefined {
  return ALIASES[unit.trim().toLowerCase().replace(/\s+/g, '')];
}
