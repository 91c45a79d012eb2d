import { type Expression, type SelectQueryBuilder, type SqlBool, sql } from 'kysely';
import { invalid } from '../shared/errors.js';
import { decodeCursor, type Page, type PageRequest, toPage } from '../shared/page.js';

export interface SortKey {
  /** A column reference as written in SQL (`devices.code`). */
  column: string;
  desc?: boolean;
}

/**
 * Keyset (cursor) pagination over any select: sorts by `keys` (the last one must be unique,
 * usually the id), reads `limit + 1` rows after the cursor, and counts the whole filtered set
 * when asked. Stable under concurrent inserts: no page repeats or skips a row.
 */
export async function paginate<DB, TB extends keyof DB, Row>(
  qb: SelectQueryBuilder<DB, TB, Row>,
  req: PageRequest,
  keys: SortKey[],
  keyOf: (row: Row) => unknown[],
): Promise<Page<Row>> {
  let q = qb;
  if (req.cursor) {
    const after = decodeCursor(req.cursor);
    if (after.length !== keys.length) throw invalid('cursor', 'cursor does not fit this list and sort');
    q = q.where(() => afterKey(keys, after));
  }
  for (const k of keys) q = q.orderBy(sql.ref(k.column), k.desc ? 'desc' : 'asc');
  const rows = await q.limit(req.limit + 1).execute();
  const page = toPage(rows as Row[], req.limit, keyOf, (r) => r);
  if (req.count) {
    const counted = await qb.clearSelect().clearOrderBy().select(sql<number>`count(*)`.as('n')).executeTakeFirst();
    page.total = Number((counted as { n?: number } | undefined)?.n ?? 0);
  }
  return page;
}

/** `(k1, k2, …) > (v1, v2, …)` spelled out, so each key can have its own direction. */
function afterKey(keys: SortKey[], values: unknown[]): Expression<SqlBool> {
  const ors = keys.map((_, i) => {
    const parts = keys.slice(0, i + 1).map((k, j) => {
      const op = j < i ? '=' : k.desc ? '<' : '>';
      return sql`${sql.ref(k.column)} ${sql.raw(op)} ${values[j]}`;
    });
    return sql`(${sql.join(parts, sql` and `)})`;
  });
  return sql<SqlBool>`(${sql.join(ors, sql` or `)})`;
}
