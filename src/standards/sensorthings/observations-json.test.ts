import { describe, expect, it } from 'vitest';
import { type Row, SETS } from './entities.js';
import { observationFields, observationsJson } from './observations-json.js';
import { emptyOptions, parseOptions } from './query-options.js';
import { StaReader } from './sta-reader.js';

/** The hand-written Observations JSON equals what the generic renderer builds and JSON.stringify writes. */
describe('observationsJson', () => {
  const reader = new StaReader(undefined as never, 'sqlite');
  const scope = { orgId: 'o', now: 0, base: 'http://h\u00e9"st:80/sta/v1.1' };
  const rows: Row[] = [
    { ds_id: 12, time: Date.UTC(2026, 0, 1, 12), result: 21.5, result_json: null },
    { ds_id: 12, time: -1000, result: -0.000001, result_json: null },
    { ds_id: 7, time: 1e12, result: 3e21, result_json: null },
    { ds_id: 7, time: 5, result: null, result_json: '{"a":[1,"x\\"y"],"b":null}' },
    { ds_id: 7, time: 6, result: null, result_json: '"on"' },
    { ds_id: 7, time: 7, result: null, result_json: 'true' },
  ];
  const generic = (select?: string) => {
    const o = select ? parseOptions([['$select', select]]) : emptyOptions();
    return rows.map((r) => reader.renderOwn(scope, SETS.Observations, r, o));
  };

  it('without $select: every field, byte for byte as JSON.stringify of the generic entities', () => {
    const fields = observationFields(undefined) as string[];
    expect(observationsJson(scope.base, rows, fields)).toBe(JSON.stringify(generic()));
  });

  it.each(['result,phenomenonTime', 'id', 'id,selfLink,Datastream', 'FeatureOfInterest,resultTime'])(
    'with $select=%s: the same properties and values',
    (select) => {
      const fields = observationFields(select.split(',')) as string[];
      expect(JSON.parse(observationsJson(scope.base, rows, fields))).toEqual(generic(select));
    },
  );

  it('a $select naming anything else is left to the generic path (which answers 400)', () => {
    expect(observationFields(['result', 'parameters'])).toBeUndefined();
    expect(observationFields(['Datastream/name'])).toBeUndefined();
  });
});
