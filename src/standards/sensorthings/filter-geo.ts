import { type RawBuilder, sql } from 'kysely';
import type { Expr } from './filter-ast.js';
import { type Compiled, type FilterContext, FilterSemanticError, NotImplementedError, raw } from './filter-context.js';
import { bboxOf, type Geometry, type Position, parseWkt, segmentsOf, WktError } from './geometry.js';

/**
 * Geospatial functions without a GIS extension. Polder's geometries are points (a place's
 * longitude/latitude), so every test is a point against a literal geometry: a bounding-box
 * test in SQL narrows the rows (and can use an index), then an exact test — ray casting for
 * polygons, collinearity for boundaries — runs in the same SQL on those rows. Distances are
 * planar, in the coordinates' units (degrees), as FROST-Server does for geometry.
 */

export const GEO_FUNCTIONS = new Set([
  'geo.distance',
  'geo.length',
  'geo.intersects',
  'st_equals',
  'st_disjoint',
  'st_touches',
  'st_within',
  'st_overlaps',
  'st_crosses',
  'st_intersects',
  'st_contains',
  'st_relate',
]);

interface PointSql {
  x: RawBuilder<unknown>;
  y: RawBuilder<unknown>;
}

// Parenthesised: `y - -5` would start an SQL comment.
const n = (v: number) => raw(`(${String(v)})`);
const bool = (s: RawBuilder<unknown>): Compiled => ({ sql: s, type: 'bool' });

export function literalGeometry(e: Expr & { k: 'geo' }): Geometry {
  try {
    return parseWkt(e.wkt);
  } catch (err) {
    if (err instanceof WktError) throw new FilterSemanticError(err.message, e.pos);
    throw err;
  }
}

function inBox(p: PointSql, g: Geometry): RawBuilder<unknown> {
  const b = bboxOf(g);
  return sql`(${p.x} between ${n(b.minX)} and ${n(b.maxX)} and ${p.y} between ${n(b.minY)} and ${n(b.maxY)})`;
}

/** Ray casting over every ring: an odd number of crossings is inside (holes subtract themselves). */
function insidePolygon(p: PointSql, g: Geometry & { type: 'Polygon' }): RawBuilder<unknown> {
  const terms = segmentsOf(g)
    .filter(([a, b]) => a[1] !== b[1])
    .map(
      ([[x1, y1], [x2, y2]]) =>
        sql`case when ((${n(y1)} > ${p.y}) <> (${n(y2)} > ${p.y})) and (${p.x} < ${n((x2 - x1) / (y2 - y1))} * (${p.y} - ${n(y1)}) + ${n(x1)}) then 1 else 0 end`,
    );
  if (terms.length === 0) return raw('(1 = 0)');
  return sql`(${inBox(p, g)} and mod(${sql.join(terms, sql` + `)}, 2) = 1)`;
}

const EPS = 1e-9;
function onSegment(p: PointSql, [x1, y1]: Position, [x2, y2]: Position): RawBuilder<unknown> {
  return sql`(abs(${n(x2 - x1)} * (${p.y} - ${n(y1)}) - ${n(y2 - y1)} * (${p.x} - ${n(x1)})) <= ${n(EPS)}
    and ${p.x} between ${n(Math.min(x1, x2) - EPS)} and ${n(Math.max(x1, x2) + EPS)}
    and ${p.y} between ${n(Math.min(y1, y2) - EPS)} and ${n(Math.max(y1, y2) + EPS)})`;
}

function onBoundary(p: PointSql, g: Geometry): RawBuilder<unknown> {
  const segs = segmentsOf(g);
  if (segs.length === 0) return raw('(1 = 0)');
  return sql`(${inBox(p, g)} and (${sql.join(
    segs.map(([a, b]) => onSegment(p, a, b)),
    sql` or `,
  )}))`;
}

function equalsPoint(p: PointSql, g: Geometry): RawBuilder<unknown> {
  if (g.type !== 'Point') return raw('(1 = 0)');
  return sql`(${p.x} = ${n(g.coordinates[0])} and ${p.y} = ${n(g.coordinates[1])})`;
}

