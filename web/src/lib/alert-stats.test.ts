import { describe, expect, it } from 'vitest';
import { alertStats, type StatsResponse } from './alert-stats.js';

const answer = (by: string, buckets: StatsResponse['buckets'], totals: Record<string, number>, truncated = false) => ({
  interval: '1d',
  by,
  buckets,
  totals,
  truncated,
});

const day = (iso: string) => Date.parse(iso) / 1000;

describe('alert statistics from /api/alerts/stats', () => {
  it('sums each bucket for the time series and ranks kinds, sites and device types', () => {
    const s = alertStats(
      answer(
        'kind',
        [
          { time: '2026-12-01T00:00:00.000Z', counts: { device_offline: 2 } },
          { time: '2026-12-03T00:00:00.000Z', counts: { threshold: 1, pipeline_errors: 1 } },
        ],
        { device_offline: 2, threshold: 1, pipeline_errors: 1 },
      ),
      answer('site', [], { main: 2, lab: 1, '(none)': 1 }),
      answer('deviceType', [], { esp32: 2, rpi3: 1, '(none)': 1 }, true),
      { fromS: day('2026-12-01T10:00:00Z'), toS: day('2026-12-03T10:00:00Z'), stepS: 86400 },
    );
    expect(s.perDay).toEqual([
      [day('2026-12-01T00:00:00Z'), day('2026-12-02T00:00:00Z'), day('2026-12-03T00:00:00Z')],
      [2, 0, 2],
    ]);
    expect(s.byKind).toEqual([
      ['device_offline', 2],
      ['pipeline_errors', 1],
      ['threshold', 1],
    ]);
    expect(s.bySite).toEqual([
      ['main', 2],
      ['(none)', 1],
      ['lab', 1],
    ]);
    expect(s.byType[0]).toEqual(['esp32', 2]);
    expect(s.truncated).toBe(true);
  });
});
