/**
 * neOCampus (Université Toulouse III) sensor messages on `<building>/<room>/<module>`:
 * `{"value": 21.375, "value_units": "celsius", "subID": "…", "unitID": "…"}`, where value may be a
 * number, a numeric string ("15.00"), text ("on"), a boolean, JSON, or an array with a parallel
 * value_units array (energy meters) or one unit for every item. The subID is the sensor; the
 * unit decides the property, else the module name does.
 */
import { type Static, Type } from '@sinclair/typebox';
import { describeValue } from '../../shared/values.js';
import type { MeasurementDraft, NonNumericValue, PipelineMessage } from '../message.js';
import { payloadText, withWarnings } from '../message.js';
import { snakeCase } from '../names.js';
import { decodeFailed, defineWorker } from '../worker.js';

const NAME = 'neocampus';

interface UnitInfo {
  unit: string;
  property?: string;
}

/** neOCampus unit strings (firmware drivers and exporters, compared lower-cased) → UCUM + property. */
const UNITS: Record<string, UnitInfo> = {
  celsius: { unit: 'Cel', property: 'temperature' },
  '°c': { unit: 'Cel', property: 'temperature' },
  '%r.h.': { unit: '%', property: 'relative_humidity' },
  '%rh': { unit: '%', property: 'relative_humidity' },
  lux: { unit: 'lx', property: 'illuminance' },
  ppm: { unit: '[ppm]' },
  ppb: { unit: '[ppb]' },
  'µg/m3': { unit: 'ug/m3' },
  'ug/m3': { unit: 'ug/m3' },
  hpa: { unit: 'hPa', property: 'barometric_pressure' },
  db: { unit: 'dB', property: 'sound_level' },
  dba: { unit: 'dB', property: 'sound_level' },
  '%': { unit: '%' },
  wh: { unit: 'W.h', property: 'energy' },
  // "ea+" (énergie active importée) is the meter's imported active energy register, in Wh.
  'ea+': { unit: 'W.h', property: 'active_energy_import' },
  'ea-': { unit: 'W.h', property: 'active_energy_export' },
  v: { unit: 'V', property: 'voltage' },
  a: { unit: 'A', property: 'current' },
  w: { unit: 'W', property: 'power' },
  var: { unit: 'V.A', property: 'reactive_power' },
  va: { unit: 'V.A', property: 'apparent_power' },
  cosphi: { unit: '1', property: 'power_factor' },
  hz: { unit: 'Hz', property: 'frequency' },
};

/** Units for a module that sends no value_units. */
const MODULE_UNITS: Record<string, string> = {
  temperature: 'Cel',
  humidity: '%',
  luminosity: 'lx',
  co2: '[ppm]',
  noise: 'dB',
};
const MODULE_PROPERTIES: Record<string, string> = {
  humidity: 'relative_humidity',
  luminosity: 'illuminance',
  noise: 'sound_level',
};

export const NeocampusConfig = Type.Object(
  {
    module: Type.Optional(Type.String({ minLength: 1, description: 'Module name when the topic does not end with one.' })),
    sensor: Type.Optional(
      Type.String({ minLength: 1, default: '0', description: 'Sensor externalId when a message has no subID.' }),
    ),
  },
  { additionalProperties: false },
);
export type NeocampusConfig = Static<typeof NeocampusConfig>;

const noUnit = (raw: unknown) => raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '');

/**
 * A number (numeric strings included: the stored exports write "15.00"), or the value as it is:
 * text ("on"), a boolean, JSON. Nothing to store (null) and numbers JSON cannot hold fail.
 */
function readValue(v: unknown, field: string): number | NonNumericValue {
  if (v === null || v === undefined) throw decodeFailed(NAME, `${field} is ${v}: nothing to store`, { field });
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  if (typeof v === 'string' || typeof v === 'boolean' || typeof v === 'object') return v as NonNumericValue;
  throw decodeFailed(NAME, `${field} ${describeValue(v)} is not a value`, { field });
}

/**
 * The draft of one value and its unit (`value_units` as received). No unit (absent or empty):
 * the module's default unit for a number (temperature → Cel) if it has one, else none ("").
 * A known neOCampus unit is a unit of numbers: text under it is a reading error, not data.
 */
function draftOf(
  v: unknown,
  rawUnit: unknown,
  at: { value: string; unit: string },
  ctx: { module: string; sensor: string; fallback: string; warnings: string[] },
): MeasurementDraft {
  const value = readValue(v, at.value);
  const numeric = typeof value === 'number';
  let info: UnitInfo;
  if (noUnit(rawUnit)) info = { unit: (numeric && MODULE_UNITS[ctx.module]) || '' };
  else {
    info = unitInfo(rawUnit, at.unit, ctx.warnings);
    if (!numeric && UNITS[String(rawUnit).trim().toLowerCase()]) {
      throw decodeFailed(
        NAME,
        `${at.value} ${describeValue(v)} is not a number, but ${at.unit} ${describeValue(rawUnit)} is a unit of numbers`,
        { field: at.value },
      );
    }
  }
  return { sensor: ctx.sensor, observedProperty: info.property ?? ctx.fallback, unit: info.unit, value };
}

