/**
 * json-map: fields of a JSON object → measurements. The object is the provider's decoded payload
 * (metadata.decoded) or the payload itself. Explicit `fields` map paths to property/unit/sensor;
 * without them, numeric leaves whose names are well known (temperature, humidity, co2 …) or that
 * carry their unit ({"value": 3.1, "unit": "V"}, "3.384 V") are mapped by default.
 */
import { type Static, Type } from '@sinclair/typebox';
import { normaliseIdentityValue } from '../../devices/identity.js';
import type { MeasurementDraft, PipelineMessage } from '../message.js';
import { type DeviceRef, IDENTITY_KINDS, payloadText, withWarnings } from '../message.js';
import { guessFromName, snakeCase } from '../names.js';
import { knownUcum, toUcum } from '../units.js';
import { decodeFailed, defineWorker } from '../worker.js';
import { parsePath, select } from './json-path.js';

const NAME = 'json-map';

const FieldMapping = Type.Object(
  {
    observedProperty: Type.String({ minLength: 1, pattern: '^[a-z][a-z0-9_]*$' }),
    unit: Type.String({ minLength: 1, description: 'UCUM code (aliases such as °C or dBm are converted).' }),
    sensor: Type.Optional(
      Type.String({ minLength: 1, description: 'Default: the keys matched by * in the path, else the step sensor.' }),
    ),
    scale: Type.Optional(Type.Number({ description: 'value × scale + offset' })),
    offset: Type.Optional(Type.Number()),
  },
  { additionalProperties: false },
);

export const JsonMapConfig = Type.Object(
  {
    source: Type.Optional(
      Type.Union([Type.Literal('auto'), Type.Literal('decoded'), Type.Literal('payload')], {
        default: 'auto',
        description: 'auto: metadata.decoded when present, else the payload parsed as JSON.',
      }),
    ),
    fields: Type.Optional(
      Type.Record(Type.String({ minLength: 1 }), FieldMapping, { description: 'JSON path → mapping, e.g. {"Temperature": {…}}' }),
    ),
    defaults: Type.Optional(
      Type.Boolean({ description: 'Also map well-known numeric leaves. Default: true when fields is absent.' }),
    ),
    unmapped: Type.Optional(
      Type.Union([Type.Literal('skip'), Type.Literal('keep')], {
        default: 'skip',
        description: 'Numeric leaves the default mapping cannot name: skip (listed in metadata.unmapped) or keep with unit "1".',
      }),
    ),
    keepUnmapped: Type.Optional(
      Type.Boolean({
        default: false,
        description:
          'Keep numeric leaves that have no unit (a codec\'s battery, device_id, protocol_version) as unit-less measurements (unit ""), instead of listing them in metadata.unmapped with a warning.',
      }),
    ),
    sensor: Type.Optional(Type.String({ minLength: 1, default: '0' })),
    time: Type.Optional(Type.String({ minLength: 1, description: 'Path of the observation time (ISO 8601, Unix s or ms).' })),
    device: Type.Optional(
      Type.Object(
        {
          path: Type.String({ minLength: 1, description: 'Path of the value naming the device, e.g. "meterId".' }),
          kind: Type.Union([Type.Literal('code'), ...IDENTITY_KINDS.map((k) => Type.Literal(k))], {
            description: 'code: a registry code; else an identity kind (mac, deveui, uuid, serial).',
          }),
        },
        {
          additionalProperties: false,
          description: 'Where the JSON names its device, for payloads that arrive without one (plain HTTP or MQTT JSON).',
        },
      ),
    ),
  },
  { additionalProperties: false },
);
export type JsonMapConfig = Static<typeof JsonMapConfig>;

export interface MapResult {
  measurements: MeasurementDraft[];
  unmapped: string[];
  warnings: string[];
}

/** A number, a boolean (0/1), a numeric string, or "<number> <unit>" ("3.384 V"). */
function readNumber(v: unknown): { value: number; unit?: string } | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? { value: v } : undefined;
  if (typeof v === 'boolean') return { value: v ? 1 : 0 };
  if (typeof v !== 'string') return undefined;
  const m = /^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(\S.*)?$/.exec(v);
  if (!m) return undefined;
  const value = Number(m[1]);
  const unit = m[2] === undefined ? undefined : knownUcum(m[2]);
  if (m[2] !== undefined && unit === undefined) return undefined; // "12 apples" is not a measurement
  return unit === undefined ? { value } : { value, unit };
}

