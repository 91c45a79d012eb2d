import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/database.js';
import { paginate, type SortKey } from '../db/paginate.js';
import type { DeviceTable, Schema } from '../db/schema.js';
import { sqliteCommitter } from '../db/sqlite-commit.js';
import { uniqueViolationColumns } from '../db/unique-violation.js';
import { topicPrefixes } from '../locations/base-topic.js';
import type { LocationScope } from '../locations/locations.js';
import { conflict } from '../shared/errors.js';
import { isUuid } from '../shared/ids.js';
import { fromJsonColumn, toJsonColumn } from '../shared/json.js';
import type { Page, PageRequest } from '../shared/page.js';
import { deviceWhere, registerSqliteFunctions } from './device-query.js';
import type {
  Connectivity,
  Device,
  DeviceFilter,
  DeviceRow,
  DeviceSeen,
  DeviceSort,
  DeviceStore,
  DeviceWentSilent,
} from './devices.js';
import type { Identity, IdentityKind } from './identity.js';

/** Rows per multi-row statement: ~30 columns stays under SQLite's 32,766 and PostgreSQL's 65,535 parameters. */
const BATCH = 500;

type JoinedRow = DeviceTable & {
  type_name: string | null;
  connectivity: string | null;
  site_slug: string | null;
  site_is_default: number | null;
  building_slug: string | null;
  room_slug: string | null;
};

