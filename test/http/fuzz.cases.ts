/**
 * Hostile input for test/http/fuzz.test.ts: values for JSON fields, query parameters and path
 * parameters, and a sampler that makes a plausible body from a route's JSON Schema (so that a
 * mutated field reaches the service, not only the schema check).
 */

/** The parts of a JSON Schema (as the OpenAPI document spells it) the sampler reads. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  format?: string;
  minimum?: number;
  minItems?: number;
  additionalProperties?: boolean | JsonSchema;
  content?: Record<string, { schema?: JsonSchema }>;
}

const DEPTH = 5_000;
export const DEEP_ARRAY = '['.repeat(DEPTH) + ']'.repeat(DEPTH);
export const DEEP_OBJECT = `${'{"a":'.repeat(DEPTH)}1${'}'.repeat(DEPTH)}`;

/** Raw JSON text put in place of one field of a body. */
export const HOSTILE_JSON: Record<string, string> = {
  'nested 5000 arrays': DEEP_ARRAY,
  'nested 5000 objects': DEEP_OBJECT,
  '1e400': '1e400',
  'huge integer': '123456789012345678901234567890',
  '-1': '-1',
  'overlong string': JSON.stringify('x'.repeat(70_000)),
  'NUL character': '"a\\u0000b"',
  'lone surrogate': '"a\\ud800b"',
  '"Infinity"': '"Infinity"',
  'bad date': '"2026-13-45T99:99:99Z"',
  true: 'true',
  null: 'null',
  'empty array': '[]',
  'empty object': '{}',
};

/**
 * What can break only in storage (PostgreSQL refuses NUL and lone surrogates in text, integers
 * past 64 bits, impossible dates): the cases run on every dialect; the others on SQLite only.
 */
export const STORAGE_CASES = new Set([
  'NUL character',
  'NUL',
  'lone surrogate',
  'huge integer',
  'overlong string',
  'overlong',
  'bad date',
  '-1',
  'bad uuid',
  'nil uuid',
  'uuid of nothing',
  'empty object',
]);

/** The cases fields below the top level meet (the top-level fields meet them all). */
export const NESTED_CASES = new Set([
  'nested 5000 objects',
  '"Infinity"',
  'NUL character',
  'lone surrogate',
  'huge integer',
  'overlong string',
  'null',
]);

/** Whole bodies: [label, content-type, text]. */
export const HOSTILE_BODIES: [string, string, string][] = [
  ['empty object', 'application/json', '{}'],
  ['nested 5000 arrays', 'application/json', DEEP_ARRAY],
  ['nested 5000 objects', 'application/json', DEEP_OBJECT],
  ['invalid JSON', 'application/json', '{"a":'],
  ['empty body', 'application/json', ''],
  ['null', 'application/json', 'null'],
  ['array', 'application/json', '[]'],
  ['string', 'application/json', '"x"'],
  ['1e400', 'application/json', '1e400'],
  ['prototype poisoning', 'application/json', '{"__proto__":{"polluted":1}}'],
  ['constructor poisoning', 'application/json', '{"constructor":{"prototype":{"polluted":1}}}'],
  ['text/plain', 'text/plain', '{}'],
  ['form', 'application/x-www-form-urlencoded', 'a=1&a=2'],
  ['unknown content type', 'application/x-fuzz', '\u0000\u0001'],
  ['2 MB', 'application/json', JSON.stringify({ x: 'x'.repeat(2 * 1024 * 1024) })],
];

/** Query parameter values, already URL-encoded. */
export const HOSTILE_QUERY: Record<string, string> = {
  Infinity: 'Infinity',
  '-Infinity': '-Infinity',
  '1e400': '1e400',
  NaN: 'NaN',
  '-1': '-1',
  '0': '0',
  'huge integer': '123456789012345678901234567890',
  '1.5': '1.5',
  empty: '',
  overlong: 'x'.repeat(3_000),
  'bad uuid': 'not-a-uuid',
  'bad date': '2026-13-45T99%3A99%3A99Z',
  NUL: 'a%00b',
  'lone surrogate': 'a%ED%A0%80b',
  'bad percent-encoding': '%E0%A4%A',
  'deep JSON': encodeURIComponent(`${'{"a":'.repeat(3_000)}1${'}'.repeat(3_000)}`),
  'JSON array': encodeURIComponent('[1,2]'),
  'comma list': '1,2,3,4,5,6,7,8,9',
};

/** Path parameter values, already URL-encoded (the valid id is tried too). */
export const HOSTILE_PATH: Record<string, string> = {
  'bad uuid': 'not-a-uuid',
  'nil uuid': '00000000-0000-0000-0000-000000000000',
  'uuid of nothing': '01890000-0000-7000-8000-000000000000',
  'overlong (over maxParamLength)': 'x'.repeat(150),
  'bad percent-encoding': '%E0%A4%A',
  NUL: 'a%00b',
  'lone surrogate': 'a%ED%A0%80b',
  'dot segments': '..%2F..%2Fetc',
  emoji: '%F0%9F%92%A5',
  Infinity: 'Infinity',
  '1e400': '1e400',
  '-1': '-1',
};

let counter = 0;
/** A name unique in this run that fits the slug and code patterns. */
export const unique = () => `fz${Date.now().toString(36)}${(counter++).toString(36)}`;

/** A value that the schema accepts, as far as a schema can tell: required fields only. */
export function sample(schema: JsonSchema | undefined): unknown {
  if (!schema) return {};
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  if (schema.default !== undefined) return schema.default;
  if (schema.anyOf) return sample(schema.anyOf.find((s) => s.type !== 'null') ?? schema.anyOf[0]);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string':
      if (schema.format === 'date-time') return '2026-01-01T00:00:00.000Z';
      if (schema.format === 'email') return 'fuzz@example.org';
      if (schema.format === 'uri') return 'http://127.0.0.1:9/fuzz';
      return unique();
    case 'integer':
    case 'number':
      return Math.max(schema.minimum ?? 1, 1);
    case 'boolean':
      return true;
    case 'array':
      return schema.minItems ? [sample(schema.items)] : [];
    case 'null':
      return null;
    default: {
      const out: Record<string, unknown> = {};
      for (const key of schema.required ?? []) out[key] = sample(schema.properties?.[key]);
      return out;
    }
  }
}

/** Paths into a body to mutate: every property, and the properties of objects one level down. */
export function fieldPaths(schema: JsonSchema | undefined, prefix: string[] = [], depth = 0): string[][] {
  const props = schema?.anyOf ? schema.anyOf.find((s) => s.properties)?.properties : schema?.properties;
  if (!props) return [];
  return Object.entries(props).flatMap(([key, child]) => {
    const here = [...prefix, key];
    const inner = child.type === 'array' && child.items ? child.items : child;
    const below = depth < 1 ? fieldPaths(inner, inner === child ? here : [...here, '0'], depth + 1) : [];
    return [here, ...below];
  });
}

const MARK = 'FZ-MARK-8c1d';

/** `base` as JSON text with the value at `path` replaced by raw JSON text (arrays and objects made on the way). */
export function withField(base: unknown, path: string[], raw: string): string {
  const root: unknown = structuredClone(base ?? {});
  let node = root as Record<string, unknown>;
  path.forEach((key, i) => {
    if (i === path.length - 1) node[key] = MARK;
    else {
      if (node[key] === null || typeof node[key] !== 'object') node[key] = /^\d+$/.test(path[i + 1] ?? '') ? [] : {};
      node = node[key] as Record<string, unknown>;
    }
  });
  return JSON.stringify(root).replace(`"${MARK}"`, () => raw);
}
