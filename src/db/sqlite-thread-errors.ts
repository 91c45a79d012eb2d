import type { WriterAnswer } from './sqlite-writer.js';

/** A thread's error as its answer carries it (sqlite-writer-thread.ts, sqlite-lane-thread.ts). */
export function errorOf(err: unknown): NonNullable<WriterAnswer['error']> {
  const e: Error & { code?: unknown } = err instanceof Error ? err : new Error(String(err));
  return { message: e.message, name: e.name, code: typeof e.code === 'string' ? e.code : undefined, stack: e.stack };
}
