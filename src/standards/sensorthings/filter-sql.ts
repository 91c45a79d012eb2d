import { type RawBuilder, sql } from 'kysely';
import type { Dialect } from '../../db/dialect.js';
import { type EntitySet, type PropDef, type RelationDef, SETS } from './entities.js';
import type { ComparisonOp, Expr } from './filter-ast.js';
import {
  asText,
  type Compiled,
  type FilterContext,
  FilterSemanticError,
  NotImplementedError,
  param,
  raw,
  type SqlType,
} from './filter-context.js';
import { arithmetic, compileCall } from './filter-functions.js';
import { literalGeometry } from './filter-geo.js';
import { parseDateTime } from './filter-parser.js';
import { QueryOptionError } from './query-options.js';

/** A path through a to-many relation: the comparison around it becomes EXISTS over these rows. */
interface Chain {
  from: RawBuilder<unknown>;
}

const OPS: Record<ComparisonOp, string> = { eq: '=', ne: '<>', gt: '>', ge: '>=', lt: '<', le: '<=' };

/** Shared between the compilers of one statement, so aliases never clash. */
export class Aliases {
  private n = 0;
  next(): string {
    return `t${++this.n}`;
  }
}

/**
 * Compiles `$filter` trees and `$orderby` paths of one entity set to SQL over its SELECT
 * (aliased `alias`). Nothing is evaluated in memory: relations become correlated subqueries
 * (to-one) or EXISTS (to-many, "any" semantics).
 */
export class SqlCompiler implements FilterContext {
  private pending: Chain | undefined;

  constructor(
    readonly dialect: Dialect,
    readonly now: number,
    private readonly orgId: string,
    private readonly set: EntitySet,
    private readonly alias: string,
    private readonly aliases: Aliases,
  ) {}

  /** The WHERE condition of a filter. */
  where(e: Expr): RawBuilder<unknown> {
    const c = this.boolean(() => this.compile(e));
    if (c.type === 'json') return this.jsonAs(c, 'bool').sql;
    if (c.type !== 'bool' && c.type !== 'null') throw new FilterSemanticError('the filter is not a condition', e.pos);
    return c.sql;
  }

  /** An ORDER BY term for a property path (to-one relations only), with SensorThings' null order (§9.3.3.4). */
  orderTerm(segments: string[], desc: boolean): RawBuilder<unknown> {
    const c = this.compile({ k: 'path', segments, pos: 0 });
    if (this.pending) throw new NotImplementedError('$orderby through a to-many relation');
    if (c.type === 'point' || c.type === 'geo') throw new QueryOptionError('$orderby', 'cannot order by a geometry');
    const expr = c.type === 'json' ? this.jsonAs(c, 'string').sql : c.sql;
    // Nulls first ascending, last descending; a column that is never null gets no clause, so its index gives the order.
    const nulls = segments.length === 1 && this.propOf(this.set, segments)?.notNull ? '' : desc ? ' nulls last' : ' nulls first';
    return sql`${expr} ${raw(`${desc ? 'desc' : 'asc'}${nulls}`)}`;
  }

  compile(e: Expr): Compiled {
    switch (e.k) {
      case 'string':
        return { sql: param(this.dialect, e.value, 'string'), type: 'string' };
      case 'number':
        return { sql: param(this.dialect, e.value, 'number'), type: 'number' };
      case 'bool':
        return { sql: param(this.dialect, e.value, 'bool'), type: 'bool' };
      case 'null':
        return { sql: raw('null'), type: 'null' };
      case 'time':
        return { sql: param(this.dialect, e.value, 'time'), type: 'time' };
      case 'geo':
        return { sql: raw('null'), type: 'geo', geometry: literalGeometry(e) };
      case 'path':
        return this.path(e.segments, e.pos);
      case 'neg': {
        const c = this.compile(e.operand);
        if (c.type !== 'number') throw new FilterSemanticError("'-' needs a number", e.pos);
        return { sql: sql`(- ${c.sql})`, type: 'number' };
      }
      case 'not':
        return this.boolean(() => ({ sql: sql`(not ${this.condition(e.operand)})`, type: 'bool' }));
      case 'call':
        return this.boolean(() => compileCall(this, e));
      case 'binary': {
        if (e.op === 'and' || e.op === 'or')
          return { sql: sql`(${this.condition(e.left)} ${raw(e.op)} ${this.condition(e.right)})`, type: 'bool' };
        if (e.op in OPS) return this.boolean(() => this.compare(e.op as ComparisonOp, e.left, e.right, e.pos));
        return arithmetic(this, e.op, this.value(e.left), this.value(e.right), e.pos);
      }
    }
  }

