import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { type InboundHandler, type MqttBus, topicMatches } from './broker.js';
import { DeferredPubacks } from './deferred-pubacks.js';

export interface ExternalBusOptions {
  url: string;
  /** Unique per process and stable across its restarts, so the broker keeps its persistent session. */
  clientId: string;
  /**
   * Subscribe as `$share/<group>/<filter>`: the broker hands each message to one member of the
   * group (one Polder process). Unset: plain subscriptions.
   */
  shareGroup?: string | undefined;
  onInbound: InboundHandler;
  clock: Clock;
  logger: Logger;
}

/** How long the broker keeps a session (and its queued QoS 1 messages) while Polder is away: 7 days. */
const SESSION_EXPIRY_SECONDS = 7 * 24 * 3600;

/**
 * Polder as a client of an external broker (Mosquitto, EMQX), over MQTT 5. It subscribes with
 * QoS 1 in a persistent session and acknowledges each message only after it is durably accepted
 * (DeferredPubacks holds the PUBACK MQTT.js writes after handleMessage's callback until then).
 *
 * With shared subscriptions a message matching several filters comes once per filter, possibly
 * to different processes. Each filter is subscribed with its own subscription identifier (derived
 * from the filter, so it is the same after a restart), and a delivery is dispatched only to the
 * routes of the filters it names (`via`), so each route sees each message once.
 */
export async function connectExternalBus(opts: ExternalBusOptions): Promise<MqttBus> {
  const log = opts.logger.child({ component: 'mqtt-client' });
  const options: IClientOptions = {
    clientId: opts.clientId,
    clean: false,
    protocolVersion: 5,
    properties: { sessionExpiryInterval: SESSION_EXPIRY_SECONDS },
    reconnectPeriod: 2000,
    connectTimeout: 10_000,
  };
  const client: MqttClient = mqtt.connect(opts.url, options);
  const filterOfId = new Map<number, string>();
  // The delivery through the first (in sort order) subscribed filter matching the topic is the primary one.
  const isPrimary = (via: readonly (string | undefined)[], topic: string) =>
    via.includes([...filterOfId.values()].filter((f) => topicMatches(f, topic)).sort()[0]);
  const pubacks = new DeferredPubacks(client);
  /** A reconnect for redelivery is under way (several publishes may fail at once). */
  let redelivering = false;
  client.on('connect', () => {
    redelivering = false;
  });
  client.handleMessage = (packet, callback) => {
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    const ids = packet.properties?.subscriptionIdentifier;
    const via = (Array.isArray(ids) ? ids : ids === undefined ? [] : [ids]).map((id) => filterOfId.get(id));
    const accepted = opts.onInbound({
      topic: packet.topic,
      payload,
      qos: packet.qos,
      receivedAt: opts.clock(),
      // An identifier not known (a filter of an earlier run): every matching route takes it.
      ...(opts.shareGroup &&
        via.length > 0 &&
        via.every((f) => f !== undefined) && { via, primary: isPrimary(via, packet.topic) }),
    });
    accepted.catch((err: unknown) => {
      // No PUBACK: the broker redelivers in this persistent session after a reconnect.
      log.error({ err, topic: packet.topic }, 'inbound message not accepted; reconnecting for redelivery');
      if (redelivering) return;
      redelivering = true;
      // After the PUBACKs of the publishes stored meanwhile: only what was not stored comes back.
      // A DISCONNECT, not a dropped socket: the broker closes the connection once it has read the
      // PUBACKs before it, so the new session cannot overtake them (a dropped socket's last
      // PUBACKs could still be unread when the broker takes the session over, and come back).
      void pubacks.settled().then(() => client.end(false, {}, () => client.reconnect()));
    });
    pubacks.handOver(packet, accepted, () => callback());
  };
  client.on('error', (err) => log.error({ err }, 'MQTT client error'));
  client.on('reconnect', () => log.warn('reconnecting to the MQTT broker'));
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  log.info({ url: opts.url.replace(/\/\/[^@/]*@/, '//***@'), clientId: opts.clientId }, 'connected to external MQTT broker');
  return {
    mode: 'external',
    publish: async (topic, payload, o = {}) => {
      await client.publishAsync(topic, payload, { qos: o.qos ?? 0, retain: o.retain ?? false });
    },
    subscribe: async (filters) => {
      if (!opts.shareGroup) {
        if (filters.length > 0) await client.subscribeAsync(filters, { qos: 1 });
        return;
      }
      // One SUBSCRIBE per filter: the identifier belongs to the whole packet.
      for (const filter of filters) {
        let id = subscriptionId(filter);
        while (filterOfId.has(id) && filterOfId.get(id) !== filter) id = (id % MAX_ID) + 1;
        filterOfId.set(id, filter);
        await client.subscribeAsync(`$share/${opts.shareGroup}/${filter}`, {
          qos: 1,
          properties: { subscriptionIdentifier: id },
        });
      }
    },
    // Sessions on an external broker are ended by the broker's own auth (dynamic security).
    disconnect: async () => 0,
    // The PUBACKs of what was stored go out before the connection closes (else all of it comes back).
    close: async () => {
      await pubacks.settled();
      await client.endAsync();
    },
  };
}

const MAX_ID = 268_435_455;

/** A subscription identifier (1 … 2^28-1) of the filter: FNV-1a, the same in every run. */
function subscriptionId(filter: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < filter.length; i++) h = Math.imul(h ^ filter.charCodeAt(i), 0x01000193) >>> 0;
  return (h % MAX_ID) + 1;
}
