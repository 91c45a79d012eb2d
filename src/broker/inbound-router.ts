import { ignore, RESOLVED } from '../shared/promises.js';
import { type InboundHandler, type InboundMessage, topicMatches } from './broker.js';

/**
 * Fans one inbound message out to every handler whose filter matches (heartbeats, pipelines,
 * neOCampus data …) and resolves when all of them have durably accepted it.
 */
export class InboundRouter {
  private readonly routes: { filter: string; handler: InboundHandler; passive: boolean }[] = [];
  private readonly extra = new Set<string>();

  /**
   * Handles messages on `filter`. A `passive` route sees whatever reaches Polder without asking
   * an external broker for more (heartbeats listen on `#` that way: subscribing to `#` would
   * pull every message of the broker).
   */
  on(filter: string, handler: InboundHandler, opts: { passive?: boolean } = {}): () => void {
    const route = { filter, handler, passive: opts.passive ?? false };
    this.routes.push(route);
    return () => {
      const i = this.routes.indexOf(route);
      if (i >= 0) this.routes.splice(i, 1);
    };
  }

  /** Asks for messages on these filters without a handler of their own (passive routes handle them). */
  listen(filters: string[]): void {
    for (const f of filters) this.extra.add(f);
  }

  /** What to subscribe to on an external broker. */
  get filters(): string[] {
    return [...new Set([...this.routes.filter((r) => !r.passive).map((r) => r.filter), ...this.extra])];
  }

  /**
   * Resolves when every matching handler has; rejects if one fails (the message is not
   * acknowledged). With one matching handler, or one that has anything left to do (the others
   * answering RESOLVED), its own promise is answered: no promise or array of the router's per
   * message, which would live as long as the uplink is in flight. A handler that throws instead
   * of rejecting rejects here too.
   */
  dispatch: InboundHandler = (message: InboundMessage) => {
    try {
      // Handlers are called once every route is looked at (one may remove a route).
      let one: InboundHandler | undefined;
      let many: InboundHandler[] | undefined;
      for (const r of this.routes) {
        if (!this.takes(r, message)) continue;
        if (one === undefined) one = r.handler;
        else if (many) many.push(r.handler);
        else many = [one, r.handler];
      }
      if (!many) return one ? one(message) : RESOLVED;
      // Handlers done at once (heartbeats) answer RESOLVED: only the others are waited for.
      let pending: Promise<void> | undefined;
      let all: Promise<void>[] | undefined;
      for (const h of many) {
        const p = h(message);
        if (p === RESOLVED) continue;
        if (pending === undefined) pending = p;
        else if (all) all.push(p);
        else all = [pending, p];
      }
      return all ? Promise.all(all).then(ignore) : (pending ?? RESOLVED);
    } catch (err) {
      return Promise.reject(err);
    }
  };

  private takes(r: { filter: string; passive: boolean }, message: InboundMessage): boolean {
    const { via } = message;
    return (
      topicMatches(r.filter, message.topic) &&
      // A passive route (heartbeats) takes one of the deliveries only.
      (via === undefined || (r.passive ? message.primary !== false : via.includes(r.filter)))
    );
  }
}
