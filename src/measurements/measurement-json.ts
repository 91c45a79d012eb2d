import type { Series } from './measurements.js';
import type { SeriesResult } from './measurements.service.js';

/** How `GET /api/measurements` writes its rows. */
export const MEASUREMENT_FORMATS = ['rows', 'columnar'] as const;
export type MeasurementFormat = (typeof MEASUREMENT_FORMATS)[number];

const YEAR_10000 = 253_402_300_800_000;
const HOUR = 3_600_000;

/**
 * The JSON of a measurements page, written straight into one buffer: numbers as their digits,
 * times as bytes, no object or string per row (JSON.stringify of 86,400 row objects took about
 * three times as long, and the objects first had to be built). The bytes are exactly what
 * JSON.stringify writes for the same answer, key order included.
 * - `rows`: `{"data":[{"datastream":…,"time":"<RFC 3339>","value":…},…],"links":{"next":…},"total"?,"interval"?}`
 * - `columnar`: `{"data":[{"datastream":…,"time":[<Unix ms>,…],"value":[…]},…],"links":…}`: one entry per
 *   datastream of the page, its times and values as two arrays of the same length.
 */
export function measurementPageJson(page: SeriesResult, next: string | null, format: MeasurementFormat): Buffer {
  let rows = 0;
  for (const s of page.series) rows += s.times.length;
  const w = new JsonWriter(256 + rows * (format === 'rows' ? 72 : 28));
  w.ascii('{"data":[');
  page.series.forEach((s, i) => {
    if (i > 0) w.byte(COMMA);
    if (format === 'rows') writeRows(w, s);
    else writeColumns(w, s);
  });
  w.ascii('],"links":{"next":');
  w.text(JSON.stringify(next));
  w.byte(CLOSE_BRACE);
  if (page.total !== undefined) {
    w.ascii(',"total":');
    w.number(page.total);
  }
  if (page.interval) w.text(`,"interval":${JSON.stringify(page.interval)}`);
  w.byte(CLOSE_BRACE);
  return w.done();
}

const COMMA = 0x2c;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const MILLION = 1_000_000;
/** Times from 1970-01-01 00:16:40 to year 33658 are written digit by digit; others through JsonWriter.json. */
const DIGITS_FROM = MILLION;
const DIGITS_TO = 1e15;
/** Values written digit by digit are hundredths below 2^31 (±21,474,836.47). */
const HUNDREDTHS_BELOW = 2 ** 31;
const VALUE_KEY = '","value":';
const MINUS = 0x2d;
const DOT = 0x2e;

/** How many decimal digits n has (0 ≤ n < 10^8; 0 has one). */
function digitsOf(n: number): number {
  if (n < 10_000) return n < 10 ? 1 : n < 100 ? 2 : n < 1000 ? 3 : 4;
  return n < 100_000 ? 5 : n < 1_000_000 ? 6 : n < 10_000_000 ? 7 : 8;
}

/**
 * Writes the last `len` decimal digits of n (a 32-bit integer ≥ 0), zero-padded, into b at `at`;
 * answers the offset after them. Integer division (`| 0`), not a double's `%` and `/`.
 */
function putDigits(b: Buffer, at: number, n: number, len: number): number {
  let rest = n;
  for (let j = at + len - 1; j >= at; j--) {
    const tenth = (rest / 10) | 0;
    b[j] = 48 + rest - tenth * 10;
    rest = tenth;
  }
  return at + len;
}

/**
 * Writes v into b at `at` if it is a number of hundredths below 2^31 (JsonWriter.values; room for
 * 12 bytes must be there) and answers the offset after it; else answers -1 and writes nothing.
 */
