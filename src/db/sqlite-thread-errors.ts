/** An error as a thread's answer carries it (sqlite-writer.ts WriterAnswer). */
export interface AnswerError {
  message: string;
  name: string;
  code?: string | undefined;
  stack?: string | undefined;
}

/** A thread's error as its answer carries it (sqlite-writer-thread.ts, sqlite-lane-thread.ts). */
export function answerError(err: unknown): AnswerError {
  const e: Error & { code?: unknown } = err instanceof Error ? err : new Error(String(err));
  return { message: e.message, name: e.name, code: typeof e.code === 'string' ? e.code : undefined, stack: e.stack };
}

/** The error an answer carries, made again on the event loop (sqlite-writer.ts), its code kept. */
export function errorFromAnswer(e: AnswerError): Error {
  const err = new Error(e.message) as Error & { code?: string };
  err.name = e.name;
  if (e.code !== undefined) err.code = e.code;
  if (e.stack) err.stack = e.stack;
  return err;
}
