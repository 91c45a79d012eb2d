import type {
  Device,
  DeviceQuery,
  LatestValue,
  MeasurementPage,
  MeasurementQuery,
  MeasurementRow,
  Method,
  Operation,
  OptionalIfEmpty,
  PathsWith,
  RequestOptions,
  ResponseBody,
} from './api-types.js';
import type { paths } from './generated/openapi.js';
import { PolderError } from './polder-error.js';

export interface PolderClientOptions {
  /** Where Polder answers, e.g. `http://localhost:8080` (a path prefix behind a proxy is kept). */
  baseUrl: string;
  /** An API key (`Authorization: Bearer …`). Leave out in a browser logged in to the dashboard. */
  token?: string;
  /** Another fetch (a proxy agent, a test double); default: the global fetch of Node 20 and browsers. */
  fetch?: typeof fetch;
  /** Extra headers sent with every request. */
  headers?: Record<string, string>;
}

/** Rows per page the iterators ask for unless told otherwise: few round trips, pages of about 0.5 MB. */
export const DEFAULT_PAGE_SIZE = 10_000;

type QueryValue = string | number | boolean | Date | null | undefined | readonly (string | number | boolean | Date)[];
type Paged<T> = { data: T[]; links: { next: string | null } };
/** Paths whose GET answers a page (`data` and `links.next`). */
type ListPath = {
  [P in PathsWith<'get'>]: ResponseBody<Operation<P, 'get'>> extends Paged<unknown> ? P : never;
}[PathsWith<'get'>];
type Item<P extends ListPath> = ResponseBody<Operation<P, 'get'>> extends Paged<infer T> ? T : never;

const text = (v: string | number | boolean | Date) => (v instanceof Date ? v.toISOString() : String(v));

/**
 * A thin client of the Polder API: typed calls on every path of the OpenAPI document
 * (`get`, `post`, `patch`, `delete`) and iterators that follow the pages of lists.
 */
export class PolderClient {
  private readonly base: string;
  private readonly fetchFn: typeof fetch;

  constructor(private readonly options: PolderClientOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '');
    this.fetchFn = options.fetch ?? ((input, init) => fetch(input, init));
  }

  get<P extends PathsWith<'get'>>(path: P, ...[options]: OptionalIfEmpty<RequestOptions<Operation<P, 'get'>>>) {
    return this.call<P, 'get'>('get', path, options);
  }

  post<P extends PathsWith<'post'>>(path: P, ...[options]: OptionalIfEmpty<RequestOptions<Operation<P, 'post'>>>) {
    return this.call<P, 'post'>('post', path, options);
  }

  patch<P extends PathsWith<'patch'>>(path: P, ...[options]: OptionalIfEmpty<RequestOptions<Operation<P, 'patch'>>>) {
    return this.call<P, 'patch'>('patch', path, options);
  }

  delete<P extends PathsWith<'delete'>>(path: P, ...[options]: OptionalIfEmpty<RequestOptions<Operation<P, 'delete'>>>) {
    return this.call<P, 'delete'>('delete', path, options);
  }

  /**
   * Pages of measurements, following `links.next` until the last one. Pages never overlap and
   * never skip a row (docs/querying.md). `limit` is the page size (default 10,000).
   */
  async *queryMeasurements(query: MeasurementQuery, signal?: AbortSignal): AsyncGenerator<MeasurementPage> {
    const { limit = DEFAULT_PAGE_SIZE, ...rest } = query;
    yield* this.follow<MeasurementPage>(this.url('/api/measurements', undefined, { ...rest, limit }), signal);
  }

  /** Every row of a measurements query, in order (datastream id, then time), page after page. */
  async *measurements(query: MeasurementQuery, signal?: AbortSignal): AsyncGenerator<MeasurementRow> {
    for await (const page of this.queryMeasurements(query, signal)) yield* page.data;
  }

  /** A datastream's most recent value (`time` and `value` null when it has none). */
  latest(datastream: number | string, signal?: AbortSignal): Promise<LatestValue> {
    return this.get('/api/datastreams/{id}/latest', { path: { id: String(datastream) }, signal });
  }

  /** The most recent value of each datastream of a device (id or code). */
  async deviceLatest(device: string, signal?: AbortSignal): Promise<LatestValue[]> {
    return (await this.get('/api/devices/{id}/latest', { path: { id: device }, signal })).data;
  }

  /** Every device matching the filters, page after page. */
  devices(query: DeviceQuery = {}, signal?: AbortSignal): AsyncGenerator<Device> {
    return this.items('/api/devices', { query, ...(signal && { signal }) });
  }

  /**
   * Every item of any paged list, following `links.next`:
   * `items('/api/sensors/{id}/datastreams', { path: { id } })`, `items('/api/datastreams', { query: { device } })`.
   */
  async *items<P extends ListPath>(
    path: P,
    ...[options]: OptionalIfEmpty<RequestOptions<Operation<P, 'get'>>>
  ): AsyncGenerator<Item<P>> {
    const o = (options ?? {}) as { path?: Record<string, string>; query?: Record<string, QueryValue>; signal?: AbortSignal };
    for await (const page of this.follow<Paged<Item<P>>>(this.url(path, o.path, o.query), o.signal)) yield* page.data;
  }

  private async call<P extends keyof paths, M extends Method>(
    method: M,
    path: P,
    options: { path?: unknown; query?: unknown; body?: unknown; signal?: AbortSignal } = {},
  ): Promise<ResponseBody<Operation<P, M>>> {
    const url = this.url(
      path,
      options.path as Record<string, string> | undefined,
      options.query as Record<string, QueryValue> | undefined,
    );
    return (await this.send(method.toUpperCase(), url, options.body, options.signal)) as ResponseBody<Operation<P, M>>;
  }

  private url(path: string, params: Record<string, string> | undefined, query: Record<string, QueryValue> = {}): URL {
    const filled = path.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = params?.[name];
      if (value === undefined) throw new TypeError(`${path}: path parameter "${name}" is missing`);
      return encodeURIComponent(value);
    });
    const url = new URL(this.base + filled);
    for (const [key, value] of Object.entries(query)) {
      if (value === undefined || value === null) continue;
      // Arrays repeat the parameter (datastream=1&datastream=2), as the API reads them.
      for (const v of Array.isArray(value) ? value : [value]) url.searchParams.append(key, text(v as string));
    }
    return url;
  }

  private async *follow<T extends { links: { next: string | null } }>(first: URL, signal?: AbortSignal): AsyncGenerator<T> {
    let url: URL | null = first;
    while (url) {
      const page = (await this.send('GET', url, undefined, signal)) as T;
      yield page;
      url = page.links.next === null ? null : nextOf(url, page.links.next);
    }
  }

  private async send(method: string, url: URL, body: unknown, signal: AbortSignal | undefined): Promise<unknown> {
    const headers: Record<string, string> = { accept: 'application/json', ...this.options.headers };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await this.fetchFn(url, {
      method,
      headers,
      ...(body !== undefined && { body: JSON.stringify(body) }),
      ...(signal && { signal }),
      // In a browser on the dashboard's origin, the session cookie authenticates.
      credentials: 'same-origin',
    });
    if (!res.ok) throw await PolderError.fromResponse(res);
    if (res.status === 204) return undefined;
    return res.json();
  }
}

/**
 * The URL of the next page. Polder writes `links.next` with the host it was asked by, which
 * behind a proxy need not be the address this client uses: keep our own base and path and take
 * only the query (which carries the cursor). The token is then never sent anywhere else.
 */
function nextOf(current: URL, next: string): URL {
  const url = new URL(current);
  url.search = new URL(next, current).search;
  return url;
}
