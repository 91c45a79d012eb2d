import type { TraceMessages, TraceStatus } from './pipelines.js';

/** One successful uplink in SAMPLE_EVERY keeps its raw message under traceMessages 'sample'. */
export const SAMPLE_EVERY = 100;

/** Deterministic by trace id (FNV-1a of the id): the same uplink is sampled on every delivery and replica. */
export function sampled(traceId: string): boolean {
  let h = 0x811c9dc5;
  for (let i = 0; i < traceId.length; i++) h = Math.imul(h ^ traceId.charCodeAt(i), 0x01000193);
  return (h >>> 0) % SAMPLE_EVERY === 0;
}

/**
 * Whether a trace keeps its raw message. Failures (and retries, which may become failures) always
 * do: replay needs it. Otherwise the pipeline decides (unset: 'sample').
 */
export function keepsMessage(mode: TraceMessages | undefined, status: TraceStatus, traceId: string): boolean {
  if (status === 'failed' || status === 'retrying' || mode === 'all') return true;
  return mode !== 'failures' && sampled(traceId);
}
