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

interface Connection {
  /** Publishes handed over and not yet answered. */
  ahead: number;
  /** Publishes to release at the next turn of the event loop. */
  release: number;
  /** The answer of the last publish, which the next one waits for. */
  tail: Promise<unknown>;
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
      c = { ahead: 0, release: 0, tail: Promise.resolve() };
      this.connections.set(client, c);
    }
    const conn = c;
    const released = conn.ahead < this.limit;
    if (released) {
      conn.ahead++;
      // Not now: this runs inside Aedes' parse of the chunk, which must not read again under itself.
      if (conn.release++ === 0) setImmediate(() => this.releaseReads(client, conn));
    }
    const outcome = accepted.then(
      () => null,
      (err: unknown) => (err instanceof Error ? err : new Error(String(err))),
    );
    const turn = conn.tail.then(() => outcome);
    conn.tail = turn;
    void turn.then((err) => {
      if (released) {
        conn.ahead--;
        // Aedes decrements again after `done`: count this packet back in first.
        (client as unknown as AedesClientInternals)._parsingBatch++;
      }
      done(err);
    });
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
