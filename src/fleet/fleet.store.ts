import { sql } from 'kysely';
import type { Database } from '../db/database.js';
import { toJsonColumn } from '../shared/json.js';
import { type Activity, type DeviceAccount, type DeviceState, type FleetStore, unitHints, type WentOffline } from './fleet.js';
import type { DeviceActivity } from './fleet-activity.js';
import type { DeviceStateCount, DeviceStateCounts } from './fleet-metrics.js';
import type { SummaryRow, SummaryStore } from './site-summary.js';

const ID_CHUNK = 500;

// Large chunks: with 1000s of ids PostgreSQL hash-joins a scan of devices, so fewer, bigger
// statements are cheaper than many small ones.
const CHUNK = 10_000;

/**
 * Fleet status over the devices table. PostgreSQL applies a batch in one UPDATE … FROM
 * unnest(); SQLite runs prepared statements in one transaction (cheap in-process calls).
 */
export class SqlFleetStore implements FleetStore, SummaryStore, DeviceStateCounts {
  constructor(private readonly database: Database) {}

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

  async applyActivity(batch: Activity[]) {
    const back: { orgId: string; deviceId: string }[] = [];
    for (let i = 0; i < batch.length; i += CHUNK) {
      const chunk = batch.slice(i, i + CHUNK);
      back.push(...(this.database.dialect === 'postgres' ? await this.applyPg(chunk) : this.applySqlite(chunk)));
    }
    return back;
  }

  private async applyPg(chunk: Activity[]) {
    // `prior` is read before the update in the same statement, so it still has the old state.
    const result = await sql<{ id: string; org_id: string }>`
      with v as (
        select * from unnest(${chunk.map((a) => a.deviceId)}::text[], ${chunk.map((a) => a.at)}::bigint[],
                             ${chunk.map((a) => (a.status === undefined ? null : toJsonColumn(a.status)))}::jsonb[])
          as v(id, at, status)
      ), prior as (
        select d.id, d.state from devices d join v on v.id = d.id for update
      )
      update devices d set
        last_seen_at = greatest(coalesce(d.last_seen_at, 0), v.at),
        last_status = coalesce(v.status, d.last_status),
        state = case when d.enabled = 1 then 'online' else d.state end
      from v, prior
      where d.id = v.id and prior.id = v.id
      returning d.id, d.org_id, prior.state as prior_state`.execute(this.database.db);
    return (result.rows as { id: string; org_id: string; prior_state: string }[])
      .filter((r) => r.prior_state === 'offline')
      .map((r) => ({ orgId: r.org_id, deviceId: r.id }));
  }

  private applySqlite(chunk: Activity[]) {
    if (this.database.dialect !== 'sqlite') throw new Error('unreachable');
    const db = this.database.sqlite;
    const prior = db.prepare<[string], { state: string }>('select state from devices where id = ?');
    const update = db.prepare(
      `update devices set
         last_seen_at = max(coalesce(last_seen_at, 0), ?),
         last_status = coalesce(?, last_status),
         state = case when enabled = 1 then 'online' else state end
       where id = ?`,
    );
    const back: { orgId: string; deviceId: string }[] = [];
    db.transaction(() => {
      for (const a of chunk) {
        const was = prior.get(a.deviceId);
        if (!was) continue;
        update.run(a.at, a.status === undefined ? null : toJsonColumn(a.status), a.deviceId);
        if (was.state === 'offline') back.push({ orgId: a.orgId, deviceId: a.deviceId });
      }
    })();
    return back;
  }

  async markOffline(now: number): Promise<WentOffline[]> {
    const rows = await this.database.db
      .updateTable('devices')
      .set({ state: 'offline' })
      .where('state', '=', 'online')
      .where('enabled', '=', 1)
      .where(sql<boolean>`last_seen_at + offline_after * 1000 < ${now}`)
      .returning(['id', 'org_id', 'code', 'last_seen_at', 'offline_after'])
      .execute();
    return rows.map((r) => ({
      orgId: r.org_id,
      deviceId: r.id,
      code: r.code,
      lastSeenAt: r.last_seen_at ?? 0,
      offlineAfter: r.offline_after,
    }));
  }
}
