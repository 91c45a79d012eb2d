import type { Page, PageRequest } from '../shared/page.js';

/** Alerts: opened by the fleet sweep (device_offline) and by rules; acknowledged by people; resolved when the cause goes. */

export const SEVERITIES = ['critical', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const ALERT_STATUSES = ['firing', 'acknowledged', 'resolved'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

export interface Alert {
  id: string;
  orgId: string;
  /** `device_offline`, `threshold`, … */
  kind: string;
  severity: Severity;
  status: AlertStatus;
  subjectType: 'device' | 'datastream';
  subjectId: string;
  subjectName: string | null;
  message: string;
  details: Record<string, unknown>;
  openedAt: number;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  /** What the acknowledger wrote, if anything. */
  acknowledgedComment: string | null;
  resolvedAt: number | null;
  updatedAt: number;
  /** The rule that raised it (kind `rule`), else null. */
  ruleId: string | null;
}

/** What opens an alert; one stays open per (kind, subject). */
export interface AlertDraft {
  kind: string;
  severity: Severity;
  subjectType: Alert['subjectType'];
  subjectId: string;
  subjectName?: string | null | undefined;
  message: string;
  details?: Record<string, unknown> | undefined;
  /** Rules: one alert stays open per (rule, subject). */
  ruleId?: string | undefined;
}

export interface AlertFilter {
  status?: AlertStatus[] | undefined;
  kind?: string | undefined;
  severity?: Severity | undefined;
  subjectId?: string | undefined;
  /** Alerts about this device: the device itself or one of its datastreams. */
  deviceId?: string | undefined;
  ruleId?: string | undefined;
  /** Opened at or after / before (Unix ms). */
  from?: number | undefined;
  to?: number | undefined;
}

/** `alert.repeated`: a rule's condition still holds after its `repeatSeconds`. */
export type AlertEvent = 'alert.opened' | 'alert.acknowledged' | 'alert.resolved' | 'alert.repeated';
export const ALERT_EVENTS: AlertEvent[] = ['alert.opened', 'alert.acknowledged', 'alert.resolved', 'alert.repeated'];

export interface AlertStore {
  /** Inserts those drafts that have no open alert of the same kind and subject; returns the inserted. */
  openMany(orgId: string, drafts: AlertDraft[], now: number, newId: () => string): Promise<Alert[]>;
  /** Resolves open alerts of `kind` for these subjects; returns the resolved. */
  resolveMany(orgId: string, kind: string, subjectIds: string[], now: number, ruleId?: string): Promise<Alert[]>;
  acknowledge(orgId: string, id: string, by: string, now: number, comment?: string | null): Promise<Alert | undefined>;
  get(orgId: string, id: string): Promise<Alert | undefined>;
  list(orgId: string, filter: AlertFilter, page: PageRequest): Promise<Page<Alert>>;
  /** The organisation's device with this id or code. */
  deviceIdOf(orgId: string, idOrCode: string): Promise<string | undefined>;
}

/** Where alert events go besides the database (MQTT topic, webhooks outbox). */
export interface AlertSink {
  notify(event: AlertEvent, alerts: Alert[]): Promise<void>;
}
