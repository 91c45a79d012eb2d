import type { FastifyReply } from 'fastify';
import { type EntitySet, type Row, SETS } from './entities.js';
import { NotImplementedError } from './filter-context.js';
import { observationFields, observationsJson } from './observations-json.js';
import type { QueryOptions } from './query-options.js';
import { keyConstraint, PathError, type Segment, setOf } from './resource-path.js';
import {
  type Constraint,
  DEFAULT_TOP,
  type Entity,
  MAX_TOP,
  type Page,
  type Scope,
  type StaReader,
  selfLink,
} from './sta-reader.js';

/** Where a resource path leads: a collection (maybe through a navigation) or one entity. */
export type Target =
  | { kind: 'collection'; set: EntitySet; constraint: Constraint }
  | { kind: 'entity'; set: EntitySet; row: Row };

const notFound = (what: string) => new PathError(`${what} not found`, 404);

/** Walks the entity and navigation segments of a path; answers the target and the segments left. */
export async function resolve(reader: StaReader, scope: Scope, segments: Segment[]): Promise<[Target, Segment[]]> {
  const first = segments[0] as Segment;
  const set = setOf(first);
  let target: Target = { kind: 'collection', set, constraint: [] };
  if (first.key !== undefined) target = await entity(reader, scope, set, [], first);
  let i = 1;
  for (; i < segments.length; i++) {
    const seg = segments[i] as Segment;
    if (target.kind !== 'entity') break;
    const rel = target.set.relations[seg.name];
    if (!rel) break;
    const child = SETS[rel.target];
    const value = target.row[rel.parentCol];
    const constraint: Constraint = [{ col: rel.childCol, value }];
    if (rel.many) {
      if (seg.key !== undefined) target = await entity(reader, scope, child, value == null ? undefined : constraint, seg);
      else
        target = {
          kind: 'collection',
          set: child,
          constraint: value == null ? [{ col: rel.childCol, value: null }] : constraint,
        };
    } else {
      if (seg.key !== undefined) throw new PathError(`${seg.name} is a single entity: no id after it`, 400);
      const row = value == null ? undefined : await reader.one(scope, child, constraint);
      if (!row) throw notFound(`${target.set.singular} ${seg.name}`);
      target = { kind: 'entity', set: child, row };
    }
  }
  return [target, segments.slice(i)];
}

async function entity(
  reader: StaReader,
  scope: Scope,
  set: EntitySet,
  constraint: Constraint | undefined,
  segment: Segment,
): Promise<Target> {
  const key = segment.key ?? '';
  const byKey = keyConstraint(set, key, segment.quoted);
  const row = byKey && constraint ? await reader.one(scope, set, [...constraint, ...byKey]) : undefined;
  if (!row) throw notFound(`${set.singular} ${key}`);
  return { kind: 'entity', set, row };
}

/** GET of any resource path below the service root. */
export async function readResource(
  reader: StaReader,
  scope: Scope,
  segments: Segment[],
  o: QueryOptions,
  url: string,
  reply: FastifyReply,
) {
  const [target, rest] = await resolve(reader, scope, segments);
  const [next, after] = rest;
  if (target.kind === 'collection') {
    if (next?.name === '$ref' && !after) return reply.send(await collection(reader, scope, target, o, url, true));
    if (next) throw new PathError(`nothing named '${next.name}' after a collection`, next.key ? 404 : 400);
    const body = await collection(reader, scope, target, o, url, false);
    return typeof body === 'string' ? reply.type('application/json; charset=utf-8').send(body) : reply.send(body);
  }
  if (!next) return reply.send(await reader.render(scope, target.set, target.row, o));
  if (next.name === '$ref' && !after)
    return reply.send({ '@iot.selfLink': selfLink(scope.base, target.set, target.set.idOf(target.row)) });
  // A property: {"name": value}; its raw value with $value; null is 204 (§9.2.4).
  const props: Entity = { '@iot.id': target.set.idOf(target.row), ...target.set.toEntity(target.row) };
  const name = next.name === 'id' ? '@iot.id' : next.name;
  if (!(name in props) || next.key !== undefined) throw notFound(`${target.set.singular} property '${next.name}'`);
  if (after && (after.name !== '$value' || rest.length > 2)) throw notFound(`'${after.name}' of a property`);
  const value = props[name];
  if (value === null || value === undefined) return reply.status(204).send();
  if (after) {
    return reply.type('text/plain; charset=utf-8').send(typeof value === 'object' ? JSON.stringify(value) : String(value));
  }
  return reply.send({ [next.name]: value });
}

async function collection(
  reader: StaReader,
  scope: Scope,
  target: Target & { kind: 'collection' },
  o: QueryOptions,
  url: string,
  refs: boolean,
) {
  const page = await reader.page(scope, target.set, target.constraint, o);
  const fields =
    target.set.name === 'Observations' && !refs && !o.dataArray && o.expand.length === 0 && observationFields(o.select);
  if (fields) return observationsPage(scope, page, fields, url, o);
  const body: Entity = {};
  if (page.count !== undefined) body['@iot.count'] = page.count;
  if (o.dataArray) {
    if (target.set.name !== 'Observations') throw new NotImplementedError('$resultFormat=dataArray is for Observations');
    body.value = dataArray(scope, page.rows);
  } else if (refs) {
    body.value = page.rows.map((r) => ({ '@iot.selfLink': selfLink(scope.base, target.set, target.set.idOf(r)) }));
  } else {
    body.value =
      o.expand.length === 0
        ? page.rows.map((r) => reader.renderOwn(scope, target.set, r, o))
        : await Promise.all(page.rows.map((r) => reader.render(scope, target.set, r, o)));
  }
  if (page.more) body['@iot.nextLink'] = nextLink(scope, url, o);
  return body;
}

/** A page of Observations as JSON text, the keys in the order the generic path gives them. */
function observationsPage(scope: Scope, page: Page, fields: string[], url: string, o: QueryOptions): string {
  let out = '{';
  if (page.count !== undefined) out += `"@iot.count":${page.count},`;
  out += `"value":${observationsJson(scope.base, page.rows, fields)}`;
  if (page.more) out += `,"@iot.nextLink":${JSON.stringify(nextLink(scope, url, o))}`;
  return `${out}}`;
}

/** The same request with $skip moved past this page. */
function nextLink(scope: Scope, url: string, o: QueryOptions): string {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const params = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
  const top = Math.min(o.top ?? DEFAULT_TOP, MAX_TOP);
  params.set('$top', String(top));
  params.set('$skip', String(o.skip + top));
  const origin = scope.base.slice(0, scope.base.indexOf('/sta/'));
  return `${origin}${path}?${params.toString().replace(/\+/g, '%20')}`;
}

/** Data Array extension (SensorThings 1.1 §13): observations grouped by datastream, as rows. */
function dataArray(scope: Scope, rows: Row[]) {
  const groups = new Map<number, Row[]>();
  for (const r of rows) {
    const ds = Number(r.ds_id);
    const list = groups.get(ds) ?? [];
    list.push(r);
    groups.set(ds, list);
  }
  const obs = SETS.Observations;
  return [...groups].map(([ds, list]) => ({
    'Datastream@iot.navigationLink': `${scope.base}/Datastreams(${ds})`,
    components: ['id', 'phenomenonTime', 'resultTime', 'result'],
    'dataArray@iot.count': list.length,
    dataArray: list.map((r) => {
      const e = obs.toEntity(r);
      return [obs.idOf(r), e.phenomenonTime, e.resultTime, e.result];
    }),
  }));
}
