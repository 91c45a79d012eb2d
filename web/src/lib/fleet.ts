/** Pure helpers of the fleet view: filtering, sorting, staleness and relative times. */

export interface FleetDevice {
  id: string;
  code: string;
  type: string | null;
  connectivity: string;
  state: string;
  enabled: boolean;
  offlineAfter: number;
  lastSeenAt: string | null;
  description: string | null;
  location: { site: string | null; building: string | null; room: string | null; outdoor: string | null };
  locationIds: { site: string | null; building: string | null; room: string | null };
}

export interface DeviceFilter {
  q?: string;
  type?: string | null;
  state?: string | null;
  connectivity?: string | null;
  siteId?: string | null;
  buildingId?: string | null;
}

export type SortKey = 'code' | 'type' | 'state' | 'lastSeenAt' | 'place';
export interface Sort {
  key: SortKey;
  desc: boolean;
}

export function placeOf(d: FleetDevice): string {
  const l = d.location;
  if (l.outdoor) return `outside/${l.outdoor}`;
  return [l.building, l.room].filter(Boolean).join(' / ');
}

export function filterDevices(devices: readonly FleetDevice[], f: DeviceFilter): FleetDevice[] {
  const q = f.q?.trim().toLowerCase();
  return devices.filter(
    (d) =>
      (!f.type || d.type === f.type) &&
      (!f.state || d.state === f.state) &&
      (!f.connectivity || d.connectivity === f.connectivity) &&
      (!f.siteId || d.locationIds.site === f.siteId) &&
      (!f.buildingId || d.locationIds.building === f.buildingId) &&
      (!q ||
        d.code.toLowerCase().includes(q) ||
        (d.description ?? '').toLowerCase().includes(q) ||
        placeOf(d).toLowerCase().includes(q)),
  );
}

const keyOf: Record<SortKey, (d: FleetDevice) => string> = {
  code: (d) => d.code,
  type: (d) => d.type ?? '',
  state: (d) => d.state,
  lastSeenAt: (d) => d.lastSeenAt ?? '',
  place: placeOf,
};

export function sortDevices(devices: readonly FleetDevice[], sort: Sort): FleetDevice[] {
  const key = keyOf[sort.key];
  const sign = sort.desc ? -1 : 1;
  const keyed = devices.map((d) => [key(d), d] as const);
  keyed.sort((a, b) => (a[0] < b[0] ? -sign : a[0] > b[0] ? sign : a[1].code < b[1].code ? -1 : 1));
  return keyed.map(([, d]) => d);
}

/** Silent for longer than its offlineAfter (or marked offline): shown red. Never seen is not stale. */
export function isStale(d: Pick<FleetDevice, 'lastSeenAt' | 'offlineAfter' | 'state'>, now: number): boolean {
  if (d.state === 'offline') return true;
  if (!d.lastSeenAt) return false;
  return now - Date.parse(d.lastSeenAt) > d.offlineAfter * 1000;
}

/** "12 s ago", "5 min ago", "3 h ago", "2 d ago"; "never" for null. */
export function relativeTime(iso: string | null, now: number): string {
  if (!iso) return 'never';
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}

export interface BuildingActivity {
  online: number;
  offline: number;
  neverSeen: number;
  lastActivity: string | null;
}

/** Per building id: counts by state and the latest sign of life, from the device list. */
export function activityByBuilding(devices: readonly FleetDevice[]): Map<string, BuildingActivity> {
  const out = new Map<string, BuildingActivity>();
  for (const d of devices) {
    const b = d.locationIds.building;
    if (!b) continue;
    const a = out.get(b) ?? { online: 0, offline: 0, neverSeen: 0, lastActivity: null };
    out.set(b, a);
    if (!d.lastSeenAt) a.neverSeen++;
    else if (d.state === 'offline') a.offline++;
    else a.online++;
    if (d.lastSeenAt && (!a.lastActivity || d.lastSeenAt > a.lastActivity)) a.lastActivity = d.lastSeenAt;
  }
  return out;
}

/** Rows [first, last) of a fixed-height list to render for a scroll position, with overscan. */
export function visibleRange(scrollTop: number, viewport: number, rowHeight: number, count: number, overscan = 8) {
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(count, Math.ceil((scrollTop + viewport) / rowHeight) + overscan);
  return { first, last };
}

/** One message of GET /api/fleet/activity's event stream. */
export interface ActivityChange {
  devices: { id: string; state: string; enabled: boolean; lastSeenAt: string | null }[];
  removed: string[];
}

/**
 * The device list after a change from the stream. `incomplete` when it names a device the list
 * does not have (created since it was fetched): refetch the list. `stateChanged` when a state
 * moved: the summaries and alerts that count states are out of date.
 */
export function applyActivity(
  devices: readonly FleetDevice[],
  change: ActivityChange,
): { devices: FleetDevice[]; incomplete: boolean; stateChanged: boolean } {
  const byId = new Map(change.devices.map((d) => [d.id, d]));
  const removed = new Set(change.removed);
  let stateChanged = removed.size > 0;
  let matched = 0;
  const out: FleetDevice[] = [];
  for (const d of devices) {
    if (removed.has(d.id)) continue;
    const c = byId.get(d.id);
    if (!c) {
      out.push(d);
      continue;
    }
    matched++;
    if (c.state !== d.state || c.enabled !== d.enabled) stateChanged = true;
    out.push({ ...d, state: c.state, enabled: c.enabled, lastSeenAt: c.lastSeenAt });
  }
  return { devices: out, incomplete: matched < byId.size, stateChanged };
}