function readTime(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v < 1e11 ? Math.round(v * 1000) : Math.round(v); // s or ms
  if (typeof v === 'string') {
    const ms = Date.parse(v);
    return Number.isFinite(ms) ? ms : undefined;
  }
  return undefined;
}

function explicit(data: unknown, config: JsonMapConfig, used: Set<string>): MeasurementDraft[] {
  const out: MeasurementDraft[] = [];
  for (const [path, mapping] of Object.entries(config.fields ?? {})) {
    for (const m of select(data, parsePath(path))) {
      used.add(m.at);
      if (m.value === null || m.value === undefined) continue;
      const n = readNumber(m.value);
      if (!n) throw decodeFailed(NAME, `${m.at} is ${JSON.stringify(m.value)}, not a number`, { field: m.at });
      out.push({
        sensor: mapping.sensor ?? (m.wild.length > 0 ? m.wild.join('/') : (config.sensor ?? '0')),
        observedProperty: mapping.observedProperty,
        unit: toUcum(mapping.unit),
        value: n.value * (mapping.scale ?? 1) + (mapping.offset ?? 0),
      });
    }
  }
  return out;
}

interface Leaf {
  path: string[];
  at: string;
  value: unknown;
  parent: Record<string, unknown> | undefined;
}

function leaves(v: unknown, path: string[], at: string, parent: Record<string, unknown> | undefined, out: Leaf[]): void {
  if (Array.isArray(v)) {
    v.forEach((x, i) => {
      leaves(x, [...path, String(i)], `${at}[${i}]`, undefined, out);
    });
  } else if (typeof v === 'object' && v !== null) {
    for (const [k, x] of Object.entries(v)) leaves(x, [...path, k], `${at}.${k}`, v as Record<string, unknown>, out);
  } else out.push({ path, at, value: v, parent });
}

/** The default mapping of one leaf, or undefined when its name says nothing certain. */
function defaultDraft(leaf: Leaf, config: JsonMapConfig): MeasurementDraft | 'unmapped' | undefined {
  const n = readNumber(leaf.value);
  if (!n) return undefined;
  const segs = [...leaf.path];
  let key = segs.pop() ?? '';
  let unit = n.unit;
  // {"battery_voltage": {"value": 3.168, "unit": "V"}}: the object is the quantity.
  if (key === 'value' && leaf.parent && segs.length > 0) {
    key = segs.pop() ?? key;
    if (typeof leaf.parent.unit === 'string') unit = toUcum(leaf.parent.unit);
  }
  let sensor: string | undefined;
  const channel = /^(.*?)_(\d+)$/.exec(key);
  if (/^\d+$/.test(key) && segs.length > 0) {
    sensor = key; // {"temperatureSensor": {"1": 25}}
    key = segs.pop() ?? key;
  } else if (channel?.[1]) {
    sensor = channel[2]; // TTS Cayenne formatter: temperature_3
    key = channel[1];
  }
  // Nested objects that are not quantities name the sensor ({"indoor": {"temperature": …}}).
  sensor ??= segs.length > 0 ? segs.join('/') : (config.sensor ?? '0');
  const guess = guessFromName(key);
  const finalUnit = unit ?? guess?.unit;
  if (finalUnit === undefined && typeof leaf.value === 'boolean') return undefined;
  if (finalUnit === undefined && config.unmapped !== 'keep' && !config.keepUnmapped) return 'unmapped';
  const noUnit = config.keepUnmapped ? '' : '1';
  return { sensor, observedProperty: guess?.observedProperty ?? snakeCase(key), unit: finalUnit ?? noUnit, value: n.value };
}

