import type { ValueError } from '@sinclair/typebox/errors';
import { ValueErrorType } from '@sinclair/typebox/errors';

/**
 * The one way a schema validation error (Ajv's, from Fastify or a user's JSON Schema, or
 * TypeBox's, from Polder's own shapes) becomes what a client sees: `details.field` naming the
 * value at fault and `details.rule` the JSON Schema keyword it broke.
 */
export interface Problem {
  /** Property names and array indexes from the validated value's root to the value at fault. */
  path: string[];
  /** The JSON Schema keyword that failed (`required`, `maximum`, `type` …). */
  rule: string;
  /** The validator's own words (`must be <= 100`). */
  message: string;
  /** For `const` and `enum`: the values the schema allows. */
  allowed?: unknown[];
}

/** The part of Ajv's ErrorObject read here (Fastify's validation errors have the same shape). */
export interface AjvError {
  keyword: string;
  instancePath: string;
  params?: Record<string, unknown> | undefined;
  message?: string | undefined;
}

const unescapeSegment = (segment: string) => segment.replaceAll('~1', '/').replaceAll('~0', '~');
const segments = (pointer: string) => pointer.split('/').slice(1).map(unescapeSegment);

function fromAjv(e: AjvError): Problem {
  const path = segments(e.instancePath);
  // `required` and `additionalProperties` fail on the parent object: point at the property itself.
  const prop = e.params?.missingProperty ?? e.params?.additionalProperty;
  if (typeof prop === 'string') path.push(prop);
  const problem: Problem = { path, rule: e.keyword, message: e.message ?? 'is invalid' };
  if (e.keyword === 'const') problem.allowed = [e.params?.allowedValue];
  if (e.keyword === 'enum' && Array.isArray(e.params?.allowedValues)) problem.allowed = e.params.allowedValues;
  return problem;
}

/** TypeBox names its errors by type; these are the keywords they stand for. */
const RULE_OF_TYPEBOX: Partial<Record<ValueErrorType, string>> = {
  [ValueErrorType.ObjectRequiredProperty]: 'required',
  [ValueErrorType.ObjectAdditionalProperties]: 'additionalProperties',
  [ValueErrorType.IntersectUnevaluatedProperties]: 'unevaluatedProperties',
  [ValueErrorType.Union]: 'anyOf',
  [ValueErrorType.Literal]: 'const',
  [ValueErrorType.Not]: 'not',
  [ValueErrorType.StringFormat]: 'format',
  [ValueErrorType.StringFormatUnknown]: 'format',
  [ValueErrorType.RegExp]: 'pattern',
  [ValueErrorType.TupleLength]: 'items',
};

/** `NumberMaximum` → `maximum`, `ArrayMinItems` → `minItems`, `String` → `type`. */
function ruleOfTypeBox(type: ValueErrorType): string {
  const known = RULE_OF_TYPEBOX[type];
  if (known) return known;
  const name = ValueErrorType[type] ?? 'type';
  const rest = name.replace(/^(Array|BigInt|Date|Integer|Number|Object|String|Uint8Array)(?=[A-Z])/, '');
  if (rest === name) return 'type';
  return (
    rest.charAt(0).toLowerCase() +
    rest
      .slice(1)
      .replace(/Timestamp$/, '')
      .replace(/ByteLength$/, 'Length')
  );
}

function fromTypeBox(e: ValueError): Problem {
  // TypeBox's path already names the missing or extra property.
  const problem: Problem = { path: segments(e.path), rule: ruleOfTypeBox(e.type), message: e.message };
  if (e.type === ValueErrorType.Literal) problem.allowed = [e.schema.const];
  const variants =
    e.type === ValueErrorType.Union && Array.isArray(e.schema.anyOf) ? (e.schema.anyOf as { const?: unknown }[]) : [];
  if (variants.length > 0 && variants.every((v) => v.const !== undefined)) problem.allowed = variants.map((v) => v.const);
  return problem;
}

const isAjv = (e: AjvError | ValueError): e is AjvError => 'instancePath' in e;

/** Every error as a Problem, in the validator's order. */
export function problemsOf(errors: Iterable<AjvError | ValueError> | null | undefined): Problem[] {
  const problems = [...(errors ?? [])].map((e) => (isAjv(e) ? fromAjv(e) : fromTypeBox(e)));
  // TypeBox also checks a missing required property's value (undefined is not a string): only `required` says it.
  const missing = new Set(problems.filter((p) => p.rule === 'required').map((p) => pointerField(p.path)));
  return problems.filter((p) => p.rule === 'required' || !missing.has(pointerField(p.path)));
}

/**
 * A value that matches none of a union of constants (`interval`, `sort`, enums) gives one
 * "must be equal to constant" per constant and one "must match a schema in anyOf": one problem
 * per field instead (rule `enum`), listing the allowed values once.
 */
export function mergeAllowedValues(problems: Problem[]): Problem[] {
  const key = (p: Problem) => pointerField(p.path);
  const allowed = new Map<string, unknown[]>();
  for (const p of problems) if (p.allowed) allowed.set(key(p), [...(allowed.get(key(p)) ?? []), ...p.allowed]);
  const out: Problem[] = [];
  const merged = new Set<string>();
  for (const p of problems) {
    const values = allowed.get(key(p));
    if (!values) out.push(p);
    else if (!merged.has(key(p))) {
      merged.add(key(p));
      const unique = [...new Set(values)];
      out.push({ path: p.path, rule: 'enum', message: `must be one of ${unique.map(String).join(', ')}`, allowed: unique });
    }
  }
  return out;
}

/** `body.identity.kind`: where the bad value is, as a client names it (`prefix` when it is the root). */
export const dottedField = (path: string[], prefix?: string) =>
  [...(prefix === undefined ? [] : [prefix]), ...path].join('.') || (prefix ?? '');

/** `/modules/0/unit` (RFC 6901); `/` for the root. */
export const pointerField = (path: string[]) =>
  path.length === 0 ? '/' : path.map((s) => `/${s.replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');

/** What went wrong, in words that name the value (`/frequency must be <= 100`, `colour is not allowed`). */
export function describeProblem(field: string, p: Problem): string {
  if (p.rule === 'required') return `${field} is required`;
  if (p.rule === 'additionalProperties' || p.rule === 'unevaluatedProperties') return `${field} is not allowed`;
  return `${field} ${p.message}`;
}

export interface ValidationDetails {
  field: string;
  rule: string;
  errors: { field: string; rule: string; message: string }[];
}

/**
 * `details` of a VALIDATION_FAILED error: the first problem's field and rule, and every
 * problem with its own. `fieldOf` names a path (dotted with a prefix, or a JSON pointer);
 * `say` words each problem (describeProblem unless the caller keeps the validator's words).
 */
export function validationDetails(
  problems: Problem[],
  fieldOf: (path: string[]) => string,
  say: (field: string, p: Problem) => string = describeProblem,
): ValidationDetails {
  const errors = problems.map((p) => {
    const field = fieldOf(p.path);
    return { field, rule: p.rule, message: say(field, p) };
  });
  const first = errors[0];
  return { field: first?.field ?? fieldOf([]), rule: first?.rule ?? 'type', errors };
}
