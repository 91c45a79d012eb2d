import type { AlertService } from '../alerts/alert.service.js';
import type { Alert, AlertDraft, AlertEvent } from '../alerts/alerts.js';
import type { CommandInput, Sender } from '../fleet/commands.js';
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

  /** Answers the id of the alert opened (fired), for the state. */
  async run(f: Firing): Promise<string | null> {
    const { rule, ctx } = f;
    const notify = rule.actions.some((a) => a.kind === 'alert');
    let alert: Alert | undefined;
    let event: AlertEvent;
    if (f.t.kind === 'fired') {
      event = 'alert.opened';
      [alert] = await this.ports.alerts.open(rule.orgId, [alertDraft(f)], { notify });
    } else if (f.t.kind === 'cleared') {
      event = 'alert.resolved';
      [alert] = await this.ports.alerts.resolve(rule.orgId, 'rule', [String(ctx.datastreamId)], { notify, ruleId: rule.id });
    } else {
      event = 'alert.repeated';
      alert = f.alertId ? await this.ports.alerts.get(rule.orgId, f.alertId).catch(() => undefined) : undefined;
      if (alert && notify) await this.ports.alerts.repeat([alert]);
    }
    // Already open (or already resolved): it was acted upon then.
    if (!alert) return f.alertId;
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
    return f.t.kind === 'cleared' ? null : alert.id;
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
