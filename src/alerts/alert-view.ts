import { toIso, toIsoOrNull } from '../shared/clock.js';
import type { Alert } from './alerts.js';

/** An alert as the API, MQTT and webhooks show it: times in RFC 3339. */
export const alertView = (a: Alert) => ({
  id: a.id,
  kind: a.kind,
  severity: a.severity,
  status: a.status,
  subject: { type: a.subjectType, id: a.subjectId, name: a.subjectName },
  message: a.message,
  details: a.details,
  openedAt: toIso(a.openedAt),
  acknowledgedAt: toIsoOrNull(a.acknowledgedAt),
  acknowledgedBy: a.acknowledgedBy,
  acknowledgedComment: a.acknowledgedComment,
  resolvedAt: toIsoOrNull(a.resolvedAt),
  updatedAt: toIso(a.updatedAt),
  rule: a.ruleId ? { id: a.ruleId, name: ruleName(a) } : null,
});

const ruleName = (a: Alert) => {
  const rule = a.details.rule as { name?: unknown } | undefined;
  return typeof rule?.name === 'string' ? rule.name : '';
};
