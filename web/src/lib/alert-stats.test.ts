import { describe, expect, it } from 'vitest';
import { alertStats } from './alert-stats.js';

describe('alert statistics from the alert list', () => {
  const devices = [
    { id: 'd1', type: 'esp32', location: { site: 'main' } },
    { id: 'd2', type: 'rpi3', location: { site: 'lab' } },
  ];
  const alert = (kind: string, openedAt: string, id: string, type = 'device') => ({ kind, openedAt, subject: { type, id } });

  it('counts per day with quiet days as zero, and ranks kinds, sites and device types', () => {
    const s = alertStats(
      [
        alert('device_offline', '2026-12-01T10:00:00Z', 'd1'),
        alert('device_offline', '2026-12-01T23:59:00Z', 'd2'),
        alert('threshold', '2026-12-03T01:00:00Z', 'd1'),
        alert('pipeline_errors', '2026-12-03T02:00:00Z', 'p1', 'pipeline'),
      ],
      devices,
    );
    const day = Date.parse('2026-12-01T00:00:00Z') / 1000;
    expect(s.perDay).toEqual([
      [day, day + 86400, day + 2 * 86400],
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
  });

  it('is empty for no alerts', () => {
    expect(alertStats([], devices).perDay).toEqual([[], []]);
  });
});
