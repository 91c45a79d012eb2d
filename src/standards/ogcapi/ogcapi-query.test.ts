import { describe, expect, it } from 'vitest';
import { DomainError } from '../../shared/errors.js';
import { parseCql2Text } from './cql2.js';
import { FIXED_COLLECTIONS, propertyCollection, propertyOfId } from './ogcapi.js';
import { parseBbox, parseDatetime, parseItemsQuery, parseLimit } from './ogcapi-query.js';

const devices = FIXED_COLLECTIONS[0] as (typeof FIXED_COLLECTIONS)[number];
const fieldOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    return (err as DomainError).details?.field;
  }
  throw new Error('expected a 400');
};

describe('items query (OGC 17-069r4 §7.15)', () => {
  it('limit: default 10, at least 1, clamped to 10000', () => {
    expect(parseLimit(undefined)).toBe(10);
    expect(parseLimit('1')).toBe(1);
    expect(parseLimit('123456')).toBe(10_000);
    for (const bad of ['0', '-3', '2.5', 'ten', '', ' 5']) expect(fieldOf(() => parseLimit(bad))).toBe('limit');
  });

  it('bbox: 4 or 6 numbers, heights ignored, antimeridian kept', () => {
    expect(parseBbox('1,2,3,4')).toEqual({ minLon: 1, minLat: 2, maxLon: 3, maxLat: 4 });
    expect(parseBbox('1,2,-10,3,4,99')).toEqual({ minLon: 1, minLat: 2, maxLon: 3, maxLat: 4 });
    expect(parseBbox('170,-10,-170,10')).toEqual({ minLon: 170, minLat: -10, maxLon: -170, maxLat: 10 });
    for (const bad of ['1,2,3', '1,,3,4', '1,2,3,4,5', '0,10,1,5', '0,0,200,1', 'NaN,0,1,1'])
      expect(fieldOf(() => parseBbox(bad))).toBe('bbox');
  });

  it('datetime: instants, dates, closed and half-bounded intervals', () => {
    const t = Date.UTC(2025, 0, 2, 3, 4, 5);
    expect(parseDatetime('2025-01-02T03:04:05Z')).toEqual({ from: t, to: t });
    expect(parseDatetime('2025-01-02t04:04:05+01:00')).toEqual({ from: t, to: t });
    expect(parseDatetime('2025-01-02')).toEqual({ from: Date.UTC(2025, 0, 2), to: Date.UTC(2025, 0, 3) - 1 });
    expect(parseDatetime('../2025-01-02T03:04:05Z')).toEqual({ from: null, to: t });
    expect(parseDatetime('/2025-01-02T03:04:05Z')).toEqual({ from: null, to: t });
    expect(parseDatetime('2025-01-02T03:04:05Z/..')).toEqual({ from: t, to: null });
    expect(parseDatetime('2025-01-02T03:04:05Z/')).toEqual({ from: t, to: null });
    for (const bad of ['..', '../..', '/', 'a/b/c', '2025-01-02T03:04Z', '2025-02-30T00:00:00Z/..', '2025-01-03/2025-01-02'])
      expect(fieldOf(() => parseDatetime(bad))).toBe('datetime');
  });

  it('rejects unknown and repeated parameters, reads property filters as value lists', () => {
    expect(fieldOf(() => parseItemsQuery(devices, { foo: '1' }))).toBe('foo');
    expect(fieldOf(() => parseItemsQuery(devices, { state: ['a', 'b'] }))).toBe('state');
    expect(fieldOf(() => parseItemsQuery(devices, { enabled: 'yes' }))).toBe('enabled');
    expect(fieldOf(() => parseItemsQuery(devices, { state: 'a,,b' }))).toBe('state');
    const q = parseItemsQuery(devices, { state: 'online,offline', limit: '5', f: 'json' });
    expect(q.limit).toBe(5);
    expect(q.filters.get('state')).toEqual(['online', 'offline']);
  });

  it('names observed-property collections without clashing with the fixed ones', () => {
    expect(propertyCollection('temperature').id).toBe('temperature');
    expect(propertyCollection('devices').id).toBe('latest-devices');
    expect(propertyCollection('latest-x').id).toBe('latest-latest-x');
    for (const p of ['temperature', 'devices', 'latest-x']) expect(propertyOfId(propertyCollection(p).id)).toBe(p);
  });
});

describe('Basic CQL2 text', () => {
  const q = devices.filters;
  it('parses comparisons, IS NULL, AND/OR/NOT with precedence and parentheses', () => {
    expect(parseCql2Text("state = 'online'", q)).toEqual({ op: '=', left: { property: 'state' }, right: { value: 'online' } });
    expect(parseCql2Text("code = 'it''s'", q)).toEqual({ op: '=', left: { property: 'code' }, right: { value: "it's" } });
    expect(parseCql2Text("'b' < site", q)).toEqual({ op: '<', left: { value: 'b' }, right: { property: 'site' } });
    expect(parseCql2Text('site <> building', q)).toEqual({
      op: '<>',
      left: { property: 'site' },
      right: { property: 'building' },
    });
    expect(parseCql2Text('"state" <> \'x\' and enabled = TRUE or not room is not null', q)).toEqual({
      op: 'or',
      args: [
        {
          op: 'and',
          args: [
            { op: '<>', left: { property: 'state' }, right: { value: 'x' } },
            { op: '=', left: { property: 'enabled' }, right: { value: true } },
          ],
        },
        { op: 'not', arg: { op: 'not', arg: { op: 'isNull', property: 'room' } } },
      ],
    });
    expect(parseCql2Text("(site = 'a' OR site = 'b') AND type >= 'e'", q)).toMatchObject({ op: 'and' });
  });

  it('answers 400 naming the position, never anything else, whatever the input', () => {
    expect(() => parseCql2Text("state = 'online' AND colour = 1", q)).toThrow(/position 22/);
    expect(() => parseCql2Text('('.repeat(100), q)).toThrow(/nested/);
    expect(() => parseCql2Text("'a' = 'a'", q)).toThrow(/property on one side/);
    expect(() => parseCql2Text('enabled = 1', q)).toThrow(/expected a boolean/);
    expect(() => parseCql2Text("'x' IS NULL", q)).toThrow(/needs a property/);
    expect(() => parseCql2Text('x'.repeat(5000), q)).toThrow(/longer/);
    // Fuzz: random strings from the grammar's alphabet give a parse or a DomainError, nothing else.
    const alphabet = ['state', "'a'", '=', '<', '>', '(', ')', 'AND', 'OR', 'NOT', 'IS', 'NULL', '3', '"', "'", ' ', 'true', 'é'];
    let seed = 42;
    const rnd = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let i = 0; i < 3000; i++) {
      const text = Array.from({ length: 1 + Math.floor(rnd() * 12) }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join(
        ' ',
      );
      try {
        parseCql2Text(text, q);
      } catch (err) {
        expect(err, text).toBeInstanceOf(DomainError);
      }
    }
  });
});
