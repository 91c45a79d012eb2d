/** Shapes measurement rows for uPlot: one shared, sorted time axis (seconds), one array per series. */

export interface Row {
  datastream: number;
  time: string;
  /** Numbers are charted; text, boolean and JSON values (non-numeric datastreams) are not. */
  value: unknown;
}

/**
 * The row entries of a GET /api/measurements page. Asked without `format=columnar` every entry
 * is a row; the page's type also allows the columnar form (times and values as arrays).
 */
export function rowsOf(data: readonly { datastream: number; time: unknown; value: unknown }[]): Row[] {
  return data.filter((r): r is Row => typeof r.time === 'string');
}

export type Aligned = [number[], ...(number | null)[][]];

/**
 * Rows of several datastreams → uPlot's aligned data: x = every distinct time (Unix seconds,
 * ascending), then for each datastream in `order` its value at that time or null (a gap).
 */
export function alignSeries(rows: readonly Row[], order: readonly number[]): Aligned {
  const times = new Set<number>();
  const byStream = new Map<number, Map<number, number>>(order.map((id) => [id, new Map()]));
  for (const r of rows) {
    const t = Date.parse(r.time) / 1000;
    const series = byStream.get(r.datastream);
    if (!series || typeof r.value !== 'number') continue;
    times.add(t);
    series.set(t, r.value);
  }
  const xs = [...times].sort((a, b) => a - b);
  const ys = order.map((id) => {
    const s = byStream.get(id) ?? new Map<number, number>();
    return xs.map((t) => s.get(t) ?? null);
  });
  return [xs, ...ys];
}

/** One y axis per distinct unit, in first-seen order; each series names the scale of its unit. */
export function unitScales(units: readonly string[]): { scales: string[]; scaleOf: string[] } {
  const scales: string[] = [];
  for (const u of units) if (!scales.includes(u)) scales.push(u);
  return { scales, scaleOf: [...units] };
}

/** The query interval for a time span: raw under 6 h, else the coarsest bucket giving ≥ 200 points. */
export function intervalFor(spanMs: number): 'raw' | '1m' | '5m' | '15m' | '1h' | '1d' {
  if (spanMs <= 6 * 3600_000) return 'raw';
  const widths: ['1m' | '5m' | '15m' | '1h' | '1d', number][] = [
    ['1d', 86400_000],
    ['1h', 3600_000],
    ['15m', 900_000],
    ['5m', 300_000],
    ['1m', 60_000],
  ];
  for (const [name, width] of widths) if (spanMs / width >= 200) return name;
  return '1m';
}

/** CSV of what the chart shows: time, then one column per series (empty where no value). */
export function toCsv(data: Aligned, labels: readonly string[]): string {
  const [xs, ...ys] = data;
  const esc = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = [['time', ...labels].map(esc).join(',')];
  xs.forEach((x, i) => {
    lines.push([new Date(x * 1000).toISOString(), ...ys.map((y) => (y[i] ?? '').toString())].join(','));
  });
  return `${lines.join('\n')}\n`;
}

/** NDJSON of the rows shown: one {"datastream","time","value"} per line. */
export function toNdjson(rows: readonly Row[]): string {
  return (
    rows.map((r) => JSON.stringify({ datastream: r.datastream, time: r.time, value: r.value })).join('\n') +
    (rows.length ? '\n' : '')
  );
}
