import type { Alert, AlertDraft, AlertEvent } from '../alerts/alerts.js';
import type { AlertService } from '../alerts/alerts.service.js';
import type { CommandInput, Sender } from '../fleet/commands.js';
import { groupBy } from '../shared/group.js';
import type { Logger } from '../shared/logger.js';
import type { Transition } from './rule-evaluator.js';
import type { Rule, StreamContext } from './rules.js';

/** Sends one e-mail (SMTP); injected so the domain knows no nodemailer. */
export interface Mailer {
  send(mail: { to: string[]; subject: string; text: string }): Promise<void>;
}

/** What actions need of the rest of Polder. */
export interface ActionPorts {
  alerts: AlertService;
  /** Queues one delivery of an alert event to one webhook of the organisation. */
  deliverWebhook(orgId: string, webhookId: string, event: AlertEvent, alert: Alert): Promise<void>;
  /** Sends a neOCampus order as POST /api/devices/{id}/commands does (and logs it). */
  sendOrder(orgId: string, device: string, input: CommandInput, sender: Sender): Promise<unknown>;
  mailer: Mailer | undefined;
  logger: Logger;
}

/** The transition of one rule on one datastream, to act upon. */
export interface Firing {
  rule: Rule;
  ctx: StreamContext;
  t: Transition;
  /** The alert opened by the firing; kept in the state to find it when repeating. */
  alertId: string | null;
}

const describe = (f: Firing) => {
  const v = f.t.observed ?? f.t.value;
  return `${f.rule.name}: ${f.ctx.property} of ${f.ctx.deviceCode}${v === null ? '' : ` at ${round(v)} ${f.ctx.unit}`}`;
};
const round = (v: number) => Math.round(v * 1000) / 1000;
const keyOf = (f: Firing) => `${f.rule.id}|${f.ctx.datastreamId}`;
const notifies = (rule: Rule) => rule.actions.some((a) => a.kind === 'alert');
const EVENTS: Record<Transition['kind'], AlertEvent> = {
  fired: 'alert.opened',
  cleared: 'alert.resolved',
  repeated: 'alert.repeated',
};

export function alertDraft(f: Firing): AlertDraft {
  return {
    kind: 'rule',
    ruleId: f.rule.id,
    severity: f.rule.severity,
    subjectType: 'datastream',
    subjectId: String(f.ctx.datastreamId),
    subjectName: `${f.ctx.deviceCode} ${f.ctx.property}`,
    message: describe(f),
    details: {
      rule: { id: f.rule.id, name: f.rule.name },
      device: { id: f.ctx.deviceId, code: f.ctx.deviceCode },
      datastream: { id: f.ctx.datastreamId, property: f.ctx.property, unit: f.ctx.unit },
      condition: f.rule.condition,
      value: f.t.value,
      observed: f.t.observed,
      time: new Date(f.t.time).toISOString(),
    },
  };
}

/**
 * Runs a rule's actions for each transition. The alert is always recorded (/api/alerts is the
 * lifecycle: it opens once per rule and datastream and resolves when cleared); the `alert`
 * action also tells the alert sinks (MQTT topic, subscribed webhooks). A failing action is
 * logged and does not stop the others.
 */
export class RuleActions {
  constructor(private readonly ports: ActionPorts) {}

  /**
   * Acts on the transitions of one stored batch; answers, per firing, the id of its open alert
   * (null once resolved) for the state. Alerts are opened and resolved in bulk (one statement
   * per organisation and rule, not one per transition); a (rule, datastream) that moves twice
   * in a batch is taken in order.
   */
  async runMany(firings: Firing[]): Promise<(string | null)[]> {
    const out: (string | null)[] = [];
    let chunk: Firing[] = [];
    const seen = new Set<string>();
    const latest = new Map<string, string | null>();
    const flush = async () => {
      for (const f of chunk) if (latest.has(keyOf(f))) f.alertId = latest.get(keyOf(f)) ?? null;
      const ids = await this.runChunk(chunk);
      for (const [i, f] of chunk.entries()) latest.set(keyOf(f), ids[i] ?? null);
      out.push(...ids);
      chunk = [];
      seen.clear();
    };
    for (const f of firings) {
      const key = keyOf(f);
      if (seen.has(key)) await flush();
      seen.add(key);
      chunk.push(f);
    }
    if (chunk.length) await flush();
    return out;
  }