  private value(e: Expr): Compiled {
    const c = this.compile(e);
    return c.type === 'json' ? this.jsonAs(c, 'number') : c;
  }

  private condition(e: Expr): RawBuilder<unknown> {
    const c = this.boolean(() => this.compile(e));
    if (c.type === 'bool' || c.type === 'null') return c.sql;
    if (c.type === 'json') return this.jsonAs(c, 'bool').sql;
    throw new FilterSemanticError('expected a condition', e.pos);
  }

  /** Runs a boolean-valued compile; a to-many path inside becomes EXISTS around it. */
  private boolean(f: () => Compiled): Compiled {
    const outer = this.pending;
    this.pending = undefined;
    let c: Compiled;
    try {
      c = f();
    } catch (err) {
      this.pending = outer;
      throw err;
    }
    const chain = this.pending as Chain | undefined;
    this.pending = outer;
    if (!chain) return c;
    if (c.type === 'bool') return { sql: sql`exists (select 1 from ${chain.from} and (${c.sql}))`, type: 'bool' };
    // A value (not a condition) keeps its to-many path for the comparison around it.
    if (outer) throw new NotImplementedError('two to-many paths in one comparison');
    this.pending = chain;
    return c;
  }

  private compare(op: ComparisonOp, le: Expr, re: Expr, pos: number): Compiled {
    let l = this.compile(le);
    let r = this.compile(re);
    if (l.type === 'null' || r.type === 'null') {
      const other = l.type === 'null' ? r : l;
      if (op !== 'eq' && op !== 'ne') return { sql: raw('null'), type: 'bool' };
      const s = other.type === 'json' ? this.jsonAs(other, 'string').sql : other.sql;
      return { sql: sql`(${s} ${raw(op === 'eq' ? 'is null' : 'is not null')})`, type: 'bool' };
    }
    if (l.type === 'point' || r.type === 'point' || l.type === 'geo' || r.type === 'geo')
      throw new FilterSemanticError('geometries are compared with st_equals, not eq', pos);
    if (l.type === 'json') l = this.jsonAs(l, r.type === 'json' ? 'string' : r.type);
    if (r.type === 'json') r = this.jsonAs(r, l.type);
    [l, r] = this.coerce(l, r, le, re, pos);
    [r, l] = this.coerce(r, l, re, le, pos);
    return { sql: sql`(${l.sql} ${raw(OPS[op])} ${r.sql})`, type: 'bool' };
  }

  /** Makes `b` comparable with `a` (b converted), following what FROST-Server and the OGC tests expect. */
  private coerce(a: Compiled, b: Compiled, _ae: Expr, be: Expr, pos: number): [Compiled, Compiled] {
    if (a.type === b.type) return [a, b];
    if (a.type === 'time' && b.type === 'string') {
      const ms = be.k === 'string' ? parseDateTime(be.value) : undefined;
      if (ms === undefined) throw new FilterSemanticError('a date and time is compared with a string that is not one', pos);
      return [a, { sql: param(this.dialect, ms, 'time'), type: 'time' }];
    }
    if ((a.type === 'date' || a.type === 'tod') && b.type === 'time' && be.k === 'time') {
      const text = new Date(be.value).toISOString();
      return [
        a,
        { sql: param(this.dialect, a.type === 'date' ? text.slice(0, 10) : text.slice(11, 19), 'string'), type: a.type },
      ];
    }
    if ((a.type === 'date' || a.type === 'tod') && b.type === 'string') return [a, { ...b, type: a.type }];
    // SensorThings compares a number with a string literal as strings (ets-sta10 checkQueriesPriorityOrdering).
    if (a.type === 'string' && (b.type === 'number' || b.type === 'bool'))
      return [a, { sql: asText(b, this.dialect), type: 'string' }];
    if (a.type === 'number' && b.type === 'bool' && this.dialect === 'sqlite') return [a, { ...b, type: 'number' }];
    if (a.type === 'time' && b.type === 'number') return [a, { ...b, type: 'time' }];
    if (b.type === 'string' || b.type === 'number' || b.type === 'time' || b.type === 'bool') return [a, b];
    throw new FilterSemanticError(`cannot compare ${a.type} with ${b.type}`, pos);
  }