function intersects(p: PointSql, g: Geometry): RawBuilder<unknown> {
  if (g.type === 'Point') return equalsPoint(p, g);
  if (g.type === 'LineString') return onBoundary(p, g);
  return sql`(${insidePolygon(p, g)} or ${onBoundary(p, g)})`;
}

/** The operands of a binary spatial function: one point column and one literal. */
function operands(ctx: FilterContext, e: Expr & { k: 'call' }): { p: PointSql; g: Geometry; swapped: boolean } {
  if (e.args.length !== 2) throw new FilterSemanticError(`${e.name} takes 2 arguments`, e.pos);
  const [a, b] = e.args.map((x) => ctx.compile(x)) as [Compiled, Compiled];
  const point = (c: Compiled) => (c.type === 'point' && c.y ? { x: c.sql, y: c.y } : undefined);
  if (point(a) && b.geometry) return { p: point(a) as PointSql, g: b.geometry, swapped: false };
  if (point(b) && a.geometry) return { p: point(b) as PointSql, g: a.geometry, swapped: true };
  throw new NotImplementedError(
    `${e.name} between these operands (one location/feature and one geography literal are supported)`,
  );
}

export function compileGeoCall(ctx: FilterContext, e: Expr & { k: 'call' }): Compiled {
  switch (e.name) {
    case 'geo.length': {
      if (e.args.length !== 1) throw new FilterSemanticError('geo.length takes 1 argument', e.pos);
      const a = ctx.compile(e.args[0] as Expr);
      if (a.type === 'point') return { sql: sql`(case when ${a.sql} is null then null else 0 end)`, type: 'number' };
      if (a.geometry) return { sql: n(lengthOf(a.geometry)), type: 'number' };
      throw new FilterSemanticError('geo.length expects a geometry', e.pos);
    }
    case 'geo.distance': {
      const { p, g } = operands(ctx, e);
      if (g.type !== 'Point') throw new NotImplementedError('geo.distance to a non-point literal');
      const [gx, gy] = g.coordinates;
      return {
        sql: sql`sqrt((${p.x} - ${n(gx)}) * (${p.x} - ${n(gx)}) + (${p.y} - ${n(gy)}) * (${p.y} - ${n(gy)}))`,
        type: 'number',
      };
    }
    case 'geo.intersects':
    case 'st_intersects':
      return bool(intersects(operands(ctx, e).p, operands(ctx, e).g));
    case 'st_disjoint': {
      const { p, g } = operands(ctx, e);
      return bool(sql`not ${intersects(p, g)}`);
    }
    case 'st_equals': {
      const { p, g } = operands(ctx, e);
      return bool(equalsPoint(p, g));
    }
    case 'st_within':
    case 'st_contains': {
      const { p, g, swapped } = operands(ctx, e);
      // within(point, g) and contains(g, point) are the same test; a point contains only itself.
      const pointInside = (e.name === 'st_within') !== swapped;
      if (!pointInside) return bool(equalsPoint(p, g));
      if (g.type === 'Point') return bool(equalsPoint(p, g));
      if (g.type === 'LineString') return bool(sql`(${onBoundary(p, g)})`);
      return bool(insidePolygon(p, g));
    }
    case 'st_touches': {
      const { p, g } = operands(ctx, e);
      return bool(g.type === 'Point' ? raw('(1 = 0)') : onBoundary(p, g));
    }
    case 'st_overlaps':
    case 'st_crosses':
      // A point never overlaps nor crosses anything (OGC SFA dimension rules).
      operands(ctx, e);
      return bool(raw('(1 = 0)'));
    default:
      throw new NotImplementedError(`${e.name}`);
  }
}

function lengthOf(g: Geometry): number {
  if (g.type !== 'LineString') return 0;
  return segmentsOf(g).reduce((sum, [a, b]) => sum + Math.hypot(b[0] - a[0], b[1] - a[1]), 0);
}
