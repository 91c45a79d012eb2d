import { describe, expect, it } from 'vitest';
import { keepsMessage, SAMPLE_EVERY, sampled } from '../../src/pipelines/trace-messages.js';
import { uuidv7 } from '../../src/shared/ids.js';

describe('which traces keep their raw message', () => {
  it('samples about 1 in 100 ids, the same answer for the same id', () => {
    const ids = Array.from({ length: 20_000 }, () => uuidv7());
    const n = ids.filter(sampled).length;
    // Binomial(20,000, 1 %): mean 200, σ ≈ 14; outside 120–280 is more than 5 σ.
    expect(n).toBeGreaterThan(120);
    expect(n).toBeLessThan(280);
    expect(SAMPLE_EVERY).toBe(100);
    for (const id of ids.slice(0, 500)) expect(sampled(id)).toBe(sampled(`${id}`));
  });

  it('failures and retries always keep it; otherwise the pipeline mode (unset: sample)', () => {
    const hit = Array.from({ length: 5000 }, () => uuidv7()).find(sampled) as string;
    const miss = Array.from({ length: 50 }, () => uuidv7()).find((id) => !sampled(id)) as string;
    for (const mode of ['failures', 'sample', 'all', undefined] as const) {
      expect(keepsMessage(mode, 'failed', miss)).toBe(true);
      expect(keepsMessage(mode, 'retrying', miss)).toBe(true);
    }
    expect(keepsMessage('all', 'stored', miss)).toBe(true);
    expect(keepsMessage('all', 'skipped', miss)).toBe(true);
    expect(keepsMessage('sample', 'stored', miss)).toBe(false);
    expect(keepsMessage('sample', 'stored', hit)).toBe(true);
    expect(keepsMessage(undefined, 'stored', hit)).toBe(true);
    expect(keepsMessage(undefined, 'stored', miss)).toBe(false);
    expect(keepsMessage('failures', 'stored', hit)).toBe(false);
    expect(keepsMessage('failures', 'skipped', hit)).toBe(false);
  });
});
