import { describe, expect, it } from 'vitest';
import { RuleCore } from '../../src/rules/rule-core.js';
import type { Condition, StreamContext } from '../../src/rules/rules.js';
import { testRule } from './rule-fixture.js';

const rule = (id: string, condition: Condition) => testRule(id, condition);

const ctx = (datastreamId: number): StreamContext => ({
  datastreamId,
  orgId: 'o',
  property: 'temperature',
  unit: 'Cel',
  deviceId: `d${datastreamId}`,
  deviceCode: `d${datastreamId}`,
  site: null,
  building: null,
  deviceType: null,
  tags: [],
});

/** One batch as the engine posts it: [datastream, seconds, value] triples as typed arrays. */
function batch(core: RuleCore, rows: [number, number, number][]) {
  const ds = Float64Array.from(rows, (r) => r[0]);
  const times = Float64Array.from(rows, (r) => r[1] * 1000);
  const values = Float64Array.from(rows, (r) => r[2]);
  return core.batch(ds, times, values, rows.length).map((f) => `${f.ruleId}:${f.datastreamId}:${f.t.kind}@${f.t.time / 1000}`);
}

const written = (core: RuleCore, now: number, all = false) =>
  core
    .flush(now, all)
    .map((s) => `${s.ruleId}:${s.datastreamId}`)
    .sort();

describe('rule core (the evaluating half of the engine, off the storing thread)', () => {
  it('takes a batch in datastream and time order whatever the order it came in', () => {
    const core = new RuleCore({ softFlushMs: 30_000 });
    core.load([rule('hot', { kind: 'threshold', op: '>', value: 30 })], []);
    core.setContexts([
      [1, ctx(1)],
      [2, ctx(2)],
      [3, null],
    ]);
    // Datastream 1's 35 (t 20) comes before its 25 (t 10) in the batch: taken after it, so it fires.
    expect(
      batch(core, [
        [2, 5, 20],
        [1, 20, 35],
        [3, 1, 99],
        [1, 10, 25],
      ]),
    ).toEqual(['hot:1:fired@20']);
    expect(core.counts).toMatchObject({ measurements: 4, transitions: 1 });
    // Unknown datastream 3 has no state; 1 and 2 have one each.
    expect(core.stateCount).toBe(2);
  });

  it('writes transitions and pending starts at every flush, window values only every softFlushMs (all of them on stop)', () => {
    const core = new RuleCore({ softFlushMs: 30_000 });
    core.load(
      [
        rule('held', { kind: 'threshold', op: '>', value: 30, forSeconds: 60 }),
        rule('avg', { kind: 'window', aggregate: 'avg', windowSeconds: 300, op: '>', value: 50 }),
      ],
      [],
    );
    core.setContexts([[1, ctx(1)]]);
    // The first flush starts the soft period.
    expect(written(core, 0)).toEqual([]);
    batch(core, [[1, 0, 20]]);
    // A window value alone: not written before 30 s.
    expect(written(core, 1_000)).toEqual([]);
    batch(core, [[1, 10, 35]]);
    // The pending start of forSeconds is what a restart needs: written now.
    expect(written(core, 2_000)).toEqual(['held:1']);
    expect(written(core, 30_000)).toEqual(['avg:1']);
    batch(core, [[1, 20, 36]]);
    expect(written(core, 31_000)).toEqual([]);
    // A graceful stop writes everything changed.
    expect(written(core, 32_000, true)).toEqual(['avg:1']);
    expect(written(core, 90_000, true)).toEqual([]);
  });

  it('takes states that were not written after all again at the next flush', () => {
    const core = new RuleCore({ softFlushMs: 30_000 });
    core.load([rule('hot', { kind: 'threshold', op: '>', value: 30 })], []);
    core.setContexts([
      [1, ctx(1)],
      [2, ctx(2)],
    ]);
    batch(core, [
      [1, 0, 40],
      [2, 0, 50],
    ]);
    const lost = core.flush(1_000);
    expect(lost.map((s) => s.datastreamId).sort()).toEqual([1, 2]);
    expect(written(core, 2_000)).toEqual([]);
    // The write failed (the engine tells the core): both go out again, once.
    core.unflushed(lost);
    expect(written(core, 3_000)).toEqual(['hot:1', 'hot:2']);
    expect(written(core, 4_000)).toEqual([]);
  });

  it('keeps the alert id the actions recorded with the state, and forgets a deleted rule', () => {
    const core = new RuleCore({ softFlushMs: 30_000 });
    core.load([rule('hot', { kind: 'threshold', op: '>', value: 30 })], []);
    core.setContexts([[1, ctx(1)]]);
    expect(batch(core, [[1, 0, 40]])).toEqual(['hot:1:fired@0']);
    core.setAlertIds([['hot', 1, 'alert-1']]);
    const [state] = core.flush(1_000);
    expect(JSON.parse(state?.json ?? '{}')).toMatchObject({ active: true, alertId: 'alert-1' });
    core.setRule('hot', undefined);
    expect(core.stateCount).toBe(0);
    expect(batch(core, [[1, 10, 20]])).toEqual([]);
  });
});
