import type { BatchOutcome } from './inbox.js';

export interface CheckedOutcome {
  done: string[];
  retry: { id: string; delayMs: number }[];
  /** Delivered but in neither list: left as they are (leased / unacked), so they come back. */
  unanswered: string[];
}

/**
 * What an inbox does with a handler's answer: only ids of this batch count (an id of another
 * batch may belong to another consumer); an id in both lists is retried (retrying stored
 * results is harmless, dropping unstored ones is not); delays are whole non-negative ms.
 */
export function checkOutcome(delivered: readonly string[], outcome: BatchOutcome): CheckedOutcome {
  const open = new Set(delivered);
  const retry: { id: string; delayMs: number }[] = [];
  for (const r of outcome.retry ?? []) {
    if (!open.delete(r.id)) continue;
    const delay = Number.isFinite(r.delayMs) ? Math.max(0, Math.round(r.delayMs)) : 0;
    retry.push({ id: r.id, delayMs: delay });
  }
  const done: string[] = [];
  for (const id of outcome.done ?? []) if (open.delete(id)) done.push(id);
  return { done, retry, unanswered: [...open] };
}
