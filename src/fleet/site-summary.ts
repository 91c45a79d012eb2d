import { DEVICE_STATES } from '../devices/devices.js';
import type { FleetActivityStore } from './fleet-activity.js';

/** How many devices are in each state somewhere, and in all. */
export type StateCounts = Record<(typeof DEVICE_STATES)[number], number> & { total: number };

/** One group of the summary query: devices of one place in one state. */
export interface SummaryRow {
  buildingId: string | null;
  buildingSlug: string | null;
  buildingName: string | null;
  roomId: string | null;
  roomSlug: string | null;
  roomName: string | null;
  outdoor: string | null;
  state: string;
  count: number;
}

export interface PlaceCounts {
  id: string;
  slug: string;
  name: string;
  counts: StateCounts;
}

export interface SiteSummary {
  site: { id: string; slug: string; name: string };
  counts: StateCounts;
  buildings: (PlaceCounts & { rooms: PlaceCounts[]; withoutRoom: StateCounts | null })[];
  outside: { counts: StateCounts; zones: { zone: string; counts: StateCounts }[] } | null;
  /** Devices of the site in no building and not outdoors. */
  unplaced: StateCounts | null;
}

export interface SummaryStore extends FleetActivityStore {
  /** Device counts of a site grouped by building, room, outdoor zone and state, in one query. */
  siteCounts(orgId: string, siteId: string): Promise<SummaryRow[]>;
}

const empty = (): StateCounts => ({ online: 0, offline: 0, unknown: 0, disabled: 0, total: 0 });

function add(c: StateCounts, state: string, n: number) {
  if ((DEVICE_STATES as readonly string[]).includes(state)) c[state as keyof Omit<StateCounts, 'total'>] += n;
  c.total += n;
}

const bySlug = <T extends { slug: string }>(a: T, b: T) => a.slug.localeCompare(b.slug, 'en', { numeric: true });

/**
 * Counts by state for a site, per building and room and for the outdoor zones: what an
 * operator looks at to see where devices are offline. Places without devices are left out.
 */
export function summarise(site: { id: string; slug: string; name: string }, rows: SummaryRow[]): SiteSummary {
  const counts = empty();
  const buildings = new Map<string, SiteSummary['buildings'][number]>();
  const rooms = new Map<string, PlaceCounts>();
  const zones = new Map<string, StateCounts>();
  let outside: StateCounts | null = null;
  let unplaced: StateCounts | null = null;
  for (const r of rows) {
    add(counts, r.state, r.count);
    if (r.outdoor !== null) {
      outside ??= empty();
      add(outside, r.state, r.count);
      const z = zones.get(r.outdoor) ?? empty();
      zones.set(r.outdoor, z);
      add(z, r.state, r.count);
    } else if (r.buildingId !== null) {
      let b = buildings.get(r.buildingId);
      if (!b) {
        b = {
          id: r.buildingId,
          slug: r.buildingSlug ?? '',
          name: r.buildingName ?? '',
          counts: empty(),
          rooms: [],
          withoutRoom: null,
        };
        buildings.set(r.buildingId, b);
      }
      add(b.counts, r.state, r.count);
      if (r.roomId !== null) {
        let room = rooms.get(r.roomId);
        if (!room) {
          room = { id: r.roomId, slug: r.roomSlug ?? '', name: r.roomName ?? '', counts: empty() };
          rooms.set(r.roomId, room);
          b.rooms.push(room);
        }
        add(room.counts, r.state, r.count);
      } else {
        b.withoutRoom ??= empty();
        add(b.withoutRoom, r.state, r.count);
      }
    } else {
      unplaced ??= empty();
      add(unplaced, r.state, r.count);
    }
  }
  const list = [...buildings.values()].sort(bySlug);
  for (const b of list) b.rooms.sort(bySlug);
  return {
    site,
    counts,
    buildings: list,
    outside: outside && {
      counts: outside,
      zones: [...zones.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([zone, c]) => ({ zone, counts: c })),
    },
    unplaced,
  };
}
