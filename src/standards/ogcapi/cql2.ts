/**
 * Basic CQL2 in its text encoding (OGC API – Features Part 3, OGC 21-065 "Basic CQL2"):
 * comparisons of a queryable with a literal (`=`, `<>`, `<`, `<=`, `>`, `>=`), `IS [NOT] NULL`,
 * `AND`, `OR`, `NOT` and parentheses. The queryables are the collection's property filters.
 * A recursive-descent parser over tokens; input length and nesting are bounded.
 */
import { invalid } from '../../shared/errors.js';
import type { CqlExpr, FilterDef } from './ogcapi.js';

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
    else if (c === '(' || c === ')') out.push({ kind: 'paren', text: c, pos: i++ });
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
  const primary = (depth: number): CqlExpr => {
    const t = peek();
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
  const comparison = (): CqlExpr => {
    const t = peek();
    if (t.kind !== 'ident') throw fail(t.pos, 'expected a property name');
    const def = queryables.find((q) => q.name === t.text);
    if (!def) throw fail(t.pos, `unknown property ${t.text} (queryables: ${queryables.map((q) => q.name).join(', ')})`);
    at++;
    if (keyword('IS')) {
      const negate = keyword('NOT');
      if (!keyword('NULL')) throw fail(peek().pos, 'expected NULL');
      const e: CqlExpr = { op: 'isNull', property: def.name };
      return negate ? { op: 'not', arg: e } : e;
    }
    const op = peek();
    if (op.kind !== 'op') throw fail(op.pos, 'expected a comparison operator');
    at++;
    return { op: op.text as '=', property: def.name, value: literal(def) };
  };
  const literal = (def: FilterDef): string | number | boolean => {
    const t = peek();
    at++;
    if (def.type === 'boolean' && t.kind === 'ident' && /^(true|false)$/i.test(t.text)) return t.text.toLowerCase() === 'true';
    if (def.type === 'integer' && t.kind === 'number') return t.value;
    if (def.type === 'string' && t.kind === 'string') return t.text;
    throw fail(t.pos, `expected a ${def.type} literal for ${def.name}`);
  };

  const expr = orExpr(0);
  const rest = peek();
  if (rest.kind !== 'end') throw fail(rest.pos, 'unexpected input');
  return expr;
}
