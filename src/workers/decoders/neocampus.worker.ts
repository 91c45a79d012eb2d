/**
 * neOCampus (Université Toulouse III) sensor messages on `<building>/<room>/<module>`:
 * `{"value": 21.375, "value_units": "celsius", "subID": "…", "unitID": "…"}`, where value may be a
 * number, a numeric string ("15.00"), or an array with a parallel value_units array (energy
 * meters). The subID is the sensor; the unit decides the property, else the module name does.
 */
import { type Static, Type } from '@sinclair/typebox';
import type { MeasurementDraft, PipelineMessage } from '../message.js';
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

function numeric(v: unknown, field: string): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
  if (!Number.isFinite(n)) throw decodeFailed(NAME, `${field} ${JSON.stringify(v)} is not a number`, { field });
  return n;
}

function unitInfo(raw: unknown, module: string, field: string, warnings: string[]): UnitInfo {
  if (raw === undefined || raw === null || raw === '') {
    const unit = MODULE_UNITS[module];
    if (!unit) throw decodeFailed(NAME, `${field} is missing and module "${module}" has no default unit`, { field });
    return { unit };
  }
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
  if (Array.isArray(o.value)) {
    const units = Array.isArray(o.value_units) ? o.value_units : [];
    if (units.length !== o.value.length) {
      throw decodeFailed(NAME, `value has ${o.value.length} items but value_units has ${units.length}`, { field: 'value_units' });
    }
    o.value.forEach((v, i) => {
      const info = unitInfo(units[i], module, `value_units[${i}]`, warnings);
      drafts.push({ sensor, observedProperty: info.property ?? fallback, unit: info.unit, value: numeric(v, `value[${i}]`) });
    });
    numberDuplicates(drafts);
  } else {
    const info = unitInfo(o.value_units, module, 'value_units', warnings);
    drafts.push({ sensor, observedProperty: info.property ?? fallback, unit: info.unit, value: numeric(o.value, 'value') });
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
    'neOCampus sensor message (MQTT <building>/<room>/<module>): value (number, numeric string or array with value_units array) → measurements with sensor = subID; units mapped to UCUM; the module name is the property when the unit does not imply one.',
  configSchema: NeocampusConfig,
  run: decode,
});
