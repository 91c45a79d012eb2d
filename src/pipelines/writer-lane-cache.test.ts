import { afterEach, describe, expect, it, vi } from 'vitest';
import { LaneCache, laneRef } from './writer-lane-cache.js';

const ORG = 'org-1';
const OTHER = 'org-2';

describe('the writer lane cache', () => {
  afterEach(() => vi.useRealTimers());

  const filled = () => {
    const c = new LaneCache();
    c.learn({
      generation: 0,
      devices: [
        [ORG, 'deveui', '70B3D57ED0000A01', 'dev-a'],
        [ORG, 'id', 'dev-b', 'dev-b'],
      ],
      series: [
        ['dev-a', '1', 'temperature', 'Cel', 11],
        ['dev-a', '2', 'relative_humidity', '%', 12],
        ['dev-b', '1', 'temperature', 'Cel', 21],
      ],
    });
    return c;
  };

  it('finds what was learnt, in its organisation only, by the ref the matcher would use', () => {
    const c = filled();
    const now = Date.now();
    const ref = laneRef({ identity: { kind: 'deveui', value: '70-b3-d5-7e-d0-00-0a-01' } });
    expect(ref).toEqual(['deveui', '70B3D57ED0000A01']);
    expect(c.device(ORG, ref as [string, string], now)).toBe('dev-a');
    expect(c.device(OTHER, ref as [string, string], now)).toBeUndefined();
    expect(c.device(ORG, laneRef({ id: 'dev-b' }) as [string, string], now)).toBe('dev-b');
    expect(c.datastream(c.datastreamsOf('dev-a') ?? [], '2', 'relative_humidity', '%', now)).toBe(12);
    expect(c.datastream(c.datastreamsOf('dev-a') ?? [], '2', 'relative_humidity', '', now)).toBeUndefined();
    // Refs the lane leaves to the matcher.
    expect(laneRef({ code: 'room-1' })).toBeUndefined();
    expect(laneRef({ topic: 'u4/302' })).toBeUndefined();
    expect(laneRef({ id: 'dev-b', identity: { kind: 'deveui', value: '70B3D57ED0000A01' } })).toBeUndefined();
    expect(laneRef({ identity: { kind: 'deveui', value: 'not hex' } })).toBeUndefined();
    expect(laneRef(undefined)).toBeUndefined();
  });

  it('forgets a device with its datastreams, and a datastream alone', () => {
    const c = filled();
    const now = Date.now();
    c.forget({ generation: 1, devices: ['dev-a'], datastreams: [21] });
    expect(c.device(ORG, ['deveui', '70B3D57ED0000A01'], now)).toBeUndefined();
    expect(c.datastream(c.datastreamsOf('dev-a') ?? [], '1', 'temperature', 'Cel', now)).toBeUndefined();
    expect(c.device(ORG, ['id', 'dev-b'], now)).toBe('dev-b');
    expect(c.datastream(c.datastreamsOf('dev-b') ?? [], '1', 'temperature', 'Cel', now)).toBeUndefined();
  });

  it('does not take what was learnt before a change it heard of since', () => {
    const c = filled();
    c.forget({ generation: 3, devices: ['dev-a'], datastreams: [] });
    c.learn({ generation: 2, devices: [[ORG, 'deveui', '70B3D57ED0000A01', 'dev-a']], series: [] });
    expect(c.device(ORG, ['deveui', '70B3D57ED0000A01'], Date.now())).toBeUndefined();
    c.learn({ generation: 3, devices: [[ORG, 'deveui', '70B3D57ED0000A01', 'dev-a']], series: [] });
    expect(c.device(ORG, ['deveui', '70B3D57ED0000A01'], Date.now())).toBe('dev-a');
  });

  it('lets entries expire as the event loop caches do: devices after a minute, datastreams after five', () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 0, 1) });
    const c = filled();
    const t = Date.now();
    expect(c.device(ORG, ['id', 'dev-b'], t + 59_999)).toBe('dev-b');
    expect(c.device(ORG, ['id', 'dev-b'], t + 60_000)).toBeUndefined();
    expect(c.datastream(c.datastreamsOf('dev-b') ?? [], '1', 'temperature', 'Cel', t + 299_999)).toBe(21);
    expect(c.datastream(c.datastreamsOf('dev-b') ?? [], '1', 'temperature', 'Cel', t + 300_000)).toBeUndefined();
  });
});
