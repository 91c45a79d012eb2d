import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Dialect } from '../../db/dialect.js';
import type { Schema } from '../../db/schema.js';
import { type EntitySet, type ObservationTables, type Row, SETS } from './entities.js';
import { NotImplementedError } from './filter-context.js';
import { Aliases, SqlCompiler } from './filter-sql.js';
import { DEVICE_PLACE } from './places.js';
import { emptyOptions, QueryOptionError, type QueryOptions } from './query-options.js';

/** Rows per page when the client gives no $top, and the most a page may hold. */
export const DEFAULT_TOP = 100;
export const MAX_TOP = 10_000;

/** Equality constraints on columns of a set's SELECT (a navigation from a parent, a key). */
export type Constraint = { col: string; value: unknown }[];

export interface Page {
  rows: Row[];
  /** More rows follow this page (an @iot.nextLink is due). */
  more: boolean;
  count?: number | undefined;
}

/** A rendered entity: what goes into the JSON answer. */
export type Entity = Record<string, unknown>;

export interface Scope {
  orgId: string;
  now: number;
  /** `https://host/sta/v1.1`: selfLinks are absolute. */
  base: string;
}

const quoteId = (id: string | number) => (typeof id === 'number' ? String(id) : `'${id.replace(/'/g, "''")}'`);
export const selfLink = (base: string, set: EntitySet, id: string | number) => `${base}/${set.name}(${quoteId(id)})`;

/**
 * Reads entity sets with their query options, all in SQL: filter, count, order, skip and top
 * happen in the database; only the page's rows come back. Expansions read each parent's
 * related rows with the nested options.
 */
