import type { Condition, Rule } from '../../src/rules/rules.js';

/** A rule on temperature with an alert action, enabled; what the rule suites vary is named. */
export const testRule = (id: string, condition: Condition, orgId = 'o'): Rule => ({
  id,
  orgId,
  name: id,
  scope: {},
  property: 'temperature',
  condition,
  clear: null,
  severity: 'warning',
  repeatSeconds: null,
  actions: [{ kind: 'alert' }],
  enabled: true,
  createdAt: 0,
  updatedAt: 0,
});
