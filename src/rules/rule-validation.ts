import { SEVERITIES } from '../alerts/alerts.js';
import { invalid } from '../shared/errors.js';
import {
  ACTION_KINDS,
  AGGREGATES,
  COMPARISONS,
  CONDITION_KINDS,
  type Condition,
  RANGE_OPS,
  type RuleInput,
  type Test,
} from './rules.js';

/** Domain checks past the JSON schema; each error names the field (`condition.value`). */

const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

function positive(field: string, x: unknown, required: boolean) {
  if (x === undefined && !required) return;
  if (!isNum(x) || x <= 0) throw invalid(field, `${field} must be a positive number`);
}

export function checkTest(field: string, t: Partial<Test>): void {
  const op = t.op as string | undefined;
  if ((COMPARISONS as readonly string[]).includes(op ?? '')) {
    if (!isNum(t.value)) throw invalid(`${field}.value`, `${field}.value is required for op ${op}`);
    return;
  }
  if ((RANGE_OPS as readonly string[]).includes(op ?? '')) {
    if (!isNum(t.min)) throw invalid(`${field}.min`, `${field}.min is required for op ${op}`);
    if (!isNum(t.max)) throw invalid(`${field}.max`, `${field}.max is required for op ${op}`);
    if (t.min > t.max) throw invalid(`${field}.min`, `${field}.min is above ${field}.max`);
    return;
  }
  throw invalid(`${field}.op`, `${field}.op must be one of ${[...COMPARISONS, ...RANGE_OPS].join(', ')}`);
}

export function checkCondition(c: Condition): void {
  const kind = (c as { kind?: string }).kind ?? '';
  if (!(CONDITION_KINDS as readonly string[]).includes(kind))
    throw invalid('condition.kind', `condition.kind must be one of ${CONDITION_KINDS.join(', ')}`);
  switch (c.kind) {
    case 'threshold':
      checkTest('condition', c);
      positive('condition.forSeconds', c.forSeconds, false);
      if ((c.count === undefined) !== (c.window === undefined))
        throw invalid(
          c.count === undefined ? 'condition.count' : 'condition.window',
          'condition.count and condition.window go together',
        );
      if (c.count !== undefined && c.window !== undefined) {
        if (!Number.isInteger(c.count) || c.count < 1) throw invalid('condition.count', 'condition.count must be an integer ≥ 1');
        if (!Number.isInteger(c.window) || c.window < c.count)
          throw invalid('condition.window', 'condition.window must be an integer ≥ condition.count');
        if (c.forSeconds !== undefined) throw invalid('condition.forSeconds', 'use forSeconds or count/window, not both');
      }
      return;
    case 'rate':
      checkTest('condition', c);
      return;
    case 'window':
      checkTest('condition', c);
      if (!(AGGREGATES as readonly string[]).includes(c.aggregate))
        throw invalid('condition.aggregate', `condition.aggregate must be one of ${AGGREGATES.join(', ')}`);
      positive('condition.windowSeconds', c.windowSeconds, true);
      return;
    case 'no-data':
      positive('condition.seconds', c.seconds, true);
      return;
    case 'forecast-deviation':
      if (c.count !== undefined && (!Number.isInteger(c.count) || c.count < 1))
        throw invalid('condition.count', 'condition.count must be an integer ≥ 1');
      positive('condition.windowSeconds', c.windowSeconds, false);
      return;
  }
}

export function checkRule(input: RuleInput): void {
  if (!input.name?.trim()) throw invalid('name', 'name is required');
  if (!input.property?.trim()) throw invalid('property', 'property is required');
  if (!input.condition || typeof input.condition !== 'object') throw invalid('condition', 'condition is required');
  checkCondition(input.condition);
  if (input.clear) checkTest('clear', input.clear);
  if (input.severity !== undefined && !SEVERITIES.includes(input.severity))
    throw invalid('severity', `severity must be one of ${SEVERITIES.join(', ')}`);
  if (input.repeatSeconds !== undefined && input.repeatSeconds !== null) positive('repeatSeconds', input.repeatSeconds, true);
  for (const [i, a] of (input.actions ?? []).entries()) {
    const f = `actions.${i}`;
    if (!(ACTION_KINDS as readonly string[]).includes(a.kind))
      throw invalid(`${f}.kind`, `${f}.kind must be one of ${ACTION_KINDS.join(', ')}`);
    if (a.kind === 'webhook' && !a.webhook) throw invalid(`${f}.webhook`, `${f}.webhook (a webhook id) is required`);
    if (a.kind === 'email' && (!Array.isArray(a.to) || a.to.length === 0 || a.to.some((t) => !/^[^@\s]+@[^@\s]+$/.test(t))))
      throw invalid(`${f}.to`, `${f}.to must list e-mail addresses`);
    if (a.kind === 'order') {
      if (!a.device) throw invalid(`${f}.device`, `${f}.device (an id or code) is required`);
      if (!a.order) throw invalid(`${f}.order`, `${f}.order is required`);
    }
  }
}
