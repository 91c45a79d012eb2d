/**
 * The fleet: which devices are alive. Activity is kept in memory and applied in batches (at
 * most once a second); a periodic sweep marks silent devices offline and raises alerts.
 */

import type { DeviceSeen, DeviceWentSilent } from '../devices/devices.js';

export type DeviceState = 'unknown' | 'online' | 'offline' | 'disabled';

/** The latest sign of life of one device since the last flush (written by the devices store). */
export type Activity = DeviceSeen;

export type WentOffline = DeviceWentSilent;

/** What the fleet keeps in memory of each MQTT device: who may connect, and where it publishes. */
export interface DeviceAccount {
  id: string;
  orgId: string;
  code: string;
  login: string;
  baseTopic: string | null;
  enabled: boolean;
  /** The `unitID` of its last status: tells apart devices that share a base topic. */
  unitId: string | null;
  /**
   * unitIDs it is expected to report before it has: `properties.unitID` when set, and the
   * firmware's default `auto_<last 4 hex digits of the MAC>`.
   */
  unitHints: string[];
}

/** The unitIDs a device should report, from its identity and properties (neOCampus firmware defaults). */
export function unitHints(identity: { kind: string; value: string } | null, propertyUnit: unknown): string[] {
  const hints: string[] = [];
  if (typeof propertyUnit === 'string' && propertyUnit !== '') hints.push(propertyUnit);
  if (identity?.kind === 'mac') hints.push(`auto_${identity.value.replace(/:/g, '').slice(-4)}`);
  return hints;
}

export interface FleetStore {
  /** MQTT devices (connectivity mqtt, with a login): all of them, or those with these ids. */
  mqttAccounts(ids?: string[]): Promise<DeviceAccount[]>;
  /**
   * Records last-seen times (never moving them back) and statuses; enabled devices become
   * online. Returns the devices that were offline before, so their alerts can be resolved.
   */
  applyActivity(batch: Activity[]): Promise<{ orgId: string; deviceId: string }[]>;
  /** Online devices unseen for longer than their `offline_after` become offline; returns them. */
  markOffline(now: number): Promise<WentOffline[]>;
}

export const OFFLINE_ALERT = 'device_offline';
