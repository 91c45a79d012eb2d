/**
 * Times as legacy systems write them in CSV files: ISO 8601 with or without an offset, Unix
 * seconds or milliseconds, or a pattern such as `DD/MM/YYYY HH:mm:ss`. Times without an offset
 * are wall-clock times in a configured IANA time zone (Intl does the zone arithmetic).
 */
export type TimeFormat = 'auto' | 'iso' | 'unix-s' | 'unix-ms' | string;

const TOKENS: Record<string, string> = {
  YYYY: '(\\d{4})',
  MM: '(\\d{1,2})',
  DD: '(\\d{1,2})',
  HH: '(\\d{1,2})',
  mm: '(\\d{2})',
  ss: '(\\d{2})',
  SSS: '(\\d{1,3})',
};
const TOKEN_RE = /YYYY|SSS|MM|DD|HH|mm|ss/g;

interface Parts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
}

/** Offset of `zone` from UTC at instant `utcMs`, in ms. Throws RangeError for an unknown zone. */
function zoneOffset(utcMs: number, zone: string): number {
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  const p = Object.fromEntries(fmt.formatToParts(new Date(utcMs)).map((x) => [x.type, Number(x.value)]));
  const asUtc = Date.UTC(p.year ?? 0, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0);
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}

export function isTimeZone(zone: string): boolean {
  try {
    zoneOffset(0, zone);
    return true;
  } catch {
    return false;
  }
}

function zonedToUtc(p: Parts, zone: string): number {
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second, p.ms);
  if (zone === 'UTC') return wall;
  // Two passes settle the offset across a DST change.
  let utc = wall - zoneOffset(wall, zone);
  utc = wall - zoneOffset(utc, zone);
  return utc;
}

function valid(p: Parts): boolean {
  return p.month >= 1 && p.month <= 12 && p.day >= 1 && p.day <= 31 && p.hour <= 23 && p.minute <= 59 && p.second <= 60;
}

const ISO_LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?$/;

/** Unix ms, or undefined when the text does not match the format. */
export function parseLocalTime(text: string, format: TimeFormat, zone: string): number | undefined {
  const s = text.trim();
  if (s === '') return undefined;
  if (format === 'unix-s' || format === 'unix-ms' || (format === 'auto' && /^\d+(\.\d+)?$/.test(s))) {
    const n = Number(s);
    if (!Number.isFinite(n)) return undefined;
    const seconds = format === 'unix-s' || (format === 'auto' && n < 1e11);
    return Math.round(seconds ? n * 1000 : n);
  }
  if (format === 'iso' || format === 'auto') {
    const local = ISO_LOCAL.exec(s);
    if (!local) {
      const ms = Date.parse(s); // carries its own offset (Z, +01:00)
      return Number.isFinite(ms) ? ms : undefined;
    }
    const [, y, mo, d, h, mi, se, frac] = local;
    const p = {
      year: +(y ?? 0),
      month: +(mo ?? 1),
      day: +(d ?? 1),
      hour: +(h ?? 0),
      minute: +(mi ?? 0),
      second: +(se ?? 0),
      ms: Math.floor(Number(`0.${frac ?? '0'}`) * 1000),
    };
    return valid(p) ? zonedToUtc(p, zone) : undefined;
  }
  const order: string[] = [];
  const source = format.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(TOKEN_RE, (t) => {
    order.push(t);
    return TOKENS[t] ?? t;
  });
  const m = new RegExp(`^${source}$`).exec(s);
  if (!m) return undefined;
  const get = (t: string, dflt: number) => {
    const i = order.indexOf(t);
    return i < 0 ? dflt : Number(m[i + 1]);
  };
  const sss = order.indexOf('SSS') < 0 ? '0' : (m[order.indexOf('SSS') + 1] ?? '0');
  const p = {
    year: get('YYYY', 1970),
    month: get('MM', 1),
    day: get('DD', 1),
    hour: get('HH', 0),
    minute: get('mm', 0),
    second: get('ss', 0),
    ms: Number(sss.padEnd(3, '0')),
  };
  return valid(p) ? zonedToUtc(p, zone) : undefined;
}
