import { type RawBuilder, sql } from 'kysely';
import type { Dialect } from '../../db/dialect.js';
import type { Expr } from './filter-ast.js';
import type { Geometry } from './geometry.js';

/** The type of a compiled operand, which decides casts and comparison rules. */
export type SqlType = 'string' | 'number' | 'time' | 'bool' | 'null' | 'point' | 'geo' | 'json' | 'date' | 'tod';

export interface Compiled {
  sql: RawBuilder<unknown>;
  type: SqlType;
  /** `point`: the y column (sql is x). */
  y?: RawBuilder<unknown>;
  /** `geo`: the literal geometry. */
  geometry?: Geometry;
  /** `json` on PostgreSQL: the jsonb path as text[] literal; on SQLite sql is json_extract already. */
  jsonPath?: string[];
  jsonCol?: RawBuilder<unknown>;
}

/** Something the request asks that this server does not do: 501 (SensorThings 1.1 §9.3.3). */
export class NotImplementedError extends Error {}

/** A well-formed filter that makes no sense (unknown property, wrong argument types): 400. */
export class FilterSemanticError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`$filter: ${message} at position ${position}`);
  }
}

export interface FilterContext {
  dialect: Dialect;
  /** Unix ms of now(). */
  now: number;
  compile(e: Expr): Compiled;
}

export const raw = (s: string) => sql.raw(s);

/** A literal as a typed SQL parameter (PostgreSQL cannot infer the type of a bare parameter in a function). */
export function param(dialect: Dialect, value: string | number | boolean, type: 'string' | 'number' | 'time' | 'bool') {
  if (dialect === 'sqlite') return type === 'bool' ? raw(value ? '1' : '0') : sql`${value}`;
  if (type === 'string') return sql`cast(${value} as text)`;
  if (type === 'time') return sql`cast(${value} as bigint)`;
  if (type === 'bool') return raw(value ? 'true' : 'false');
  return sql`cast(${value} as double precision)`;
}

/** A value as text; SQLite would write 4.0 as '4.0' where PostgreSQL writes '4'. */
export const asText = (c: Compiled, dialect: Dialect) =>
  c.type === 'string'
    ? c.sql
    : dialect === 'sqlite' && c.type === 'number'
      ? sql`printf('%.15g', ${c.sql})`
      : sql`cast(${c.sql} as text)`;
export const asDouble = (dialect: Dialect, s: RawBuilder<unknown>) =>
  dialect === 'postgres' ? sql`cast(${s} as double precision)` : sql`cast(${s} as real)`;
