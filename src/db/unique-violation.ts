import { conflict } from '../shared/errors.js';

/**
 * Recognises a unique-constraint violation from either driver and says which columns it was
 * on, so a store can answer 409 naming the field when a concurrent request won a race that the
 * service's own check could not see.
 */
export function uniqueViolationColumns(err: unknown): string[] | undefined {
  const e = err as { code?: string; message?: string; detail?: string; constraint?: string };
  // PostgreSQL 23505: detail is "Key (org_id, code)=(…, …) already exists."
  if (e?.code === '23505') {
    const cols = /Key \(([^)]*)\)/.exec(e.detail ?? '')?.[1];
    return cols ? cols.split(',').map((c) => c.trim()) : [e.constraint ?? 'unknown'];
  }
  // better-sqlite3: "UNIQUE constraint failed: devices.org_id, devices.code"
  if (e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    const cols = /constraint failed: (.*)$/.exec(e.message ?? '')?.[1];
    return cols ? cols.split(',').map((c) => c.trim().split('.').pop() as string) : ['unknown'];
  }
  return undefined;
}

/**
 * Runs a write; a unique violation (a concurrent request took the value after the service
 * checked it) becomes the 409 the check would have answered.
 */
export async function uniqueAs409<T>(work: () => Promise<T>, field: string, value: unknown): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (uniqueViolationColumns(err)) throw conflict(field, value);
    throw err;
  }
}
