import { Type } from '@sinclair/typebox';
import { principalOf } from '../http/auth.js';
import { errors, IdParam, IsoTime, ListOf, listResponse, Nullable, PageQuery, pageRequest } from '../http/schemas.js';
import type { TypedApp } from '../http/types.js';
import { toIso, toIsoOrNull } from '../shared/clock.js';
import { invalid } from '../shared/errors.js';
import { alertView } from './alert-view.js';
import { ALERT_EVENTS, ALERT_STATUSES, type AlertStatus, SEVERITIES } from './alerts.js';
import type { AlertService } from './alerts.service.js';
import type { Delivery, Webhook } from './webhooks.js';
import type { WebhookService } from './webhooks.service.js';

const literalUnion = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));

const AlertSchema = Type.Object({
  id: Type.String(),
  kind: Type.String({ description: 'device_offline, threshold, …' }),
  severity: literalUnion(SEVERITIES),
  status: literalUnion(ALERT_STATUSES),
  subject: Type.Object({ type: Type.String(), id: Type.String(), name: Nullable(Type.String()) }),
  message: Type.String(),
  details: Type.Record(Type.String(), Type.Unknown()),
  openedAt: IsoTime,
  acknowledgedAt: Nullable(IsoTime),
  acknowledgedBy: Nullable(Type.String()),
  acknowledgedComment: Nullable(Type.String()),
  resolvedAt: Nullable(IsoTime),
  updatedAt: IsoTime,
  rule: Nullable(Type.Object({ id: Type.String(), name: Type.String() }, { description: 'The rule that raised it (kind rule)' })),
});

const WebhookSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  url: Type.String(),
  events: Type.Array(literalUnion(ALERT_EVENTS), { description: 'Events sent; empty means all' }),
  enabled: Type.Boolean(),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});

const DeliverySchema = Type.Object({
  id: Type.String(),
  event: Type.String(),
  status: Type.String({ description: 'pending, delivered or failed' }),
  attempts: Type.Integer(),
  nextAttemptAt: IsoTime,
  lastError: Nullable(Type.String()),
  lastStatus: Nullable(Type.Integer()),
  createdAt: IsoTime,
  deliveredAt: Nullable(IsoTime),
});

const webhookView = (h: Webhook) => ({ ...h, createdAt: toIso(h.createdAt), updatedAt: toIso(h.updatedAt) });
const deliveryView = (d: Delivery) => ({
  id: d.id,
  event: d.event,
  status: d.status,
  attempts: d.attempts,
  nextAttemptAt: toIso(d.nextAttemptAt),
  lastError: d.lastError,
  lastStatus: d.lastStatus,
  createdAt: toIso(d.createdAt),
  deliveredAt: toIsoOrNull(d.deliveredAt),
});

function parseQueryTime(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw invalid(name, `${name} is not an RFC 3339 time`);
  return ms;
}

