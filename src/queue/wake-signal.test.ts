import { describe, expect, it } from 'vitest';
import { WakeSignal } from './wake-signal.js';

describe('WakeSignal', () => {
  it('remembers a notify that came before wait, until reset', async () => {
    const s = new WakeSignal();
    s.notify();
    let woke = false;
    await s.wait(60_000).then(() => (woke = true));
    expect(woke).toBe(true);
    s.notify();
    s.reset();
    let early = false;
    const later = s.wait(30).then(() => {
      early = true;
    });
    await new Promise((r) => setImmediate(r));
    expect(early).toBe(false);
    await later;
    expect(early).toBe(true);
  });

  it('wakes a waiting loop on notify', async () => {
    const s = new WakeSignal();
    const waiting = s.wait(60_000).then(() => 'woken');
    s.notify();
    expect(await waiting).toBe('woken');
  });
});
