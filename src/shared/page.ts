import { invalid } from './errors.js';

/** What a list request asks for: at most `limit` items after `cursor`, and `total` if `count`. */
export interface PageRequest {
  limit: number;
  cursor?: string | undefined;
  count?: boolean | undefined;
}

/** One page of a list: `next` is the cursor of the following page, null on the last one. */
export interface Page<T> {
  items: T[];
  next: string | null;
  total?: number | undefined;
}

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

/** Cursors are opaque to clients: base64url of the last row's sort key. */
export const encodeCursor = (key: unknown[]): string => Buffer.from(JSON.stringify(key)).toString('base64url');

export function decodeCursor(cursor: string): unknown[] {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(key)) return key;
  } catch {
    // fall through to the error below
  }
  throw invalid('cursor', 'cursor is not one this server issued');
}

/** Turns `limit + 1` fetched rows into a page: the extra row only tells that more exist. */
export function toPage<R, T>(rows: R[], limit: number, keyOf: (row: R) => unknown[], map: (row: R) => T): Page<T> {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  const last = kept[kept.length - 1];
  return { items: kept.map(map), next: more && last !== undefined ? encodeCursor(keyOf(last)) : null };
}
