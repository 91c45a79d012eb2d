import { Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { describe, expect, it } from 'vitest';
import { JsonSchemas } from './json-schema.js';
import { dottedField, mergeAllowedValues, pointerField, problemsOf, validationDetails } from './validation.js';

/** One shape written twice: as a JSON Schema for Ajv and as TypeBox. Both must name the same fields and rules. */
const jsonSchema = {
  type: 'object',
  required: ['name', 'a/b'],
  additionalProperties: false,
  properties: {
    name: { type: 'string' },
    'a/b': { type: 'integer', maximum: 10 },
    list: { type: 'array', items: { type: 'object', properties: { n: { type: 'number', minimum: 0 } } } },
  },
};
const typebox = Type.Object(
  {
    name: Type.String(),
    'a/b': Type.Integer({ maximum: 10 }),
    list: Type.Optional(Type.Array(Type.Object({ n: Type.Optional(Type.Number({ minimum: 0 })) }))),
  },
  { additionalProperties: false },
);

const bad = { 'a/b': 11, list: [{ n: 1 }, { n: -1 }], extra: true };

describe('problemsOf', () => {
  const fromAjv = () => {
    const validate = new JsonSchemas().compile(jsonSchema);
    expect(validate(bad)).toBe(false);
    return problemsOf(validate.errors);
  };
  const fromTypeBox = () => problemsOf(TypeCompiler.Compile(typebox).Errors(bad));
  const summary = (ps: ReturnType<typeof problemsOf>) => ps.map((p) => `${pointerField(p.path)} ${p.rule}`).sort();

  it('names the missing or extra property itself, unescaping JSON pointers', () => {
    const expected = ['/a~1b maximum', '/extra additionalProperties', '/list/1/n minimum', '/name required'];
    expect(summary(fromAjv())).toEqual(expected);
    expect(summary(fromTypeBox())).toEqual(expected);
    expect(fromAjv().find((p) => p.rule === 'maximum')?.path).toEqual(['a/b']);
  });

  it('turns both into the same details', () => {
    for (const problems of [fromAjv(), fromTypeBox()]) {
      const details = validationDetails(problems, (p) => dottedField(p, 'body'));
      expect(details.errors.map((e) => e.field).sort()).toEqual(['body.a/b', 'body.extra', 'body.list.1.n', 'body.name']);
      expect(details.errors.find((e) => e.rule === 'required')?.message).toBe('body.name is required');
      expect(details.errors.find((e) => e.rule === 'additionalProperties')?.message).toBe('body.extra is not allowed');
      expect(details.field).toBe(details.errors[0]?.field);
      expect(details.rule).toBe(details.errors[0]?.rule);
    }
  });

  it('names the root', () => {
    const validate = new JsonSchemas().compile({ type: 'object' });
    validate(3);
    const [p] = problemsOf(validate.errors);
    expect(p && pointerField(p.path)).toBe('/');
    expect(p && dottedField(p.path, 'body')).toBe('body');
    expect(p && dottedField(p.path)).toBe('');
    expect(problemsOf(TypeCompiler.Compile(Type.String()).Errors(3)).map((x) => [x.path, x.rule])).toEqual([[[], 'type']]);
  });

  it('lists the allowed values of a union of constants once', () => {
    const schema = { type: 'object', properties: { i: { anyOf: [{ const: '1m' }, { const: '1h' }, { enum: ['1d', 'auto'] }] } } };
    const validate = new JsonSchemas().compile(schema);
    validate({ i: '2h' });
    expect(mergeAllowedValues(problemsOf(validate.errors))).toEqual([
      { path: ['i'], rule: 'enum', message: 'must be one of 1m, 1h, 1d, auto', allowed: ['1m', '1h', '1d', 'auto'] },
    ]);
    const tb = TypeCompiler.Compile(Type.Object({ i: Type.Union([Type.Literal('a'), Type.Literal('b')]) }));
    expect(mergeAllowedValues(problemsOf(tb.Errors({ i: 'c' }))).map((p) => p.message)).toEqual(['must be one of a, b']);
  });
});