export function alertRoutes(app: TypedApp, alerts: AlertService, webhooks: WebhookService) {
  app.get(
    '/api/alerts',
    {
      config: { scope: 'alerts:read' },
      schema: {
        tags: ['alerts'],
        summary: 'Alerts, newest first',
        querystring: Type.Object({
          ...PageQuery,
          status: Type.Optional(
            Type.String({ description: 'Comma list: firing, acknowledged, resolved; `open` = firing,acknowledged' }),
          ),
          kind: Type.Optional(Type.String({ description: 'device_offline, threshold, …' })),
          device: Type.Optional(
            Type.String({ description: 'Device id or code: alerts about it or its datastreams (404 for an unknown device)' }),
          ),
          severity: Type.Optional(literalUnion(SEVERITIES)),
          subject: Type.Optional(Type.String({ description: 'Subject id (a device id, …)' })),
          rule: Type.Optional(Type.String({ description: 'Rule id (alerts of kind rule)' })),
          from: Type.Optional(Type.String({ description: 'Opened at or after (RFC 3339)' })),
          to: Type.Optional(Type.String({ description: 'Opened before (RFC 3339)' })),
        }),
        response: { 200: ListOf(AlertSchema), ...errors(404) },
      },
    },
    async (request) => {
      const q = request.query;
      const status = q.status?.split(',').flatMap((s) => (s === 'open' ? ['firing', 'acknowledged'] : [s.trim()])) as
        | AlertStatus[]
        | undefined;
      const unknown = status?.filter((s) => !ALERT_STATUSES.includes(s));
      if (unknown?.length) throw invalid('status', `unknown status ${unknown.join(', ')}`);
      const orgId = principalOf(request).orgId;
      const deviceId = q.device === undefined ? undefined : await alerts.deviceId(orgId, q.device);
      const page = await alerts.list(
        orgId,
        {
          deviceId,
          status,
          kind: q.kind,
          severity: q.severity,
          subjectId: q.subject,
          ruleId: q.rule,
          from: parseQueryTime('from', q.from),
          to: parseQueryTime('to', q.to),
        },
        pageRequest(q),
      );
      return listResponse(request, page, alertView);
    },
  );

  app.get(
    '/api/alerts/:id',
    {
      config: { scope: 'alerts:read' },
      schema: { tags: ['alerts'], summary: 'One alert', params: IdParam, response: { 200: AlertSchema, ...errors(404) } },
    },
    async (request) => alertView(await alerts.get(principalOf(request).orgId, request.params.id)),
  );

  app.post(
    '/api/alerts/:id/acknowledge',
    {
      config: { scope: 'alerts:write' },
      // The body (a comment) may be left out altogether.
      preValidation: async (request) => {
        request.body ??= {};
      },
      schema: {
        tags: ['alerts'],
        summary: 'Acknowledge a firing alert (it stays open until its cause goes), with an optional comment',
        params: IdParam,
        body: Type.Object(
          { comment: Type.Optional(Type.String({ maxLength: 2000 })) },
          { additionalProperties: false, description: 'Optional' },
        ),
        response: { 200: AlertSchema, ...errors(404) },
      },
    },
    async (request) => {
      const p = principalOf(request);
      return alertView(await alerts.acknowledge(p.orgId, request.params.id, p.name, request.body.comment));
    },
  );

  const WebhookBody = {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    url: Type.String({ minLength: 1, description: 'http:// or https:// URL that receives JSON POSTs' }),
    events: Type.Optional(Type.Array(literalUnion(ALERT_EVENTS))),
    enabled: Type.Optional(Type.Boolean()),
  };

  app.get(
    '/api/webhooks',
    {
      config: { scope: 'alerts:read' },
      schema: {
        tags: ['alerts'],
        summary: 'Webhooks',
        querystring: Type.Object(PageQuery),
        response: { 200: ListOf(WebhookSchema), ...errors() },
      },
    },
    async (request) =>
      listResponse(request, await webhooks.list(principalOf(request).orgId, pageRequest(request.query)), webhookView),
  );

  app.post(
    '/api/webhooks',
    {
      config: { scope: 'alerts:write' },
      schema: {
        tags: ['alerts'],
        summary: 'Create a webhook: alert events are POSTed to it as JSON, retried with backoff',
        body: Type.Object(WebhookBody, { additionalProperties: false }),
        response: { 201: WebhookSchema, ...errors() },
      },
    },
    async (request, reply) =>
      reply.status(201).send(webhookView(await webhooks.create(principalOf(request).orgId, request.body))),
  );

  app.get(
    '/api/webhooks/:id',
    {
      config: { scope: 'alerts:read' },
      schema: { tags: ['alerts'], summary: 'One webhook', params: IdParam, response: { 200: WebhookSchema, ...errors(404) } },
    },
    async (request) => webhookView(await webhooks.get(principalOf(request).orgId, request.params.id)),
  );

  app.patch(
    '/api/webhooks/:id',
    {
      config: { scope: 'alerts:write' },
      schema: {
        tags: ['alerts'],
        summary: 'Change a webhook',
        params: IdParam,
        body: Type.Partial(Type.Object(WebhookBody), { additionalProperties: false }),
        response: { 200: WebhookSchema, ...errors(404) },
      },
    },
    async (request) => webhookView(await webhooks.update(principalOf(request).orgId, request.params.id, request.body)),
  );

  app.delete(
    '/api/webhooks/:id',
    {
      config: { scope: 'alerts:write' },
      schema: { tags: ['alerts'], summary: 'Delete a webhook', params: IdParam, response: { 204: Type.Null(), ...errors(404) } },
    },
    async (request, reply) => {
      await webhooks.remove(principalOf(request).orgId, request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/webhooks/:id/test',
    {
      config: { scope: 'alerts:write' },
      schema: {
        tags: ['alerts'],
        summary: 'Send a test event to a webhook now and answer what the receiver said (not queued, not retried)',
        params: IdParam,
        response: {
          200: Type.Object({
            delivered: Type.Boolean({ description: 'The receiver answered 2xx' }),
            status: Nullable(Type.Integer({ description: 'HTTP status of the answer; null when none came' })),
            error: Nullable(Type.String({ description: 'Why it was not delivered (HTTP status, refused, timeout …)' })),
          }),
          ...errors(404),
        },
      },
    },
    async (request) => webhooks.test(principalOf(request).orgId, request.params.id),
  );

  app.get(
    '/api/webhooks/:id/deliveries',
    {
      config: { scope: 'alerts:read' },
      schema: {
        tags: ['alerts'],
        summary: 'Recent deliveries of a webhook, newest first',
        params: IdParam,
        querystring: Type.Object(PageQuery),
        response: { 200: ListOf(DeliverySchema), ...errors(404) },
      },
    },
    async (request) =>
      listResponse(
        request,
        await webhooks.deliveries(principalOf(request).orgId, request.params.id, pageRequest(request.query)),
        deliveryView,
      ),
  );
}
