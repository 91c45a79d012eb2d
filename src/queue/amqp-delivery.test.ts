import { describe, expect, it } from 'vitest';
import type { PipelineMessage } from '../workers/message.js';
import { ATTEMPT_HEADER, attemptOf, DELIVERY_COUNT_HEADER, decodeMessage, encodeMessage } from './amqp-delivery.js';

describe('AMQP delivery helpers', () => {
  it('counts attempts from our header and the quorum queue delivery count', () => {
    expect(attemptOf(undefined)).toBe(1);
    expect(attemptOf({})).toBe(1);
    expect(attemptOf({ [DELIVERY_COUNT_HEADER]: 2 })).toBe(3);
    expect(attemptOf({ [ATTEMPT_HEADER]: 4 })).toBe(4);
    expect(attemptOf({ [ATTEMPT_HEADER]: 4, [DELIVERY_COUNT_HEADER]: 1 })).toBe(5);
    expect(attemptOf({ [ATTEMPT_HEADER]: 'junk', [DELIVERY_COUNT_HEADER]: -3 })).toBe(1);
  });

  it('round-trips a message with binary payload', () => {
    const message: PipelineMessage = {
      id: '01900000-0000-7000-8000-000000000001',
      orgId: 'o',
      pipelineId: 'p',
      receivedAt: 1,
      observedAt: 0,
      transport: { kind: 'mqtt', topic: 't' },
      payload: new Uint8Array([0, 255, 1, 0x82, 0x41, 0xde]),
      metadata: { fPort: 2 },
      measurements: [{ sensor: '1', observedProperty: 'temperature', unit: 'Cel', value: -3.5 }],
    };
    expect(decodeMessage(encodeMessage(message))).toEqual(message);
  });
});
