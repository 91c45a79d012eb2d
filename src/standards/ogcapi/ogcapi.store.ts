import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Dialect } from '../../db/dialect.js';
import type { Schema } from '../../db/schema.js';
import { invalid } from '../../shared/errors.js';
import { decodeCursor, encodeCursor, toPage } from '../../shared/page.js';
import type {
  BBox,
  Collection,
  CqlExpr,
  CqlOperand,
  Extent,
  FeaturePage,
  FeatureRecord,
  FeatureStore,
  Interval,
  ItemsQuery,
} from './ogcapi.js';
import { deviceLat, deviceLon, firstTimeOf, latestOf, type Row, type Source, sourceOf } from './ogcapi-sources.js';

type Sql = RawBuilder<unknown>;
const and = (parts: Sql[]) => (parts.length === 0 ? sql`1 = 1` : sql`(${sql.join(parts, sql` and `)})`);

/** §7.15.3: points inside the box; features without a place match any bbox. */
function bboxCondition(src: Source, b: BBox): Sql {
  const lon =
    b.minLon <= b.maxLon
      ? sql`${src.lon} between ${b.minLon} and ${b.maxLon}`
      : sql`(${src.lon} >= ${b.minLon} or ${src.lon} <= ${b.maxLon})`; // across the antimeridian
  return sql`(${src.lon} is null or ${src.lat} is null or (${src.lat} between ${b.minLat} and ${b.maxLat} and ${lon}))`;
}

/** §7.15.4: times inside the interval; features without temporal information match any datetime. */
function datetimeCondition(src: Source, i: Interval): Sql | undefined {
  if (!src.time) return undefined;
  const bounds: Sql[] = [];
  if (i.from !== null) bounds.push(sql`${src.time} >= ${i.from}`);
  if (i.to !== null) bounds.push(sql`${src.time} <= ${i.to}`);
  return sql`(${src.time} is null or ${and(bounds)})`;
}

/** Query-string values as the column stores them: booleans are 0/1, integers numbers. */
function bound(name: string, value: string | number | boolean): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (name === 'enabled') return value === 'true' || value === '1' ? 1 : 0;
  if (name === 'datastream') return Number(value);
  return value;
}

/**
 * CQL2 `LIKE` is case-sensitive, `%` any run, `_` one character, a backslash escapes the next one.
 * PostgreSQL's LIKE is exactly that (its default escape is the backslash); SQLite's LIKE ignores ASCII case, so there the
 * pattern becomes a GLOB (`*`, `?`, literal `*?[` in brackets), which is case-sensitive.
 */
export function likePattern(pattern: string, dialect: Dialect): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '\\' && i + 1 < pattern.length) {
      const next = pattern[++i] as string;
      out += dialect === 'postgres' ? (next === '%' || next === '_' || next === '\\' ? `\\${next}` : next) : glob(next);
    } else if (c === '%') out += dialect === 'postgres' ? '%' : '*';
    else if (c === '_') out += dialect === 'postgres' ? '_' : '?';
    else out += dialect === 'postgres' ? (c === '\\' ? '\\\\' : c) : glob(c);
  }
  return out;
}
const glob = (c: string) => (c === '*' || c === '?' || c === '[' ? `[${c}]` : c);

function cqlCondition(src: Source, e: CqlExpr, dialect: Dialect): Sql {
  switch (e.op) {
    case 'and':
    case 'or':
      return sql`(${sql.join(
        e.args.map((a) => cqlCondition(src, a, dialect)),
        e.op === 'and' ? sql` and ` : sql` or `,
      )})`;
    case 'not':
      return sql`(not ${cqlCondition(src, e.arg, dialect)})`;
    case 'isNull':
      return sql`(${src.columns[e.property] as Sql} is null)`;
    case 'like':
      return dialect === 'postgres'
        ? sql`(${src.columns[e.property] as Sql} like ${likePattern(e.pattern, dialect)})`
        : sql`(${src.columns[e.property] as Sql} glob ${likePattern(e.pattern, dialect)})`;
    case 'between':
      return sql`(${src.columns[e.property] as Sql} between ${bound(e.property, e.low)} and ${bound(e.property, e.high)})`;
    case 'in':
      return sql`(${src.columns[e.property] as Sql} in (${sql.join(e.values.map((v) => bound(e.property, v)))}))`;
    case 'sIntersects':
      return sql`(${src.lon} is not null and ${src.lat} is not null and ${bboxCondition(src, e.box)})`;
    default: {
      const side = (o: CqlOperand) => ('property' in o ? (src.columns[o.property] as Sql) : sql`${bound('', o.value)}`);
      return sql`(${side(e.left)} ${sql.raw(e.op)} ${side(e.right)})`;
    }
  }
}