/** Maps one JSON value; shared by the json-map worker and decodeUplink scripts. */
export function mapJson(data: unknown, config: JsonMapConfig): MapResult {
  const used = new Set<string>();
  const measurements = explicit(data, config, used);
  const unmapped: string[] = [];
  const useDefaults = config.defaults ?? config.fields === undefined;
  if (useDefaults) {
    const all: Leaf[] = [];
    leaves(data, [], '$', undefined, all);
    for (const leaf of all) {
      if (used.has(leaf.at)) continue;
      const d = defaultDraft(leaf, config);
      if (d === 'unmapped') unmapped.push(leaf.at.slice(2));
      else if (d) measurements.push(d);
    }
  }
  const warnings: string[] = [];
  if (unmapped.length > 0) {
    warnings.push(
      `not stored, no unit known: ${unmapped.join(', ')} (listed in metadata.unmapped; ` +
        'keepUnmapped: true on this step keeps them as unit-less measurements)',
    );
  }
  if (config.time !== undefined) {
    const t = select(data, parsePath(config.time))[0];
    const ms = t === undefined ? undefined : readTime(t.value);
    if (ms === undefined) warnings.push(`time path ${config.time} gave no time; the message time is used`);
    else for (const m of measurements) m.time = ms;
  }
  return { measurements, unmapped, warnings };
}

function source(msg: PipelineMessage, config: JsonMapConfig): unknown {
  const decoded = msg.metadata.decoded;
  const mode = config.source ?? 'auto';
  if (mode === 'decoded' || (mode === 'auto' && decoded !== undefined && decoded !== null)) return decoded ?? {};
  if (mode === 'auto' && msg.payload.length === 0) return {};
  try {
    return JSON.parse(payloadText(msg));
  } catch (err) {
    throw decodeFailed(NAME, `payload is not JSON (${(err as Error).message})`);
  }
}

/** The device a JSON names at `spec.path`; a message that should name one and does not fails. */
function deviceOf(data: unknown, spec: NonNullable<JsonMapConfig['device']>, previous: DeviceRef | undefined): DeviceRef {
  const found = select(data, parsePath(spec.path))[0]?.value;
  const text =
    typeof found === 'number' && Number.isFinite(found) ? String(found) : typeof found === 'string' ? found.trim() : '';
  if (text === '') throw decodeFailed(NAME, `device path ${spec.path} gave no device id`, { field: spec.path });
  if (spec.kind === 'code') return { ...previous, code: text };
  const value = normaliseIdentityValue(spec.kind, text);
  if (value === undefined)
    throw decodeFailed(NAME, `${spec.path} ${JSON.stringify(text)} is not a ${spec.kind}`, { field: spec.path });
  return { ...previous, identity: { kind: spec.kind, value } };
}

export const jsonMapWorker = defineWorker<JsonMapConfig>({
  name: NAME,
  kind: 'decoder',
  description:
    'Maps fields of a JSON object (metadata.decoded, else the payload) to measurements: explicit {path: {observedProperty, unit, sensor}} mappings, and by default every numeric leaf with a well-known name or its own unit; optionally the device from a path (device: {path, kind}).',
  configSchema: JsonMapConfig,
  run: (msg, config) => {
    const data = source(msg, config);
    const r = mapJson(data, config);
    const metadata = withWarnings(r.unmapped.length > 0 ? { ...msg.metadata, unmapped: r.unmapped } : msg.metadata, r.warnings);
    const device = config.device ? deviceOf(data, config.device, msg.device) : msg.device;
    return { ...msg, ...(device && { device }), metadata, measurements: [...msg.measurements, ...r.measurements] };
  },
  validate: (config) => checkJsonMapPaths(config),
});

/** Validates every path of a config up front (used when a pipeline is saved). */
export function checkJsonMapPaths(config: JsonMapConfig): { field: string; message: string } | undefined {
  const paths: [string, string][] = Object.keys(config.fields ?? {}).map((p) => [`fields.${p}`, p]);
  if (config.time !== undefined) paths.push(['time', config.time]);
  if (config.device !== undefined) paths.push(['device.path', config.device.path]);
  for (const [field, p] of paths) {
    try {
      parsePath(p);
    } catch (err) {
      return { field, message: `${p}: ${(err as Error).message}` };
    }
  }
  return undefined;
}
