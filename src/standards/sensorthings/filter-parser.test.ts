import { describe, expect, it } from 'vitest';
import { seededRandom, testSeed } from '../../../test/support/random.js';
import { SET_NAMES, SETS } from './entities.js';
import { FilterSyntaxError } from './filter-ast.js';
import { FilterSemanticError, NotImplementedError } from './filter-context.js';
import { parseFilter } from './filter-parser.js';
import { Aliases, SqlCompiler } from './filter-sql.js';
import { parseWkt } from './geometry.js';

const syntaxError = (input: string): FilterSyntaxError => {
  try {
    parseFilter(input);
  } catch (err) {
    if (err instanceof FilterSyntaxError) return err;
    throw err;
  }
  throw new Error(`'${input}' parsed`);
};

describe('$filter parser', () => {
  it('follows OData precedence: not > comparison > and > or; mul before add', () => {
    expect(parseFilter('a eq 1 or b eq 2 and not c eq 3')).toMatchObject({
      k: 'binary',
      op: 'or',
      right: { op: 'and', right: { k: 'not', operand: { op: 'eq' } } },
    });
    expect(parseFilter('result add 2 mul 3 gt 10')).toMatchObject({
      op: 'gt',
      left: { op: 'add', left: { k: 'path' }, right: { op: 'mul' } },
    });
    expect(parseFilter('(a add 2) mul 3 eq -4')).toMatchObject({
      left: { op: 'mul', left: { op: 'add' } },
      right: { k: 'number', value: -4 },
    });
  });

  it('reads every literal kind: strings with quotes, numbers, datetimes, booleans, null, geography', () => {
    expect(parseFilter("name eq 'O''Brien'")).toMatchObject({ right: { k: 'string', value: "O'Brien" } });
    expect(parseFilter('result gt 1.5e2')).toMatchObject({ right: { k: 'number', value: 150 } });
    expect(parseFilter('phenomenonTime ge 2010-06-01T00:00:00Z')).toMatchObject({
      right: { k: 'time', value: Date.UTC(2010, 5, 1) },
    });
    expect(parseFilter('resultTime lt 2010-06-01T02:00:00+02:00')).toMatchObject({
      right: { k: 'time', value: Date.UTC(2010, 5, 1) },
    });
    expect(parseFilter('x eq true and y ne null')).toMatchObject({
      left: { right: { k: 'bool', value: true } },
      right: { right: { k: 'null' } },
    });
    expect(parseFilter("st_within(location, geography'POLYGON((0 0, 1 0, 1 1, 0 0))')")).toMatchObject({
      k: 'call',
      name: 'st_within',
      args: [{ k: 'path', segments: ['location'] }, { k: 'geo' }],
    });
    expect(parseFilter('Datastream/Thing/name eq geo.length(x)')).toMatchObject({
      left: { segments: ['Datastream', 'Thing', 'name'] },
    });
  });

  it('names the position of the error', () => {
    expect(syntaxError('result gt').position).toBe(9);
    expect(syntaxError("name eq 'open").position).toBe(8);
    expect(syntaxError('result gt 3 )').position).toBe(12);
    expect(syntaxError('result gt 3 and').message).toMatch(/position 15/);
    expect(syntaxError('2010-13-45T00:00:00Z eq x').message).toMatch(/invalid datetime/);
    expect(syntaxError('').position).toBe(0);
    expect(syntaxError('result % 3').position).toBe(7);
  });

  it('stops nesting and overly long input with an error, not a stack overflow', () => {
    expect(syntaxError(`${'('.repeat(100_000)}1${')'.repeat(100_000)}`).message).toMatch(/longer than|nesting/);
    expect(syntaxError(`${'('.repeat(500)}1${')'.repeat(500)}`).message).toMatch(/nesting deeper/);
    expect(syntaxError(`${'not '.repeat(500)}x`).message).toMatch(/nesting deeper/);
    expect(syntaxError(`${'- '.repeat(500)}1 eq x`).message).toMatch(/nesting deeper/);
  });

  it('parses WKT literals and refuses malformed ones', () => {
    expect(parseWkt('POINT(5 52)')).toEqual({ type: 'Point', coordinates: [5, 52] });
    expect(parseWkt('POLYGON((0 0, 2 0, 2 2, 0 0), (0.5 0.5, 1 0.5, 1 1, 0.5 0.5))').coordinates).toHaveLength(2);
    expect(() => parseWkt('POLYGON((0 0, 1 1))')).toThrow(/four positions/);
    expect(() => parseWkt('CIRCLE(1 2)')).toThrow(/unsupported/);
  });

  const seed = testSeed();
  it(`fuzz (seed ${seed}): no input throws anything but a FilterSyntaxError, and compiling throws only 400/501 errors`, () => {
    const rnd = seededRandom(seed);
    const atoms = [
      'name',
      'result',
      'phenomenonTime',
      'Datastream/id',
      'Datastreams/Observations/result',
      'properties/a/b',
      'location',
      'id',
      "'s'",
      "'it''s'",
      '1',
      '-2.5',
      '1e3',
      '2024-01-01T00:00:00Z',
      'true',
      'null',
      "geography'POINT(1 2)'",
      "geography'POLYGON((0 0, 1 0, 1 1, 0 0))'",
      'now()',
      'eq',
      'ne',
      'gt',
      'and',
      'or',
      'not',
      'add',
      'mul',
      'div',
      'mod',
      '(',
      ')',
      ',',
      'substringof(',
      'length(',
      'year(',
      'round(',
      'st_within(',
      'geo.distance(',
      'concat(',
      'substring(',
      'unknownfn(',
      '/',
      '-',
      "'",
      '%',
      '$',
    ];
    let parsed = 0;
    for (let i = 0; i < 5000; i++) {
      const n = rnd.int(1, 14);
      const input =
        rnd.next() < 0.1
          ? Array.from({ length: rnd.int(0, 40) }, () => String.fromCharCode(rnd.int(0, 0x2fff))).join('')
          : Array.from({ length: n }, () => rnd.pick(atoms)).join(rnd.pick([' ', ' ', '']));
      let expr: ReturnType<typeof parseFilter> | undefined;
      try {
        expr = parseFilter(input);
      } catch (err) {
        if (!(err instanceof FilterSyntaxError)) throw new Error(`parseFilter(${JSON.stringify(input)}) threw ${String(err)}`);
      }
      if (!expr) continue;
      parsed++;
      for (const dialect of ['sqlite', 'postgres'] as const) {
        const set = SETS[rnd.pick(SET_NAMES)];
        try {
          new SqlCompiler(dialect, 0, 'org', set, 't0', new Aliases()).where(expr);
        } catch (err) {
          if (!(err instanceof FilterSemanticError || err instanceof NotImplementedError))
            throw new Error(`compiling ${JSON.stringify(input)} on ${set.name} threw ${String(err)}`);
        }
      }
    }
    expect(parsed).toBeGreaterThan(100);
  });
});
