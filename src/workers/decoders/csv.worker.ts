/**
 * csv: a CSV file or body (HTTP/FTP pollers of legacy systems) → one draft per value cell.
 * Columns are named by header or by 0-based index; a device column makes each row its own device.
 */
import { type Static, Type } from '@sinclair/typebox';
import { CsvError, type CsvRecord, parseCsvRecords } from '../../shared/csv.js';
import { normaliseDevEui } from '../envelopes/lorawan.js';
import {
  type DeviceRef,
  IDENTITY_KINDS,
  type MeasurementDraft,
  type PipelineMessage,
  payloadText,
  withWarnings,
} from '../message.js';
import { toUcum } from '../units.js';
import { decodeFailed, defineWorker } from '../worker.js';
import { isTimeZone, parseLocalTime } from './local-time.js';

const NAME = 'csv';
const Column = Type.Union([Type.String({ minLength: 1 }), Type.Integer({ minimum: 0 })], {
  description: 'Header name, or 0-based column index.',
});

export const CsvConfig = Type.Object(
  {
    delimiter: Type.Optional(Type.String({ minLength: 1, maxLength: 1, default: ',' })),
    header: Type.Optional(Type.Boolean({ default: true, description: 'The first (non-skipped) row names the columns.' })),
    skipRows: Type.Optional(Type.Integer({ minimum: 0, default: 0, description: 'Lines to ignore before the header/data.' })),
    decimal: Type.Optional(Type.Union([Type.Literal('.'), Type.Literal(',')], { default: '.' })),
    time: Type.Optional(
      Type.Object(
        {
          column: Column,
          format: Type.Optional(
            Type.String({
              minLength: 1,
              default: 'auto',
              description: 'auto, iso, unix-s, unix-ms, or a pattern such as DD/MM/YYYY HH:mm:ss',
            }),
          ),
          timezone: Type.Optional(
            Type.String({ minLength: 1, default: 'UTC', description: 'IANA zone of times without an offset.' }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    device: Type.Optional(
      Type.Object(
        {
          column: Column,
          as: Type.Optional(
            Type.Union([Type.Literal('code'), ...IDENTITY_KINDS.map((k) => Type.Literal(k))], {
              default: 'code',
              description: 'What the column holds: a device code or an identity of this kind.',
            }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    columns: Type.Array(
      Type.Object(
        {
          column: Column,
          observedProperty: Type.String({ minLength: 1, pattern: '^[a-z][a-z0-9_]*$' }),
          unit: Type.String({ minLength: 1 }),
          sensor: Type.Optional(Type.String({ minLength: 1 })),
        },
        { additionalProperties: false },
      ),
      { minItems: 1 },
    ),
    sensor: Type.Optional(Type.String({ minLength: 1, default: '0' })),
    invalid: Type.Optional(
      Type.Union([Type.Literal('fail'), Type.Literal('skip')], {
        default: 'fail',
        description: 'A cell that is not a number: fail the message, or skip the cell with a warning.',
      }),
    ),
  },
  { additionalProperties: false },
);
export type CsvConfig = Static<typeof CsvConfig>;
type ColumnRef = string | number;

function deviceRef(value: string, as: string): DeviceRef | undefined {
  const v = value.trim();
  if (v === '') return undefined;
  if (as === 'code') return { code: v };
  if (as === 'deveui') {
    const eui = normaliseDevEui(v);
    if (!eui) throw new Error(`"${v}" is not a DevEUI`);
    return { identity: { kind: 'deveui', value: eui } };
  }
  if (as === 'mac') {
    const hex = v.replace(/[-:.\s]/g, '').toLowerCase();
    if (!/^[0-9a-f]{12}$/.test(hex)) throw new Error(`"${v}" is not a MAC address`);
    return { identity: { kind: 'mac', value: hex.match(/../g)?.join(':') ?? hex } };
  }
  return { identity: { kind: as as 'uuid' | 'serial', value: as === 'uuid' ? v.toLowerCase() : v } };
}

/** The text after its first `n` lines, and how many lines were dropped. */
function skipLines(text: string, n: number): { text: string; lines: number } {
  let at = 0;
  for (let k = 0; k < n; k++) {
    const nl = text.indexOf('\n', at);
    if (nl < 0) return { text: '', lines: k };
    at = nl + 1;
  }
  return { text: text.slice(at), lines: n };
}

function decode(msg: PipelineMessage, config: CsvConfig): PipelineMessage {
  // skipRows drops raw lines before parsing: a preamble need not be valid CSV.
  const skipped = skipLines(payloadText(msg), config.skipRows ?? 0);
  let rows: CsvRecord[];
  try {
    rows = parseCsvRecords(skipped.text, { delimiter: config.delimiter ?? ',' });
  } catch (err) {
    if (err instanceof CsvError) throw decodeFailed(NAME, err.message);
    throw err;
  }
  const header = config.header === false ? undefined : rows.shift()?.fields;
  const index = (ref: ColumnRef, what: string): number => {
    if (typeof ref === 'number') return ref;
    const i = header?.findIndex((h) => h.trim() === ref) ?? -1;
    if (i < 0) throw decodeFailed(NAME, `${what} column "${ref}" is not in the header`, { field: what });
    return i;
  };
  const values = config.columns.map((c, i) => ({ ...c, at: index(c.column, `columns[${i}]`), unit: toUcum(c.unit) }));
  const timeAt = config.time ? index(config.time.column, 'time') : undefined;
  const deviceAt = config.device ? index(config.device.column, 'device') : undefined;
  const skip = config.invalid === 'skip';
  const warnings: string[] = [];
  const drafts: MeasurementDraft[] = [];

  for (const { fields: row, line: at } of rows) {
    const line = at + skipped.lines;
    const problem = (message: string, field: string) => {
      if (!skip) throw decodeFailed(NAME, `line ${line}: ${message}`, { line, field });
      warnings.push(`line ${line}: ${message}; skipped`);
    };
    let time: number | undefined;
    if (timeAt !== undefined && config.time) {
      const cell = row[timeAt] ?? '';
      time = parseLocalTime(cell, config.time.format ?? 'auto', config.time.timezone ?? 'UTC');
      if (time === undefined) {
        problem(`time "${cell}" does not match format ${config.time.format ?? 'auto'}`, 'time');
        continue;
      }
    }
    let device: DeviceRef | undefined;
    if (deviceAt !== undefined && config.device) {
      try {
        device = deviceRef(row[deviceAt] ?? '', config.device.as ?? 'code');
      } catch (err) {
        problem((err as Error).message, 'device');
        continue;
      }
      if (!device) {
        problem('the device cell is empty', 'device');
        continue;
      }
    }
    for (const c of values) {
      const raw = (row[c.at] ?? '').trim();
      if (raw === '') continue; // no reading in this row
      const value = Number(config.decimal === ',' ? raw.replace(/\./g, '').replace(',', '.') : raw);
      if (!Number.isFinite(value)) {
        problem(`column ${String(c.column)} "${raw}" is not a number`, String(c.column));
        continue;
      }
      drafts.push({
        sensor: c.sensor ?? config.sensor ?? '0',
        observedProperty: c.observedProperty,
        unit: c.unit,
        value,
        ...(time !== undefined && { time }),
        ...(device && { device }),
      });
    }
  }
  return {
    ...msg,
    metadata: withWarnings({ ...msg.metadata, rows: rows.length }, warnings),
    measurements: [...msg.measurements, ...drafts],
  };
}

export const csvWorker = defineWorker<CsvConfig>({
  name: NAME,
  kind: 'decoder',
  description:
    'CSV (RFC 4180) body or file: value columns → measurements, optional time column (ISO, Unix s/ms or a pattern, in a time zone) and device column (code or identity) per row.',
  configSchema: CsvConfig,
  run: decode,
  validate: (config) =>
    config.time?.timezone !== undefined && !isTimeZone(config.time.timezone)
      ? { field: 'time.timezone', message: `${config.time.timezone} is not an IANA time zone` }
      : config.header === false &&
          [...config.columns.map((c) => c.column), config.time?.column, config.device?.column].some((c) => typeof c === 'string')
        ? { field: 'columns', message: 'without a header, columns are 0-based indexes' }
        : undefined,
});
