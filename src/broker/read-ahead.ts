import type { Client } from 'aedes';

/**
 * Aedes reads a connection's next chunk only once every packet of the last one is handled, and a
 * device's publish is handled only when it is durable (its PUBACK follows). One publisher therefore
 * gets one chunk (~64 KiB, ~40 uplinks) through Polder at a time, and decoding waits for each
 * commit instead of overlapping it. ReadAhead lets Aedes read on once a publish is handed over
 * (accepted into the inbox's batch, not yet stored), up to `limit` such publishes per connection;
 * beyond it a publish holds the read as before (back pressure). The answers (PUBACK, forwarding)
 * still go after the durable write, and in the order the publishes came (MQTT 3.1.1 §4.6: PUBACKs
 * in the order of the PUBLISHes).
 */
interface AedesClientInternals {
  /** Packets of the current read not yet handled; Aedes reads again when it falls to 0. */
  _parsingBatch: number;
  /** Decrements `_parsingBatch` and reads the next chunk when it reaches 0. */
  _nextBatch(err?: Error): void;
}

/** A publish handed over, waiting for its answer and for those before it. */
interface Pending {
  /** Its acceptance settled: null once accepted, the error when refused; undefined until then. */
  outcome: Error | null | undefined;
  /** Whether it let Aedes read on (counted in `ahead`). */
  released: boolean;
  done: (err?: Error | null) => void;
  next: Pending | undefined;
}

interface Connection {
  /** Publishes handed over and not yet answered. */
  ahead: number;
  /** Publishes to release at the next turn of the event loop. */
  release: number;
  /** Unanswered publishes in PUBLISH order (a list: one object per publish, no promise chain). */
  first: Pending | undefined;
  last: Pending | undefined;
}

export class ReadAhead {
  private readonly connections = new WeakMap<Client, Connection>();

  constructor(private readonly limit = 1000) {}

  /**
   * Calls `done` once `accepted` settles and every earlier publish of the client was answered;
   * lets Aedes read on meanwhile when the client has fewer than `limit` publishes ahead.
   */
  answer(client: Client, accepted: Promise<unknown>, done: (err?: Error | null) => void): void {
    let c = this.connections.get(client);
    if (!c) {
      c = { ahead: 0, release: 0, first: undefined, last: undefined };
      this.connections.set(client, c);
    }
    const conn = c;
    const released = conn.ahead < this.limit;
    if (released) {
      conn.ahead++;
      // Not now: this runs inside Aedes' parse of the chunk, which must not read again under itself.
      if (conn.release++ === 0) setImmediate(() => this.releaseReads(client, conn));
    }
    const p: Pending = { outcome: undefined, released, done, next: undefined };
    if (conn.last) conn.last.next = p;
    else conn.first = p;
    conn.last = p;
    accepted.then(
      () => this.settle(client, conn, p, null),
      (err: unknown) => this.settle(client, conn, p, err instanceof Error ? err : new Error(String(err))),
    );
  }

  /** Records one outcome and answers every settled publish at the head of the list, in order. */
  private settle(client: Client, conn: Connection, p: Pending, outcome: Error | null): void {
    p.outcome = outcome;
    for (let head = conn.first; head && head.outcome !== undefined; head = conn.first) {
      conn.first = head.next;
      if (!conn.first) conn.last = undefined;
      if (head.released) {
        conn.ahead--;
        // Aedes decrements again after `done`: count this packet back in first.
        (client as unknown as AedesClientInternals)._parsingBatch++;
      }
      head.done(head.outcome);
    }
  }

  private releaseReads(client: Client, conn: Connection): void {
    const internals = client as unknown as AedesClientInternals;
    const n = conn.release;
    conn.release = 0;
    // As if n packets were handled; `_nextBatch` (which takes one more) reads when none is left.
    internals._parsingBatch -= n;
    if (internals._parsingBatch <= 0) {
      internals._parsingBatch = 1;
      internals._nextBatch();
    }
  }
}
