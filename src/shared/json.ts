import { invalid } from './errors.js';

/**
 * JSON columns are `jsonb` on PostgreSQL (the driver parses them) and `text` on SQLite (we
 * parse them): reading goes through one function so the two look the same to the domain.
 */
export function fromJsonColumn<T = unknown>(value: unknown, fallback: T): T {
  if (value == null) return fallback;
  if (typeof value === 'string') return JSON.parse(value) as T;
  return value as T;
}

export const toJsonColumn = (value: unknown): string => JSON.stringify(value ?? null);

/**
 * The deepest nesting Polder accepts in any JSON it is given (request bodies, JSON in query
 * parameters and CSV cells): deeper documents would overflow the stack of whatever walks them
 * next (JSON.stringify, schema validation, the database's JSON functions).
 */
export const MAX_JSON_DEPTH = 64;

/**
 * The path to the first object or array nested more than `max` levels deep, or undefined.
 * Iterative, so any depth is safe to check.
 */
export function tooDeepAt(value: unknown, max = MAX_JSON_DEPTH): string[] | undefined {
  const stack: { value: unknown; path: string[] }[] = [{ value, path: [] }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    if (item.value === null || typeof item.value !== 'object') continue;
    if (item.path.length >= max) return item.path;
    for (const [key, child] of Object.entries(item.value)) stack.push({ value: child, path: [...item.path, key] });
  }
  return undefined;
}

/** `body.settings`: the field too deep a value is in, as a client names it. */
export function depthError(field: string, path: string[], max = MAX_JSON_DEPTH) {
  const at = [field, ...path.slice(0, 1)].join('.');
  return invalid(at, `${at}: JSON nested deeper than ${max} levels`, { maxDepth: max });
}

/** NUL, or a surrogate that is not half of a pair: text PostgreSQL cannot store, refused at the HTTP edge. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what is refused
export const MALFORMED_TEXT = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
