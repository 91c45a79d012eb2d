import { sql } from 'kysely';
import type { Expr } from './filter-ast.js';
import {
  asDouble,
  asText,
  type Compiled,
  type FilterContext,
  FilterSemanticError,
  NotImplementedError,
  param,
  raw,
  type SqlType,
} from './filter-context.js';
import { compileGeoCall, GEO_FUNCTIONS } from './filter-geo.js';

/** The built-in query functions of SensorThings 1.1 §9.3.3.5.2 (string, date, math, geo). */
export function compileCall(ctx: FilterContext, e: Expr & { k: 'call' }): Compiled {
  const name = e.name;
  if (GEO_FUNCTIONS.has(name)) return compileGeoCall(ctx, e);
  const spec = FUNCTIONS[name];
  if (!spec) throw new FilterSemanticError(`unknown function '${name}'`, e.pos);
  const [min, max] = spec.arity;
  if (e.args.length < min || e.args.length > max)
    throw new FilterSemanticError(`${name} takes ${min === max ? min : `${min} to ${max}`} arguments`, e.pos);
  const args = e.args.map((a) => ctx.compile(a));
  args.forEach((a, i) => {
    const want = spec.args[i] ?? spec.args[spec.args.length - 1];
    if (a.type === 'null') return;
    if (want === 'string' && a.type !== 'string') args[i] = { sql: asText(a, ctx.dialect), type: 'string' };
    if (want === 'number' && a.type !== 'number')
      throw new FilterSemanticError(`${name} expects a number`, (e.args[i] as Expr).pos);
    if (want === 'time' && a.type !== 'time')
      throw new FilterSemanticError(`${name} expects a date and time`, (e.args[i] as Expr).pos);
  });
  return spec.build(ctx, args);
}

type Arg = 'string' | 'number' | 'time';
interface FunctionSpec {
  arity: [number, number];
  args: Arg[];
  build(ctx: FilterContext, a: Compiled[]): Compiled;
}

const at = (a: Compiled[], i: number) => (a[i] as Compiled).sql;
const pg = (ctx: FilterContext) => ctx.dialect === 'postgres';
const num = (s: ReturnType<typeof sql>): Compiled => ({ sql: s, type: 'number' });
const bool = (s: ReturnType<typeof sql>): Compiled => ({ sql: s, type: 'bool' });
const str = (s: ReturnType<typeof sql>): Compiled => ({ sql: s, type: 'string' });

const position = (ctx: FilterContext, hay: Compiled, needle: Compiled) =>
  pg(ctx) ? sql`strpos(${hay.sql}, ${needle.sql})` : sql`instr(${hay.sql}, ${needle.sql})`;

/** A part of a UTC instant stored as Unix ms. */
function datePart(part: 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second'): FunctionSpec {
  const strftime = { year: '%Y', month: '%m', day: '%d', hour: '%H', minute: '%M', second: '%S' }[part];
  return {
    arity: [1, 1],
    args: ['time'],
    build: (ctx, a) =>
      num(
        pg(ctx)
          ? sql`cast(floor(extract(${raw(part)} from to_timestamp(${at(a, 0)} / 1000.0) at time zone 'UTC')) as integer)`
          : sql`cast(strftime(${strftime}, ${at(a, 0)} / 1000.0, 'unixepoch') as integer)`,
      ),
  };
}