function hundredths(b: Buffer, at: number, v: unknown): number {
  const k = typeof v === 'number' ? Math.round(v * 100) : Number.NaN;
  if (!(k / 100 === v && k < HUNDREDTHS_BELOW && k > -HUNDREDTHS_BELOW)) return -1;
  let o = at;
  let n = k | 0;
  if (n < 0) {
    b[o++] = MINUS;
    n = -n;
  }
  const whole = (n / 100) | 0;
  const cents = n - whole * 100;
  o = putDigits(b, o, whole, digitsOf(whole));
  if (cents !== 0) {
    const tenths = (cents / 10) | 0;
    b[o++] = DOT;
    b[o++] = 48 + tenths;
    if (cents !== tenths * 10) b[o++] = 48 + cents - tenths * 10;
  }
  return o;
}

function writeRows(w: JsonWriter, s: Series): void {
  const prefix = `{"datastream":${s.datastreamId},"time":"`;
  const { times, values } = s;
  for (let i = 0; i < times.length; i++) w.row(i > 0, prefix, times[i] as number, values[i]);
}

/** Times and values digit by digit where they allow it (JsonWriter.times, JsonWriter.values). */
function writeColumns(w: JsonWriter, s: Series): void {
  w.ascii(`{"datastream":${s.datastreamId},"time":`);
  w.times(s.times);
  w.ascii(',"value":');
  w.values(s.values);
  w.byte(CLOSE_BRACE);
}

/** A growing buffer of JSON text. */
class JsonWriter {
  private buf: Buffer;
  private o = 0;
  private hourStart = -1;
  private hourText = '';
  /** The million of the last time written by `time`, and its digits. */
  private millionOf = -1;
  private millionText = '';

  constructor(estimate: number) {
    this.buf = Buffer.allocUnsafe(estimate);
  }

