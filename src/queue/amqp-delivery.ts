import type { PipelineMessage } from '../workers/message.js';
import { readEnvelope, writeEnvelope } from './envelope.js';

/** Our header: the attempt number this message is delivered as (absent: 1). */
export const ATTEMPT_HEADER = 'x-polder-attempt';
/** Set by a quorum queue on a redelivery: how many deliveries failed before (nack, lost channel). */
export const DELIVERY_COUNT_HEADER = 'x-delivery-count';

export const encodeMessage = (message: PipelineMessage): Buffer => Buffer.from(writeEnvelope(message), 'utf8');

/** The message of a delivery; throws EnvelopeError (see envelope.ts) when it cannot be read. */
export const decodeMessage = (content: Buffer): PipelineMessage => readEnvelope(content.toString('utf8'));

const count = (v: unknown): number => {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : Number.NaN;
  return Number.isInteger(n) && n >= 0 ? n : 0;
};

/**
 * The attempt of a delivery: the attempt it was (re)published as, plus the failed deliveries the
 * quorum queue counted since (a crashed consumer, a handler that threw).
 */
export function attemptOf(headers: Record<string, unknown> | undefined): number {
  const published = Math.max(1, count(headers?.[ATTEMPT_HEADER]));
  return published + count(headers?.[DELIVERY_COUNT_HEADER]);
}
