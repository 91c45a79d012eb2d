/**
 * Kinds of observed values. Numbers go to the narrow `measurements` hot table; text ("on"),
 * booleans and JSON (SensorThings: an Observation result may be any JSON) go to
 * `measurement_values`. A datastream holds one kind.
 */

/** An observation that is not a number: text ("on"), a boolean, or JSON (an object or array). */
export type NonNumericValue = string | boolean | unknown[] | { [key: string]: unknown };

/** What a datastream holds: numbers (the hot table) or one kind of non-numeric value. */
export const VALUE_KINDS = ['number', 'text', 'boolean', 'json'] as const;
export type ValueKind = (typeof VALUE_KINDS)[number];

/** The kind of a value, or undefined for what is no value at all (null, NaN, a function …). */
export function valueKindOf(value: unknown): ValueKind | undefined {
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? 'number' : undefined;
    case 'string':
      return 'text';
    case 'boolean':
      return 'boolean';
    case 'object':
      return value === null ? undefined : 'json';
    default:
      return undefined;
  }
}

/** How messages name what a datastream holds, and one value of a kind. */
export const KIND_NAMES: Record<ValueKind, string> = { number: 'numbers', text: 'text', boolean: 'booleans', json: 'JSON' };
export const KIND_ONE: Record<ValueKind, string> = { number: 'a number', text: 'text', boolean: 'a boolean', json: 'JSON' };

/** A value as text for a message: JSON, cut to 80 characters. */
export function describeValue(value: unknown): string {
  const text = value === undefined ? 'undefined' : (JSON.stringify(value) ?? String(value));
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
