import { type RawBuilder, sql } from 'kysely';
import type { Dialect } from './dialect.js';

type Sql = RawBuilder<unknown>;

/**
 * The `time` or `value` of a datastream's newest (`desc`) or oldest (`asc`) number, as a scalar
 * subquery; `stream` is an SQL expression, usually a column of the outer query, so the subquery
 * runs once per outer row and must seek. PostgreSQL: one seek of the `measurements` primary key.
 * SQLite: `measurements` is a view of two tables (migrations 20261204-1430-measurements-recent and
 * 20261205-0900-recent-by-time), and for a subquery that names a column of the outer query SQLite
 * pushes nothing into that UNION ALL: it materialised every measurement once per outer row (plan
 * `CO-ROUTINE measurements … AUTOMATIC COVERING INDEX`). So each table is read apart (the ordered
 * one by its key, the recent one only when its datastream is listed there) and the two rows compared.
 */
export function endOf(dialect: Dialect, column: 'time' | 'value', stream: Sql, order: 'asc' | 'desc'): Sql {
  const dir = sql.raw(order);
  const col = sql.raw(column);
  if (dialect === 'postgres')
    return sql`(select m.${col} from measurements m where m.datastream_id = ${stream} order by m.time ${dir} limit 1)`;
  return sql`(select e.${col} from (
      select * from (select time, value from measurements_folded where datastream_id = ${stream}
        order by time ${dir} limit 1)
      union all
      select * from (select time, value from measurements_recent where datastream_id = ${stream}
        and exists (select 1 from recent_streams s where s.datastream_id = ${stream}) order by time ${dir} limit 1)
    ) e order by e.time ${dir} limit 1)`;
}