function conditions(src: Source, q: ItemsQuery, dialect: Dialect): Sql[] {
  const where = [...src.scope];
  if (q.bbox) where.push(bboxCondition(src, q.bbox));
  const dt = q.datetime && datetimeCondition(src, q.datetime);
  if (dt) where.push(dt);
  for (const [name, values] of q.filters) {
    const column = src.columns[name];
    if (column)
      where.push(
        sql`${column} in (${sql.join(
          values.map((v) => bound(name, v)),
          sql`, `,
        )})`,
      );
  }
  if (q.cql) where.push(cqlCondition(src, q.cql, dialect));
  return where;
}

const isBefore = (cursor: unknown[]): cursor is [{ before: unknown[] }] => {
  const first = cursor[0] as { before?: unknown } | undefined;
  return cursor.length === 1 && typeof first === 'object' && first !== null && Array.isArray(first.before);
};

/** The storage port over Kysely: one SQL statement per page (and one for the count), on both dialects. */
export class KyselyFeatureStore implements FeatureStore {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly dialect: Dialect,
  ) {}

  private async rows(query: Sql): Promise<Row[]> {
    return (await query.execute(this.db)).rows as Row[];
  }

  async observedProperties(orgId: string): Promise<string[]> {
    const rows = await this.rows(
      sql`select distinct observed_property as p from datastreams where org_id = ${orgId} order by observed_property`,
    );
    return rows.map((r) => String(r.p));
  }

  async hasObservedProperty(orgId: string, property: string): Promise<boolean> {
    const rows = await this.rows(
      sql`select 1 as one from datastreams where org_id = ${orgId} and observed_property = ${property} limit 1`,
    );
    return rows.length > 0;
  }

  async items(orgId: string, c: Collection, q: ItemsQuery): Promise<FeaturePage> {
    const src = sourceOf(orgId, c, this.dialect);
    const where = conditions(src, q, this.dialect);
    const paged = [...where];
    const cursor = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
    // A `prev` cursor is [{"before": key}]: the page that ends just before that key.
    const before = cursor && isBefore(cursor) ? cursor[0].before : undefined;
    const after = before ? undefined : cursor;
    const position = before ?? after;
    if (position && position.length !== src.keys.length) throw invalid('cursor', 'cursor does not fit this collection');
    // A row-value comparison (all sort keys ascend): both databases seek the index to it.
    const keys = sql.join(src.keys.map((k) => sql.ref(k.column)));
    if (after) paged.push(sql`(${keys}) > (${sql.join(after)})`);
    if (before) paged.push(sql`(${keys}) < (${sql.join(before)})`);
    const order = before ? sql.join(src.keys.map((k) => sql`${sql.ref(k.column)} desc`)) : keys;
    const rows = await this.rows(
      sql`select ${src.select} from ${src.from} where ${and(paged)} order by ${order} limit ${q.limit + 1}`,
    );
    let page: { items: FeatureRecord[]; next: string | null };
    let prev: string | null = null;
    if (before) {
      const kept = rows.slice(0, q.limit).reverse();
      const [first, last] = [kept[0], kept[kept.length - 1]];
      page = { items: kept.map(src.feature), next: last ? encodeCursor(src.keyOf(last)) : null };
      if (rows.length > q.limit && first) prev = encodeCursor([{ before: src.keyOf(first) }]);
    } else {
      page = toPage(rows, q.limit, src.keyOf, src.feature);
      if (after && rows[0]) prev = encodeCursor([{ before: src.keyOf(rows[0]) }]);
    }
    if (c.kind === 'devices') await this.addLatestValues(orgId, page.items);
    let numberMatched: number | undefined;
    if (c.counted) {
      const [counted] = await this.rows(sql`select count(*) as n from ${src.from} where ${and(where)}`);
      numberMatched = Number(counted?.n ?? 0);
    }
    return { features: page.items, next: page.next, prev, numberMatched };
  }

  async item(orgId: string, c: Collection, featureId: string): Promise<FeatureRecord | undefined> {
    const src = sourceOf(orgId, c, this.dialect);
    const byId = src.byId(featureId);
    if (!byId) return undefined;
    const [row] = await this.rows(sql`select ${src.select} from ${src.from} where ${and([...src.scope, byId])} limit 1`);
    if (!row) return undefined;
    const feature = src.feature(row);
    if (c.kind === 'devices') await this.addLatestValues(orgId, [feature]);
    return feature;
  }

  /**
   * Each device's latest value per observed property, as properties named after the property
   * (the newest of its datastreams when several measure it); names of fixed properties are kept.
   */
  private async addLatestValues(orgId: string, features: FeatureRecord[]) {
    if (features.length === 0) return;
    const byCode = new Map(features.map((f) => [f.id, f]));
    const rows = await this.rows(
      sql`select d.code, ds.observed_property, ${latestOf(this.dialect, 'time', sql`ds.id`)} as time, ${latestOf(this.dialect, 'value', sql`ds.id`)} as value
        from datastreams ds join devices d on d.id = ds.device_id
        where ds.org_id = ${orgId} and d.code in (${sql.join([...byCode.keys()])})
        order by d.code, ds.observed_property, ds.id`,
    );
    const seen = new Map<string, number>();
    for (const r of rows) {
      const f = byCode.get(String(r.code));
      const name = String(r.observed_property);
      if (!f || r.time == null) continue;
      const key = `${r.code}\u0000${name}`;
      if (name in f.properties && !seen.has(key)) continue;
      if ((seen.get(key) ?? -Infinity) >= Number(r.time)) continue;
      seen.set(key, Number(r.time));
      f.properties[name] = Number(r.value);
    }
  }

  async extent(orgId: string, c: Collection): Promise<Extent> {
    let row: Row | undefined;
    if (c.kind === 'measurements') {
      // Per datastream by its primary key: never a scan of the hot table.
      const from = sql`datastreams ds join devices d on d.id = ds.device_id left join sites s on s.id = d.site_id`;
      [row] = await this.rows(
        sql`select min(${deviceLon}) as x0, min(${deviceLat}) as y0, max(${deviceLon}) as x1, max(${deviceLat}) as y1,
          min(${firstTimeOf(this.dialect, sql`ds.id`)}) as t0, max(${latestOf(this.dialect, 'time', sql`ds.id`)}) as t1
          from ${from} where ds.org_id = ${orgId}`,
      );
    } else {
      const src = sourceOf(orgId, c, this.dialect);
      const time = src.time ?? sql`cast(null as bigint)`;
      [row] = await this.rows(
        sql`select min(${src.lon}) as x0, min(${src.lat}) as y0, max(${src.lon}) as x1, max(${src.lat}) as y1,
          min(${time}) as t0, max(${time}) as t1 from ${src.from} where ${and(src.scope)}`,
      );
    }
    const n = (v: unknown) => (v == null ? null : Number(v));
    const [x0, y0, x1, y1] = [n(row?.x0), n(row?.y0), n(row?.x1), n(row?.y1)];
    const [t0, t1] = [n(row?.t0), n(row?.t1)];
    return {
      bbox: x0 === null || y0 === null || x1 === null || y1 === null ? null : [x0, y0, x1, y1],
      interval: t0 === null && t1 === null ? null : [t0, t1],
    };
  }
}
