import { Type } from '@sinclair/typebox';
import { DEVICE_STATES } from '../devices/devices.js';
import { principalOf } from '../http/auth.js';
import { eventStreams } from '../http/event-stream.js';
import { errors, IsoTime, Nullable } from '../http/schemas.js';
import type { TypedApp } from '../http/types.js';
import { toIsoOrNull } from '../shared/clock.js';
import { type DeviceActivity, FleetActivityFeed, type FleetActivityStore } from './fleet-activity.js';

/** How often a watched organisation's devices are looked at (the offline sweep runs every 30 s by default). */
export const FLEET_ACTIVITY_POLL_MS = 2_000;

const ActivitySchema = Type.Object({
  id: Type.String(),
  state: Type.Union(DEVICE_STATES.map((s) => Type.Literal(s))),
  enabled: Type.Boolean(),
  lastSeenAt: Nullable(IsoTime),
});

const view = (d: DeviceActivity) => ({ id: d.id, state: d.state, enabled: d.enabled, lastSeenAt: toIsoOrNull(d.lastSeenAt) });

/**
 * GET /api/fleet/activity: every device's state and last-seen time of the caller's
 * organisation as JSON, or, asked with `Accept: text/event-stream` (as EventSource does), the
 * changes as server-sent events: `event: activity`, `data: {"devices":[…],"removed":[…]}`.
 */
export function fleetActivityRoutes(app: TypedApp, store: FleetActivityStore) {
  const feed = new FleetActivityFeed(store, {
    intervalMs: FLEET_ACTIVITY_POLL_MS,
    onError: (err) => app.log.error({ err }, 'fleet activity poll failed'),
  });
  const streamOf = eventStreams(app);

  app.get(
    '/api/fleet/activity',
    {
      config: { scope: 'devices:read' },
      schema: {
        tags: ['devices'],
        summary: "Devices' state and last-seen time; with Accept: text/event-stream, their changes as server-sent events",
        description:
          'JSON: `{"data":[{"id","state","enabled","lastSeenAt"}]}`. Event stream: `event: activity`, ' +
          '`data: {"devices":[…],"removed":[ids]}` with the devices whose state or last-seen time changed ' +
          `(looked at every ${FLEET_ACTIVITY_POLL_MS / 1000} s), and a comment line every 15 s.`,
        response: {
          200: Type.Object({ data: Type.Array(ActivitySchema) }, { description: 'or text/event-stream' }),
          ...errors(),
        },
      },
    },
    async (request, reply) => {
      const orgId = principalOf(request).orgId;
      if (!(request.headers.accept ?? '').includes('text/event-stream')) {
        return { data: (await store.deviceActivity(orgId)).map(view) };
      }
      const stream = streamOf(request, reply);
      const unsubscribe = await feed.subscribe(orgId, (change) =>
        stream.send(
          `event: activity\ndata: ${JSON.stringify({ devices: change.devices.map(view), removed: change.removed })}\n\n`,
        ),
      );
      stream.start('retry: 3000\n: device activity\n\n', unsubscribe);
    },
  );
}
