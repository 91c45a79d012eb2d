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

  /** Resolves when every matching handler has; rejects if one fails (the message is not acknowledged). */
  dispatch: InboundHandler = async (message: InboundMessage) => {
    const { via } = message;
    const matching = this.routes.filter(
      (r) =>
        topicMatches(r.filter, message.topic) &&
        // A passive route (heartbeats) takes one of the deliveries only.
        (via === undefined || (r.passive ? message.primary !== false : via.includes(r.filter))),
    );
    if (matching.length === 1) return matching[0]?.handler(message);
    await Promise.all(matching.map((r) => r.handler(message)));
  };
}