const toDevice = (r: JoinedRow): Device => ({
  id: r.id,
  orgId: r.org_id,
  code: r.code,
  identity:
    r.identity_kind !== null && r.identity_value !== null
      ? { kind: r.identity_kind as IdentityKind, value: r.identity_value }
      : null,
  typeId: r.type_id,
  typeName: r.type_name,
  connectivity: (r.connectivity ?? 'none') as Connectivity,
  description: r.description,
  location: {
    siteId: r.site_id,
    siteSlug: r.site_slug,
    buildingId: r.building_id,
    buildingSlug: r.building_slug,
    roomId: r.room_id,
    roomSlug: r.room_slug,
    outdoor: r.outdoor_zone,
  },
  baseTopic: r.base_topic,
  baseTopicOverride: r.base_topic_override === 1,
  latitude: r.latitude,
  longitude: r.longitude,
  altitude: r.altitude,
  locationDescription: r.location_description,
  properties: fromJsonColumn(r.properties, {}),
  config: fromJsonColumn(r.config, {}),
  enabled: r.enabled === 1,
  offlineAfter: r.offline_after,
  mqttLogin: r.mqtt_login,
  mqttPasswordSet: r.mqtt_password_hash !== null,
  mqttPasswordDelivered: r.mqtt_password_delivered === 1,
  state: r.state,
  lastSeenAt: r.last_seen_at,
  lastStatus: fromJsonColumn(r.last_status, null),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** Column values of a row; `undefined` fields are left out (partial updates). */
function columns(d: Partial<DeviceRow>) {
  const c: Record<string, unknown> = {
    id: d.id,
    org_id: d.orgId,
    code: d.code,
    identity_kind: d.identityKind,
    identity_value: d.identityValue,
    type_id: d.typeId,
    description: d.description,
    site_id: d.siteId,
    building_id: d.buildingId,
    room_id: d.roomId,
    outdoor_zone: d.outdoor,
    base_topic: d.baseTopic,
    base_topic_override: d.baseTopicOverride === undefined ? undefined : d.baseTopicOverride ? 1 : 0,
    latitude: d.latitude,
    longitude: d.longitude,
    altitude: d.altitude,
    location_description: d.locationDescription,
    properties: d.properties === undefined ? undefined : toJsonColumn(d.properties),
    config: d.config === undefined ? undefined : toJsonColumn(d.config),
    enabled: d.enabled === undefined ? undefined : d.enabled ? 1 : 0,
    offline_after: d.offlineAfter,
    mqtt_login: d.mqttLogin,
    mqtt_password_hash: d.mqttPasswordHash,
    mqtt_password_delivered: d.mqttPasswordDelivered === undefined ? undefined : d.mqttPasswordDelivered ? 1 : 0,
    state: d.state,
    created_at: d.createdAt,
    updated_at: d.updatedAt,
  };
  for (const k of Object.keys(c)) if (c[k] === undefined) delete c[k];
  return c as Partial<DeviceTable>;
}

/** What an import overwrites on an existing device (never id, org, code, creation or fleet status). */
const UPSERT_COLUMNS = [
  'identity_kind',
  'identity_value',
  'type_id',
  'description',
  'site_id',
  'building_id',
  'room_id',
  'outdoor_zone',
  'base_topic',
  'base_topic_override',
  'latitude',
  'longitude',
  'altitude',
  'location_description',
  'properties',
  'config',
  'enabled',
  'offline_after',
  'updated_at',
] as const;

/**
 * Columns other writers change while an import runs (a device fetching its password, the
 * fleet marking it online) are decided in SQL from the current row, not from what the import
 * read seconds earlier: credentials stay unless MQTT is switched off, the state only follows
 * enabling and disabling.
 */
const UPSERT_GUARDED = {
  mqtt_login: sql<
    string | null
  >`case when excluded.mqtt_login is null then null else coalesce(devices.mqtt_login, excluded.mqtt_login) end`,
  mqtt_password_hash: sql<string | null>`case when excluded.mqtt_login is null then null else devices.mqtt_password_hash end`,
  mqtt_password_delivered: sql<number>`case when excluded.mqtt_login is null then 0 else devices.mqtt_password_delivered end`,
  state: sql<string>`case when excluded.enabled = 0 then 'disabled' when devices.state = 'disabled' then 'unknown' else devices.state end`,
};

const SORTS: Record<DeviceSort, { keys: SortKey[]; key: (r: JoinedRow & { seen_key?: number }) => unknown[] }> = {
  code: { keys: [{ column: 'd.code' }, { column: 'd.id' }], key: (r) => [r.code, r.id] },
  '-code': {
    keys: [
      { column: 'd.code', desc: true },
      { column: 'd.id', desc: true },
    ],
    key: (r) => [r.code, r.id],
  },
  createdAt: { keys: [{ column: 'd.created_at' }, { column: 'd.id' }], key: (r) => [r.created_at, r.id] },
  '-createdAt': {
    keys: [
      { column: 'd.created_at', desc: true },
      { column: 'd.id', desc: true },
    ],
    key: (r) => [r.created_at, r.id],
  },
  // Never-seen devices sort as seen at -1: keyset comparisons cannot compare NULLs.
  lastSeenAt: { keys: [{ column: 'd.seen_key' }, { column: 'd.id' }], key: (r) => [r.seen_key, r.id] },
  '-lastSeenAt': {
    keys: [
      { column: 'd.seen_key', desc: true },
      { column: 'd.id', desc: true },
    ],
    key: (r) => [r.seen_key, r.id],
  },
};

/** A unique violation lost to a concurrent writer becomes the 409 the service would have answered. */
async function conflictsAs409<T>(work: () => Promise<T>, row?: Partial<DeviceRow>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    const cols = uniqueViolationColumns(err);
    if (!cols) throw err;
    if (cols.includes('code')) throw conflict('code', row?.code ?? null);
    if (cols.includes('identity_value')) throw conflict('identity', row?.identityValue ?? null);
    if (cols.includes('mqtt_login')) throw conflict('mqttLogin', row?.mqttLogin ?? null);
    throw conflict(cols.join(','), null);
  }
}

/**
 * Insert-or-update by (org, code) in multi-row statements (on `db` or a transaction); answers
 * code → id of every row (an existing device keeps its id).
 */
export async function upsertDeviceRows(db: Kysely<Schema>, rows: DeviceRow[]): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (let i = 0; i < rows.length; i += BATCH) {
    const chunk = rows.slice(i, i + BATCH);
    const written = await conflictsAs409(() =>
      db
        .insertInto('devices')
        .values(chunk.map((r) => columns(r) as DeviceTable))
        .onConflict((oc) =>
          oc.columns(['org_id', 'code']).doUpdateSet((eb) => ({
            ...Object.fromEntries(UPSERT_COLUMNS.map((c) => [c, eb.ref(`excluded.${c}`)])),
            ...UPSERT_GUARDED,
          })),
        )
        .returning(['id', 'code'])
        .execute(),
    );
    for (const r of written) ids.set(r.code, r.id);
  }
  return ids;
}

export class KyselyDeviceStore implements DeviceStore {
  private readonly db: Kysely<Schema>;

  constructor(private readonly database: Database) {
    this.db = database.db;
    registerSqliteFunctions(database);
  }

  private base() {
    return this.db
      .selectFrom('devices')
      .leftJoin('device_types', 'device_types.id', 'devices.type_id')
      .leftJoin('sites', 'sites.id', 'devices.site_id')
      .leftJoin('buildings', 'buildings.id', 'devices.building_id')
      .leftJoin('rooms', 'rooms.id', 'devices.room_id')
      .selectAll('devices')
      .select([
        'device_types.name as type_name',
        'device_types.connectivity as connectivity',
        'sites.slug as site_slug',
        'sites.is_default as site_is_default',
        'buildings.slug as building_slug',
        'rooms.slug as room_slug',
      ]);
  }

