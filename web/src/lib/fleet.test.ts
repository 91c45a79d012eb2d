import { describe, expect, it } from 'vitest';
import {
  activityByBuilding,
  applyActivity,
  type FleetDevice,
  filterDevices,
  isStale,
  relativeTime,
  sortDevices,
  visibleRange,
} from './fleet.js';

const NOW = Date.parse('2026-12-02T12:00:00Z');
const device = (code: string, over: Partial<FleetDevice> = {}): FleetDevice => ({
  id: `id-${code}`,
  code,
  type: 'esp32',
  connectivity: 'mqtt',
  state: 'online',
  enabled: true,
  offlineAfter: 1800,
  lastSeenAt: '2026-12-02T11:59:00Z',
  description: null,
  location: { site: 'main', building: 'b1', room: 'r1', outdoor: null },
  locationIds: { site: 's1', building: 'B1', room: 'R1' },
  ...over,
});

describe('fleet view helpers', () => {
  const devices = [
    device('b-board', { type: 'rpi3', lastSeenAt: '2026-12-02T10:00:00Z', state: 'offline' }),
    device('a-board'),
    device('c-node', {
      connectivity: 'lorawan',
      lastSeenAt: null,
      state: 'unknown',
      location: { site: 'field', building: null, room: null, outdoor: 'north' },
      locationIds: { site: 's2', building: null, room: null },
    }),
  ];

  it('filters by text, type, state, connectivity, site and building', () => {
    expect(filterDevices(devices, { q: 'BOARD' }).map((d) => d.code)).toEqual(['b-board', 'a-board']);
    expect(filterDevices(devices, { type: 'rpi3' }).map((d) => d.code)).toEqual(['b-board']);
    expect(filterDevices(devices, { state: 'unknown' }).map((d) => d.code)).toEqual(['c-node']);
    expect(filterDevices(devices, { connectivity: 'mqtt', siteId: 's1', buildingId: 'B1' })).toHaveLength(2);
    expect(filterDevices(devices, { q: 'b1 / r1' })).toHaveLength(2);
  });

  it('sorts both ways with the code as tie-breaker', () => {
    expect(sortDevices(devices, { key: 'code', desc: false }).map((d) => d.code)).toEqual(['a-board', 'b-board', 'c-node']);
    expect(sortDevices(devices, { key: 'lastSeenAt', desc: true }).map((d) => d.code)).toEqual(['a-board', 'b-board', 'c-node']);
    expect(sortDevices(devices, { key: 'type', desc: false }).map((d) => d.code)).toEqual(['a-board', 'c-node', 'b-board']);
  });

  it('is stale past offlineAfter or when offline, never when never seen', () => {
    expect(isStale(devices[1]!, NOW)).toBe(false);
    expect(isStale({ ...devices[1]!, lastSeenAt: '2026-12-02T11:29:00Z' }, NOW)).toBe(true);
    expect(isStale(devices[0]!, NOW)).toBe(true);
    expect(isStale(devices[2]!, NOW)).toBe(false);
  });

  it('writes relative times', () => {
    expect(relativeTime(null, NOW)).toBe('never');
    expect(relativeTime('2026-12-02T11:59:48Z', NOW)).toBe('12 s ago');
    expect(relativeTime('2026-12-02T11:55:00Z', NOW)).toBe('5 min ago');
    expect(relativeTime('2026-12-02T09:00:00Z', NOW)).toBe('3 h ago');
    expect(relativeTime('2026-11-30T12:00:00Z', NOW)).toBe('2 d ago');
  });

  it('sums activity per building', () => {
    expect(activityByBuilding(devices).get('B1')).toEqual({
      online: 1,
      offline: 1,
      neverSeen: 0,
      lastActivity: '2026-12-02T11:59:00Z',
    });
  });

  it('renders only the rows in view, with overscan, within bounds', () => {
    expect(visibleRange(0, 520, 36, 10_000)).toEqual({ first: 0, last: 23 });
    expect(visibleRange(36_000, 520, 36, 10_000)).toEqual({ first: 992, last: 1023 });
    expect(visibleRange(359_500, 520, 36, 10_000)).toEqual({ first: 9978, last: 10_000 });
  });

  it('applies a change from the activity stream, saying when to refetch and when states moved', () => {
    const list = [device('a', { lastSeenAt: null, state: 'unknown' }), device('b'), device('c')];
    const seen = applyActivity(list, {
      devices: [{ id: 'id-a', state: 'online', enabled: true, lastSeenAt: '2026-12-02T11:59:00Z' }],
      removed: [],
    });
    expect(seen.devices.map((d) => [d.code, d.state, d.lastSeenAt])).toEqual([
      ['a', 'online', '2026-12-02T11:59:00Z'],
      ['b', 'online', list[1]!.lastSeenAt],
      ['c', 'online', list[2]!.lastSeenAt],
    ]);
    expect(seen).toMatchObject({ incomplete: false, stateChanged: true });
    const touched = applyActivity(seen.devices, {
      devices: [{ id: 'id-b', state: 'online', enabled: true, lastSeenAt: '2026-12-02T11:59:30Z' }],
      removed: ['id-c'],
    });
    expect(touched.devices.map((d) => d.code)).toEqual(['a', 'b']);
    expect(touched.devices[1]!.lastSeenAt).toBe('2026-12-02T11:59:30Z');
    expect(touched.stateChanged).toBe(true);
    const fresh = applyActivity(touched.devices, {
      devices: [{ id: 'id-b', state: 'online', enabled: true, lastSeenAt: '2026-12-02T11:59:40Z' }],
      removed: [],
    });
    expect(fresh).toMatchObject({ incomplete: false, stateChanged: false });
    const unknown = applyActivity(touched.devices, {
      devices: [{ id: 'id-new', state: 'unknown', enabled: true, lastSeenAt: null }],
      removed: [],
    });
    expect(unknown.incomplete).toBe(true);
  });
});
