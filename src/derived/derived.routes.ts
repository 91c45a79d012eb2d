import { Type } from '@sinclair/typebox';
import { principalOf } from '../http/auth.js';
import { errors } from '../http/schemas.js';
import type { TypedApp } from '../http/types.js';
import type { DerivedService } from './derived.service.js';
import { DerivedBody, DerivedSchema, derivedView as view } from './derived-schemas.js';

const Params = Type.Object({ id: Type.String({ description: 'Datastream id (an integer)' }) });
/** /api/datastreams/{id}/derived: what a derived datastream is computed from. */
export function derivedRoutes(app: TypedApp, derived: DerivedService): void {
  const org = (request: Parameters<typeof principalOf>[0]) => principalOf(request).orgId;
  app.get(
    '/api/datastreams/:id/derived',
    {
      config: { scope: 'devices:read' },
      schema: {
        tags: ['datastreams'],
        summary: 'How a derived datastream is computed',
        params: Params,
        response: { 200: DerivedSchema, ...errors(404) },
      },
    },
    async (request) => view(await derived.get(org(request), request.params.id)),
  );
  app.put(
    '/api/datastreams/:id/derived',
    {
      config: { scope: 'devices:write' },
      schema: {
        tags: ['datastreams'],
        summary:
          'Make a datastream derived: computed continuously from others (windowed aggregate, arithmetic, unit conversion); changing the definition recomputes the stored series from the stored inputs',
        params: Params,
        body: DerivedBody,
        response: { 200: DerivedSchema, ...errors(400, 404) },
      },
    },
    async (request) => view(await derived.put(org(request), request.params.id, request.body)),
  );
  app.delete(
    '/api/datastreams/:id/derived',
    {
      config: { scope: 'devices:write' },
      schema: {
        tags: ['datastreams'],
        summary: 'Stop deriving a datastream (its stored values stay)',
        params: Params,
        response: { 204: Type.Null(), ...errors(404) },
      },
    },
    async (request, reply) => {
      await derived.remove(org(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
}
