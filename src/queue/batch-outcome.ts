import type { PipelineMessage } from '../workers/message.js';
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
 * `delivered` names each message of the batch once (uniqueById).
 */
export function checkOutcome(delivered: readonly string[], outcome: BatchOutcome): CheckedOutcome {
  const answered = outcome.done ?? [];
  // The usual answer, every id done in the order delivered, is checked without a set.
  if ((outcome.retry ?? []).length === 0 && answered.length === delivered.length) {
    let same = true;
    for (let i = 0; i < delivered.length && same; i++) same = answered[i] === delivered[i];
    if (same) return { done: [...delivered], retry: [], unanswered: [] };
  }
  const open = new Set(delivered);
  const retry: { id: string; delayMs: number }[] = [];
  for (const r of outcome.retry ?? []) {
    if (!open.delete(r.id)) continue;
    const delay = Number.isFinite(r.delayMs) ? Math.max(0, Math.round(r.delayMs)) : 0;
    retry.push({ id: r.id, delayMs: delay });
  }
  const done: string[] = [];
  for (const id of answered) if (open.delete(id)) done.push(id);
  return { done, retry, unanswered: [...open] };
}

/** The same id twice in one batch (a sender repeating itself) is handled once, as its last copy. */
export function uniqueById(messages: PipelineMessage[]): PipelineMessage[] {
  const ids = new Set<string>();
  for (const m of messages) ids.add(m.id);
  return ids.size === messages.length ? messages : [...new Map(messages.map((m) => [m.id, m])).values()];
}
