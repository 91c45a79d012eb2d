import { Type } from '@sinclair/typebox';
import { principalOf } from '../http/auth.js';
import { errors, IdParam, IsoTime, ListOf, listResponse, Nullable, PageQuery, pageRequest } from '../http/schemas.js';
import type { TypedApp } from '../http/types.js';
import { toIso } from '../shared/clock.js';
import { invalid } from '../shared/errors.js';
import type { replay } from './rule-tester.js';
import type { Rule, RuleInput } from './rules.js';
import type { RuleService } from './rules.service.js';

const Num = Type.Number();
const TestFields = {
  op: Type.String({ description: '>, >=, <, <=, outside, inside' }),
  value: Type.Optional(Num),
  min: Type.Optional(Num),
  max: Type.Optional(Num),
};
const TestSchema = Type.Object(TestFields, { additionalProperties: false });
const ConditionSchema = Type.Object(
  {
    kind: Type.String({ description: 'threshold, rate, window, no-data, forecast-deviation' }),
    ...Type.Partial(Type.Object(TestFields)).properties,
    forSeconds: Type.Optional(Type.Number({ description: 'threshold: held this long' })),
    count: Type.Optional(
      Type.Integer({ description: 'threshold: N of the last `window` values; forecast-deviation: N deviations' }),
    ),
    window: Type.Optional(Type.Integer({ description: 'threshold: of the last M values' })),
    aggregate: Type.Optional(Type.String({ description: 'window: avg, min, max, sum, count' })),
    windowSeconds: Type.Optional(Type.Number({ description: 'window / forecast-deviation: sliding window length' })),
    seconds: Type.Optional(Type.Number({ description: 'no-data: silence that fires' })),
  },
  { additionalProperties: false },
);
const ScopeSchema = Type.Object(
  {
    site: Type.Optional(Nullable(Type.String())),
    building: Type.Optional(Nullable(Type.String())),
    deviceType: Type.Optional(Nullable(Type.String())),
    device: Type.Optional(Nullable(Type.String({ description: 'Device id or code' }))),
    tags: Type.Optional(Type.Array(Type.String(), { description: "All in the device's properties.tags" })),
  },
  { additionalProperties: false },
);
const ActionSchema = Type.Object(
  {
    kind: Type.String({ description: 'alert, webhook, email, order' }),
    webhook: Type.Optional(Type.String()),
    to: Type.Optional(Type.Array(Type.String())),
    device: Type.Optional(Type.String()),
    module: Type.Optional(Type.String()),
    order: Type.Optional(Type.String()),
    value: Type.Optional(Type.Unknown()),
    dest: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
const RuleBody = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  scope: Type.Optional(ScopeSchema),
  property: Type.String({ minLength: 1, description: 'Observed property, e.g. temperature' }),
  condition: ConditionSchema,
  clear: Type.Optional(Nullable(TestSchema)),
  severity: Type.Optional(Type.Union([Type.Literal('critical'), Type.Literal('warning'), Type.Literal('info')])),
  repeatSeconds: Type.Optional(Nullable(Type.Number())),
  actions: Type.Optional(Type.Array(ActionSchema)),
  enabled: Type.Optional(Type.Boolean()),
};
const RuleSchema = Type.Object({
  id: Type.String(),
  ...RuleBody,
  scope: ScopeSchema,
  clear: Nullable(TestSchema),
  repeatSeconds: Nullable(Type.Number()),
  actions: Type.Array(ActionSchema),
  enabled: Type.Boolean(),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});

const ruleView = (r: Rule) => ({
  id: r.id,
  name: r.name,
  scope: r.scope,
  property: r.property,
  condition: r.condition,
  clear: r.clear,
  severity: r.severity,
  repeatSeconds: r.repeatSeconds,
  actions: r.actions,
  enabled: r.enabled,
  createdAt: toIso(r.createdAt),
  updatedAt: toIso(r.updatedAt),
});

function time(name: string, v: string): number {
  const ms = Date.parse(v);
  if (Number.isNaN(ms)) throw invalid(name, `${name} is not an RFC 3339 time`);
  return ms;
}

export function ruleRoutes(
  app: TypedApp,
  rules: RuleService,
  test: (rule: Rule, from: number, to: number, ds?: number) => ReturnType<typeof replay>,
) {
  const tags = ['rules'];
  app.get(
    '/api/rules',
    {
      config: { scope: 'alerts:read' },
      schema: { tags, summary: 'Rules', querystring: Type.Object(PageQuery), response: { 200: ListOf(RuleSchema), ...errors() } },
    },
    async (request) => listResponse(request, await rules.list(principalOf(request).orgId, pageRequest(request.query)), ruleView),
  );
  app.post(
    '/api/rules',
    {
      config: { scope: 'alerts:write' },
      schema: {
        tags,
        summary: 'Create a rule, evaluated on every stored measurement of its property in its scope',
        body: Type.Object(RuleBody, { additionalProperties: false }),
        response: { 201: RuleSchema, ...errors() },
      },
    },
    async (request, reply) =>
      reply.status(201).send(ruleView(await rules.create(principalOf(request).orgId, request.body as RuleInput))),
  );
  app.get(
    '/api/rules/:id',
    {
      config: { scope: 'alerts:read' },
      schema: { tags, summary: 'One rule', params: IdParam, response: { 200: RuleSchema, ...errors(404) } },
    },
    async (request) => ruleView(await rules.get(principalOf(request).orgId, request.params.id)),
  );
  app.patch(
    '/api/rules/:id',
    {
      config: { scope: 'alerts:write' },
      schema: {
        tags,
        summary: 'Change a rule (its evaluation state starts again; open alerts stay until cleared)',
        params: IdParam,
        body: Type.Partial(Type.Object(RuleBody), { additionalProperties: false }),
        response: { 200: RuleSchema, ...errors(404) },
      },
    },
    async (request) =>
      ruleView(await rules.update(principalOf(request).orgId, request.params.id, request.body as Partial<RuleInput>)),
  );
  app.delete(
    '/api/rules/:id',
    {
      config: { scope: 'alerts:write' },
      schema: { tags, summary: 'Delete a rule', params: IdParam, response: { 204: Type.Null(), ...errors(404) } },
    },
    async (request, reply) => {
      await rules.remove(principalOf(request).orgId, request.params.id);
      return reply.status(204).send(null);
    },
  );
  const Event = Type.Object({
    kind: Type.String({ description: 'fired, repeated, cleared' }),
    time: IsoTime,
    datastreamId: Type.Integer(),
    device: Type.Object({ id: Type.String(), code: Type.String() }),
    value: Nullable(Type.Number()),
    observed: Nullable(Type.Number()),
  });
  app.post(
    '/api/rules/:id/test',
    {
      config: { scope: 'alerts:read' },
      schema: {
        tags,
        summary:
          'Replay stored values of a time range through the rule: when it would have fired and cleared (nobody is notified)',
        params: IdParam,
        body: Type.Object(
          { from: IsoTime, to: IsoTime, datastream: Type.Optional(Type.Integer({ description: 'Only this datastream' })) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            datastreams: Type.Integer(),
            values: Type.Integer(),
            truncated: Type.Boolean(),
            events: Type.Array(Event),
          }),
          ...errors(404),
        },
      },
    },
    async (request) => {
      const rule = await rules.get(principalOf(request).orgId, request.params.id);
      const b = request.body;
      const out = await test(rule, time('from', b.from), time('to', b.to), b.datastream);
      return { ...out, events: out.events.map((e) => ({ ...e, time: toIso(e.time) })) };
    },
  );
}