function unitInfo(raw: unknown, field: string, warnings: string[]): UnitInfo {
  const known = UNITS[String(raw).trim().toLowerCase()];
  if (known) return known;
  // Keep the value: a UCUM annotation says "a unit we do not know" without claiming one.
  warnings.push(`${field} "${String(raw)}" is not a known neOCampus unit; stored as {${String(raw)}}`);
  return { unit: `{${String(raw).replace(/[{}]/g, '')}}` };
}

function decode(msg: PipelineMessage, config: NeocampusConfig): PipelineMessage {
  const topic = msg.transport.topic ?? msg.device?.topic ?? '';
  const levels = topic.split('/').filter(Boolean);
  // Orders published on …/command are not data (neocampus.md §4).
  if (levels.at(-1) === 'command') {
    return { ...msg, metadata: { ...msg.metadata, provider: NAME, event: 'command', skip: 'neocampus command: not data' } };
  }
  const module = config.module ?? levels.at(-1) ?? '';
  let body: unknown;
  try {
    body = JSON.parse(payloadText(msg));
  } catch (err) {
    throw decodeFailed(NAME, `body is not JSON (${(err as Error).message})`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw decodeFailed(NAME, 'body is not a JSON object');
  const o = body as Record<string, unknown>;
  // The topic minus the module level is the device's base topic (`u4/302`), which the registry knows.
  const device = levels.length > 1 && !msg.device?.topic ? { ...msg.device, topic: levels.slice(0, -1).join('/') } : msg.device;
  const meta = { ...msg.metadata, provider: NAME, module, ...(o.unitID !== undefined && { unitID: o.unitID }) };
  if (!('value' in o)) {
    // The `device` module's periodic status: kept for the registry, no measurement.
    const event = module === 'device' || 'status' in o ? 'status' : 'unknown';
    return {
      ...msg,
      ...(device && { device }),
      metadata: { ...meta, event, status: o, skip: `neocampus ${event} message: no value` },
    };
  }
  const sensor = o.subID !== undefined && o.subID !== '' ? String(o.subID) : (config.sensor ?? '0');
  const warnings: string[] = [];
  const drafts: MeasurementDraft[] = [];
  const fallback = MODULE_PROPERTIES[module] ?? (module === '' ? 'value' : snakeCase(module));
  const ctx = { module, sensor, fallback, warnings };
  if (Array.isArray(o.value)) {
    const values = o.value;
    const units = o.value_units;
    // One unit per item (energy meters), or one unit for every item (three phases in V), or none.
    if (Array.isArray(units) && units.length !== values.length) {
      throw decodeFailed(
        NAME,
        `value has ${values.length} items but value_units has ${units.length} (received value_units ${describeValue(units)}); ` +
          'give one unit per item, or one unit for all',
        { field: 'value_units' },
      );
    }
    values.forEach((v, i) => {
      const [unit, unitField] = Array.isArray(units) ? [units[i], `value_units[${i}]`] : [units, 'value_units'];
      drafts.push(draftOf(v, unit, { value: `value[${i}]`, unit: unitField }, ctx));
    });
    numberDuplicates(drafts);
  } else {
    if (Array.isArray(o.value_units)) {
      throw decodeFailed(
        NAME,
        `value is one value but value_units is a list (received value_units ${describeValue(o.value_units)})`,
        { field: 'value_units' },
      );
    }
    drafts.push(draftOf(o.value, o.value_units, { value: 'value', unit: 'value_units' }, ctx));
  }
  return {
    ...msg,
    ...(device && { device }),
    metadata: withWarnings({ ...meta, event: 'uplink' }, warnings),
    measurements: [...msg.measurements, ...drafts],
  };
}

/** Three phases of "v" → voltage_1, voltage_2, voltage_3: one datastream each. */
function numberDuplicates(drafts: MeasurementDraft[]): void {
  const counts = new Map<string, number>();
  for (const d of drafts) counts.set(d.observedProperty, (counts.get(d.observedProperty) ?? 0) + 1);
  const seen = new Map<string, number>();
  for (const d of drafts) {
    if ((counts.get(d.observedProperty) ?? 0) < 2) continue;
    const n = (seen.get(d.observedProperty) ?? 0) + 1;
    seen.set(d.observedProperty, n);
    d.observedProperty = `${d.observedProperty}_${n}`;
  }
}

export const neocampusWorker = defineWorker<NeocampusConfig>({
  name: NAME,
  kind: 'decoder',
  description:
    'neOCampus sensor message (MQTT <building>/<room>/<module>): value (number, numeric string, text, boolean, JSON, or an array with a value_units array or one unit for all) → measurements with sensor = subID; units mapped to UCUM (none when value_units is empty); the module name is the property when the unit does not imply one.',
  configSchema: NeocampusConfig,
  run: decode,
});
