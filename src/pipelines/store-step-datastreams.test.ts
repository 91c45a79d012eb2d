import { describe, expect, it } from 'vitest';
import type { DatastreamKey } from '../devices/devices.js';
import { DatastreamCache } from './store-step-datastreams.js';

const key = (sensor: string): DatastreamKey => ({ sensor, observedProperty: 'temperature', unit: 'Cel', kind: 'number' });

describe('DatastreamCache.cached', () => {
  it('answers what resolve answered, only while every key is cached and fresh', async () => {
    let now = 0;
    let calls = 0;
    const cache = new DatastreamCache({
      clock: () => now,
      ttlMs: 1000,
      store: {
        async resolveSeries(_org, _device, keys) {
          calls++;
          return keys.map((k) => ({ id: Number(k.sensor), kind: 'number' as const }));
        },
      },
    });
    expect(cache.cached('org', 'd1', [key('1')])).toBeUndefined();
    const resolved = await cache.resolve('org', 'd1', [key('1'), key('2')], 0);
    expect(cache.cached('org', 'd1', [key('2'), key('1')])).toEqual([resolved[1], resolved[0]]);
    // One key not cached, another device, another organisation: not answered.
    expect(cache.cached('org', 'd1', [key('1'), key('3')])).toBeUndefined();
    expect(cache.cached('org', 'd2', [key('1')])).toBeUndefined();
    expect(cache.cached('org-b', 'd1', [key('1')])).toBeUndefined();
    // Past the TTL resolve would ask the store again, so cached answers nothing.
    now = 999;
    expect(cache.cached('org', 'd1', [key('1')])).toEqual([resolved[0]]);
    now = 1000;
    expect(cache.cached('org', 'd1', [key('1')])).toBeUndefined();
    expect(calls).toBe(1);
  });
});

describe('DatastreamCache forgetting', () => {
  it('drops a deleted datastream and every series of a deleted device, and counts what it holds', async () => {
    const listeners = new Map<string, (e: never) => void>();
    let calls = 0;
    const cache = new DatastreamCache({
      clock: () => 0,
      events: {
        on: ((name: string, fn: (e: never) => void) => {
          listeners.set(name, fn);
          return () => listeners.delete(name);
        }) as never,
      },
      store: {
        async resolveSeries(_org, device, keys) {
          calls++;
          return keys.map((k) => ({ id: Number(k.sensor) + (device === 'd2' ? 100 : 0), kind: 'number' as const }));
        },
      },
    });
    await cache.resolve('org', 'd1', [key('1'), key('2'), { ...key('2'), unit: 'K' }], 0);
    await cache.resolve('org', 'd2', [key('1')], 0);
    expect(cache.size).toBe(4);
    const unitK = cache.cached('org', 'd1', [{ ...key('2'), unit: 'K' }]);
    expect(unitK).toEqual([{ id: 2, kind: 'number' }]);
    // Datastream 1 of d1 deleted: d1's other series and d2's stay.
    listeners.get('datastreamsDeleted')?.({ ids: [1] } as never);
    expect(cache.cached('org', 'd1', [key('1')])).toBeUndefined();
    expect(cache.cached('org', 'd1', [key('2')])).toEqual([{ id: 2, kind: 'number' }]);
    expect(cache.cached('org', 'd2', [key('1')])).toEqual([{ id: 101, kind: 'number' }]);
    expect(cache.size).toBe(3);
    // Device d1 deleted: all of its series go, d2's stay.
    listeners.get('deviceDeleted')?.({ id: 'd1' } as never);
    expect(cache.cached('org', 'd1', [key('2')])).toBeUndefined();
    expect(cache.cached('org', 'd2', [key('1')])).toEqual([{ id: 101, kind: 'number' }]);
    expect(cache.size).toBe(1);
    // Asked again, the deleted ones come from the store.
    await cache.resolve('org', 'd1', [key('1'), key('2')], 0);
    expect(calls).toBe(3);
    expect(cache.size).toBe(3);
    cache.close();
    expect(cache.size).toBe(0);
  });

  it('starts over once it holds maxEntries', async () => {
    const cache = new DatastreamCache({
      clock: () => 0,
      maxEntries: 2,
      store: { resolveSeries: async (_o, _d, keys) => keys.map((k) => ({ id: Number(k.sensor), kind: 'number' as const })) },
    });
    await cache.resolve('org', 'd1', [key('1'), key('2')], 0);
    expect(cache.size).toBe(2);
    await cache.resolve('org', 'd1', [key('3')], 0);
    expect(cache.size).toBe(1);
    expect(cache.cached('org', 'd1', [key('1')])).toBeUndefined();
    expect(cache.cached('org', 'd1', [key('3')])).toEqual([{ id: 3, kind: 'number' }]);
  });
});
