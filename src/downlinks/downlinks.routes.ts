import { Type } from '@sinclair/typebox';
import { principalOf } from '../http/auth.js';
import { errors, IsoTime, Nullable } from '../http/schemas.js';
import type { TypedApp } from '../http/types.js';
import { toIso } from '../shared/clock.js';
import type { DownlinkRoute } from './downlinks.js';
import { PROVIDERS, TRANSPORTS } from './downlinks.js';
import type { DownlinkService } from './downlinks.service.js';

const Params = Type.Object({ id: Type.String({ description: 'Device type id or name' }) });
const Fields = {
  provider: Type.String({ description: PROVIDERS.join(', ') }),
  transport: Type.Optional(
    Type.String({ description: `${TRANSPORTS.join(', ')} (default http): the provider's HTTP API or its MQTT broker` }),
  ),
  url: Type.String({
    maxLength: 2000,
    description:
      'HTTP: the network server API base URL, e.g. https://eu1.cloud.thethings.network; MQTT: its broker, e.g. mqtts://eu1.cloud.thethings.network:8883',
  }),
  username: Type.Optional(
    Nullable(
      Type.String({ maxLength: 200, description: 'MQTT login (TTN: <application id>@<tenant id>; ChirpStack: optional)' }),
    ),
  ),
  apiKey: Type.Optional(
    Type.String({
      maxLength: 4000,
      description: 'TTN API key / ChirpStack API token; over MQTT the broker password (kept; shown as ***)',
    }),
  ),
  applicationId: Type.Optional(
    Nullable(Type.String({ maxLength: 200, description: 'TTN application id; ChirpStack over MQTT: the application id (UUID)' })),
  ),
  webhookId: Type.Optional(Nullable(Type.String({ maxLength: 200, description: 'TTN webhook id' }))),
  fPort: Type.Optional(Type.Integer({ description: 'FPort when encodeDownlink gives none (default 1)' })),
  confirmed: Type.Optional(Type.Boolean({ description: 'Confirmed downlinks (default false)' })),
  encoder: Type.String({
    maxLength: 200_000,
    description: 'A script with encodeDownlink(input) → {bytes, fPort?, warnings?, errors?}',
  }),
};
const RouteSchema = Type.Object({
  type: Type.String(),
  ...Fields,
  transport: Type.String(),
  username: Nullable(Type.String()),
  apiKey: Type.String({ description: 'Always ***' }),
  applicationId: Nullable(Type.String()),
  webhookId: Nullable(Type.String()),
  fPort: Type.Integer(),
  confirmed: Type.Boolean(),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});
const view = (r: DownlinkRoute) => ({
  type: r.typeId,
  provider: r.provider,
  transport: r.transport,
  url: r.url,
  username: r.username,
  apiKey: '***',
  applicationId: r.applicationId,
  webhookId: r.webhookId,
  fPort: r.fPort,
  confirmed: r.confirmed,
  encoder: r.encoder,
  createdAt: toIso(r.createdAt),
  updatedAt: toIso(r.updatedAt),
});

/** /api/device-types/{id}/downlink: how orders reach LoRaWAN devices of a type. */
export function downlinkRoutes(app: TypedApp, downlinks: DownlinkService): void {
  const org = (request: Parameters<typeof principalOf>[0]) => principalOf(request).orgId;
  app.get(
    '/api/device-types/:id/downlink',
    {
      config: { scope: 'devices:read' },
      schema: {
        tags: ['device types'],
        summary: 'Downlink route of a LoRaWAN device type',
        params: Params,
        response: { 200: RouteSchema, ...errors(404) },
      },
    },
    async (request) => view(await downlinks.get(org(request), request.params.id)),
  );
  app.put(
    '/api/device-types/:id/downlink',
    {
      config: { scope: 'devices:write' },
      schema: {
        tags: ['device types'],
        summary:
          'Send orders to LoRaWAN devices of this type through TTN v3 or ChirpStack v4 (HTTP API or MQTT), encoded by encodeDownlink',
        params: Params,
        body: Type.Object(Fields, { additionalProperties: false }),
        response: { 200: RouteSchema, ...errors(404) },
      },
    },
    async (request) => view(await downlinks.put(org(request), request.params.id, request.body)),
  );
  app.delete(
    '/api/device-types/:id/downlink',
    {
      config: { scope: 'devices:write' },
      schema: {
        tags: ['device types'],
        summary: 'Remove the downlink route',
        params: Params,
        response: { 204: Type.Null(), ...errors(404) },
      },
    },
    async (request, reply) => {
      await downlinks.remove(org(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
}
