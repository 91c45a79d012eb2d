import { describe, expect, it, vi } from 'vitest';
import { type DeviceActivity, diffActivity, FleetActivityFeed } from './fleet-activity.js';

const dev = (id: string, state: DeviceActivity['state'], lastSeenAt: number | null = null): DeviceActivity => ({
  id,
  state,
  enabled: true,
  lastSeenAt,
});

describe('fleet activity feed', () => {
  it('reports devices new or changed and ids gone', () => {
    const last = new Map([
      ['a', 'online|1|1000'],
      ['b', 'online|1|1000'],
      ['c', 'unknown|1|'],
    ]);
    const change = diffActivity(last, [dev('a', 'online', 1000), dev('b', 'offline', 1000), dev('d', 'unknown')]);
    expect(change).toEqual({ devices: [dev('b', 'offline', 1000), dev('d', 'unknown')], removed: ['c'] });
  });

  it('queries once per organisation whatever the number of watchers, and stops when nobody watches', async () => {
    vi.useFakeTimers();
    try {
      const calls: string[] = [];
      let rows = [dev('a', 'online', 1)];
      const errors: unknown[] = [];
      const feed = new FleetActivityFeed(
        {
          deviceActivity: async (org) => {
            calls.push(org);
            return rows;
          },
        },
        { intervalMs: 1000, onError: (err) => errors.push(err) },
      );
      const got: string[][] = [];
      const stop1 = await feed.subscribe('o1', (c) => got.push(c.devices.map((d) => `${d.id}:${d.state}`)));
      const stop2 = await feed.subscribe('o1', () => {});
      expect(calls).toEqual(['o1']);
      await vi.advanceTimersByTimeAsync(1000);
      expect(calls).toEqual(['o1', 'o1']);
      expect(got).toEqual([]);
      rows = [dev('a', 'offline', 1)];
      await vi.advanceTimersByTimeAsync(1000);
      expect(got).toEqual([['a:offline']]);
      stop1();
      expect(feed.watched).toBe(1);
      stop2();
      expect(feed.watched).toBe(0);
      const before = calls.length;
      await vi.advanceTimersByTimeAsync(5000);
      expect(calls.length).toBe(before);
      expect(errors).toEqual([]);
    } finally {
      vi.useRealTimers();
    }
  });
});
