import type { Severity } from '../alerts/alerts.js';
import type { Page, PageRequest } from '../shared/page.js';

/**
 * Rules evaluated on the stream of stored measurements: a condition on one observed property
 * of the datastreams in a scope; when it holds an alert opens (one per rule and datastream),
 * actions run, and the alert resolves when the `clear` condition (else the condition's
 * negation) holds.
 */

export const COMPARISONS = ['>', '>=', '<', '<='] as const;
export const RANGE_OPS = ['outside', 'inside'] as const;
export type Comparison = (typeof COMPARISONS)[number];
export type RangeOp = (typeof RANGE_OPS)[number];
export type Op = Comparison | RangeOp;
export const AGGREGATES = ['avg', 'min', 'max', 'sum', 'count'] as const;
export type Aggregate = (typeof AGGREGATES)[number];

/** A comparison of a value: `value` for >, >=, <, <=; `min`/`max` for outside/inside. */
export interface Test {
  op: Op;
  value?: number | undefined;
  min?: number | undefined;
  max?: number | undefined;
}

export type Condition =
  | (Test & {
      kind: 'threshold';
      /** Fires once the test held this long without a break. */
      forSeconds?: number | undefined;
      /** Fires when `count` of the last `window` values pass (N of the last M). */
      count?: number | undefined;
      window?: number | undefined;
    })
  | (Test & { kind: 'rate' }) // change per minute between consecutive values
  | (Test & { kind: 'window'; aggregate: Aggregate; windowSeconds: number })
  | { kind: 'no-data'; seconds: number }
  | { kind: 'forecast-deviation'; count?: number | undefined; windowSeconds?: number | undefined };

export const CONDITION_KINDS = ['threshold', 'rate', 'window', 'no-data', 'forecast-deviation'] as const;

/** Every field optional: absent (or null / empty) = any. */
export interface Scope {
  site?: string | null | undefined;
  building?: string | null | undefined;
  deviceType?: string | null | undefined;
  /** A device id or code. */
  device?: string | null | undefined;
  /** Every tag must be in the device's `properties.tags`. */
  tags?: string[] | undefined;
}

export type Action =
  | { kind: 'alert' }
  | { kind: 'webhook'; webhook: string }
  | { kind: 'email'; to: string[] }
  | { kind: 'order'; device: string; module?: string | undefined; order: string; value?: unknown; dest?: string | undefined };

export const ACTION_KINDS = ['alert', 'webhook', 'email', 'order'] as const;

export interface RuleInput {
  name: string;
  scope?: Scope | undefined;
  property: string;
  condition: Condition;
  clear?: Test | null | undefined;
  severity?: Severity | undefined;
  repeatSeconds?: number | null | undefined;
  actions?: Action[] | undefined;
  enabled?: boolean | undefined;
}

export interface Rule {
  id: string;
  orgId: string;
  name: string;
  scope: Scope;
  property: string;
  condition: Condition;
  clear: Test | null;
  severity: Severity;
  repeatSeconds: number | null;
  actions: Action[];
  enabled: boolean;
  createdAt: number;
  updatedAt: number;
}

/** What the engine knows of a datastream: enough to match scopes and to label alerts. */
export interface StreamContext {
  datastreamId: number;
  orgId: string;
  property: string;
  unit: string;
  deviceId: string;
  deviceCode: string;
  site: string | null;
  building: string | null;
  deviceType: string | null;
  tags: string[];
}

export interface RuleStore {
  insert(rule: Rule): Promise<void>;
  update(rule: Rule): Promise<boolean>;
  remove(orgId: string, id: string): Promise<boolean>;
  get(orgId: string, id: string): Promise<Rule | undefined>;
  list(orgId: string, page: PageRequest): Promise<Page<Rule>>;
  /** Every enabled rule of every organisation (the engine's index). */
  allEnabled(): Promise<Rule[]>;
}