  private room(n: number): void {
    if (this.o + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.o + n));
    this.buf.copy(bigger, 0, 0, this.o);
    this.buf = bigger;
  }

  byte(b: number): void {
    this.room(1);
    this.buf[this.o++] = b;
  }

  /** Text known to be ASCII (keys, digits). */
  ascii(text: string): void {
    this.room(text.length);
    this.o += this.buf.write(text, this.o, 'latin1');
  }

  /** Any text (already JSON), as UTF-8. */
  text(text: string): void {
    this.room(Buffer.byteLength(text));
    this.o += this.buf.write(text, this.o, 'utf8');
  }

  /** As JSON.stringify writes a number: its shortest round-trip digits, null when not finite. */
  number(n: number): void {
    this.ascii(Number.isFinite(n) ? String(n) : 'null');
  }

  /** Any value as JSON.stringify writes it: numbers as their shortest digits (null when not finite), the rest in UTF-8. */
  json(v: unknown): void {
    if (typeof v === 'number') this.number(v);
    else this.text(JSON.stringify(v) ?? 'null');
  }

  /**
   * Times (Unix ms) as JSON.stringify writes the array. A time is an integer of 13 digits and
   * neighbours share all but the last six, so those are formatted once per million (about 17
   * minutes) and the last six written as digits of a 32-bit integer: a third of JSON.stringify's
   * time for a day of 1 Hz times (86,400: 7.6–8.6 → 2.6–3.0 ms; the same digits taken with `%` and
   * `/` on doubles took longer than JSON.stringify).
   */
  times(list: readonly number[]): void {
    // Room for 15 digits and a comma each, as nearly every time needs.
    this.array(list, 16, true);
  }

  /**
   * Values as JSON.stringify writes the array. Most sensor values are hundredths (21.37, 45.2,
   * 1013): a number v whose hundredths k = round(100 v) give back v exactly (k / 100 === v) has
   * `k / 100` as its shortest round-trip digits below 2^31 hundredths, which `hundredths` writes
   * from the 32-bit integer k (rows use it too). 86,400 values: 5.0 → 1.0 ms.
   */
  values(list: readonly unknown[]): void {
    // Room for "-21474836.47," each, as the hundredths need.
    this.array(list, 13, false);
  }

  /**
   * `[a,b,…]`: each element digit by digit where it allows (a time, or hundredths), with `each`
   * bytes of room made for it; any other element through `json`, after which room is made again.
   */
  private array(list: readonly unknown[], each: number, times: boolean): void {
    this.room(2 + list.length * each);
    let b = this.buf;
    let o = this.o;
    b[o++] = OPEN_BRACKET;
    for (let i = 0; i < list.length; i++) {
      if (i > 0) b[o++] = COMMA;
      const v = list[i];
      const end = times ? this.time(o, v) : hundredths(b, o, v);
      if (end >= 0) o = end;
      else {
        this.o = o;
        this.json(v);
        this.room(2 + (list.length - i) * each);
        b = this.buf;
        o = this.o;
      }
    }
    b[o++] = CLOSE_BRACKET;
    this.o = o;
  }

  /**
   * Writes t at `at` if it is an integer time from 1970-01-01 00:16:40 to year 33658 (room for 15
   * bytes is there), its digits above the last six formatted once per million; answers the offset
   * after it, or -1 having written nothing.
   */
  private time(at: number, t: unknown): number {
    if (!(typeof t === 'number' && t >= DIGITS_FROM && t < DIGITS_TO && Number.isInteger(t))) return -1;
    const b = this.buf;
    let o = at;
    const h = Math.floor(t / MILLION);
    if (h !== this.millionOf) {
      this.millionOf = h;
      this.millionText = String(h);
    }
    const high = this.millionText;
    for (let j = 0; j < high.length; j++) b[o++] = high.charCodeAt(j);
    return putDigits(b, o, (t - h * MILLION) | 0, 6);
  }

  /**
   * One row `{"datastream":…,"time":"<RFC 3339>","value":…}` (`prefix` holds everything up to the
   * time), preceded by a comma unless first. Short ASCII pieces are copied byte by byte: cheaper
   * than a native call each.
   */
  row(comma: boolean, prefix: string, ms: number, v: unknown): void {
    // Room for the prefix, a comma, the time (24, or 27 for a year before 0 or after 9999), the
    // value's key (10) and hundredths (12); other values make their own.
    this.room(prefix.length + 50);
    const b = this.buf;
    let o = this.o;
    if (comma) b[o++] = COMMA;
    for (let i = 0; i < prefix.length; i++) b[o++] = prefix.charCodeAt(i);
    o = this.isoTime(ms, o);
    for (let i = 0; i < VALUE_KEY.length; i++) b[o++] = VALUE_KEY.charCodeAt(i);
    const end = hundredths(b, o, v);
    if (end >= 0) this.o = end;
    else {
      this.o = o;
      this.json(v);
    }
    this.byte(CLOSE_BRACE);
  }

  /**
   * `new Date(ms).toISOString()` written at `o` (room for 27 bytes is there), without the Date:
   * rows come by time, so consecutive ones share their hour (`2025-01-04T13:`), formatted once;
   * minutes, seconds and milliseconds are digits. Answers the offset after it.
   */
  private isoTime(ms: number, at: number): number {
    const b = this.buf;
    let o = at;
    if (!(ms >= 0 && ms < YEAR_10000 && Number.isInteger(ms))) {
      return o + b.write(new Date(ms).toISOString(), o, 'latin1');
    }
    const start = ms - (ms % HOUR);
    if (start !== this.hourStart) {
      this.hourStart = start;
      this.hourText = new Date(start).toISOString().slice(0, 14);
    }
    const hour = this.hourText;
    for (let i = 0; i < 14; i++) b[o++] = hour.charCodeAt(i);
    // Under an hour of milliseconds: a 32-bit integer.
    const rest = (ms - start) | 0;
    const min = (rest / 60_000) | 0;
    const sec = ((rest - min * 60_000) / 1000) | 0;
    o = putDigits(b, o, min, 2);
    b[o++] = 0x3a; // :
    o = putDigits(b, o, sec, 2);
    b[o++] = DOT;
    o = putDigits(b, o, rest - min * 60_000 - sec * 1000, 3);
    b[o++] = 0x5a; // Z
    return o;
  }

  done(): Buffer {
    return this.buf.subarray(0, this.o);
  }
}