const FUNCTIONS: Record<string, FunctionSpec> = {
  substringof: {
    arity: [2, 2],
    args: ['string', 'string'],
    build: (ctx, a) => bool(sql`(${position(ctx, a[1] as Compiled, a[0] as Compiled)} > 0)`),
  },
  endswith: {
    arity: [2, 2],
    args: ['string', 'string'],
    build: (_ctx, a) =>
      bool(
        sql`(length(${at(a, 0)}) >= length(${at(a, 1)}) and substr(${at(a, 0)}, length(${at(a, 0)}) - length(${at(a, 1)}) + 1) = ${at(a, 1)})`,
      ),
  },
  startswith: {
    arity: [2, 2],
    args: ['string', 'string'],
    build: (_ctx, a) => bool(sql`(substr(${at(a, 0)}, 1, length(${at(a, 1)})) = ${at(a, 1)})`),
  },
  length: { arity: [1, 1], args: ['string'], build: (_ctx, a) => num(sql`length(${at(a, 0)})`) },
  indexof: {
    arity: [2, 2],
    args: ['string', 'string'],
    build: (ctx, a) => num(sql`(${position(ctx, a[0] as Compiled, a[1] as Compiled)} - 1)`),
  },
  substring: {
    arity: [2, 3],
    args: ['string', 'number', 'number'],
    build: (ctx, a) => {
      const start = pg(ctx) ? sql`cast(${at(a, 1)} as integer) + 1` : sql`${at(a, 1)} + 1`;
      if (a.length === 2) return str(sql`substr(${at(a, 0)}, ${start})`);
      const len = pg(ctx) ? sql`cast(${at(a, 2)} as integer)` : at(a, 2);
      return str(sql`substr(${at(a, 0)}, ${start}, ${len})`);
    },
  },
  tolower: { arity: [1, 1], args: ['string'], build: (_ctx, a) => str(sql`lower(${at(a, 0)})`) },
  toupper: { arity: [1, 1], args: ['string'], build: (_ctx, a) => str(sql`upper(${at(a, 0)})`) },
  trim: { arity: [1, 1], args: ['string'], build: (_ctx, a) => str(sql`trim(${at(a, 0)})`) },
  concat: { arity: [2, 2], args: ['string', 'string'], build: (_ctx, a) => str(sql`(${at(a, 0)} || ${at(a, 1)})`) },
  year: datePart('year'),
  month: datePart('month'),
  day: datePart('day'),
  hour: datePart('hour'),
  minute: datePart('minute'),
  second: datePart('second'),
  fractionalseconds: {
    arity: [1, 1],
    args: ['time'],
    build: (ctx, a) => num(sql`(${asDouble(ctx.dialect, sql`mod(${at(a, 0)}, 1000)`)} / 1000.0)`),
  },
  date: {
    arity: [1, 1],
    args: ['time'],
    build: (ctx, a) => ({
      sql: pg(ctx)
        ? sql`to_char(to_timestamp(${at(a, 0)} / 1000.0) at time zone 'UTC', 'YYYY-MM-DD')`
        : sql`date(${at(a, 0)} / 1000.0, 'unixepoch')`,
      type: 'date',
    }),
  },
  time: {
    arity: [1, 1],
    args: ['time'],
    build: (ctx, a) => ({
      sql: pg(ctx)
        ? sql`to_char(to_timestamp(${at(a, 0)} / 1000.0) at time zone 'UTC', 'HH24:MI:SS')`
        : sql`time(${at(a, 0)} / 1000.0, 'unixepoch')`,
      type: 'tod',
    }),
  },
  // Polder stores instants in UTC.
  totaloffsetminutes: { arity: [1, 1], args: ['time'], build: () => num(sql`0`) },
  now: { arity: [0, 0], args: [], build: (ctx) => ({ sql: param(ctx.dialect, ctx.now, 'time'), type: 'time' }) },
  mindatetime: { arity: [0, 0], args: [], build: (ctx) => timeLit(ctx, -62135596800000) },
  maxdatetime: { arity: [0, 0], args: [], build: (ctx) => timeLit(ctx, 253402300799999) },
  // Half away from zero on both: PostgreSQL's round(double precision) rounds half to even.
  round: {
    arity: [1, 1],
    args: ['number'],
    build: (ctx, a) =>
      num(pg(ctx) ? sql`cast(round(cast(${at(a, 0)} as numeric)) as double precision)` : sql`round(${at(a, 0)})`),
  },
  floor: { arity: [1, 1], args: ['number'], build: (_ctx, a) => num(sql`floor(${at(a, 0)})`) },
  ceiling: {
    arity: [1, 1],
    args: ['number'],
    build: (ctx, a) => num(pg(ctx) ? sql`ceiling(${at(a, 0)})` : sql`ceil(${at(a, 0)})`),
  },
};

const timeLit = (ctx: FilterContext, ms: number): Compiled => ({ sql: param(ctx.dialect, ms, 'time'), type: 'time' });

export const FUNCTION_NAMES = new Set([...Object.keys(FUNCTIONS), ...GEO_FUNCTIONS]);

/** Arithmetic (add sub mul div mod) on numbers; div is never integer division. */
export function arithmetic(ctx: FilterContext, op: string, l: Compiled, r: Compiled, pos: number): Compiled {
  const ok = (t: SqlType) => t === 'number' || t === 'null' || t === 'time';
  if (!ok(l.type) || !ok(r.type)) throw new FilterSemanticError(`'${op}' needs numbers`, pos);
  const type = l.type === 'time' || r.type === 'time' ? 'time' : 'number';
  switch (op) {
    case 'add':
      return { sql: sql`(${l.sql} + ${r.sql})`, type };
    case 'sub':
      return { sql: sql`(${l.sql} - ${r.sql})`, type: l.type === 'time' && r.type === 'time' ? 'number' : type };
    case 'mul':
      return num(sql`(${l.sql} * ${r.sql})`);
    case 'div':
      return num(sql`(${asDouble(ctx.dialect, l.sql)} / nullif(${r.sql}, 0))`);
    case 'mod':
      return num(
        pg(ctx)
          ? sql`cast(mod(cast(${l.sql} as numeric), cast(nullif(${r.sql}, 0) as numeric)) as double precision)`
          : sql`mod(${l.sql}, nullif(${r.sql}, 0))`,
      );
    default:
      throw new NotImplementedError(`operator ${op}`);
  }
}
