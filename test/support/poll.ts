/**
 * Waiting in tests: poll for the condition, never sleep a fixed time. Resolves with the first
 * truthy value of `probe`; rejects after `timeoutMs` naming `what`. The default is generous: the
 * suite runs several files at once on few cores, and a wait that passes in 1 s alone can take
 * ten times that beside a browser test; only a failing wait runs to the end of it.
 */
export async function eventually<T>(what: string, probe: () => T | Promise<T>, timeoutMs = 30_000): Promise<NonNullable<T>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v as NonNullable<T>;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
