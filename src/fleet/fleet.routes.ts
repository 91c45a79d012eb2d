import { Type } from '@sinclair/typebox';
import { principalOf } from '../http/auth.js';
import { errors, IdParam, IsoTime, ListOf, listResponse, Nullable, PageQuery, pageRequest } from '../http/schemas.js';
import type { TypedApp } from '../http/types.js';
import type { LocationService } from '../locations/locations.service.js';
import { toIso } from '../shared/clock.js';
import { BUILTIN_ORDERS, COMMAND_STATUSES, type Command, DEVICE_MODULE } from './commands.js';
import type { CommandService } from './commands.service.js';
import { fleetActivityRoutes } from './fleet-activity.routes.js';
import { type SummaryStore, summarise } from './site-summary.js';

const Name = (description: string) => Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$', description });

const CommandBody = Type.Object(
  {
    module: Type.Optional(Name(`Module the order goes to (one topic level); default ${DEVICE_MODULE}`)),
    order: Name(`The order: built-in ${BUILTIN_ORDERS.join(', ')} (reinstall resets the credentials first), or any other`),
    value: Type.Optional(Type.Unknown({ description: 'Sent as "value" when given (e.g. a frequency in seconds)' })),
    dest: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description: 'all, or a unitID; default: the unitID of its last status, else all',
      }),
    ),
  },
  { additionalProperties: false },
);

const CommandSchema = Type.Object({
  id: Type.String(),
  deviceId: Type.String(),
  module: Type.String(),
  order: Type.String(),
  value: Type.Optional(Type.Unknown()),
  dest: Type.String(),
  topic: Type.String({
    description:
      '<base>/<module>/command; LoRaWAN over HTTP: ttn-v3:<application>/<device> or chirpstack-v4:<deveui>; over MQTT: the topic published on the provider broker',
  }),
  payload: Type.String({ description: 'Exactly what was published' }),
  sentBy: Type.Object({ kind: Type.String(), id: Type.String(), name: Type.String() }),
  sentAt: IsoTime,
  status: Type.Union(
    COMMAND_STATUSES.map((s) => Type.Literal(s)),
    {
      description:
        'neOCampus: sent (the broker took it) or failed. LoRaWAN downlinks, as the network server reports: pending (published on its broker), queued, sent (by a gateway), acknowledged (by the device, confirmed downlinks), failed',
    },
  ),
  error: Nullable(Type.String()),
  history: Type.Array(
    Type.Object({
      status: Type.String(),
      at: IsoTime,
      event: Type.String({ description: 'e.g. published, http 200, down/queued, down/sent, down/ack, txack, ack' }),
      error: Type.Optional(Type.String()),
    }),
    { description: 'LoRaWAN downlinks: each step of the fate, oldest first; empty for neOCampus orders' },
  ),
  updatedAt: Nullable(IsoTime),
});

const commandView = (c: Command) => ({
  id: c.id,
  deviceId: c.deviceId,
  module: c.module,
  order: c.order,
  ...(c.value !== undefined && { value: c.value }),
  dest: c.dest,
  topic: c.topic,
  payload: c.payload,
  sentBy: c.sentBy,
  sentAt: toIso(c.sentAt),
  status: c.status,
  error: c.error,
  history: c.history.map((h) => ({ ...h, at: toIso(h.at) })),
  updatedAt: c.updatedAt === null ? null : toIso(c.updatedAt),
});

const Counts = Type.Object({
  online: Type.Integer(),
  offline: Type.Integer(),
  unknown: Type.Integer(),
  disabled: Type.Integer(),
  total: Type.Integer(),
});
const Place = { id: Type.String(), slug: Type.String(), name: Type.String(), counts: Counts };
const SummarySchema = Type.Object({
  site: Type.Object({ id: Type.String(), slug: Type.String(), name: Type.String() }),
  counts: Counts,
  buildings: Type.Array(
    Type.Object({
      ...Place,
      rooms: Type.Array(Type.Object(Place)),
      withoutRoom: Type.Union([Counts, Type.Null()], { description: 'Devices in the building but in no room' }),
    }),
  ),
  outside: Nullable(Type.Object({ counts: Counts, zones: Type.Array(Type.Object({ zone: Type.String(), counts: Counts })) })),
  unplaced: Type.Union([Counts, Type.Null()], { description: 'Devices of the site in no building and not outdoors' }),
});

/** Orders to devices, and the state of a site's fleet at a glance. */
export function fleetRoutes(
  app: TypedApp,
  deps: { commands: CommandService; locations: LocationService; summaries: SummaryStore },
) {
  const org = (request: Parameters<typeof principalOf>[0]) => principalOf(request).orgId;
  fleetActivityRoutes(app, deps.summaries);

  app.post(
    '/api/devices/:id/commands',
    {
      config: { scope: 'devices:write' },
      schema: {
        tags: ['devices'],
        summary: 'Send an order: publishes {"dest","order","value"} to <base>/<module>/command (QoS 1) and logs it',
        params: IdParam,
        body: CommandBody,
        response: { 201: CommandSchema, ...errors(404, 409, 422, 502, 503) },
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      const sent = await deps.commands.send(p.orgId, request.params.id, request.body, { kind: p.kind, id: p.id, name: p.name });
      return reply.status(201).send(commandView(sent));
    },
  );

  app.get(
    '/api/devices/:id/commands',
    {
      config: { scope: 'devices:read' },
      schema: {
        tags: ['devices'],
        summary: 'Orders sent to a device, newest first',
        params: IdParam,
        querystring: Type.Object(PageQuery),
        response: { 200: ListOf(CommandSchema), ...errors(404) },
      },
    },
    async (request) => {
      const page = await deps.commands.list(org(request), request.params.id, pageRequest(request.query));
      return listResponse(request, page, commandView);
    },
  );

  app.get(
    '/api/sites/:id/summary',
    {
      config: { scope: 'devices:read' },
      schema: {
        tags: ['locations'],
        summary: 'Devices of a site by state (online, offline, unknown, disabled) per building and room, and outdoors',
        params: IdParam,
        response: { 200: SummarySchema, ...errors(404) },
      },
    },
    async (request) => {
      const site = await deps.locations.getSite(org(request), request.params.id);
      const rows = await deps.summaries.siteCounts(site.orgId, site.id);
      return summarise({ id: site.id, slug: site.slug, name: site.name }, rows);
    },
  );
}
