import type { InboundHandler, InboundMessage } from '../broker/broker.js';
import { unitIdOf } from '../devices/device-matcher.js';
import { RESOLVED } from '../shared/promises.js';
import type { ActivityTracker } from './activity-tracker.js';
import type { DeviceDirectory } from './device-directory.js';

/** The module neOCampus boards report their status on: `<base>/device`. */
export const STATUS_MODULE = 'device';
/** A status larger than this is not kept (the firmware's packets are at most 256 bytes). */
export const MAX_STATUS_BYTES = 16 * 1024;

/**
 * Filters that reach every device status topic on an external broker: one per depth of the
 * base topics in use (`+/+/device` for `u4/301`, `+/+/+/+/device` for `abroad/<site>/<b>/<r>`,
 * `+/device` for a building without rooms …). MQTT has no "any depth, then device" filter.
 */
export const statusFilter = (baseDepth: number) => `${'+/'.repeat(baseDepth)}${STATUS_MODULE}`;

export interface HeartbeatCounters {
  seen(): void;
  unattributed(): void;
}

function parseStatus(payload: Buffer): unknown {
  if (payload.length === 0 || payload.length > MAX_STATUS_BYTES) return undefined;
  try {
    const status: unknown = JSON.parse(payload.toString('utf8'));
    return status !== null && typeof status === 'object' && !Array.isArray(status) ? status : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Every message a device publishes marks it seen, in memory (the tracker writes once a
 * second); a status on `<base>/device` is also kept as `lastStatus`, as sent. On the embedded
 * broker the session says which device published; from an external broker the topic and the
 * payload's unitID say it (DeviceDirectory.resolve). Orders (`…/command`) and Polder's own
 * topics are not signs of life.
 */
export function heartbeatHandler(deps: {
  activity: ActivityTracker;
  directory: DeviceDirectory;
  counters?: HeartbeatCounters;
}): InboundHandler {
  const { activity, directory, counters } = deps;
  // Done at once, in memory: RESOLVED, so the router waits only for the message's other handlers.
  return (m: InboundMessage) => {
    seen(m);
    return RESOLVED;
  };

  function seen(m: InboundMessage): void {
    if (m.topic.endsWith('/command') || m.topic.startsWith('polder/')) return;
    let orgId: string;
    let deviceId: string;
    let isStatus: boolean;
    const who = m.principal;
    if (who?.kind === 'device') {
      orgId = who.orgId;
      deviceId = who.deviceId;
      isStatus = m.topic === `${who.baseTopic}/${STATUS_MODULE}`;
    } else if (who === undefined) {
      const account = directory.resolve(m.topic, m.payload);
      if (!account) {
        counters?.unattributed();
        return;
      }
      orgId = account.orgId;
      deviceId = account.id;
      isStatus = m.topic === `${account.baseTopic}/${STATUS_MODULE}`;
    } else return; // an admin or Polder itself, not a device
    const status = isStatus ? parseStatus(m.payload) : undefined;
    if (status !== undefined) {
      const unit = unitIdOf(status);
      if (unit !== undefined) directory.learnUnit(deviceId, unit);
    }
    activity.seen(orgId, deviceId, m.receivedAt, status);
    counters?.seen();
  }
}