export class StaReader {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly dialect: Dialect,
  ) {}

  async one(scope: Scope, set: EntitySet, constraint: Constraint): Promise<Row | undefined> {
    const page = await this.page(scope, set, constraint, { ...emptyOptions(), top: 1 });
    return page.rows[0];
  }

  async page(scope: Scope, set: EntitySet, constraint: Constraint, o: QueryOptions): Promise<Page> {
    const aliases = new Aliases();
    const alias = 't0';
    const compiler = new SqlCompiler(this.dialect, scope.now, scope.orgId, set, alias, aliases);
    const conditions: RawBuilder<unknown>[] = constraint.map((c) => sql`${sql.raw(`${alias}.${c.col}`)} = ${c.value}`);
    if (o.filter) conditions.push(compiler.where(o.filter));
    const where = conditions.length > 0 ? sql`where ${sql.join(conditions, sql` and `)}` : sql``;
    const tables = set.name === 'Observations' ? await this.observationTables(scope.orgId, constraint) : undefined;
    const from = sql`(${set.base(scope.orgId, tables)}) ${sql.raw(alias)}`;
    const top = Math.min(o.top ?? DEFAULT_TOP, MAX_TOP);
    const order = [
      ...o.orderby.map((term) => compiler.orderTerm(term.path, term.desc)),
      // Then the key, for a stable order across pages; a key already ordered by is left out
      // (PostgreSQL would not use the index for `time desc, ds_id, time`).
      ...set.order
        .filter((col) => !o.orderby.some((t) => t.path.length === 1 && set.props[t.path[0] as string]?.col === col))
        .map((col) => sql.raw(`${alias}.${col}`)),
    ];
    const query = sql<Row>`select ${sql.raw(alias)}.* from ${from} ${where}
      order by ${sql.join(order)} limit ${top + 1} offset ${o.skip}`;
    const result = await query.execute(this.db);
    const rows = result.rows.slice(0, top);
    let count: number | undefined;
    if (o.count) {
      const c = await sql<{ n: number }>`select count(*) as n from ${from} ${where}`.execute(this.db);
      count = Number(c.rows[0]?.n ?? 0);
    }
    return { rows, more: result.rows.length > top, count };
  }

  /**
   * Which tables hold the Observations asked for: one datastream's kind, else whether the
   * organisation has any non-numeric datastream at all (most have none: no UNION needed).
   */
  private async observationTables(orgId: string, constraint: Constraint): Promise<ObservationTables> {
    const ds = Number(constraint.find((c) => c.col === 'ds_id')?.value ?? Number.NaN);
    if (Number.isSafeInteger(ds)) {
      const found = await sql<{ k: string; foi: string | null }>`select ds.value_kind as k, ${DEVICE_PLACE} as foi
        from datastreams ds join devices d on d.id = ds.device_id where ds.id = ${ds} and ds.org_id = ${orgId}`.execute(this.db);
      const row = found.rows[0];
      // Another organisation's datastream: the joined SELECT finds nothing, as for any foreign row.
      if (!row) return 'numbers';
      return { datastream: ds, table: row.k === 'number' ? 'numbers' : 'values', foi: row.foi ?? null };
    }
    const other = await sql`select 1 as one from datastreams where org_id = ${orgId} and value_kind <> 'number' limit 1`.execute(
      this.db,
    );
    return other.rows.length > 0 ? 'both' : 'numbers';
  }

  /** Renders a row with control information, $select and $expand applied. */
  async render(scope: Scope, set: EntitySet, row: Row, o: QueryOptions): Promise<Entity> {
    const out = this.renderOwn(scope, set, row, o);
    if (o.expand.length > 0) await this.expand(scope, set, row, o, out);
    return out;
  }

  /** Control information and properties ($select applied), without expansions. */
  renderOwn(scope: Scope, set: EntitySet, row: Row, o: QueryOptions): Entity {
    const id = set.idOf(row);
    const self = selfLink(scope.base, set, id);
    const all: Entity = { '@iot.id': id, '@iot.selfLink': self, ...set.toEntity(row) };
    for (const rel of Object.keys(set.relations)) all[`${rel}@iot.navigationLink`] = `${self}/${rel}`;
    let out: Entity = all;
    if (o.select) {
      out = {};
      for (const name of o.select) {
        const key = name === 'id' ? '@iot.id' : name === 'selfLink' ? '@iot.selfLink' : name;
        if (set.relations[key]) out[`${key}@iot.navigationLink`] = all[`${key}@iot.navigationLink`];
        else if (key in all) out[key] = all[key];
        else if (!(set.props[key] || key.startsWith('@iot.')))
          throw new QueryOptionError('$select', `${set.singular} has no property '${name}'`);
      }
    }
    return out;
  }

  private async expand(scope: Scope, set: EntitySet, row: Row, o: QueryOptions, out: Entity): Promise<void> {
    const self = selfLink(scope.base, set, set.idOf(row));
    for (const item of o.expand) {
      const rel = set.relations[item.relation];
      if (!rel) throw new QueryOptionError('$expand', `${set.singular} has no relation '${item.relation}'`);
      const target = SETS[rel.target];
      const parentValue = row[rel.parentCol];
      if (!rel.many) {
        const child =
          parentValue == null ? undefined : await this.one(scope, target, [{ col: rel.childCol, value: parentValue }]);
        out[item.relation] = child ? await this.render(scope, target, child, item.options) : null;
        continue;
      }
      const page =
        parentValue == null
          ? { rows: [], more: false, count: item.options.count ? 0 : undefined }
          : await this.page(scope, target, [{ col: rel.childCol, value: parentValue }], item.options);
      if (page.count !== undefined) out[`${item.relation}@iot.count`] = page.count;
      out[item.relation] = await Promise.all(page.rows.map((r) => this.render(scope, target, r, item.options)));
      if (page.more) {
        const top = Math.min(item.options.top ?? DEFAULT_TOP, MAX_TOP);
        out[`${item.relation}@iot.nextLink`] = `${self}/${item.relation}?$top=${top}&$skip=${item.options.skip + top}`;
      }
    }
  }
}

export function checkExpandable(set: EntitySet, o: QueryOptions): void {
  if (o.dataArray && set.name !== 'Observations')
    throw new NotImplementedError('$resultFormat=dataArray on other than Observations');
}
