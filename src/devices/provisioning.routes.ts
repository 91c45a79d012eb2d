import { Type } from '@sinclair/typebox';
import { errors, Nullable } from '../http/schemas.js';
import type { TypedApp } from '../http/types.js';
import { DomainError } from '../shared/errors.js';
import { ModuleSchema } from './device-schemas.js';
import type { ProvisioningService } from './provisioning.service.js';

export interface ProvisioningRouteOptions {
  /** Requests per minute per client address on each /device route. */
  ratePerMinute: number;
}

const Identity = (what: string) => Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: what }));

/**
 * The routes neOCampus firmware calls at boot (sensOCampus compatible): no API key, as a
 * device has none; credentials by identity, configuration with HTTP Basic. Both are
 * rate-limited per client address.
 */
export function provisioningRoutes(app: TypedApp, provisioning: ProvisioningService, opts: ProvisioningRouteOptions) {
  const rateLimit = { max: opts.ratePerMinute, timeWindow: 60_000 };

  app.get(
    '/device/credentials',
    {
      config: { public: true, rateLimit },
      schema: {
        tags: ['provisioning'],
        summary: 'MQTT credentials of a device, by identity; the password only on the first call after creation or reset',
        description:
          'Exactly one of mac, deveui, uuid, serial, in any notation. 404 unknown identity, 403 disabled device, ' +
          '409 DEVICE_NOT_MQTT (e.g. a LoRaWAN device). Identities are unique platform-wide, so one identity names one device.',
        querystring: Type.Object({
          mac: Identity('MAC address, e.g. 24:0a:c4:02:8b:60'),
          deveui: Identity('LoRaWAN DevEUI'),
          uuid: Identity('UUID'),
          serial: Identity('Serial number'),
        }),
        response: {
          200: Type.Object({
            login: Type.String(),
            password: Type.Optional(Type.String({ description: 'Only on the first call after creation or reset' })),
            server: Type.String({ description: 'MQTT broker host' }),
            port: Type.Integer(),
            base_topic: Nullable(Type.String({ description: 'Publish under <base_topic>/<module>' })),
          }),
          ...errors(404, 409, 429),
        },
      },
    },
    async (request, reply) => {
      // Never cached by a proxy: the first answer carries a password.
      reply.header('cache-control', 'no-store');
      return provisioning.credentials(request.query, request.hostname);
    },
  );

  app.get(
    '/device/config',
    {
      config: { public: true, rateLimit },
      schema: {
        tags: ['provisioning'],
        summary: 'Configuration of the calling device (HTTP Basic: its MQTT login and password), neOCampus shape',
        response: {
          200: Type.Object({
            topics: Type.Array(Type.String(), { description: 'topics[0] is the base topic' }),
            zones: Type.Array(Type.Object({ topic: Type.String(), modules: Type.Array(ModuleSchema) })),
            config: Type.Record(Type.String(), Type.Unknown(), { description: "The device's config as stored" }),
          }),
          ...errors(429),
        },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      try {
        return await provisioning.config(request.headers.authorization);
      } catch (err) {
        // RFC 7235 §3.1: a 401 names the scheme to use.
        if (err instanceof DomainError && err.code === 'UNAUTHENTICATED')
          reply.header('www-authenticate', 'Basic realm="polder devices"');
        throw err;
      }
    },
  );
}
