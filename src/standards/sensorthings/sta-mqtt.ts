import type { InboundMessage, MqttBus } from '../../broker/broker.js';
import type { InboundRouter } from '../../broker/inbound-router.js';
import type { Database } from '../../db/database.js';
import type { DeviceEvents } from '../../devices/device-events.js';
import type { Measurement, ValueRow } from '../../measurements/measurements.js';
import type { MeasurementService } from '../../measurements/measurements.service.js';
import type { Logger } from '../../shared/logger.js';
import type { ValueKind } from '../../shared/values.js';
import { SETS } from './entities.js';
import { StaAnnouncer, type Touched } from './sta-announce.js';
import { isObject, linkId } from './sta-body.js';
import { staChanges } from './sta-changes.js';
import { StaCreator } from './sta-create.js';
import { ensureStaIds } from './sta-ids.js';
import { StaReader } from './sta-reader.js';
import { WriteError } from './sta-writer.js';

/**
 * SensorThings MQTT extension (18-088 §14): every stored observation is published as JSON on
 * `v1.1/Datastreams(<id>)/Observations` (and `v1.0/…`); an Observation published by a client on
 * that topic (or on `v1.1/Observations` with a Datastream link) is created, authorised like the
 * API: an admin key of the datastream's organisation, or the device the datastream belongs to.
 * Topics carry no organisation: a datastream id is unique, so `staTopicOwner` finds the owner.
 */

const VERSIONS = ['v1.1', 'v1.0'];
const VERSION_TREES = VERSIONS.map((v) => `${v}/#`);
const DATASTREAM_TOPIC = /^v1\.[01]\/Datastreams\((\d{1,15})\)(?:\/.*)?$/;
/** `v1.1/Things(7)`, `v1.1/Things(7)/Datastreams`, `v1.1/Datastreams(5)/Observations?$select=result,phenomenonTime`. */
const ENTITY_TOPIC = /^(v1\.[01])\/(\w+)\((\d{1,15})\)(\/\w+)?(?:\?\$select=([\w@./,]{1,200}))?$/;
const OWNER_TTL_MS = 60_000;
/** At most this many `$select` variants and property topics are remembered (each costs a publish per change). */
const MAX_VARIANTS = 1000;
const ALIAS_KINDS: Partial<Record<string, string>> = {
  Things: 'thing',
  Locations: 'place',
  FeaturesOfInterest: 'place',
  Sensors: 'sensor',
  ObservedProperties: 'op',
};

/** The properties a `$select` keeps (`id` is `@iot.id`). */
function selected(entity: Record<string, unknown>, select: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of select.split(',')) {
    const key = name === 'id' ? '@iot.id' : name === 'selfLink' ? '@iot.selfLink' : name;
    if (key in entity) out[key] = entity[key];
    else if (`${key}@iot.navigationLink` in entity) out[`${key}@iot.navigationLink`] = entity[`${key}@iot.navigationLink`];
  }
  return out;
}

interface Owner {
  orgId: string;
  deviceId: string;
  /** What the datastream holds: numbers, or text, booleans, JSON (`measurement_values`). */
  kind: ValueKind;
}

export interface StaMqtt {
  /** The organisation a SensorThings topic belongs to (for broker ACLs); undefined when none does. */
  staTopicOwner(topic: string): Promise<string | undefined>;
  /**
   * The broker's synchronous question (src/broker/topic-policy.ts `ownsStaTopic`): answered from
   * the owners cache, loaded at start and filled as observations are stored; a miss starts a
   * look-up, so a subscription to a datastream nothing has been stored for yet succeeds once
   * that look-up is done (a client retries).
   */
  ownsTopic(orgId: string, topic: string): boolean;
  /**
   * A client subscribes to this filter (the broker's topic policy tells us, whoever asks): a
   * `…?$select=a,b` topic is remembered so that changes are published on it too (deliveries
   * are still checked per message by ownsTopic).
   */
  subscribed(filter: string): void;
  stop(): void;
}

