import { sql } from 'kysely';
import type { Database } from '../db/database.js';
import { KyselyDeviceLiveness } from '../devices/devices.store.js';
import { type Activity, type DeviceAccount, type DeviceState, type FleetStore, unitHints, type WentOffline } from './fleet.js';
import type { DeviceActivity } from './fleet-activity.js';
import type { DeviceStateCount, DeviceStateCounts } from './fleet-metrics.js';
import type { SummaryRow, SummaryStore } from './site-summary.js';

const ID_CHUNK = 500;

/** Fleet reads over the devices table; its writes go through the devices store's KyselyDeviceLiveness. */
export class SqlFleetStore implements FleetStore, SummaryStore, DeviceStateCounts {
  private readonly liveness: KyselyDeviceLiveness;

  constructor(private readonly database: Database) {
    this.liveness = new KyselyDeviceLiveness(database);
  }

  /** Devices of every organisation by site slug and state: one grouped query (`polder_devices`). */
  async deviceStateCounts(): Promise<DeviceStateCount[]> {
    const rows = await this.database.db
      .selectFrom('devices as d')
      .leftJoin('sites as s', 's.id', 'd.site_id')
      .select(['s.slug', 'd.state', sql<number>`count(*)`.as('n')])
      .groupBy(['s.slug', 'd.state'])
      .execute();
    return rows.map((r) => ({ site: r.slug, state: r.state, count: Number(r.n) }));
  }

  async mqttAccounts(ids?: string[]): Promise<DeviceAccount[]> {
    if (ids === undefined) return this.accounts();
    const out: DeviceAccount[] = [];
    for (let i = 0; i < ids.length; i += ID_CHUNK) out.push(...(await this.accounts(ids.slice(i, i + ID_CHUNK))));
    return out;
  }

  private async accounts(ids?: string[]): Promise<DeviceAccount[]> {
    // Only the unitID of the last status is read, not the whole JSON of every device.
    const pg = this.database.dialect === 'postgres';
    const unitId = pg
      ? sql<string | null>`d.last_status->>'unitID'`
      : sql<string | null>`case when json_valid(d.last_status) then json_extract(d.last_status, '$.unitID') end`;
    const propertyUnit = pg
      ? sql<string | null>`d.properties->>'unitID'`
      : sql<string | null>`case when json_valid(d.properties) then json_extract(d.properties, '$.unitID') end`;
    let q = this.database.db
      .selectFrom('devices as d')
      .innerJoin('device_types as t', 't.id', 'd.type_id')
      .select([
        'd.id',
        'd.org_id',
        'd.code',
        'd.mqtt_login',
        'd.base_topic',
        'd.enabled',
        'd.identity_kind',
        'd.identity_value',
        unitId.as('unit_id'),
        propertyUnit.as('property_unit'),
      ])
      .where('t.connectivity', '=', 'mqtt')
      .where('d.mqtt_login', 'is not', null);
    if (ids !== undefined) q = q.where('d.id', 'in', ids.length > 0 ? ids : ['']);
    const rows = await q.execute();
    return rows.map((r) => ({
      id: r.id,
      orgId: r.org_id,
      code: r.code,
      login: r.mqtt_login as string,
      baseTopic: r.base_topic,
      enabled: r.enabled === 1,
      unitId: typeof r.unit_id === 'string' ? r.unit_id : null,
      unitHints: unitHints(
        r.identity_kind && r.identity_value ? { kind: r.identity_kind, value: r.identity_value } : null,
        r.property_unit,
      ),
    }));
  }

  async deviceActivity(orgId: string): Promise<DeviceActivity[]> {
    const rows = await this.database.db
      .selectFrom('devices')
      .select(['id', 'state', 'enabled', 'last_seen_at'])
      .where('org_id', '=', orgId)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      state: r.state as DeviceState,
      enabled: Number(r.enabled) === 1,
      lastSeenAt: r.last_seen_at === null ? null : Number(r.last_seen_at),
    }));
  }

  async siteCounts(orgId: string, siteId: string): Promise<SummaryRow[]> {
    const rows = await this.database.db
      .selectFrom('devices as d')
      .leftJoin('buildings as b', 'b.id', 'd.building_id')
      .leftJoin('rooms as r', 'r.id', 'd.room_id')
      .select([
        'd.building_id',
        'b.slug as building_slug',
        'b.name as building_name',
        'd.room_id',
        'r.slug as room_slug',
        'r.name as room_name',
        'd.outdoor_zone',
        'd.state',
        sql<number>`count(*)`.as('n'),
      ])
      .where('d.org_id', '=', orgId)
      .where('d.site_id', '=', siteId)
      .groupBy(['d.building_id', 'b.slug', 'b.name', 'd.room_id', 'r.slug', 'r.name', 'd.outdoor_zone', 'd.state'])
      .execute();
    return rows.map((r) => ({
      buildingId: r.building_id,
      buildingSlug: r.building_slug,
      buildingName: r.building_name,
      roomId: r.room_id,
      roomSlug: r.room_slug,
      roomName: r.room_name,
      outdoor: r.outdoor_zone,
      state: r.state,
      count: Number(r.n),
    }));
  }

  /** Last-seen and status writes belong to the devices store (the one writer of `devices`). */
  applyActivity(batch: Activity[]) {
    return this.liveness.applyActivity(batch);
  }

  markOffline(now: number): Promise<WentOffline[]> {
    return this.liveness.markOffline(now);
  }
}
