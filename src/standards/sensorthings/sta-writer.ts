import type { FastifyReply } from 'fastify';
import type { Database } from '../../db/database.js';
import type { Measurement, ValueRow } from '../../measurements/measurements.js';
import type { MeasurementService } from '../../measurements/measurements.service.js';
import type { Clock } from '../../shared/clock.js';
import type { ValueKind } from '../../shared/values.js';
import { type EntitySet, type Row, SETS } from './entities.js';
import { NotImplementedError } from './filter-context.js';
import { emptyOptions } from './query-options.js';
import { keyConstraint, PathError, type Segment, setOf } from './resource-path.js';
import { StaAnnouncer, type Touched } from './sta-announce.js';
import { type Body, instant, isObject, linkId } from './sta-body.js';
import { arrayOf, bad, StaCreator } from './sta-create.js';
import { ensureStaIds } from './sta-ids.js';
import { resolve } from './sta-read-handler.js';
import type { Constraint, Scope, StaReader } from './sta-reader.js';
import { StaUpdater } from './sta-update.js';
import { WriteError } from './sta-write-error.js';

export { WriteError };

/**
 * Create (POST, deep insert, Data Array), update (PATCH, PUT) and delete, all in the caller's
 * organisation. Registry rows are written in one transaction; observations go through the
 * measurement service after it commits, so MQTT subscribers and live views hear of them.
 */
export class StaWriter {
  constructor(
    private readonly database: Database,
    private readonly reader: StaReader,
    private readonly measurements: MeasurementService,
    private readonly clock: Clock,
  ) {
    this.announcer = new StaAnnouncer(database, reader);
  }

  private readonly announcer: StaAnnouncer;

  async handle(scope: Scope, method: string, segments: Segment[], body: unknown, reply: FastifyReply): Promise<unknown> {
    if (segments.length === 0) throw new PathError('nothing to write at the service root', 400);
    if (method === 'POST') {
      if (segments.length === 1 && segments[0]?.name === 'CreateObservations') {
        const links = await this.createObservations(scope, body);
        return reply.status(201).send(links);
      }
      const { set, id, created } = await this.create(scope, segments, body);
      await ensureStaIds(this.database.db, scope.orgId);
      const row = await this.reader.one(scope, set, byKey(set, id));
      if (!row) throw new PathError(`the new ${set.singular} is not visible`, 404);
      const entity = await this.reader.render(scope, set, row, emptyOptions());
      await this.announcer.announce(scope, { set: set.name, key: id }, { row, entity });
      // A deep insert's nested entities are each announced on their own topics too.
      for (const c of created) if (c.set !== set.name || c.key !== id) await this.announcer.announce(scope, c);
      reply.header('location', entity['@iot.selfLink']);
      return reply.status(201).send(entity);
    }
    const [target, rest] = await resolve(this.reader, scope, segments);
    if (target.kind !== 'entity' || rest.length > 0) throw new PathError(`${method} needs the URL of one entity`, 400);
    const updater = new StaUpdater(this.database.db, scope.orgId, this.clock(), this.database.dialect);
    if (method === 'DELETE') {
      await updater.delete(target.set, target.row);
      return reply.status(200).send();
    }
    if (method === 'PATCH' || method === 'PUT') {
      if (!isObject(body)) throw bad('body', 'the body must be a JSON object');
      if (method === 'PUT') requireAll(target.set, body);
      rejectInline(body);
      await updater.update(target.set, target.row, body);
      await ensureStaIds(this.database.db, scope.orgId);
      const row = await this.reader.one(scope, target.set, byKey(target.set, target.row.id as string | number));
      if (!row) return reply.status(200).send({});
      const entity = await this.reader.render(scope, target.set, row, emptyOptions());
      await this.announcer.announce(scope, { set: target.set.name, key: target.row.id as string | number }, { row, entity });
      return reply.status(200).send(entity);
    }
    throw new NotImplementedError(`${method}`);
  }

  private async create(
    scope: Scope,
    segments: Segment[],
    raw: unknown,
  ): Promise<{ set: EntitySet; id: string | number; created: Touched[] }> {
    if (!isObject(raw)) throw bad('body', 'the body must be a JSON object');
    let body: Body = raw;
    const last = segments[segments.length - 1] as Segment;
    let set: EntitySet;
    let parent: { set: EntitySet; row: Row } | undefined;
    if (segments.length === 1) set = setOf(last);
    else {
      const [target, rest] = await resolve(this.reader, scope, segments.slice(0, -1));
      if (target.kind !== 'entity' || rest.length > 0) throw new PathError('POST to a collection or an entity’s navigation', 400);
      const rel = target.set.relations[last.name];
      if (!rel?.many) throw new PathError(`cannot POST to ${last.name}`, 400);
      parent = target;
      set = SETS[rel.target];
      // The parent becomes the link of the new entity (Datastreams(1)/Observations → Datastream 1).
      const back = Object.entries(set.relations).find(([, r]) => r.target === target.set.name)?.[0];
      if (back && set.name !== 'Locations') body = { ...body, [back]: { '@iot.id': target.row.id } };
    }
    if (body['@iot.id'] !== undefined) delete body['@iot.id'];
    const creator = new StaCreator(this.database.db, scope.orgId, this.clock());
    let id: string | number;
    if (set.name === 'Observations') id = await this.observation(scope, creator, body);
    else {
      id = await this.database.db.transaction().execute(async (tx) => {
        const c = new StaCreator(tx, scope.orgId, this.clock());
        const created = await this.createIn(c, set, body);
        if (parent?.set.name === 'Things' && set.name === 'Locations')
          await new StaUpdater(tx, scope.orgId, this.clock(), this.database.dialect).placeThing(
            String(parent.row.id),
            String(created),
          );
        creator.observations.push(...c.observations);
        creator.values.push(...c.values);
        creator.created.push(...c.created);
        return created;
      });
    }
    await this.store(creator.observations, creator.values);
    return { set, id, created: creator.created };
  }