  async insert(row: DeviceRow) {
    await conflictsAs409(
      () =>
        this.db
          .insertInto('devices')
          .values(columns(row) as DeviceTable)
          .execute(),
      row,
    );
  }

  async update(orgId: string, id: string, row: Partial<DeviceRow>) {
    const { id: _id, orgId: _org, createdAt: _c, ...rest } = row;
    const res = await conflictsAs409(
      () => this.db.updateTable('devices').set(columns(rest)).where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst(),
      row,
    );
    return Number(res.numUpdatedRows) > 0;
  }

  async datastreamIds(orgId: string, deviceId: string) {
    const rows = await this.db
      .selectFrom('datastreams')
      .select('id')
      .where('org_id', '=', orgId)
      .where('device_id', '=', deviceId)
      .execute();
    return rows.map((r) => r.id);
  }

  async delete(orgId: string, id: string) {
    const res = await this.db.deleteFrom('devices').where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }

  async find(orgId: string, idOrCode: string) {
    const row = await this.base()
      .where('devices.org_id', '=', orgId)
      .where(isUuid(idOrCode) ? 'devices.id' : 'devices.code', '=', isUuid(idOrCode) ? idOrCode.toLowerCase() : idOrCode)
      .executeTakeFirst();
    return row && toDevice(row);
  }

  async findByIdentity(identity: { kind: IdentityKind; value: string }, orgId?: string) {
    let q = this.base().where('devices.identity_kind', '=', identity.kind).where('devices.identity_value', '=', identity.value);
    if (orgId !== undefined) q = q.where('devices.org_id', '=', orgId);
    return (await q.execute()).map(toDevice);
  }

  async findByBaseTopic(topic: string, orgId?: string) {
    let q = this.base().where('devices.base_topic', '=', topic);
    if (orgId !== undefined) q = q.where('devices.org_id', '=', orgId);
    return (await q.orderBy('devices.code').execute()).map(toDevice);
  }

  async findByMqttLogin(login: string) {
    const row = await this.base().where('devices.mqtt_login', '=', login).executeTakeFirst();
    return row && { device: toDevice(row), passwordHash: row.mqtt_password_hash };
  }

  private filtered(orgId: string, filter: DeviceFilter) {
    return this.base().where('devices.org_id', '=', orgId).where(deviceWhere(this.database.dialect, filter));
  }

  async list(orgId: string, filter: DeviceFilter, sort: DeviceSort, req: PageRequest): Promise<Page<Device>> {
    const inner = this.filtered(orgId, filter).select(sql<number>`coalesce(devices.last_seen_at, -1)`.as('seen_key'));
    const q = this.db.selectFrom(inner.as('d')).selectAll();
    const s = SORTS[sort];
    const page = await paginate(q, req, s.keys, (r) => s.key(r as JoinedRow & { seen_key: number }));
    return { ...page, items: page.items.map((r) => toDevice(r as JoinedRow)) };
  }

  async all(orgId: string, filter: DeviceFilter) {
    return (await this.filtered(orgId, filter).orderBy('devices.code').execute()).map(toDevice);
  }

  async baseTopicHeldElsewhere(orgId: string, topic: string) {
    const row = await this.db
      .selectFrom('devices')
      .select('base_topic')
      .where('org_id', '!=', orgId)
      .where('mqtt_login', 'is not', null)
      .where((eb) =>
        eb.or([
          eb('base_topic', 'in', topicPrefixes(topic)),
          eb(sql<string>`substr(base_topic, 1, ${topic.length + 1})`, '=', `${topic}/`),
        ]),
      )
      .executeTakeFirst();
    return row?.base_topic ?? undefined;
  }

  async identitiesElsewhere(orgId: string, identities: Identity[]) {
    const taken = new Set<string>();
    for (let i = 0; i < identities.length; i += BATCH) {
      const part = identities.slice(i, i + BATCH);
      const rows = await this.db
        .selectFrom('devices')
        .select(['identity_kind', 'identity_value'])
        .where('org_id', '!=', orgId)
        .where((eb) => eb.or(part.map((p) => eb.and([eb('identity_kind', '=', p.kind), eb('identity_value', '=', p.value)]))))
        .execute();
      for (const r of rows) taken.add(`${r.identity_kind}:${r.identity_value}`);
    }
    return taken;
  }

  async loginsTaken(logins: string[]) {
    const taken = new Set<string>();
    for (let i = 0; i < logins.length; i += BATCH) {
      const rows = await this.db
        .selectFrom('devices')
        .select('mqtt_login')
        .where('mqtt_login', 'in', logins.slice(i, i + BATCH))
        .execute();
      for (const r of rows) if (r.mqtt_login !== null) taken.add(r.mqtt_login);
    }
    return taken;
  }

