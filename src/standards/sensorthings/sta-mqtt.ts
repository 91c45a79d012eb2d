import type { InboundMessage, MqttBus } from '../../broker/broker.js';
import type { InboundRouter } from '../../broker/inbound-router.js';
import type { Database } from '../../db/database.js';
import type { MeasurementService } from '../../measurements/measurement.service.js';
import type { Measurement } from '../../measurements/measurements.js';
import type { Logger } from '../../shared/logger.js';
import { SETS } from './entities.js';
import { isObject, linkId } from './sta-body.js';
import { StaCreator } from './sta-create.js';
import { WriteError } from './sta-writer.js';

/**
 * SensorThings MQTT extension (18-088 §14): every stored observation is published as JSON on
 * `v1.1/Datastreams(<id>)/Observations` (and `v1.0/…`); an Observation published by a client on
 * that topic (or on `v1.1/Observations` with a Datastream link) is created, authorised like the
 * API: an admin key of the datastream's organisation, or the device the datastream belongs to.
 * Topics carry no organisation: a datastream id is unique, so `staTopicOwner` finds the owner.
 */

const VERSIONS = ['v1.1', 'v1.0'];
const DATASTREAM_TOPIC = /^v1\.[01]\/Datastreams\((\d{1,15})\)(?:\/.*)?$/;
const OWNER_TTL_MS = 60_000;

interface Owner {
  orgId: string;
  deviceId: string;
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
  stop(): void;
}

export function registerSensorThingsMqtt(deps: {
  database: Database;
  measurements: MeasurementService;
  inbound: InboundRouter;
  bus: () => MqttBus | undefined;
  logger: Logger;
  clock?: () => number;
}): StaMqtt {
  const clock = deps.clock ?? Date.now;
  const owners = new Map<number, { owner: Owner | undefined; until: number }>();
  const ownerOf = async (dsId: number): Promise<Owner | undefined> => {
    const hit = owners.get(dsId);
    if (hit && hit.until > clock()) return hit.owner;
    const row = await deps.database.db
      .selectFrom('datastreams')
      .select(['org_id', 'device_id'])
      .where('id', '=', dsId)
      .executeTakeFirst();
    const owner = row && { orgId: row.org_id, deviceId: row.device_id };
    owners.set(dsId, { owner, until: clock() + OWNER_TTL_MS });
    return owner;
  };

  let queue: Promise<void> = Promise.resolve();
  const publish = async (rows: readonly Measurement[]) => {
    const bus = deps.bus();
    if (!bus) return;
    for (const m of rows) {
      for (const version of VERSIONS) {
        const obs = SETS.Observations;
        const row = { ds_id: m.datastreamId, time: m.time, result: m.value };
        const id = obs.idOf(row);
        const self = `/sta/${version}/Observations('${id}')`;
        const body = {
          '@iot.id': id,
          '@iot.selfLink': self,
          ...obs.toEntity(row),
          'Datastream@iot.navigationLink': `${self}/Datastream`,
          'FeatureOfInterest@iot.navigationLink': `${self}/FeatureOfInterest`,
        };
        await bus.publish(`${version}/Datastreams(${m.datastreamId})/Observations`, JSON.stringify(body), { qos: 0 });
      }
    }
  };
  // Known owners at start: subscriptions to existing datastreams are decided without a query.
  const loaded = deps.database.db
    .selectFrom('datastreams')
    .select(['id', 'org_id', 'device_id'])
    .execute()
    .then((rows) => {
      const until = clock() + OWNER_TTL_MS;
      for (const r of rows) owners.set(r.id, { owner: { orgId: r.org_id, deviceId: r.device_id }, until });
    })
    .catch((err: unknown) => deps.logger.warn({ err }, 'SensorThings MQTT: datastream owners not loaded'));
  const unsubscribe = deps.measurements.events.subscribe((rows) => {
    if (!deps.bus()) return;
    queue = queue
      .then(() => loaded)
      .then(async () => {
        // Owners of new datastreams are known before their first observation is delivered.
        for (const id of new Set(rows.map((r) => r.datastreamId))) if (!owners.has(id)) await ownerOf(id);
      })
      .then(() => publish(rows))
      .catch((err: unknown) => deps.logger.warn({ err }, 'SensorThings MQTT publish failed'));
  });

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
      creator.observation(body, dsRef);
    } catch (err) {
      if (err instanceof WriteError) {
        deps.logger.warn({ topic: message.topic, err: err.message }, 'SensorThings MQTT: bad observation; dropped');
        return;
      }
      throw err;
    }
    await deps.measurements.insert(creator.observations);
  };
  const offs = VERSIONS.flatMap((v) => [
    deps.inbound.on(`${v}/+/Observations`, onObservation),
    deps.inbound.on(`${v}/Observations`, onObservation),
  ]);

  return {
    async staTopicOwner(topic) {
      const m = DATASTREAM_TOPIC.exec(topic);
      return m ? (await ownerOf(Number(m[1])))?.orgId : undefined;
    },
    ownsTopic(orgId, topic) {
      const m = DATASTREAM_TOPIC.exec(topic);
      if (!m) return false;
      const id = Number(m[1]);
      const hit = owners.get(id);
      if (!hit || hit.until <= clock())
        ownerOf(id).catch((err: unknown) => deps.logger.warn({ err }, 'SensorThings MQTT: owner look-up failed'));
      return hit?.owner?.orgId === orgId;
    },
    stop() {
      unsubscribe();
      for (const off of offs) off();
    },
  };
}