  /** A JSON value (a `properties/…` path) as the type it is compared with. */
  private jsonAs(c: Compiled, as: SqlType): Compiled {
    if (this.dialect === 'sqlite') return { sql: c.sql, type: as === 'number' ? 'number' : as === 'bool' ? 'bool' : 'string' };
    const col = c.jsonCol as RawBuilder<unknown>;
    const path = sql`array[${sql.join((c.jsonPath ?? []).map((k) => sql`cast(${k} as text)`))}]`;
    if (as === 'number')
      return {
        sql: sql`(case when jsonb_typeof(${col} #> ${path}) = 'number' then cast(${col} #>> ${path} as double precision) end)`,
        type: 'number',
      };
    if (as === 'bool')
      return {
        sql: sql`(case when jsonb_typeof(${col} #> ${path}) = 'boolean' then cast(${col} #>> ${path} as boolean) end)`,
        type: 'bool',
      };
    return { sql: sql`(${col} #>> ${path})`, type: 'string' };
  }

  private path(segments: string[], pos: number): Compiled {
    let set = this.set;
    let alias = this.alias;
    let i = 0;
    const hops: { alias: string; parentAlias: string; rel: RelationDef }[] = [];
    for (; i < segments.length; i++) {
      const rel = set.relations[segments[i] as string];
      if (!rel) break;
      const a = this.aliases.next();
      hops.push({ alias: a, parentAlias: alias, rel });
      set = SETS[rel.target];
      alias = a;
    }
    const rest = segments.slice(i);
    if (rest.length === 0) throw new FilterSemanticError(`'${segments.join('/')}' is an entity, not a value`, pos);
    const column = this.column(set, alias, rest, pos);
    if (hops.length === 0) return column;
    const first = hops[0] as (typeof hops)[number];
    const prop = this.propOf(set, rest);
    // Datastream/id on an Observation is its own datastream column: no subquery.
    if (hops.length === 1 && !first.rel.many && prop?.col === first.rel.childCol && prop.type !== 'point')
      return { ...column, sql: raw(`${this.alias}.${first.rel.parentCol}`) };
    let from = sql`(${SETS[first.rel.target].base(this.orgId)}) ${raw(first.alias)}`;
    for (let h = 1; h < hops.length; h++) {
      const hop = hops[h] as (typeof hops)[number];
      from = sql`${from} join (${SETS[hop.rel.target].base(this.orgId)}) ${raw(hop.alias)}
        on ${raw(`${hop.alias}.${hop.rel.childCol} = ${hop.parentAlias}.${hop.rel.parentCol}`)}`;
    }
    from = sql`${from} where ${raw(`${first.alias}.${first.rel.childCol} = ${this.alias}.${first.rel.parentCol}`)}`;
    if (hops.some((h) => h.rel.many)) {
      if (this.pending) throw new NotImplementedError('two to-many paths in one comparison');
      this.pending = { from };
      return column;
    }
    const scalar = (s: RawBuilder<unknown>) => sql`(select ${s} from ${from} limit 1)`;
    return {
      ...column,
      sql: scalar(column.sql),
      ...(column.y && { y: scalar(column.y) }),
      ...(column.jsonCol && { jsonCol: scalar(column.jsonCol) }),
    };
  }

  private propOf(set: EntitySet, rest: string[]): PropDef | undefined {
    const name = rest.join('/');
    if (name === '@iot.id') return set.props.id;
    return set.props[name];
  }

  private column(set: EntitySet, alias: string, rest: string[], pos: number): Compiled {
    const prop = this.propOf(set, rest);
    if (prop) {
      if (prop.type === 'point') return { sql: raw(`${alias}.x`), y: raw(`${alias}.y`), type: 'point' };
      if (prop.type === 'json') return { sql: raw(`${alias}.${prop.col}`), type: 'string' };
      return { sql: raw(`${alias}.${prop.col}`), type: prop.type };
    }
    const head = rest[0] as string;
    const json = set.props[head];
    if (json?.type === 'json' && rest.length > 1) {
      const keys = rest.slice(1);
      const col = raw(`${alias}.${json.col}`);
      if (this.dialect === 'sqlite') {
        const jsonPath = `$${keys.map((k) => `."${k.replace(/"/g, '')}"`).join('')}`;
        return { sql: sql`json_extract(${col}, ${jsonPath})`, type: 'json' };
      }
      return { sql: col, type: 'json', jsonCol: col, jsonPath: keys };
    }
    throw new FilterSemanticError(`${set.singular} has no property '${rest.join('/')}'`, pos);
  }
}
