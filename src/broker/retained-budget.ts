/**
 * A bound on the retained messages each organisation keeps on the embedded broker: a retained
 * message stays in memory for good, so without one a tenant could grow the broker without limit.
 * Counts what clients of an organisation (its devices and keys) retained; Polder's own and the
 * platform's messages are not counted.
 */
export class RetainedBudget {
  private readonly byTopic = new Map<string, { orgId: string; bytes: number }>();
  private readonly totals = new Map<string, { count: number; bytes: number }>();

  constructor(private readonly limits: { maxCount: number; maxBytes: number }) {}

  /**
   * Whether `orgId` may retain this message on `topic` (an empty payload clears and is always
   * allowed). When it may, the message is counted, replacing what the topic held.
   */
  admit(orgId: string, topic: string, bytes: number): boolean {
    const held = this.byTopic.get(topic);
    if (bytes === 0) {
      if (held) this.release(topic, held);
      return true;
    }
    const total = this.totals.get(orgId) ?? { count: 0, bytes: 0 };
    const same = held?.orgId === orgId ? held : undefined;
    const count = total.count + (same ? 0 : 1);
    const size = total.bytes - (same?.bytes ?? 0) + bytes;
    if (count > this.limits.maxCount || size > this.limits.maxBytes) return false;
    if (held) this.release(topic, held);
    const t = this.totals.get(orgId) ?? { count: 0, bytes: 0 };
    this.totals.set(orgId, { count: t.count + 1, bytes: t.bytes + bytes });
    this.byTopic.set(topic, { orgId, bytes });
    return true;
  }

  /** What an organisation holds now (tests, metrics). */
  usage(orgId: string): { count: number; bytes: number } {
    return this.totals.get(orgId) ?? { count: 0, bytes: 0 };
  }

  private release(topic: string, held: { orgId: string; bytes: number }) {
    this.byTopic.delete(topic);
    const t = this.totals.get(held.orgId);
    if (!t) return;
    if (t.count <= 1) this.totals.delete(held.orgId);
    else this.totals.set(held.orgId, { count: t.count - 1, bytes: t.bytes - held.bytes });
  }
}
