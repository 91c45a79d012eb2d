/**
 * CQL2 in its text encoding (OGC API – Features Part 3, OGC 21-065): Basic CQL2 — comparisons
 * (`=`, `<>`, `<`, `<=`, `>`, `>=`) of queryables and literals (at least one side a queryable,
 * both of one type), `IS [NOT] NULL`, `AND`, `OR`, `NOT`, parentheses — plus the advanced
 * comparison operators (`[NOT] LIKE`, `[NOT] BETWEEN … AND …`, `[NOT] IN (…)`) and the basic
 * spatial function `S_INTERSECTS(geometry, BBOX(…) | ENVELOPE(…) | POINT(x y))`. The queryables
 * are the collection's property filters and `geometry`. A recursive-descent parser over tokens;
 * input length and nesting are bounded.
 */
import { invalid } from '../../shared/errors.js';
import type { CqlExpr, CqlOperand, FilterDef } from './ogcapi.js';

const MAX_LENGTH = 4000;
const MAX_DEPTH = 32;

type Token =
  | { kind: 'ident'; text: string; pos: number }
  | { kind: 'string'; text: string; pos: number }
  | { kind: 'number'; value: number; pos: number }
  | { kind: 'op' | 'paren'; text: string; pos: number }
  | { kind: 'end'; pos: number };

const fail = (pos: number, message: string) =>
  invalid('filter', `filter: ${message} at position ${pos + 1}`, { position: pos + 1 });

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    if (/\s/.test(c)) i++;
    else if (c === '(' || c === ')' || c === ',') out.push({ kind: 'paren', text: c, pos: i++ });
    else if (c === "'") {
      let text = '';
      const start = i++;
      for (;;) {
        if (i >= src.length) throw fail(start, 'unterminated string');
        if (src[i] === "'" && src[i + 1] === "'") {
          text += "'";
          i += 2;
        } else if (src[i] === "'") break;
        else text += src[i++];
      }
      i++;
      out.push({ kind: 'string', text, pos: start });
    } else if (c === '"') {
      const end = src.indexOf('"', i + 1);
      if (end < 0) throw fail(i, 'unterminated quoted property name');
      out.push({ kind: 'ident', text: src.slice(i + 1, end), pos: i });
      i = end + 1;
    } else {
      const m = /^(<>|<=|>=|=|<|>)|^(-?\d+(\.\d+)?([eE][+-]?\d+)?)|^([A-Za-z_][A-Za-z0-9_.:-]*)/.exec(src.slice(i));
      if (!m) throw fail(i, `unexpected ${JSON.stringify(c)}`);
      if (m[1]) out.push({ kind: 'op', text: m[1], pos: i });
      else if (m[2]) out.push({ kind: 'number', value: Number(m[2]), pos: i });
      else out.push({ kind: 'ident', text: m[5] as string, pos: i });
      i += m[0].length;
    }
  }
  out.push({ kind: 'end', pos: src.length });
  return out;
}

