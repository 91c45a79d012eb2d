import { type TSchema, Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { DEFAULT_LIMIT, MAX_LIMIT, type Page, type PageRequest } from '../shared/page.js';

/** Shared TypeBox schemas: the error shape, list envelopes and the paging query. */

/** Bounds of integers stored in 32-bit columns (retention days, revisions): past them PostgreSQL refuses the row. */
export const MAX_DAYS = 36_500;
export const MAX_INT32 = 2_147_483_647;

export const ErrorSchema = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'Stable code, listed in docs/errors.md' }),
      message: Type.String(),
      details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    }),
  },
  { $id: 'Error', title: 'Error' },
);

export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT, description: 'Items per page' })),
  cursor: Type.Optional(Type.String({ description: 'Opaque cursor from links.next' })),
  count: Type.Optional(Type.Boolean({ description: 'Include total, the number of items across all pages' })),
};

export const ListOf = <T extends TSchema>(item: T) =>
  Type.Object({
    data: Type.Array(item),
    links: Type.Object({ next: Type.Union([Type.String({ format: 'uri' }), Type.Null()]) }),
    total: Type.Optional(Type.Integer()),
  });

export const IdParam = Type.Object({ id: Type.String({ description: 'Id (or slug where the resource has one)' }) });

export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const IsoTime = Type.String({ format: 'date-time' });

/** Standard error responses, spread into a route's `response`. */
export const errors = (...statuses: number[]) =>
  Object.fromEntries([400, 401, 403, ...statuses].map((s) => [s, Type.Ref('Error')])) as Record<number, TSchema>;

export function pageRequest(q: {
  limit?: number | undefined;
  cursor?: string | undefined;
  count?: boolean | undefined;
}): PageRequest {
  return { limit: q.limit ?? DEFAULT_LIMIT, cursor: q.cursor, count: q.count };
}

/** `{data, links: {next}, total?}` with `next` the request's own URL carrying the next cursor. */
export function listResponse<T, U = T>(request: FastifyRequest, page: Page<T>, map?: (item: T) => U) {
  let next: string | null = null;
  if (page.next) {
    const url = new URL(request.url, `${request.protocol}://${request.host}`);
    url.searchParams.set('cursor', page.next);
    next = url.toString();
  }
  return {
    data: map ? page.items.map(map) : (page.items as unknown as U[]),
    links: { next },
    ...(page.total !== undefined && { total: page.total }),
  };
}