  /** One transition of its own (tests, the clock's no-data firings). */
  async run(f: Firing): Promise<string | null> {
    return (await this.runChunk([f]))[0] ?? null;
  }

  private async runChunk(firings: Firing[]): Promise<(string | null)[]> {
    const alerts = new Map<string, Alert>();
    const opens = groupBy(
      firings.filter((f) => f.t.kind === 'fired'),
      (f) => `${f.rule.orgId}|${notifies(f.rule)}`,
    );
    for (const group of opens.values()) {
      const first = group[0] as Firing;
      const opened = await this.ports.alerts.open(first.rule.orgId, group.map(alertDraft), { notify: notifies(first.rule) });
      for (const a of opened) alerts.set(`${a.ruleId}|${a.subjectId}`, a);
    }
    const clears = groupBy(
      firings.filter((f) => f.t.kind === 'cleared'),
      (f) => `${f.rule.orgId}|${f.rule.id}`,
    );
    for (const group of clears.values()) {
      const { rule } = group[0] as Firing;
      const subjects = group.map((f) => String(f.ctx.datastreamId));
      const resolved = await this.ports.alerts.resolve(rule.orgId, 'rule', subjects, { notify: notifies(rule), ruleId: rule.id });
      for (const a of resolved) alerts.set(`${a.ruleId}|${a.subjectId}`, a);
    }
    const ids: (string | null)[] = [];
    for (const f of firings) {
      let alert = alerts.get(keyOf(f));
      if (f.t.kind === 'repeated') {
        alert = f.alertId ? await this.ports.alerts.get(f.rule.orgId, f.alertId).catch(() => undefined) : undefined;
        if (alert && notifies(f.rule)) await this.ports.alerts.repeat([alert]);
      }
      // Not opened now (one was open already) or not resolved now: it was acted upon then.
      if (!alert) {
        ids.push(f.t.kind === 'cleared' ? null : f.alertId);
        continue;
      }
      await this.sideActions(f, alert);
      ids.push(f.t.kind === 'cleared' ? null : alert.id);
    }
    return ids;
  }

  private async sideActions(f: Firing, alert: Alert) {
    const { rule } = f;
    const event: AlertEvent = EVENTS[f.t.kind];
    for (const action of rule.actions) {
      try {
        if (action.kind === 'webhook') await this.ports.deliverWebhook(rule.orgId, action.webhook, event, alert);
        else if (action.kind === 'email') await this.mail(action.to, event, alert);
        // Orders act on the world: once when the rule fires, not on repeats or clears.
        else if (action.kind === 'order' && f.t.kind === 'fired') {
          const { device, module, order, value, dest } = action;
          await this.ports.sendOrder(
            rule.orgId,
            device,
            { module, order, value, dest },
            { kind: 'rule', id: rule.id, name: rule.name },
          );
        }
      } catch (err) {
        this.ports.logger.warn({ err, ruleId: rule.id, action: action.kind }, 'rule action failed');
      }
    }
  }

  private async mail(to: string[], event: AlertEvent, alert: Alert) {
    if (!this.ports.mailer) throw new Error('no SMTP server configured (POLDER_SMTP_URL)');
    const what = { 'alert.opened': 'FIRING', 'alert.resolved': 'RESOLVED', 'alert.repeated': 'STILL FIRING' }[
      event as 'alert.opened'
    ];
    await this.ports.mailer.send({
      to,
      subject: `[${alert.severity}] ${what ?? event}: ${alert.message}`,
      text: `${alert.message}\n\nstatus: ${alert.status}\nopened: ${new Date(alert.openedAt).toISOString()}\n${JSON.stringify(alert.details, null, 2)}\n`,
    });
  }
}
