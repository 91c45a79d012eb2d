import { CsvError, parseCsvObjects, writeCsv } from '../shared/csv.js';
import { MAX_JSON_DEPTH, tooDeepAt } from '../shared/json.js';
import type { ImportDevice } from './device-schemas.js';

/**
 * The CSV layout of device import and export: one record per device; structured values
 * (properties, config, sensors) are JSON in their cell. An empty cell means "not given" (the
 * default applies: no identity, default site, enabled, offlineAfter 1800, no sensors …).
 */
export const CSV_COLUMNS = [
  'code',
  'type',
  'identity_kind',
  'identity_value',
  'description',
  'site',
  'building',
  'room',
  'outdoor',
  'base_topic',
  'latitude',
  'longitude',
  'altitude',
  'location_description',
  'enabled',
  'offline_after',
  'properties',
  'config',
  'sensors',
] as const;

export interface CsvRowProblem {
  row: number;
  field: string;
  message: string;
}

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

/**
 * CSV text → devices in the JSON import shape. Cells that cannot be read (bad JSON, a number
 * that is not one) are reported per row and the device is left out; the whole file fails only
 * when it is not CSV or has unknown columns.
 */
export function devicesFromCsv(text: string): {
  devices: { row: number; device: Record<string, unknown> }[];
  problems: CsvRowProblem[];
} {
  let parsed: ReturnType<typeof parseCsvObjects>;
  try {
    parsed = parseCsvObjects(text);
  } catch (err) {
    if (err instanceof CsvError)
      return { devices: [], problems: [{ row: Math.max(0, err.record - 1), field: 'csv', message: err.message }] };
    throw err;
  }
  const known = new Set<string>(CSV_COLUMNS);
  const unknown = parsed.header.filter((h) => !known.has(h));
  const problems: CsvRowProblem[] = unknown.map((h) => ({
    row: 0,
    field: h,
    message: `unknown column ${h} (columns: ${CSV_COLUMNS.join(', ')})`,
  }));
  for (const required of ['code', 'type'])
    if (!parsed.header.includes(required))
      problems.push({ row: 0, field: required, message: `the header has no ${required} column` });
  if (problems.length > 0) return { devices: [], problems };

  const devices: { row: number; device: Record<string, unknown> }[] = [];
  parsed.rows.forEach((cells, i) => {
    const row = i + 1;
    const before = problems.length;
    const bad = (field: string, message: string) => problems.push({ row, field, message });
    const cell = (name: string) => {
      const v = cells[name];
      return v === undefined || v === '' ? undefined : v;
    };
    const num = (name: string, field: string) => {
      const v = cell(name);
      if (v === undefined) return undefined;
      const n = Number(v);
      if (!Number.isFinite(n)) bad(field, `${v} is not a number`);
      return n;
    };
    const json = (name: string) => {
      const v = cell(name);
      if (v === undefined) return undefined;
      try {
        const value = JSON.parse(v) as unknown;
        if (tooDeepAt(value)) bad(name, `${name}: JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
        return value;
      } catch {
        bad(name, `${name} is not valid JSON`);
        return undefined;
      }
    };
    const d: Record<string, unknown> = { code: cells.code ?? '', type: cells.type ?? '' };
    const kind = cell('identity_kind');
    const value = cell('identity_value');
    if (kind !== undefined || value !== undefined) {
      if (kind === undefined || value === undefined)
        bad(kind === undefined ? 'identity.kind' : 'identity.value', 'identity needs both kind and value');
      else d.identity = { kind, value };
    }
    const location: Record<string, string> = {};
    for (const part of ['site', 'building', 'room', 'outdoor']) {
      const v = cell(part);
      if (v !== undefined) location[part] = v;
    }
    if (Object.keys(location).length > 0) d.location = location;
    const set = (key: string, v: unknown) => {
      if (v !== undefined) d[key] = v;
    };
    set('description', cell('description'));
    set('baseTopic', cell('base_topic'));
    set('latitude', num('latitude', 'latitude'));
    set('longitude', num('longitude', 'longitude'));
    set('altitude', num('altitude', 'altitude'));
    set('locationDescription', cell('location_description'));
    const enabled = cell('enabled')?.toLowerCase();
    if (enabled !== undefined) {
      if (TRUE.has(enabled)) d.enabled = true;
      else if (FALSE.has(enabled)) d.enabled = false;
      else bad('enabled', `${enabled} is not a boolean (true/false, 1/0, yes/no)`);
    }
    set('offlineAfter', num('offline_after', 'offlineAfter'));
    set('properties', json('properties'));
    set('config', json('config'));
    set('sensors', json('sensors'));
    if (problems.length === before) devices.push({ row, device: d });
  });
  return { devices, problems };
}

const text = (v: unknown) => (v === undefined || v === null ? '' : String(v));
const jsonCell = (v: unknown) => {
  if (v === undefined || v === null) return '';
  if (Array.isArray(v) && v.length === 0) return '';
  if (typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0) return '';
  return JSON.stringify(v);
};

/** Devices in the import shape → CSV text that imports back to the same devices. */
export function devicesToCsv(devices: ImportDevice[]): string {
  return writeCsv(
    [...CSV_COLUMNS],
    devices.map((d) => ({
      code: d.code,
      type: d.type,
      identity_kind: text(d.identity?.kind),
      identity_value: text(d.identity?.value),
      description: text(d.description),
      site: text(d.location?.site),
      building: text(d.location?.building),
      room: text(d.location?.room),
      outdoor: text(d.location?.outdoor),
      base_topic: text(d.baseTopic),
      latitude: text(d.latitude),
      longitude: text(d.longitude),
      altitude: text(d.altitude),
      location_description: text(d.locationDescription),
      enabled: d.enabled === false ? 'false' : 'true',
      offline_after: text(d.offlineAfter),
      properties: jsonCell(d.properties),
      config: jsonCell(d.config),
      sensors: jsonCell(d.sensors),
    })),
  );
}