  private async createIn(c: StaCreator, set: EntitySet, body: Body): Promise<string | number> {
    switch (set.name) {
      case 'Things':
        return c.thing(body);
      case 'Locations':
        return c.location(body);
      case 'FeaturesOfInterest':
        return c.location(body, 'feature');
      case 'Sensors':
        return c.sensor(body);
      case 'ObservedProperties':
        return c.observedProperty(body);
      case 'Datastreams':
        return c.datastream(body);
      case 'HistoricalLocations': {
        const thing = linkId(body.Thing);
        const location = linkId(arrayOf(body.Locations, 'Locations')[0]);
        if (thing === undefined || location === undefined)
          throw bad('Thing', 'a HistoricalLocation links a Thing and a Location');
        return c.historicalLocation(
          await c.key('thing', thing, 'Thing'),
          await c.key('place', location, 'Location'),
          instant(body.time, 'time', bad),
        );
      }
      default:
        throw new NotImplementedError(`creating ${set.name}`);
    }
  }

  private async observation(scope: Scope, creator: StaCreator, body: Body): Promise<string> {
    const ds = linkId(body.Datastream);
    if (ds === undefined) throw bad('Datastream', 'an Observation links its Datastream: {"Datastream":{"@iot.id":…}}');
    const { id, kind } = await this.datastreamOf(scope, ds);
    return creator.observation(body, id, kind);
  }

  private async datastreamOf(scope: Scope, ref: string | number): Promise<{ id: number; kind: ValueKind }> {
    const id = Number(ref);
    const found = Number.isSafeInteger(id)
      ? await this.database.db
          .selectFrom('datastreams')
          .select('value_kind')
          .where('org_id', '=', scope.orgId)
          .where('id', '=', id)
          .executeTakeFirst()
      : undefined;
    if (!found) throw new WriteError(400, 'VALIDATION_FAILED', `Datastream ${String(ref)} does not exist`, 'Datastream');
    return { id, kind: found.value_kind as ValueKind };
  }

  private async store(rows: Measurement[], values: ValueRow[] = []) {
    const inserted = [
      ...(rows.length > 0 ? await this.measurements.insert(rows) : []),
      ...(values.length > 0 ? await this.measurements.insertValues(values) : []),
    ];
    if (inserted.length === 0 && rows.length + values.length === 1)
      throw new WriteError(409, 'CONFLICT', 'an Observation of this Datastream at this phenomenonTime exists', 'phenomenonTime');
  }

  /** Data Array extension: POST /CreateObservations → one selfLink (or "error") per row. */
  private async createObservations(scope: Scope, body: unknown): Promise<string[]> {
    if (!Array.isArray(body)) throw bad('body', 'CreateObservations takes an array of {Datastream, components, dataArray}');
    const creator = new StaCreator(this.database.db, scope.orgId, this.clock());
    const links: string[] = [];
    for (const [i, group] of body.entries()) {
      if (!isObject(group)) throw bad(`[${i}]`, 'each item is an object');
      const ds = linkId(group.Datastream);
      if (ds === undefined) throw bad(`[${i}].Datastream`, 'Datastream link required');
      const { id: dsId, kind } = await this.datastreamOf(scope, ds);
      const components = group.components;
      if (!Array.isArray(components) || !components.every((c) => typeof c === 'string'))
        throw bad(`[${i}].components`, 'components is an array of property names');
      if (!Array.isArray(group.dataArray)) throw bad(`[${i}].dataArray`, 'dataArray is an array of rows');
      for (const [j, values] of group.dataArray.entries()) {
        if (!Array.isArray(values) || values.length !== components.length)
          throw bad(`[${i}].dataArray[${j}]`, 'each row has one value per component');
        const obs = Object.fromEntries(components.map((c, k) => [c, values[k]]));
        links.push(`${scope.base}/Observations('${creator.observation(obs, dsId, kind)}')`);
      }
    }
    await this.store(creator.observations, creator.values);
    return links;
  }
}

/** Selects a row by its registry key (what create answers), not its `@iot.id`. */
function byKey(set: EntitySet, id: string | number): Constraint {
  return set.name === 'Observations' ? (keyConstraint(set, String(id), true) ?? []) : [{ col: 'id', value: id }];
}

const MANDATORY: Partial<Record<string, string[]>> = {
  Things: ['name', 'description'],
  Locations: ['name', 'description', 'encodingType', 'location'],
  Sensors: ['name', 'description', 'encodingType', 'metadata'],
  ObservedProperties: ['name', 'definition', 'description'],
  Datastreams: ['name', 'description', 'unitOfMeasurement', 'observationType'],
  FeaturesOfInterest: ['name', 'description', 'encodingType', 'feature'],
};

/** PUT replaces: every mandatory property must be there (SensorThings 1.1 §10.3.2). */
function requireAll(set: EntitySet, body: Body) {
  for (const p of MANDATORY[set.name] ?? []) if (body[p] === undefined || body[p] === null) throw bad(p, `PUT needs ${p}`);
}

/** An update carries links only, never new related entities (§10.3.1). */
function rejectInline(body: Body) {
  for (const [key, value] of Object.entries(body)) {
    if (!/^[A-Z]/.test(key)) continue;
    const items = Array.isArray(value) ? value : [value];
    for (const item of items) {
      if (!isObject(item) || linkId(item) === undefined || Object.keys(item).length > 1)
        throw bad(key, `${key}: an update may only link existing entities ({"@iot.id": …})`);
    }
  }
}
