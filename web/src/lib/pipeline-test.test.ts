import { describe, expect, it } from 'vitest';
import { measurementsOf, nextSample, parseConfig, stopReason } from './pipeline-test.js';

describe('pipeline test bench shaping', () => {
  it('feeds a step the previous output as a base64 sample with its metadata and topic', () => {
    expect(nextSample({ payload: 'AWcA6w==', transport: { topic: 'a/b' }, metadata: { fPort: 1 }, receivedAt: 5 })).toEqual({
      payload: 'AWcA6w==',
      encoding: 'base64',
      topic: 'a/b',
      metadata: { fPort: 1 },
      receivedAt: 5,
    });
  });

  it('stops on errors, on a missing output and on a skip', () => {
    const ok = { worker: 'w', output: { payload: '' }, logs: [], errors: [] };
    expect(stopReason(ok)).toBeUndefined();
    expect(stopReason({ ...ok, errors: [{ code: 'DECODE_FAILED', message: 'bad byte' }] })).toBe('w failed: bad byte');
    expect(stopReason({ ...ok, output: null })).toBe('w gave no output');
    expect(stopReason({ ...ok, output: { payload: '', metadata: { skip: 'join accept' } } })).toBe('skipped: join accept');
  });

  it('collects the measurements of every step', () => {
    const r = (m: unknown[]) => ({ worker: 'w', output: { payload: '', measurements: m }, logs: [], errors: [] });
    expect(measurementsOf([r([]), r([{ a: 1 }]), { worker: 'x', output: null, logs: [], errors: [] }])).toEqual([{ a: 1 }]);
  });

  it('reads a step config from JSON text', () => {
    expect(parseConfig('')).toEqual({});
    expect(parseConfig('{"a":1}')).toEqual({ config: { a: 1 } });
    expect(parseConfig('[1]').error).toMatch(/object/);
    expect(parseConfig('{').error).toMatch(/not JSON/);
  });
});
