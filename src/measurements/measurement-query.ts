import { invalid } from '../shared/errors.js';
import { AGGS, type Agg, type Aggregate, type DatastreamRef, type Order, type RollupSize } from './measurements.js';

/** Aggregation intervals a query may ask for, in seconds. Buckets are aligned to the Unix epoch (UTC). */
export const INTERVALS = { '1m': 60, '5m': 300, '15m': 900, '1h': 3600, '1d': 86400 } as const;
export type IntervalName = keyof typeof INTERVALS;
export const INTERVAL_NAMES = Object.keys(INTERVALS) as IntervalName[];

// Declared with the domain's types (measurements.ts), which the rollups need too; named here as before.
export { AGGS, type Agg };

export const ORDERS = ['asc', 'desc'] as const;

/** A query whose parameters are checked and whose datastreams are resolved in the caller's organisation. */
export interface ResolvedQuery {
  streams: DatastreamRef[];
  /** [start, end) in Unix ms. */
  start: number;
  end: number;
  order: Order;
  interval?: IntervalName | undefined;
  agg: Agg;
}

/** A query as a client writes it (HTTP query string, CLI options): strings, validated here. */
export interface MeasurementQueryInput {
  /** Datastream ids; each entry may be a comma-separated list. */
  datastream?: string[] | undefined;
  /** Device id or code. */
  device?: string | undefined;
  sensor?: string | undefined;
  observedProperty?: string | undefined;
  /** RFC 3339; inclusive. */
  start?: string | undefined;
  /** RFC 3339; exclusive. */
  end?: string | undefined;
  order?: Order | undefined;
  interval?: IntervalName | 'auto' | undefined;
  agg?: Agg | undefined;
}

// RFC 3339 §5.6 date-time: a full date, a time, and an offset (Z or ±hh:mm); T/Z in either case.
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** Unix ms of an RFC 3339 date-time, or 400 naming `field`. Fractions below a millisecond are dropped. */
export function parseRfc3339(field: string, raw: string): number {
  // An unencoded `+02:00` in a URL arrives as ` 02:00` (form encoding turns + into a space).
  const text = raw.replace(/ (\d{2}:\d{2})$/, '+$1');
  const m = RFC3339.exec(text);
  const ms = m ? Date.parse(text.replace(/\.(\d{3})\d+/, '.$1').replace(' ', 'T')) : Number.NaN;
  // Date.parse rolls 2024-02-30 over to March; a date that does not read back is not a date.
  const [, y, mo, d, h, mi, s] = m ?? [];
  const valid =
    Number.isFinite(ms) &&
    Number(mo) >= 1 &&
    Number(mo) <= 12 &&
    Number(d) >= 1 &&
    Number(d) <= daysIn(Number(y), Number(mo)) &&
    Number(h) <= 23 &&
    Number(mi) <= 59 &&
    Number(s) <= 59;
  if (!valid) throw invalid(field, `${field} must be an RFC 3339 date-time such as 2024-05-01T12:00:00Z, not "${raw}"`);
  if (ms < 0) throw invalid(field, `${field} must not be before 1970-01-01T00:00:00Z`);
  return ms;
}

const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** Datastream ids from repeated and comma-separated values, or 400 naming `datastream`. */
export function parseDatastreamIds(values: readonly string[]): number[] {
  const ids = values.flatMap((v) => v.split(',')).map((s) => s.trim());
  return ids.map((s) => {
    const id = Number(s);
    if (!/^\d+$/.test(s) || !Number.isSafeInteger(id) || id < 1) {
      throw invalid('datastream', `datastream ids are positive integers, not "${s}"`);
    }
    return id;
  });
}

/** The rollup size a bucket of `intervalSec` is made of: the largest that divides it. */
export function rollupSizeFor(intervalSec: number): RollupSize {
  if (intervalSec % 86400 === 0) return 86400;
  if (intervalSec % 3600 === 0) return 3600;
  return 60;
}

/** `auto`: the finest interval that covers the span in at most `maxBuckets` buckets (else 1d). */
export function autoInterval(spanMs: number, maxBuckets: number): IntervalName {
  return INTERVAL_NAMES.find((name) => Math.ceil(spanMs / (INTERVALS[name] * 1000)) <= maxBuckets) ?? '1d';
}

/** The number a bucket answers for an aggregation function. */
export function aggValue(agg: Agg, a: Aggregate): number {
  switch (agg) {
    case 'avg':
      return a.sum / a.count;
    case 'min':
      return a.min;
    case 'max':
      return a.max;
    case 'sum':
      return a.sum;
    case 'count':
      return a.count;
    case 'first':
      return a.firstValue;
    case 'last':
      return a.lastValue;
  }
}
