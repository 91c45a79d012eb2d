import { hasScope, type Scope } from '../tenancy/tenancy.js';
import { isValidTopicFilter, type MqttPrincipal, topicMatches } from './broker.js';

/**
 * Who may publish, subscribe to and receive which MQTT topic: the one rule every broker mode
 * applies (the embedded broker's hooks, the go-auth/EMQX HTTP answers, the dynamic-security
 * roles of devices). docs/security.md describes it.
 *
 * - Polder's service account and platform credentials (POLDER_ADMIN_TOKEN, keys with
 *   platformAdmin) reach every topic.
 * - An organisation's API key reaches only its organisation's topics: the base topics of its
 *   devices, the MQTT source topics of its pipelines, `polder/<org slug or id>/…` and the
 *   SensorThings topics (`v1.0/…`, `v1.1/…`) of its own entities. Reading needs
 *   `measurements:read`; publishing data (a device's topic, a pipeline's source topic) needs
 *   `uplinks:write`; an order (`…/command`) `devices:write`; anything else `admin:write`.
 * - A device publishes under its base topic and subscribes to the `…/command` topics under it.
 *
 * Subscriptions are decided per filter, and every message is checked again before it is
 * delivered (`mayReceive`): a key's `#` is accepted but only its own organisation's messages
 * reach it; a topic that belongs to another organisation's device never does, even when a
 * pipeline's filter (`+/+/+`) matches it.
 */

/** What the policy needs of the world, answered from memory: it is asked for every message. */
export interface TopicOwnership {
  /** The device base topic that is `topic` or its longest level-wise prefix, with its organisation. */
  baseTopicOwner(topic: string): { orgId: string; baseTopic: string } | undefined;
  /** The base topics of the organisation's MQTT devices. */
  baseTopicsOf(orgId: string): readonly string[];
  /** Every base topic in use, of every organisation. */
  allBaseTopics(): readonly string[];
  /** The MQTT source filters of the organisation's pipelines. */
  pipelineFilters(orgId: string): readonly string[];
  /**
   * SensorThings MQTT extension: whether this `v1.0/…` or `v1.1/…` topic names one of the
   * organisation's own entities. A SensorThings module plugs in here; until then: false.
   */
  ownsStaTopic?(orgId: string, topic: string): boolean;
  /** SensorThings: a client asks for this filter (a `…?$select=` topic is published only once someone subscribed to it). */
  staSubscribed?(filter: string): void;
}

type KeyPrincipal = Extract<MqttPrincipal, { kind: 'key' }>;
type DevicePrincipal = Extract<MqttPrincipal, { kind: 'device' }>;

const STA_ROOTS = ['v1.0', 'v1.1'];
const levels = (topic: string) => topic.split('/');
const isCommand = (topic: string) => topic === 'command' || topic.endsWith('/command');
const under = (base: string, topic: string) => topic === base || topic.startsWith(`${base}/`);

/** Whether some topic matches both filters (MQTT 3.1.1 §4.7: `+` one level, `#` the rest). */
export function filtersOverlap(a: string, b: string): boolean {
  if (a.startsWith('$') !== b.startsWith('$')) return false;
  const x = levels(a);
  const y = levels(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const p = x[i];
    const q = y[i];
    if (p === '#' || q === '#') return true;
    if (p === undefined || q === undefined) return false;
    if (p !== '+' && q !== '+' && p !== q) return false;
  }
  return true;
}

/** Whether every topic that `filter` matches also matches `area`. */
export function filterCovers(area: string, filter: string): boolean {
  const a = levels(area);
  const f = levels(filter);
  for (let i = 0; i < Math.max(a.length, f.length); i++) {
    if (a[i] === '#') return true;
    if (a[i] === undefined || f[i] === undefined || f[i] === '#') return false;
    if (a[i] !== '+' && a[i] !== f[i]) return false;
  }
  return true;
}

export class TopicPolicy {
  /** A connection's principal is asked about every delivery: its scopes as a set, once. */
  private readonly scopeSets = new WeakMap<KeyPrincipal, ReadonlySet<Scope>>();

  constructor(private readonly world: TopicOwnership) {}

  /** Every topic for the service account and platform credentials. */
  static broad(who: MqttPrincipal): boolean {
    return who.kind === 'service' || (who.kind === 'key' && who.platform);
  }

  mayPublish(who: MqttPrincipal, topic: string): boolean {
    if (who.kind === 'service') return true;
    if (who.kind === 'device') return this.devicePublish(who, topic);
    return who.platform || this.keyMay(who, topic, 'publish');
  }

  /** Whether a message on `topic` may be delivered to this client (checked per message). */
  mayReceive(who: MqttPrincipal, topic: string): boolean {
    if (who.kind === 'service') return true;
    if (who.kind === 'device') return under(who.baseTopic, topic) && isCommand(topic) && this.ownedBy(who.orgId, topic) !== false;
    return who.platform || this.keyMay(who, topic, 'read');
  }

  maySubscribe(who: MqttPrincipal, filter: string): boolean {
    if (!isValidTopicFilter(filter)) return false;
    if (STA_ROOTS.includes(levels(filter)[0] as string)) this.world.staSubscribed?.(filter);
    if (who.kind === 'service') return true;
    if (who.kind === 'device') return this.deviceSubscribe(who, filter);
    if (who.platform) return true;
    if (!this.reads(who) || filter.startsWith('$')) return false;
    // A filter whose literal part is inside another organisation's namespace is refused outright.
    const literal = levels(filter).filter((_, i, all) => !all.slice(0, i + 1).some((l) => l === '+' || l === '#'));
    if (literal[0] === 'polder' && literal.length > 1 && literal[1] !== who.orgSlug && literal[1] !== who.orgId) return false;
    if (literal.length > 0 && this.ownedBy(who.orgId, literal.join('/')) === false) return false;
    // Broad filters (`#`, `+/+/+`) are accepted when they can match something of the
    // organisation's; mayReceive narrows what they deliver.
    return this.readableAreas(who).some((area) => filtersOverlap(area, filter));
  }

