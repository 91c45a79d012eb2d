import type { ColumnDataType } from 'kysely';

export type Dialect = 'sqlite' | 'postgres';

/** Column types per dialect, so one migration describes both databases. */
export function columnTypes(dialect: Dialect) {
  const pg = dialect === 'postgres';
  return {
    id: 'text' as ColumnDataType,
    text: 'text' as ColumnDataType,
    /** Unix milliseconds, counters. */
    bigint: (pg ? 'bigint' : 'integer') as ColumnDataType,
    int: 'integer' as ColumnDataType,
    /** 0/1 on both dialects (better-sqlite3 binds no booleans). */
    bool: (pg ? 'smallint' : 'integer') as ColumnDataType,
    double: (pg ? 'double precision' : 'real') as ColumnDataType,
    json: (pg ? 'jsonb' : 'text') as ColumnDataType,
  };
}
