import Ajv2020 from 'ajv/dist/2020.js';

const ajv = new Ajv2020({ strict: false, allErrors: true });

/**
 * Reads a device type's config schema as typed in the editor: JSON, an object, and a valid JSON
 * Schema (draft 2020-12, as src/devices/config-validator.ts compiles it). Returns the schema or
 * what is wrong with it.
 */
export function parseConfigSchema(text: string): { schema: Record<string, unknown> } | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { error: `not JSON: ${(err as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { error: 'a JSON Schema is an object' };
  try {
    ajv.compile(value as Record<string, unknown>);
  } catch (err) {
    return { error: `not a valid JSON Schema: ${(err as Error).message}` };
  }
  return { schema: value as Record<string, unknown> };
}
