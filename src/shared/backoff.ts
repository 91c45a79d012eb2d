/**
 * The one exponential backoff: `baseMs × 2^attempt`, capped at `maxMs`, then spread by
 * `jitter` (a fraction: 0.5 gives a delay in [0.5, 1.5) × the capped value) so that many
 * clients losing the same broker at once do not come back at the same instant.
 */
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
  /** 0 (none, deterministic) to 1; default 0.2. */
  jitter?: number;
}

/** Delay before retry number `attempt` (0 for the first retry). `random` returns [0, 1). */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const jitter = Math.min(1, Math.max(0, policy.jitter ?? 0.2));
  // 2^40 is already far above any cap; the bound keeps the product finite.
  const capped = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(40, Math.max(0, attempt)));
  if (jitter === 0) return capped;
  return Math.round(capped * (1 - jitter + 2 * jitter * random()));
}

/** Retry counter for a reconnect loop: `next()` gives the delay and counts, `reset()` after a success. */
export class Backoff {
  private attempt = 0;
  constructor(
    private readonly policy: BackoffPolicy,
    private readonly random: () => number = Math.random,
  ) {}

  next(): number {
    return backoffDelay(this.attempt++, this.policy, this.random);
  }

  reset(): void {
    this.attempt = 0;
  }
}
