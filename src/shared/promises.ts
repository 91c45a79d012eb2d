/**
 * For hot paths that answer promises without making one per call (an uplink in flight keeps what
 * it holds through every scavenge): one settled promise to answer "nothing to wait for", and one
 * handler that drops a value.
 */
export const RESOLVED: Promise<void> = Promise.resolve();
export const ignore = (): void => {};
