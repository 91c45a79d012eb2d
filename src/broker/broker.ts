/**
 * MQTT as the rest of Polder sees it, whichever broker runs: the embedded one (Aedes) or an
 * external Mosquitto/EMQX reached as a client. Who may connect, publish and subscribe is
 * decided by hook functions the fleet provides (as Aedes does with authenticate,
 * authorizePublish, authorizeSubscribe).
 */

/** Who is on the other end of an MQTT connection. */
export type MqttPrincipal =
  | { kind: 'service' }
  /**
   * An API key given as the MQTT password. `platform`: a platform credential (POLDER_ADMIN_TOKEN,
   * keys with platformAdmin), broker-wide; otherwise it reaches only its organisation's topics.
   */
  | { kind: 'key'; orgId: string; orgSlug: string; name: string; scopes: readonly string[]; platform: boolean }
  | { kind: 'device'; orgId: string; deviceId: string; login: string; baseTopic: string };

/** One source of MQTT identities (device logins, API keys, Polder's own service account). */
export interface Authenticator {
  /** Resolves who connects, or undefined when this source does not know the credentials. */
  authenticate(username: string | undefined, password: string | undefined, clientId: string): Promise<MqttPrincipal | undefined>;
}

/** Who connects, and what they may do: the rules are src/broker/topic-policy.ts. */
export interface BrokerAuth extends Authenticator {
  canPublish(who: MqttPrincipal, topic: string): boolean;
  canSubscribe(who: MqttPrincipal, filter: string): boolean;
  /** For brokers that do not check each delivery (EMQX): the whole filter must be readable. */
  canSubscribeStrict(who: MqttPrincipal, filter: string): boolean;
  /** Whether a message on `topic` may be delivered to this client (checked per message). */
  canReceive(who: MqttPrincipal, topic: string): boolean;
  /** Broker-wide: Polder's service account and platform credentials (superusers of external brokers). */
  isSuperuser(who: MqttPrincipal): boolean;
}

/** A message a device (or any client) published. */
export interface InboundMessage {
  topic: string;
  payload: Buffer;
  qos: 0 | 1 | 2;
  /** Set on the embedded broker; an external broker does not tell who published. */
  principal?: MqttPrincipal | undefined;
  receivedAt: number;
  /**
   * External broker, shared subscriptions: the subscribed filters this delivery came through.
   * Only their routes take it (the same message comes once per matching filter). Unset: every
   * matching route.
   */
  via?: readonly (string | undefined)[] | undefined;
  /** With `via`: whether passive routes (heartbeats) take this delivery, true for one of them. */
  primary?: boolean | undefined;
}

/**
 * Handles an inbound message; the returned promise resolves once the message is durably
 * accepted. Only then is it acknowledged (PUBACK to the device on the embedded broker, PUBACK
 * to the external broker for Polder's own subscription).
 */
export type InboundHandler = (message: InboundMessage) => Promise<void>;

export interface MqttBus {
  readonly mode: 'embedded' | 'external';
  publish(topic: string, payload: string | Buffer, opts?: { qos?: 0 | 1; retain?: boolean }): Promise<void>;
  /**
   * Whether a connected client holds a subscription that some topic matching `pattern` (a
   * filter) would reach: publishers may skip the work of messages nobody receives. Absent where
   * the broker cannot tell (external brokers): publish.
   */
  listens?(pattern: string): boolean;
  /** Start receiving messages on these filters (the embedded broker sees every publish anyway). */
  subscribe(filters: string[]): Promise<void>;
  /** Closes the sessions of clients that logged in as `username` (after a credentials reset). */
  disconnect(username: string): Promise<number>;
  close(): Promise<void>;
}

/** MQTT 3.1.1 §4.7 topic filter matching: `+` one level, `#` the rest (also the parent level). */
export function topicMatches(filter: string, topic: string): boolean {
  if (topic.charCodeAt(0) === 36 /* $ */ && filter.charCodeAt(0) !== 36) return false;
  // Level by level in place: no split arrays on the hot path (every uplink meets every route's filter).
  let f = 0;
  let t = 0; // past topic.length once the topic has no level left
  for (;;) {
    const fEnd = endOfLevel(filter, f);
    const fLen = fEnd - f;
    if (fLen === 1 && filter.charCodeAt(f) === 35 /* # */) return true;
    if (t > topic.length) return false;
    const tEnd = endOfLevel(topic, t);
    if (fLen !== 1 || filter.charCodeAt(f) !== 43 /* + */) {
      if (fLen !== tEnd - t) return false;
      for (let k = 0; k < fLen; k++) if (filter.charCodeAt(f + k) !== topic.charCodeAt(t + k)) return false;
    }
    if (fEnd === filter.length) return tEnd === topic.length;
    f = fEnd + 1;
    t = tEnd + 1;
  }
}

const endOfLevel = (s: string, from: number): number => {
  const i = s.indexOf('/', from);
  return i < 0 ? s.length : i;
};

/** A topic a client may publish to: non-empty levels, no wildcards, no NUL. */
export function isPublishableTopic(topic: string): boolean {
  return topic.length > 0 && !/[+#\0]/.test(topic) && !topic.split('/').some((l) => l === '');
}

/**
 * MQTT 3.1.1 §4.7.1: a valid topic filter has at least one character, no NUL, `#` only as the
 * whole last level, and `+` only as a whole level.
 */
export function isValidTopicFilter(filter: string): boolean {
  if (filter.length === 0 || filter.length > 65535 || filter.includes('\0')) return false;
  const levels = filter.split('/');
  return levels.every((level, i) => {
    if (level === '#') return i === levels.length - 1;
    if (level === '+') return true;
    return !/[+#]/.test(level);
  });
}
