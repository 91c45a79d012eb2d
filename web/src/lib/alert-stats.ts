/** Alert counts for the alerts view's charts, from the alert list (when /api/alerts/stats is absent). */

export interface AlertLike {
  kind: string;
  openedAt: string;
  subject: { type: string; id: string };
}

export interface DeviceLike {
  id: string;
  type: string | null;
  location: { site: string | null };
}

export interface AlertStats {
  /** Day starts (Unix seconds, UTC) and the alerts opened that day. */
  perDay: [number[], number[]];
  byKind: [string, number][];
  bySite: [string, number][];
  byType: [string, number][];
}

const DAY = 86400;

const ranked = (m: Map<string, number>): [string, number][] => [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);

export function alertStats(alerts: readonly AlertLike[], devices: readonly DeviceLike[]): AlertStats {
  const deviceById = new Map(devices.map((d) => [d.id, d]));
  const days = new Map<number, number>();
  const byKind = new Map<string, number>();
  const bySite = new Map<string, number>();
  const byType = new Map<string, number>();
  for (const a of alerts) {
    const day = Math.floor(Date.parse(a.openedAt) / 1000 / DAY) * DAY;
    days.set(day, (days.get(day) ?? 0) + 1);
    bump(byKind, a.kind);
    const d = a.subject.type === 'device' ? deviceById.get(a.subject.id) : undefined;
    bump(bySite, d?.location.site ?? '(none)');
    bump(byType, d?.type ?? '(none)');
  }
  // Every day between the first and the last, so the chart shows quiet days as zero.
  const keys = [...days.keys()].sort((a, b) => a - b);
  const xs: number[] = [];
  const ys: number[] = [];
  if (keys.length) {
    for (let t = keys[0] as number; t <= (keys[keys.length - 1] as number); t += DAY) {
      xs.push(t);
      ys.push(days.get(t) ?? 0);
    }
  }
  return { perDay: [xs, ys], byKind: ranked(byKind), bySite: ranked(bySite), byType: ranked(byType) };
}