export function registerSensorThingsMqtt(deps: {
  database: Database;
  measurements: MeasurementService;
  inbound: InboundRouter;
  bus: () => MqttBus | undefined;
  logger: Logger;
  clock?: () => number;
  /** The registry's change events: devices, sensors, datastreams and sites changed through `/api` are announced too. */
  registry?: Pick<DeviceEvents, 'on'>;
}): StaMqtt {
  const clock = deps.clock ?? Date.now;
  const owners = new Map<number, { owner: Owner | undefined; until: number }>();
  /** Owners of other entities' topics (`Things(7)` → organisation), for the broker's synchronous checks. */
  const entityOwners = new Map<string, { orgId: string | undefined; until: number }>();
  /** `$select` variants subscribers asked for, by the topic without its query. */
  const variants = new Map<string, Set<string>>();
  /** Property topics subscribers asked for by name (`v1.1/Things(7)/name`), by the entity's topic. */
  const properties = new Map<string, Set<string>>();
  let variantCount = 0;
  const entityOwnerOf = async (set: string, id: number): Promise<string | undefined> => {
    if (set === 'Datastreams') return (await ownerOf(id))?.orgId;
    const key = `${set}(${id})`;
    const hit = entityOwners.get(key);
    if (hit && hit.until > clock()) return hit.orgId;
    const kind = ALIAS_KINDS[set];
    const row = kind
      ? await deps.database.db
          .selectFrom('sta_ids')
          .select('org_id')
          .where('id', '=', id)
          .where('kind', '=', kind)
          .executeTakeFirst()
      : set === 'HistoricalLocations'
        ? await deps.database.db.selectFrom('sta_location_history').select('org_id').where('id', '=', id).executeTakeFirst()
        : undefined;
    entityOwners.set(key, { orgId: row?.org_id, until: clock() + OWNER_TTL_MS });
    return row?.org_id;
  };
  /** Publishes on a topic, on its property topics and on each `$select` variant of it subscribers asked for. */
  const publishAll = async (bus: MqttBus, topic: string, body: Record<string, unknown>) => {
    if (listens(bus, topic)) await bus.publish(topic, JSON.stringify(body), { qos: 0 });
    // An external broker's subscriptions are invisible (an HTTP auth hook tells of subscribes, never
    // of unsubscribes): there, plain topics only; `$select` and property topics need the embedded broker.
    if (bus.mode === 'external') return;
    for (const property of properties.get(topic) ?? []) {
      const t = `${topic}/${property}`;
      if (property in body && listens(bus, t)) await bus.publish(t, JSON.stringify({ [property]: body[property] }), { qos: 0 });
    }
    for (const select of variants.get(topic) ?? []) {
      const variant = `${topic}?$select=${select}`;
      if (listens(bus, variant)) await bus.publish(variant, JSON.stringify(selected(body, select)), { qos: 0 });
    }
  };
  /**
   * Whether anyone may receive `topic` (or one of its `$select` variants): the embedded broker
   * knows its subscriptions; an external broker does not, so there everything is published.
   */
  const listens = (bus: MqttBus, topic: string) => bus.listens?.(topic) ?? true;
  const listensAny = (bus: MqttBus, topic: string) => {
    if (!bus.listens) return true;
    if (bus.listens(topic)) return true;
    for (const select of variants.get(topic) ?? []) if (bus.listens(`${topic}?$select=${select}`)) return true;
    for (const property of properties.get(topic) ?? []) if (bus.listens(`${topic}/${property}`)) return true;
    return false;
  };
  /** The datastreams of a batch someone listens to (embedded broker), each checked once. */
  const heard = (bus: MqttBus, ids: Iterable<number>): Set<number> => {
    const out = new Set<number>();
    for (const id of ids) if (VERSIONS.some((v) => listensAny(bus, `${v}/Datastreams(${id})/Observations`))) out.add(id);
    return out;
  };
  const ownerOf = async (dsId: number): Promise<Owner | undefined> => {
    const hit = owners.get(dsId);
    if (hit && hit.until > clock()) return hit.owner;
    const row = await deps.database.db
      .selectFrom('datastreams')
      .select(['org_id', 'device_id', 'value_kind'])
      .where('id', '=', dsId)
      .executeTakeFirst();
    const owner = row && { orgId: row.org_id, deviceId: row.device_id, kind: row.value_kind as ValueKind };
    owners.set(dsId, { owner, until: clock() + OWNER_TTL_MS });
    return owner;
  };

  let queue: Promise<void> = Promise.resolve();
  const publish = async (rows: readonly (Measurement | ValueRow)[]) => {
    const bus = deps.bus();
    if (!bus) return;
    for (const m of rows) {
      for (const version of VERSIONS) {
        const obs = SETS.Observations;
        const row =
          typeof m.value === 'number'
            ? { ds_id: m.datastreamId, time: m.time, result: m.value, result_json: null }
            : { ds_id: m.datastreamId, time: m.time, result: null, result_json: JSON.stringify(m.value) };
        const id = obs.idOf(row);
        const self = `/sta/${version}/Observations('${id}')`;
        const body = {
          '@iot.id': id,
          '@iot.selfLink': self,
          ...obs.toEntity(row),
          'Datastream@iot.navigationLink': `${self}/Datastream`,
          'FeatureOfInterest@iot.navigationLink': `${self}/FeatureOfInterest`,
        };
        await publishAll(bus, `${version}/Datastreams(${m.datastreamId})/Observations`, body);
      }
    }
  };
  // Known owners at start: subscriptions to existing datastreams are decided without a query.
  const loaded = deps.database.db
    .selectFrom('datastreams')
    .select(['id', 'org_id', 'device_id', 'value_kind'])
    .execute()
    .then((rows) => {
      const until = clock() + OWNER_TTL_MS;
      for (const r of rows)
        owners.set(r.id, { owner: { orgId: r.org_id, deviceId: r.device_id, kind: r.value_kind as ValueKind }, until });
    })
    .catch((err: unknown) => deps.logger.warn({ err }, 'SensorThings MQTT: datastream owners not loaded'));
  const onStored = (all: readonly (Measurement | ValueRow)[]) => {
    const bus = deps.bus();
    if (!bus) return;
    let rows = all;
    if (bus.listens) {
      // Nobody subscribed on the embedded broker: no rendering, no owner look-up (the ingest hot path).
      // One cached question per version first; per datastream only when someone listens under it.
      if (!VERSION_TREES.some((tree) => bus.listens?.(tree))) return;
      const ids = new Set<number>();
      let last = Number.NaN;
      for (const r of all) {
        if (r.datastreamId === last) continue;
        last = r.datastreamId;
        ids.add(last);
      }
      const wanted = heard(bus, ids);
      if (wanted.size === 0) return;
      if (wanted.size < ids.size) rows = all.filter((r) => wanted.has(r.datastreamId));
    }
    queue = queue
      .then(() => loaded)
      .then(async () => {
        // Owners of new datastreams are known before their first observation is delivered.
        for (const id of new Set(rows.map((r) => r.datastreamId))) if (!owners.has(id)) await ownerOf(id);
      })
      .then(() => publish(rows))
      .catch((err: unknown) => deps.logger.warn({ err }, 'SensorThings MQTT publish failed'));
  };
  const unsubscribe = deps.measurements.events.subscribe(onStored);
  // Text, booleans and JSON (measurement_values), from SensorThings writes and from ingest alike.
  const unsubscribeValues = deps.measurements.events.subscribeValues(onStored);

  // Entity changes made through SensorThings (18-088 §14.2): `v1.1/Things(7)` and the parents' navigation topics.
  const unsubscribeChanges = staChanges(deps.database).subscribe((change) => {
    const bus = deps.bus();
    if (typeof change.id === 'number') {
      const until = clock() + OWNER_TTL_MS;
      entityOwners.set(`${change.set}(${change.id})`, { orgId: change.orgId, until });
    }
    if (!bus) return;
    const text = JSON.stringify(change.entity);
    queue = queue
      .then(async () => {
        // The broker checks each delivery with ownsTopic: the owners must be known before publishing.
        for (const e of [change, ...change.parents]) if (typeof e.id === 'number') await entityOwnerOf(e.set, e.id);
        for (const version of VERSIONS) {
          const body = JSON.parse(text.replace(/\/sta\/v1\.[01]\//g, `/sta/${version}/`)) as Record<string, unknown>;
          await publishAll(bus, `${version}/${change.set}(${change.id})`, body);
          for (const p of change.parents) await publishAll(bus, `${version}/${p.set}(${p.id})/${p.navigation}`, body);
        }
      })
      .catch((err: unknown) => deps.logger.warn({ err }, 'SensorThings MQTT: entity change not published'));
  });

  // Changes made through /api (the registry, imports): rendered as SensorThings answers them and
  // published like the writer's (18-088 §14.2). Deletions are not announced (docs/standards.md).
  const reader = new StaReader(deps.database.db, deps.database.dialect);
  const announcer = new StaAnnouncer(deps.database, reader);
  // A queue of their own: rendering a bulk import's Things never delays observations.
  let registryQueue: Promise<void> = Promise.resolve();
  /**
   * Per organisation, the entities of the announcement queued and not started yet: later changes
   * join it, so a burst of registrations (a store step creating a thousand devices one by one, an
   * import) costs one alias pass over the registry, not one each, and each entity is rendered once,
   * in its latest state.
   */
  const waiting = new Map<string, Map<string, Touched>>();
  const announce = (orgId: string, touched: Touched[]) => {
    const bus = deps.bus();
    if (!bus || touched.length === 0) return;
    // Nobody subscribed under a SensorThings tree (embedded broker): nothing to render, and the
    // aliases and placements wait for the next SensorThings request, which makes them (sta.routes.ts),
    // as they do without a broker. A store step registering devices then runs no registry pass.
    if (!VERSION_TREES.some((tree) => listens(bus, tree))) return;
    const queued = waiting.get(orgId);
    const batch = queued ?? new Map<string, Touched>();
    for (const t of touched) batch.set(`${t.set} ${t.key}`, t);
    if (queued) return;
    waiting.set(orgId, batch);
    registryQueue = registryQueue
      .then(async () => {
        waiting.delete(orgId);
        await ensureStaIds(deps.database.db, orgId);
        // Links relative to the HTTP root, as on Observations: there is no request to take a host from.
        const scope = { orgId, now: clock(), base: '/sta/v1.1' };
        for (const t of await heardEntities(orgId, [...batch.values()])) await announcer.announce(scope, t);
      })
      .catch((err: unknown) => deps.logger.warn({ err }, 'SensorThings MQTT: registry change not published'));
  };
  /**
   * On the embedded broker, the entities someone could hear: a Thing, Sensor or Location is
   * published on its own topics only (no to-one parents), so its alias (one query per 500) tells
   * whether rendering it is worth it; a bulk import nobody listens to renders nothing.
   */
  const heardEntities = async (orgId: string, touched: Touched[]): Promise<Touched[]> => {
    const bus = deps.bus();
    if (!bus?.listens) return touched;
    const out: Touched[] = [];
    for (const set of ['Things', 'Sensors', 'Locations'] as const) {
      const keys = touched.filter((t) => t.set === set).map((t) => String(t.key));
      for (let i = 0; i < keys.length; i += 500) {
        const rows = await deps.database.db
          .selectFrom('sta_ids')
          .select(['id', 'key'])
          .where('org_id', '=', orgId)
          .where('kind', '=', ALIAS_KINDS[set] as string)
          .where('key', 'in', keys.slice(i, i + 500))
          .execute();
        for (const r of rows) if (VERSIONS.some((v) => listensAny(bus, `${v}/${set}(${r.id})`))) out.push({ set, key: r.key });
      }
    }
    return [...out, ...touched.filter((t) => t.set !== 'Things' && t.set !== 'Sensors' && t.set !== 'Locations')];
  };
  const offRegistry = deps.registry
    ? [
        deps.registry.on('deviceSaved', ({ device }) => announce(device.orgId, [{ set: 'Things', key: device.id }])),
        deps.registry.on('devicesChanged', ({ orgId, ids }) =>
          announce(
            orgId,
            ids.map((key) => ({ set: 'Things', key })),
          ),
        ),
        deps.registry.on('registryChanged', ({ orgId, sensors, datastreams, places }) =>
          announce(orgId, [
            ...(places ?? []).map((key): Touched => ({ set: 'Locations', key })),
            ...(sensors ?? []).map((key): Touched => ({ set: 'Sensors', key })),
            ...(datastreams ?? []).map((key): Touched => ({ set: 'Datastreams', key })),
          ]),
        ),
      ]
    : [];

  const onObservation = async (message: InboundMessage) => {
    let body: unknown;
    try {
      body = JSON.parse(message.payload.toString('utf8'));
    } catch {
      deps.logger.warn({ topic: message.topic }, 'SensorThings MQTT: payload is not JSON; dropped');
      return;
    }
    // Our own publications (an external broker echoes them) carry an id: not a create.
    if (!isObject(body) || '@iot.id' in body) return;
    const m = DATASTREAM_TOPIC.exec(message.topic);
    const dsRef = m ? Number(m[1]) : Number(linkId(body.Datastream));
    const owner = Number.isSafeInteger(dsRef) ? await ownerOf(dsRef) : undefined;
    const who = message.principal;
    const allowed =
      owner &&
      (who === undefined ||
        who.kind === 'service' ||
        (who.kind === 'key' && (who.platform || who.orgId === owner.orgId)) ||
        (who.kind === 'device' && who.deviceId === owner.deviceId));
    if (!owner || !allowed) {
      deps.logger.warn(
        { topic: message.topic, who: who?.kind },
        'SensorThings MQTT: observation refused (unknown datastream or not authorised)',
      );
      return;
    }
    const creator = new StaCreator(deps.database.db, owner.orgId, clock());
    try {
      creator.observation(body, dsRef, owner.kind);
    } catch (err) {
      if (err instanceof WriteError) {
        deps.logger.warn({ topic: message.topic, err: err.message }, 'SensorThings MQTT: bad observation; dropped');
        return;
      }
      throw err;
    }
    if (creator.observations.length > 0) await deps.measurements.insert(creator.observations);
    if (creator.values.length > 0) await deps.measurements.insertValues(creator.values);
  };
  const offs = VERSIONS.flatMap((v) => [
    deps.inbound.on(`${v}/+/Observations`, onObservation),
    deps.inbound.on(`${v}/Observations`, onObservation),
  ]);

  return {
    async staTopicOwner(topic) {
      const m = ENTITY_TOPIC.exec(topic);
      return m ? entityOwnerOf(m[2] as string, Number(m[3])) : undefined;
    },
    ownsTopic(orgId, topic) {
      const m = ENTITY_TOPIC.exec(topic);
      if (!m) return false;
      const set = m[2] as string;
      const id = Number(m[3]);
      let owner: string | undefined;
      let fresh = false;
      if (set === 'Datastreams') {
        const hit = owners.get(id);
        owner = hit?.owner?.orgId;
        fresh = hit !== undefined && hit.until > clock();
      } else {
        const hit = entityOwners.get(`${set}(${id})`);
        owner = hit?.orgId;
        fresh = hit !== undefined && hit.until > clock();
      }
      if (!fresh)
        entityOwnerOf(set, id).catch((err: unknown) => deps.logger.warn({ err }, 'SensorThings MQTT: owner look-up failed'));
      return owner === orgId;
    },
    subscribed(filter) {
      const m = ENTITY_TOPIC.exec(filter);
      if (!m) return;
      const select = m[5];
      const segment = m[4]?.slice(1);
      // A property topic (`v1.1/Things(7)/name`; a navigation such as `/Datastreams` is a topic of its own).
      if (
        !select &&
        segment &&
        SETS[m[2] as keyof typeof SETS] &&
        !(segment in (SETS[m[2] as keyof typeof SETS]?.relations ?? {}))
      ) {
        const entity = `${m[1]}/${m[2]}(${m[3]})`;
        const known = properties.get(entity) ?? new Set<string>();
        if (known.has(segment) || variantCount >= MAX_VARIANTS) return;
        known.add(segment);
        variantCount++;
        properties.set(entity, known);
        return;
      }
      if (!select) return;
      const plain = `${m[1]}/${m[2]}(${m[3]})${m[4] ?? ''}`;
      const known = variants.get(plain) ?? new Set<string>();
      if (known.has(select) || variantCount >= MAX_VARIANTS) return;
      known.add(select);
      variantCount++;
      variants.set(plain, known);
    },
    stop() {
      unsubscribe();
      unsubscribeValues();
      unsubscribeChanges();
      for (const off of offRegistry) off();
      for (const off of offs) off();
    },
  };
}
