import { describe, expect, it } from 'vitest';
import { parseConfigSchema } from './json-schema.js';

describe('config schema editor', () => {
  it('takes a valid JSON Schema object', () => {
    const text = '{"type":"object","properties":{"frequency":{"type":"integer","minimum":10}}}';
    expect(parseConfigSchema(text)).toEqual({ schema: JSON.parse(text) });
  });

  it('says what is wrong: not JSON, not an object, not a schema', () => {
    expect(parseConfigSchema('{"type": ')).toMatchObject({ error: expect.stringMatching(/^not JSON/) });
    expect(parseConfigSchema('[1]')).toEqual({ error: 'a JSON Schema is an object' });
    expect(parseConfigSchema('{"type":"integer","minimum":"ten"}')).toMatchObject({
      error: expect.stringMatching(/^not a valid JSON Schema: .*minimum/),
    });
    expect(parseConfigSchema('{"type":"nope"}')).toMatchObject({ error: expect.stringMatching(/^not a valid JSON Schema/) });
  });
});
