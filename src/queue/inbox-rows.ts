/** One row to insert into the inbox table. */
export interface NewInboxRow {
  id: string;
  orgId: string;
  pipelineId: string;
  /** JSON text of the queue envelope (queue/envelope.ts: v 1). */
  message: string;
  availableAt: number;
  createdAt: number;
  /** Deliveries already begun (default 0): a message handled once before it was queued. */
  attempts?: number;
}

export interface ClaimedRow {
  id: string;
  message: string;
  /** Deliveries begun, this one included (1 = first). */
  attempts: number;
}

/**
 * The inbox table, per dialect. The claim and settle queries are global (not scoped to an
 * organisation): the inbox is the platform's queue, each message carries its own orgId.
 * A leased row has available_at = lease_until, so "due" is one indexed range: available_at <= now.
 */
export interface InboxRows {
  /** One transaction; an id already present is left as it is. */
  insert(rows: readonly NewInboxRow[]): Promise<void>;
  /** Leases up to `limit` due rows until `leaseUntil` (attempts + 1), oldest id first. */
  claim(now: number, leaseUntil: number, limit: number): Promise<ClaimedRow[]>;
  /**
   * One transaction: deletes `done`, makes `retry` due again at `availableAt`. Only rows still
   * holding this lease change: a consumer whose lease ran out and was taken over changes nothing.
   */
  settle(done: readonly string[], retry: readonly { id: string; availableAt: number }[], leaseUntil: number): Promise<void>;
  /** Makes every leased row due at `now` (SQLite at start: the leases are a dead process's). */
  releaseLeases(now: number): Promise<number>;
  count(): Promise<number>;
}