  /**
   * For brokers that check subscriptions but not each delivery (EMQX): the filter must lie
   * wholly inside what the client may read, and overlap no other organisation's base topic.
   */
  maySubscribeStrict(who: MqttPrincipal, filter: string): boolean {
    if (!this.maySubscribe(who, filter)) return false;
    if (who.kind !== 'key' || who.platform) return true;
    const own = [`polder/${who.orgSlug}/#`, `polder/${who.orgId}/#`, ...this.world.baseTopicsOf(who.orgId).map((b) => `${b}/#`)];
    if (own.some((area) => filterCovers(area, filter))) return true;
    if (!this.world.pipelineFilters(who.orgId).some((area) => filterCovers(area, filter))) return false;
    return !this.world
      .allBaseTopics()
      .some((b) => this.world.baseTopicOwner(b)?.orgId !== who.orgId && filtersOverlap(`${b}/#`, filter));
  }

  /** The filters that cover what a key may read (for subscription checks and docs). */
  readableAreas(who: KeyPrincipal): string[] {
    return [
      `polder/${who.orgSlug}/#`,
      `polder/${who.orgId}/#`,
      ...this.world.baseTopicsOf(who.orgId).map((b) => `${b}/#`),
      ...this.world.pipelineFilters(who.orgId),
      ...(this.world.ownsStaTopic ? STA_ROOTS.map((r) => `${r}/#`) : []),
    ];
  }

  private reads(who: KeyPrincipal) {
    return this.has(who, 'measurements:read');
  }

  private has(who: KeyPrincipal, scope: Scope) {
    let scopes = this.scopeSets.get(who);
    if (!scopes) {
      scopes = new Set(who.scopes as Scope[]);
      this.scopeSets.set(who, scopes);
    }
    return hasScope(scopes, scope) || hasScope(scopes, 'admin:write');
  }

  /** True: a device of this organisation holds the topic; false: another's; undefined: none. */
  private ownedBy(orgId: string, topic: string): boolean | undefined {
    const owner = this.world.baseTopicOwner(topic);
    return owner && owner.orgId === orgId;
  }

  private keyMay(who: KeyPrincipal, topic: string, action: 'read' | 'publish'): boolean {
    if (topic.startsWith('$') || topic.length === 0) return false;
    const [root, org] = levels(topic);
    const need = (scope: Scope) => (action === 'read' ? this.reads(who) : this.has(who, scope));
    if (root === 'polder') return (org === who.orgSlug || org === who.orgId) && need('admin:write');
    if (root !== undefined && STA_ROOTS.includes(root))
      return this.world.ownsStaTopic?.(who.orgId, topic) === true && need('uplinks:write');
    const owned = this.ownedBy(who.orgId, topic);
    if (owned === false) return false;
    if (owned === true) return need(isCommand(topic) ? 'devices:write' : 'uplinks:write');
    if (this.world.pipelineFilters(who.orgId).some((f) => topicMatches(f, topic))) return need('uplinks:write');
    return false;
  }

  /**
   * A device publishes anywhere under its base topic (`<base>/<module>`, `<base>/device`), never
   * a wildcard or an empty level, and never into a deeper base topic another organisation holds.
   */
  private devicePublish(who: DevicePrincipal, topic: string): boolean {
    if (!topic.startsWith(`${who.baseTopic}/`)) return false;
    if (levels(topic).some((l) => l === '' || l.includes('+') || l.includes('#'))) return false;
    return this.ownedBy(who.orgId, topic) !== false;
  }

  /**
   * A device subscribes only to command topics under its base topic: `<base>/<module>/command`
   * or `<base>/+/command`. The base part must be literal, so no wildcard reaches past it.
   */
  private deviceSubscribe(who: DevicePrincipal, filter: string): boolean {
    if (!filter.startsWith(`${who.baseTopic}/`)) return false;
    const rest = levels(filter.slice(who.baseTopic.length + 1));
    if (rest.length < 2 || rest[rest.length - 1] !== 'command') return false;
    // `+` only as a whole level; `#` never (MQTT 3.1.1 §4.7.1: it would also match the base's other topics).
    return rest.every((l) => l !== '' && !l.includes('#') && (l === '+' || !l.includes('+')));
  }
}

/**
 * The same device rule as Mosquitto dynamic-security ACLs (DynsecSync): publish under the base
 * topic, subscribe to and receive its …/command topics. Overlaps between organisations are
 * refused when base topics are given (DeviceService), so these patterns stay within one.
 */
export const deviceDynsecAcls = (base: string | null) =>
  base === null
    ? []
    : [
        { acltype: 'publishClientSend', topic: `${base}/#`, priority: 0, allow: true },
        { acltype: 'subscribePattern', topic: `${base}/+/command`, priority: 0, allow: true },
        { acltype: 'subscribePattern', topic: `${base}/#/command`, priority: 0, allow: true },
        { acltype: 'publishClientReceive', topic: `${base}/#`, priority: 0, allow: true },
      ];

/** Retained messages on order topics would be replayed to whichever board subscribes next. */
export const mayRetain = (topic: string) => !isCommand(topic);