/** Parses `text` into an expression on `queryables`, or a 400 naming the position of the fault. */
export function parseCql2Text(text: string, queryables: FilterDef[]): CqlExpr {
  if (text.length > MAX_LENGTH) throw invalid('filter', `filter is longer than ${MAX_LENGTH} characters`);
  const tokens = tokenize(text);
  let at = 0;
  const peek = () => tokens[at] as Token;
  const keyword = (word: string) => {
    const t = peek();
    if (t.kind !== 'ident' || t.text.toUpperCase() !== word) return false;
    at++;
    return true;
  };

  const orExpr = (depth: number): CqlExpr => {
    if (depth > MAX_DEPTH) throw fail(peek().pos, 'too deeply nested');
    const args = [andExpr(depth)];
    while (keyword('OR')) args.push(andExpr(depth));
    return args.length === 1 ? (args[0] as CqlExpr) : { op: 'or', args };
  };
  const andExpr = (depth: number): CqlExpr => {
    const args = [notExpr(depth)];
    while (keyword('AND')) args.push(notExpr(depth));
    return args.length === 1 ? (args[0] as CqlExpr) : { op: 'and', args };
  };
  const notExpr = (depth: number): CqlExpr => (keyword('NOT') ? { op: 'not', arg: notExpr(depth + 1) } : primary(depth));
  const expectPunct = (text: string) => {
    const t = peek();
    if (t.kind !== 'paren' || t.text !== text) throw fail(t.pos, `expected ${text}`);
    at++;
  };
  const number = (): number => {
    const t = peek();
    if (t.kind !== 'number') throw fail(t.pos, 'expected a number');
    at++;
    return t.value;
  };
  /** S_INTERSECTS(geometry, BBOX(minx, miny, maxx, maxy) | ENVELOPE(…) | POINT(x y)), CRS84. */
  const spatial = (): CqlExpr => {
    expectPunct('(');
    const g = peek();
    if (!(g.kind === 'ident' && g.text === 'geometry')) throw fail(g.pos, 'S_INTERSECTS compares the property geometry');
    at++;
    expectPunct(',');
    const shape = peek();
    const name = shape.kind === 'ident' ? shape.text.toUpperCase() : '';
    at++;
    let box: { minLon: number; minLat: number; maxLon: number; maxLat: number };
    if (name === 'BBOX' || name === 'ENVELOPE') {
      expectPunct('(');
      const n = [number()];
      for (let k = 0; k < 3; k++) {
        expectPunct(',');
        n.push(number());
      }
      expectPunct(')');
      // ENVELOPE is (minx, maxx, maxy, miny) in CQL2 text (OGC 21-065 §7.13); BBOX (minx, miny, maxx, maxy).
      const [a, b, c, d] = n as [number, number, number, number];
      box = name === 'BBOX' ? { minLon: a, minLat: b, maxLon: c, maxLat: d } : { minLon: a, minLat: d, maxLon: b, maxLat: c };
    } else if (name === 'POINT') {
      expectPunct('(');
      const [x, y] = [number(), number()];
      expectPunct(')');
      box = { minLon: x, minLat: y, maxLon: x, maxLat: y };
    } else throw fail(shape.pos, 'expected BBOX(…), ENVELOPE(…) or POINT(x y)');
    expectPunct(')');
    if (box.minLat > box.maxLat || [box.minLat, box.maxLat].some((v) => Math.abs(v) > 90))
      throw fail(shape.pos, 'latitudes out of order or out of range');
    if ([box.minLon, box.maxLon].some((v) => Math.abs(v) > 180)) throw fail(shape.pos, 'longitude out of range');
    return { op: 'sIntersects', box };
  };
  const primary = (depth: number): CqlExpr => {
    const t = peek();
    if (t.kind === 'ident' && t.text.toUpperCase() === 'S_INTERSECTS' && tokens[at + 1]?.kind === 'paren') {
      at++;
      return spatial();
    }
    if (t.kind === 'paren' && t.text === '(') {
      at++;
      const inner = orExpr(depth + 1);
      const close = peek();
      if (close.kind !== 'paren' || close.text !== ')') throw fail(close.pos, 'expected )');
      at++;
      return inner;
    }
    return comparison();
  };
  /** A queryable or a literal; either side of a comparison (Basic CQL2 scalar expressions). */
  const operand = (): { operand: CqlOperand; def?: FilterDef; pos: number } => {
    const t = peek();
    at++;
    if (t.kind === 'ident' && /^(true|false)$/i.test(t.text))
      return { operand: { value: t.text.toLowerCase() === 'true' }, pos: t.pos };
    if (t.kind === 'ident') {
      const def = queryables.find((q) => q.name === t.text);
      if (!def) throw fail(t.pos, `unknown property ${t.text} (queryables: ${queryables.map((q) => q.name).join(', ')})`);
      return { operand: { property: def.name }, def, pos: t.pos };
    }
    if (t.kind === 'string') return { operand: { value: t.text }, pos: t.pos };
    if (t.kind === 'number') return { operand: { value: t.value }, pos: t.pos };
    throw fail(t.pos, 'expected a property name or a literal');
  };
  const typeOf = (o: { operand: CqlOperand; def?: FilterDef }) => {
    if (o.def) return o.def.type;
    const v = (o.operand as { value: unknown }).value;
    return typeof v === 'number' ? 'integer' : typeof v === 'boolean' ? 'boolean' : 'string';
  };
  const comparison = (): CqlExpr => {
    const left = operand();
    const advanced = advancedComparison(left);
    if (advanced) return advanced;
    if (keyword('IS')) {
      const negate = keyword('NOT');
      if (!keyword('NULL')) throw fail(peek().pos, 'expected NULL');
      if (!('property' in left.operand)) throw fail(left.pos, 'IS NULL needs a property');
      const e: CqlExpr = { op: 'isNull', property: left.operand.property };
      return negate ? { op: 'not', arg: e } : e;
    }
    const op = peek();
    if (op.kind !== 'op') throw fail(op.pos, 'expected a comparison operator');
    at++;
    const right = operand();
    if (!left.def && !right.def) throw fail(left.pos, 'a comparison needs a property on one side');
    if (typeOf(left) !== typeOf(right))
      throw fail(right.pos, `expected a ${typeOf(left)} on the right of ${op.text}, got a ${typeOf(right)}`);
    return { op: op.text as '=', left: left.operand, right: right.operand };
  };

  /** `[NOT] LIKE 'p'`, `[NOT] BETWEEN a AND b`, `[NOT] IN (a, b)` after a queryable; undefined when none follows. */
  const advancedComparison = (left: { operand: CqlOperand; def?: FilterDef; pos: number }): CqlExpr | undefined => {
    const save = at;
    const negate = keyword('NOT');
    const word = peek();
    const op = word.kind === 'ident' ? word.text.toUpperCase() : '';
    if (op !== 'LIKE' && op !== 'BETWEEN' && op !== 'IN') {
      at = save;
      return undefined;
    }
    at++;
    if (!('property' in left.operand) || !left.def) throw fail(left.pos, `${op} needs a property on its left`);
    const property = left.operand.property;
    const type = left.def.type;
    const literal = (): string | number | boolean => {
      const t = peek();
      const v = operand();
      if ('property' in v.operand) throw fail(t.pos, `${op} takes literals`);
      if (typeOf(v) !== type) throw fail(t.pos, `expected a ${type}, got a ${typeOf(v)}`);
      return v.operand.value;
    };
    let e: CqlExpr;
    if (op === 'LIKE') {
      if (type !== 'string') throw fail(word.pos, 'LIKE compares text');
      e = { op: 'like', property, pattern: String(literal()) };
    } else if (op === 'BETWEEN') {
      if (type === 'boolean') throw fail(word.pos, 'BETWEEN compares numbers or text');
      const low = literal() as string | number;
      if (!keyword('AND')) throw fail(peek().pos, 'expected AND');
      e = { op: 'between', property, low, high: literal() as string | number };
    } else {
      expectPunct('(');
      const values = [literal()];
      while (peek().kind === 'paren' && (peek() as { text: string }).text === ',') {
        at++;
        values.push(literal());
      }
      expectPunct(')');
      e = { op: 'in', property, values };
    }
    return negate ? { op: 'not', arg: e } : e;
  };

  const expr = orExpr(0);
  const rest = peek();
  if (rest.kind !== 'end') throw fail(rest.pos, 'unexpected input');
  return expr;
}
