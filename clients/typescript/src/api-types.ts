import type { components, paths } from './generated/openapi.js';

/** Types derived from the generated OpenAPI types: what each path and method takes and answers. */

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** The paths that answer `M` (e.g. every path with a GET). */
export type PathsWith<M extends Method> = {
  [P in keyof paths]: [NonNullable<paths[P][M]>] extends [never] ? never : P;
}[keyof paths];

/** The operation of a path and method, as generated. */
export type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;

type JsonOf<R> = R extends { content: { 'application/json': infer B } } ? B : undefined;
type ParamsOf<Op> = Op extends { parameters: infer X } ? X : never;

/** The JSON body of the operation's success answer (200, else 201; 204 has none). */
export type ResponseBody<Op> = Op extends { responses: infer R }
  ? R extends { 200: infer A }
    ? JsonOf<A>
    : R extends { 201: infer A }
      ? JsonOf<A>
      : undefined
  : never;

/** The query parameters of the operation (never when it takes none). */
export type QueryOf<Op> = NonNullable<ParamsOf<Op> extends { query?: infer Q } ? Q : never>;

/** The JSON request body of the operation (never when it takes none). */
export type BodyOf<Op> = Op extends { requestBody?: infer B } ? JsonOf<NonNullable<B>> : never;

/**
 * Options of a typed call: `path` is required exactly when the path has parameters
 * (`/api/datastreams/{id}` needs `{ path: { id } }`), `body` when the operation takes one.
 */
export type RequestOptions<Op> = (ParamsOf<Op> extends { path: infer X } ? { path: X } : { path?: never }) &
  ([QueryOf<Op>] extends [never] ? { query?: never } : { query?: QueryOf<Op> }) &
  ([BodyOf<Op>] extends [never | undefined] ? { body?: never } : { body: BodyOf<Op> }) & {
    /** Aborts the request (and, in the paging iterators, the iteration). */
    signal?: AbortSignal;
  };

/** Whether every option may be left out, so the options argument itself is optional. */
export type OptionalIfEmpty<O> = object extends O ? [options?: O] : [options: O];

export type Schemas = components['schemas'];
/** `{datastream, time, value}`: one raw measurement or one bucket's aggregate. */
export type MeasurementRow = Schemas['MeasurementRow'];
/** A datastream's last value with its device, sensor, observed property and unit. */
export type LatestValue = Schemas['LatestValue'];
/** One page of `GET /api/measurements`, as rows (the client does not ask for `format=columnar`). */
export type MeasurementPage = Extract<ResponseBody<Operation<'/api/measurements', 'get'>>, { data: MeasurementRow[] }>;
/** A device as `GET /api/devices` lists it. */
export type Device = ResponseBody<Operation<'/api/devices', 'get'>>['data'][number];

type TimeLike = string | Date;

/**
 * The query of `GET /api/measurements`, with conveniences: one datastream id or several
 * (numbers or strings), times as `Date` or RFC 3339 strings. Paging (`cursor`) is the iterator's job.
 */
export type MeasurementQuery = Omit<
  QueryOf<Operation<'/api/measurements', 'get'>>,
  'datastream' | 'start' | 'end' | 'cursor' | 'format'
> & {
  datastream?: number | string | readonly (number | string)[];
  start?: TimeLike;
  end?: TimeLike;
};

/** The filters of `GET /api/devices` (paging is the iterator's job). */
export type DeviceQuery = Omit<QueryOf<Operation<'/api/devices', 'get'>>, 'cursor'>;
