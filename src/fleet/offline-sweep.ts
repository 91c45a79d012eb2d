import type { AlertService } from '../alerts/alerts.service.js';
import { toIso } from '../shared/clock.js';
import { groupBy } from '../shared/group.js';
import type { ActivityTracker } from './activity-tracker.js';
import { type FleetStore, OFFLINE_ALERT, type WentOffline } from './fleet.js';

/** Marks devices silent for longer than their `offlineAfter` as offline and opens one alert each. */
export async function sweepOffline(deps: {
  activity: ActivityTracker;
  store: FleetStore;
  alerts: AlertService;
  now: number;
}): Promise<WentOffline[]> {
  // What is still in memory must count as seen, or a busy device would be swept.
  await deps.activity.flush();
  const silent = await deps.store.markOffline(deps.now);
  for (const [orgId, devices] of groupBy(silent, (d) => d.orgId)) {
    await deps.alerts.open(
      orgId,
      devices.map((d) => ({
        kind: OFFLINE_ALERT,
        severity: 'warning',
        subjectType: 'device',
        subjectId: d.deviceId,
        subjectName: d.code,
        message: `${d.code} has not been seen since ${toIso(d.lastSeenAt)} (offline after ${d.offlineAfter} s)`,
        details: { lastSeenAt: toIso(d.lastSeenAt), offlineAfter: d.offlineAfter },
      })),
    );
  }
  return silent;
}
