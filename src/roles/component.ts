/** A part of a running Polder that starts and stops (HTTP server, transports, workers, scheduler …). */
export interface Component {
  name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts components in order; when one fails, those already started are stopped (in reverse)
 * and the error is thrown again. Returns the components that run, for stopAll.
 */
export async function startAll(components: readonly Component[]): Promise<Component[]> {
  const started: Component[] = [];
  for (const c of components) {
    try {
      await c.start();
    } catch (err) {
      await stopAll(started).catch(() => {});
      throw err;
    }
    started.push(c);
  }
  return started;
}

/** Stops components in the reverse of their start order; every one is stopped even when one fails (the first error is thrown). */
export async function stopAll(started: Component[]): Promise<void> {
  let first: unknown;
  for (const c of started.splice(0).reverse()) {
    try {
      await c.stop();
    } catch (err) {
      first ??= err;
    }
  }
  if (first !== undefined) throw first;
}
