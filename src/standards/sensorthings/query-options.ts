import type { Expr } from './filter-ast.js';
import { FilterSyntaxError } from './filter-ast.js';
import { NotImplementedError } from './filter-context.js';
import { parseFilter } from './filter-parser.js';

/** System query options of SensorThings 1.1 §9.3 (nested inside $expand with `;`). */
export interface QueryOptions {
  filter?: Expr | undefined;
  orderby: { path: string[]; desc: boolean }[];
  top?: number | undefined;
  skip: number;
  count: boolean;
  select?: string[] | undefined;
  expand: ExpandItem[];
  /** `$resultFormat=dataArray` (Data Array extension). */
  dataArray: boolean;
}
export interface ExpandItem {
  /** The relation to expand (multi-level `A/B` is A with a nested expand of B). */
  relation: string;
  options: QueryOptions;
}

/** A bad query option: 400, naming the option. */
export class QueryOptionError extends Error {
  constructor(
    readonly option: string,
    message: string,
    readonly position?: number,
  ) {
    super(message);
  }
}

const KNOWN = new Set(['$filter', '$orderby', '$top', '$skip', '$count', '$select', '$expand', '$resultFormat']);
const MAX_EXPAND_DEPTH = 5;

export const emptyOptions = (): QueryOptions => ({ orderby: [], skip: 0, count: false, expand: [], dataArray: false });

/** Parses the options of a request (`params` from the URL's query string). */
export function parseOptions(params: [string, string][], depth = 0): QueryOptions {
  if (depth > MAX_EXPAND_DEPTH) throw new QueryOptionError('$expand', `$expand nested deeper than ${MAX_EXPAND_DEPTH}`);
  const o = emptyOptions();
  for (const [name, value] of params) {
    if (!name.startsWith('$')) continue;
    if (!KNOWN.has(name)) throw new NotImplementedError(`query option ${name} is not supported`);
    switch (name) {
      case '$filter':
        try {
          o.filter = parseFilter(value);
        } catch (err) {
          if (err instanceof FilterSyntaxError) throw new QueryOptionError('$filter', err.message, err.position);
          throw err;
        }
        break;
      case '$top':
      case '$skip': {
        if (!/^\d{1,9}$/.test(value.trim())) throw new QueryOptionError(name, `${name} must be a non-negative integer`);
        if (name === '$top') o.top = Number(value);
        else o.skip = Number(value);
        break;
      }
      case '$count':
        // SensorThings 1.1 §9.3.3.5: any other value than true or false is 400.
        if (value !== 'true' && value !== 'false') throw new QueryOptionError('$count', '$count must be true or false');
        o.count = value === 'true';
        break;
      case '$select':
        o.select = splitTop(value, ',').map((s) => s.trim());
        if (o.select.some((s) => !/^[\w@.]+(\/[\w@.]+)*$/.test(s)))
          throw new QueryOptionError('$select', `bad $select '${value}'`);
        break;
      case '$orderby':
        o.orderby = splitTop(value, ',').map((term) => {
          const m = /^\s*([\w@.]+(?:\/[\w@.]+)*)(?:\s+(asc|desc))?\s*$/i.exec(term);
          if (!m) throw new QueryOptionError('$orderby', `bad $orderby term '${term}'`);
          return { path: (m[1] as string).split('/'), desc: (m[2] ?? '').toLowerCase() === 'desc' };
        });
        break;
      case '$expand':
        o.expand = splitTop(value, ',').map((item) => parseExpandItem(item.trim(), depth));
        break;
      case '$resultFormat':
        if (value !== 'dataArray') throw new NotImplementedError(`$resultFormat=${value}`);
        o.dataArray = true;
        break;
    }
  }
  return o;
}

function parseExpandItem(item: string, depth: number): ExpandItem {
  const open = item.indexOf('(');
  const path = (open < 0 ? item : item.slice(0, open)).trim();
  if (!/^\w+(\/\w+)*$/.test(path)) throw new QueryOptionError('$expand', `bad $expand item '${item}'`);
  let options = emptyOptions();
  if (open >= 0) {
    if (!item.endsWith(')')) throw new QueryOptionError('$expand', `unbalanced parentheses in '${item}'`);
    const inner = item.slice(open + 1, -1);
    const params = splitTop(inner, ';').map((p): [string, string] => {
      const eq = p.indexOf('=');
      if (eq < 0) throw new QueryOptionError('$expand', `bad nested option '${p}'`);
      return [p.slice(0, eq).trim(), p.slice(eq + 1)];
    });
    options = parseOptions(params, depth + 1);
  }
  const [first, ...rest] = path.split('/') as [string, ...string[]];
  if (rest.length === 0) return { relation: first, options };
  // A/B/C: expand A, with B/C (carrying the options) expanded inside it.
  return {
    relation: first,
    options: { ...emptyOptions(), expand: [parseExpandItem(`${rest.join('/')}${open >= 0 ? item.slice(open) : ''}`, depth + 1)] },
  };
}

/** Splits on `sep` outside parentheses and quoted strings. */
export function splitTop(text: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'") quoted = !quoted;
    else if (!quoted && c === '(') depth++;
    else if (!quoted && c === ')') depth--;
    else if (!quoted && depth === 0 && c === sep) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.filter((p) => p.trim() !== '');
}
