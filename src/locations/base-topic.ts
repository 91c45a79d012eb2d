/**
 * MQTT base topics, as neOCampus lays them out: the default site publishes under
 * `<building>/<room>`, its outdoor devices under `outside/<zone>`, any other site under
 * `abroad/<site>/<building>/<room>` or `abroad/<site>/outside/<zone>`. Devices then publish to
 * `<base>/<module>` and listen on `<base>/<module>/command`.
 */

export interface TopicLocation {
  siteSlug: string;
  siteIsDefault: boolean;
  buildingSlug: string | null;
  roomSlug: string | null;
  outdoor: string | null;
}

export const MAX_TOPIC_LENGTH = 200;

/** The derived base topic, or null when the location says too little (a device only "in the default site"). */
export function deriveBaseTopic(loc: TopicLocation): string | null {
  const levels: string[] = loc.siteIsDefault ? [] : ['abroad', loc.siteSlug];
  if (loc.outdoor !== null) levels.push('outside', loc.outdoor);
  else if (loc.buildingSlug !== null) {
    levels.push(loc.buildingSlug);
    if (loc.roomSlug !== null) levels.push(loc.roomSlug);
  }
  return levels.length > 0 ? levels.join('/') : null;
}

/**
 * Why a topic cannot be a device's base topic, or undefined when it can. MQTT 3.1.1 §4.7:
 * `+` and `#` are wildcards (a device cannot publish to them), `$`-topics are the broker's own,
 * NUL is forbidden; an empty level (`a//b`, leading or trailing `/`) is legal MQTT but always a
 * mistake in a base topic.
 */
export function topicProblem(topic: string): string | undefined {
  if (topic.length === 0) return 'is empty';
  if (topic.length > MAX_TOPIC_LENGTH) return `is longer than ${MAX_TOPIC_LENGTH} characters`;
  if (/[+#]/.test(topic)) return 'contains an MQTT wildcard (+ or #)';
  if (topic.startsWith('$')) return 'starts with $ (reserved for the broker)';
  if (topic.includes('\u0000')) return 'contains a NUL character';
  if (/\s/.test(topic)) return 'contains white space';
  if (topic.split('/').some((level) => level === '')) return 'has an empty level (leading, trailing or double /)';
  return undefined;
}

/** An outdoor zone is one or more topic levels of slug characters (`ambient`, `access/north`). */
export function zoneProblem(zone: string): string | undefined {
  const levels = zone.split('/');
  if (levels.some((l) => !/^[a-z0-9][a-z0-9._-]{0,62}$/.test(l)))
    return 'must be lower-case slug levels separated by / (letters, digits, . _ -)';
  return undefined;
}

/**
 * Roots Polder publishes under itself (republished values and alerts `polder/<org>/…`,
 * SensorThings `v1.0/…`, `v1.1/…`): no device's base topic may start there.
 */
export const RESERVED_ROOTS = ['polder', 'v1.0', 'v1.1'];

export function reservedRootProblem(topic: string): string | undefined {
  const root = topic.split('/')[0] ?? '';
  return RESERVED_ROOTS.includes(root) ? `starts with ${root}/, which Polder publishes under itself` : undefined;
}

/**
 * The levels of `topic` and each shorter prefix (`u4/301` → `u4`, `u4/301`): a base topic that is
 * one of these, or that starts with `topic/`, overlaps it. On a shared broker a base topic
 * is a global name: two organisations' devices must never overlap, or one would receive (and
 * send) the other's orders.
 */
export function topicPrefixes(topic: string): string[] {
  const levels = topic.split('/');
  return levels.map((_, i) => levels.slice(0, i + 1).join('/'));
}

export function baseTopicsOverlap(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
}