  async deliverPassword(id: string, passwordHash: string, now: number) {
    const res = await this.db
      .updateTable('devices')
      .set({ mqtt_password_hash: passwordHash, mqtt_password_delivered: 1, updated_at: now })
      .where('id', '=', id)
      .where('mqtt_password_delivered', '=', 0)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async topicInputs(orgId: string, scope: LocationScope) {
    let q = this.base().where('devices.org_id', '=', orgId).where('devices.base_topic_override', '=', 0);
    if ('siteId' in scope) q = q.where('devices.site_id', '=', scope.siteId);
    else if ('buildingId' in scope) q = q.where('devices.building_id', '=', scope.buildingId);
    else q = q.where('devices.room_id', '=', scope.roomId);
    return (await q.execute()).map((r) => ({
      id: r.id,
      location: toDevice(r).location,
      siteIsDefault: r.site_is_default === 1,
      mqtt: r.mqtt_login !== null,
    }));
  }

  async setBaseTopics(orgId: string, topics: { id: string; baseTopic: string | null }[], now: number) {
    // One UPDATE per distinct topic (a room's devices share one), not one per device.
    const byTopic = new Map<string | null, string[]>();
    for (const t of topics) byTopic.set(t.baseTopic, [...(byTopic.get(t.baseTopic) ?? []), t.id]);
    await this.db.transaction().execute(async (trx) => {
      for (const [topic, ids] of byTopic) {
        for (let i = 0; i < ids.length; i += BATCH) {
          await trx
            .updateTable('devices')
            .set({ base_topic: topic, updated_at: now })
            .where('org_id', '=', orgId)
            .where('id', 'in', ids.slice(i, i + BATCH))
            .execute();
        }
      }
    });
  }

  async keys(orgId: string) {
    const rows = await this.db
      .selectFrom('devices')
      .select([
        'id',
        'code',
        'identity_kind',
        'identity_value',
        'mqtt_login',
        'mqtt_password_hash',
        'mqtt_password_delivered',
        'state',
        'created_at',
      ])
      .where('org_id', '=', orgId)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      code: r.code,
      identityKind: r.identity_kind,
      identityValue: r.identity_value,
      mqttLogin: r.mqtt_login,
      mqttPasswordHash: r.mqtt_password_hash,
      mqttPasswordDelivered: r.mqtt_password_delivered === 1,
      state: r.state,
      createdAt: r.created_at,
    }));
  }

  async upsertMany(rows: DeviceRow[]) {
    await upsertDeviceRows(this.db, rows);
  }
}

// Large chunks: with 1000s of ids PostgreSQL hash-joins a scan of devices, so fewer, bigger
// statements are cheaper than many small ones.
const LIVENESS_CHUNK = 10_000;

/**
 * The liveness columns of devices (last_seen_at, last_status, state), written for the fleet.
 * PostgreSQL applies a batch in one UPDATE … FROM unnest(); SQLite runs prepared statements in
 * one transaction (cheap in-process calls).
 */
export class KyselyDeviceLiveness {
  constructor(private readonly database: Database) {}

  async applyActivity(batch: DeviceSeen[]) {
    const back: { orgId: string; deviceId: string }[] = [];
    for (let i = 0; i < batch.length; i += LIVENESS_CHUNK) {
      const chunk = batch.slice(i, i + LIVENESS_CHUNK);
      back.push(...(this.database.dialect === 'postgres' ? await this.applyPg(chunk) : await this.applySqlite(chunk)));
    }
    return back;
  }

  private async applyPg(chunk: DeviceSeen[]) {
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

  /**
   * Through the connection's committer (db/sqlite-commit.ts): one IMMEDIATE transaction under the
   * lock shared with the writer thread, waited for without holding the event loop. A deferred
   * `db.transaction()` read first, then failed to write with SQLITE_BUSY (which busy_timeout does
   * not wait out) whenever the writer thread held the lock at that moment: two flushes of a
   * 50,000-uplink benchmark run logged it, and their devices' last seen waited for a retry.
   */
  private applySqlite(chunk: DeviceSeen[]) {
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
    return sqliteCommitter(db).write(() => {
      const back: { orgId: string; deviceId: string }[] = [];
      for (const a of chunk) {
        const was = prior.get(a.deviceId);
        if (!was) continue;
        update.run(a.at, a.status === undefined ? null : toJsonColumn(a.status), a.deviceId);
        if (was.state === 'offline') back.push({ orgId: a.orgId, deviceId: a.deviceId });
      }
      return back;
    });
  }

  async markOffline(now: number): Promise<DeviceWentSilent[]> {
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
