import { describe, expect, it } from 'vitest';
import { RESOLVED } from '../shared/promises.js';
import type { InboundMessage } from './broker.js';
import { InboundRouter } from './inbound-router.js';

const message = (topic: string): InboundMessage => ({ topic, payload: Buffer.from('{}'), qos: 1, receivedAt: 1 });

describe('InboundRouter', () => {
  it('fans a message out to every matching route; passive routes add no subscription', async () => {
    const router = new InboundRouter();
    const got: string[] = [];
    router.on('#', async (m) => void got.push(`all ${m.topic}`), { passive: true });
    router.on('+/+/temperature', async (m) => void got.push(`temp ${m.topic}`));
    router.listen(['+/+/device', '+/+/temperature']);
    expect(router.filters.sort()).toEqual(['+/+/device', '+/+/temperature']);
    await router.dispatch(message('u4/301/temperature'));
    await router.dispatch(message('u4/301/device'));
    expect(got).toEqual(['all u4/301/temperature', 'temp u4/301/temperature', 'all u4/301/device']);
  });

  it('rejects when a handler fails, so the message is not acknowledged', async () => {
    const router = new InboundRouter();
    router.on('#', async () => {}, { passive: true });
    router.on('u4/#', async () => {
      throw new Error('inbox full');
    });
    await expect(router.dispatch(message('u4/301/temperature'))).rejects.toThrow('inbox full');
  });

  it('waits only for handlers with something left to do: RESOLVED ones are passed over', async () => {
    const router = new InboundRouter();
    let release: () => void = () => {};
    const slow = new Promise<void>((r) => {
      release = r;
    });
    router.on('#', () => RESOLVED, { passive: true });
    router.on('u4/#', () => slow);
    router.on('other/#', () => RESOLVED);
    // The one pending handler's own promise is answered; with none pending, RESOLVED.
    expect(router.dispatch(message('u4/301/temperature'))).toBe(slow);
    expect(router.dispatch(message('other/1'))).toBe(RESOLVED);
    router.on('u4/301/#', () => Promise.reject(new Error('inbox full')));
    const both = router.dispatch(message('u4/301/temperature'));
    await expect(both).rejects.toThrow('inbox full');
    let settled = false;
    const waiting = router.dispatch(message('u4/302/temperature')).then(() => {
      settled = true;
    });
    await new Promise((r) => setTimeout(r, 5));
    expect(settled).toBe(false);
    release();
    await waiting;
    expect(settled).toBe(true);
  });
});
