import { describe, expect, it } from 'vitest';
import { JsonSchemas } from './json-schema.js';

describe('JsonSchemas', () => {
  it('compiles a schema once and shares it between equal schemas', () => {
    const schemas = new JsonSchemas();
    const a = schemas.compile({ type: 'object', properties: { f: { type: 'integer', maximum: 10 } } });
    const b = schemas.compile({ type: 'object', properties: { f: { type: 'integer', maximum: 10 } } });
    expect(b).toBe(a);
    expect(schemas.size).toBe(1);
    expect(a({ f: 11 })).toBe(false);
    expect(a({ f: 9 })).toBe(true);
  });

  it('lets two schemas share an $id (organisations do not see each other)', () => {
    const schemas = new JsonSchemas();
    const one = schemas.compile({ $id: 'https://example.com/cfg', type: 'object', required: ['a'] });
    const two = schemas.compile({ $id: 'https://example.com/cfg', type: 'object', required: ['b'] });
    expect(one({ a: 1 })).toBe(true);
    expect(two({ a: 1 })).toBe(false);
  });

  it('checks formats and refuses a schema that is not draft 2020-12', () => {
    const schemas = new JsonSchemas();
    expect(schemas.compile({ type: 'string', format: 'email' })('not an address')).toBe(false);
    expect(() => schemas.compile({ type: 'strnig' })).toThrow(/schema is invalid/);
  });

  it('keeps at most its capacity, and stays usable after evicting a schema named like its meta-schema', () => {
    const schemas = new JsonSchemas(3);
    const meta = 'https://json-schema.org/draft/2020-12/schema';
    schemas.compile({ $id: meta, type: 'object' });
    for (let i = 0; i < 10; i++) schemas.compile({ type: 'integer', maximum: i });
    expect(schemas.size).toBe(3);
    // The meta-schema is still known: a new schema is validated against it and compiles.
    expect(schemas.compile({ $schema: meta, type: 'number' })(1.5)).toBe(true);
    expect(() => schemas.compile({ type: 'strnig' })).toThrow(/schema is invalid/);
  });

  it('is not changed when the caller changes its schema object afterwards', () => {
    const schemas = new JsonSchemas();
    const schema = { type: 'integer', maximum: 5 } as Record<string, unknown>;
    const validate = schemas.compile(schema);
    schema.maximum = 50;
    expect(validate(10)).toBe(false);
  });
});
