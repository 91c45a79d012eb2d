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
