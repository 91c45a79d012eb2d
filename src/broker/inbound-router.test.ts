import { describe, expect, it } from 'vitest';
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
});
