/**
 * The little geometry SensorThings filters need without a GIS extension: WKT literals
 * (POINT, LINESTRING, POLYGON with holes) parsed to GeoJSON, bounding boxes, and exact tests
 * for the point geometries Polder stores (a place is a longitude/latitude).
 */

export type Position = [number, number];
export type Geometry =
  | { type: 'Point'; coordinates: Position }
  | { type: 'LineString'; coordinates: Position[] }
  | { type: 'Polygon'; coordinates: Position[][] };

export interface BBox {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

export class WktError extends Error {}

const MAX_POSITIONS = 10_000;

/** `POINT(1 2)`, `LINESTRING(0 0, 1 1)`, `POLYGON((0 0, 1 0, 1 1, 0 0))` (SRID=… prefix ignored). */
export function parseWkt(text: string): Geometry {
  const body = text.trim().replace(/^SRID=\d+;/i, '');
  const m = /^(POINT|LINESTRING|POLYGON)\s*(?:Z\s*)?\((.*)\)$/is.exec(body);
  if (!m) throw new WktError(`unsupported WKT '${text.slice(0, 40)}' (POINT, LINESTRING or POLYGON)`);
  const kind = (m[1] as string).toUpperCase();
  const inner = m[2] as string;
  if (kind === 'POINT') {
    const pts = positions(inner);
    if (pts.length !== 1) throw new WktError('a POINT has one position');
    return { type: 'Point', coordinates: pts[0] as Position };
  }
  if (kind === 'LINESTRING') {
    const pts = positions(inner);
    if (pts.length < 2) throw new WktError('a LINESTRING has at least two positions');
    return { type: 'LineString', coordinates: pts };
  }
  const rings = [...inner.matchAll(/\(([^()]*)\)/g)].map((r) => positions(r[1] as string));
  if (rings.length === 0 || inner.replace(/\([^()]*\)/g, '').replace(/[\s,]/g, '') !== '')
    throw new WktError('a POLYGON is a list of rings: POLYGON((x y, …))');
  for (const ring of rings) if (ring.length < 4) throw new WktError('a polygon ring has at least four positions');
  return { type: 'Polygon', coordinates: rings };
}

function positions(list: string): Position[] {
  const parts = list.split(',');
  if (parts.length > MAX_POSITIONS) throw new WktError(`more than ${MAX_POSITIONS} positions`);
  return parts.map((p) => {
    const nums = p.trim().split(/\s+/).map(Number);
    if (nums.length < 2 || nums.length > 3 || nums.some((n) => !Number.isFinite(n)))
      throw new WktError(`bad position '${p.trim()}'`);
    return [nums[0], nums[1]] as Position;
  });
}

export function allPositions(g: Geometry): Position[] {
  if (g.type === 'Point') return [g.coordinates];
  if (g.type === 'LineString') return g.coordinates;
  return g.coordinates.flat();
}

export function bboxOf(g: Geometry): BBox {
  const pts = allPositions(g);
  return {
    minX: Math.min(...pts.map((p) => p[0])),
    minY: Math.min(...pts.map((p) => p[1])),
    maxX: Math.max(...pts.map((p) => p[0])),
    maxY: Math.max(...pts.map((p) => p[1])),
  };
}

/** The segments of a geometry's boundary (a point has none). */
export function segmentsOf(g: Geometry): [Position, Position][] {
  const lines = g.type === 'Point' ? [] : g.type === 'LineString' ? [g.coordinates] : g.coordinates;
  return lines.flatMap((line) => line.slice(1).map((p, i) => [line[i] as Position, p] as [Position, Position]));
}
