/** Alert counts for the alerts view's charts, from GET /api/alerts/stats. */

/** One answer of GET /api/alerts/stats. */
export interface StatsResponse {
  interval: string;
  by: string;
  buckets: { time: string; counts: Record<string, number> }[];
  totals: Record<string, number>;
  truncated: boolean;
}

export interface AlertStats {
  /** Bucket starts (Unix seconds) and the alerts opened in each. */
  perDay: [number[], number[]];
  byKind: [string, number][];
  bySite: [string, number][];
  byType: [string, number][];
  /** Some rows were left out by the server (too many). */
  truncated: boolean;
}

const ranked = (totals: Record<string, number>): [string, number][] =>
  Object.entries(totals).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));

/**
 * The three answers (by kind, site and device type, same range and interval) as the charts
 * draw them: the time series sums every key of a bucket, with every bucket of the range (the
 * server leaves out empty ones: quiet days show as zero); each distribution is ranked, largest first.
 */
export function alertStats(
  byKind: StatsResponse,
  bySite: StatsResponse,
  byType: StatsResponse,
  range: { fromS: number; toS: number; stepS: number },
): AlertStats {
  const sums = new Map<number, number>();
  for (const b of byKind.buckets)
    sums.set(
      Date.parse(b.time) / 1000,
      Object.values(b.counts).reduce((s, n) => s + n, 0),
    );
  const xs: number[] = [];
  const ys: number[] = [];
  for (let t = range.fromS - (range.fromS % range.stepS); t < range.toS; t += range.stepS) {
    xs.push(t);
    ys.push(sums.get(t) ?? 0);
  }
  return {
    perDay: [xs, ys],
    byKind: ranked(byKind.totals),
    bySite: ranked(bySite.totals),
    byType: ranked(byType.totals),
    truncated: byKind.truncated || bySite.truncated || byType.truncated,
  };
}
