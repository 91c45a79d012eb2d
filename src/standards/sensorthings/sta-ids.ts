import { type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import type { Schema } from '../../db/schema.js';
import { DEVICE_PLACE, places } from './places.js';
import { UNASSIGNED_SENSORS } from './vocabulary.js';

type Db = Kysely<Schema> | Transaction<Schema>;

/** What an integer alias names: a device (Thing), a place (Location/FeatureOfInterest), a sensor, an observed property key. */
export type AliasKind = 'thing' | 'place' | 'sensor' | 'op';

/** Every registry key of the organisation that SensorThings shows, with its alias kind. */
const keys = (orgId: string) => sql`
  select 'thing' as kind, d.id as key from devices d where d.org_id = ${orgId} and d.code <> ${UNASSIGNED_SENSORS}
  union all select 'sensor', s.id from sensors s where s.org_id = ${orgId}
  union all select 'place', p.id from (${places(orgId)}) p where p.x is not null
  union all select 'op', observed_property from datastreams where org_id = ${orgId}
  union all select 'op', key from sta_observed_properties where org_id = ${orgId}`;

const missing = (orgId: string) =>
  sql`from (${keys(orgId)}) k where not exists
    (select 1 from sta_ids a where a.org_id = ${orgId} and a.kind = k.kind and a.key = k.key)`;

/** A device whose current place differs from its last recorded placement (or has none recorded). */
const unrecorded = (orgId: string) => sql`from devices d where d.org_id = ${orgId} and d.code <> ${UNASSIGNED_SENSORS}
  and ${DEVICE_PLACE} is not null
  and coalesce((select h.location_id from sta_location_history h where h.device_id = d.id order by h.id desc limit 1), '')
    <> ${DEVICE_PLACE}`;

/**
 * Gives new registry entities their integer alias and records placements made outside
 * SensorThings (the registry API, imports) as HistoricalLocations, dated by the device's last
 * change. One read answers whether anything is due; the writes run only then, so a read of an
 * unchanged registry takes no write lock.
 */
export async function ensureStaIds(db: Db, orgId: string): Promise<void> {
  const due = await sql<{ what: string }>`select 'ids' as what where exists (select 1 ${missing(orgId)})
    union all select 'history' where exists (select 1 ${unrecorded(orgId)})`.execute(db);
  for (const { what } of due.rows) {
    if (what === 'ids')
      await sql`insert into sta_ids (org_id, kind, key) select distinct ${orgId}, k.kind, k.key ${missing(orgId)}
        order by 2, 3 on conflict do nothing`.execute(db);
    else
      await sql`insert into sta_location_history (org_id, device_id, location_id, time)
        select d.org_id, d.id, ${DEVICE_PLACE}, d.updated_at ${unrecorded(orgId)} order by d.id`.execute(db);
  }
}

/** Records a placement made through SensorThings; answers the HistoricalLocation's id. */
export async function recordPlacement(db: Db, orgId: string, deviceId: string, locationId: string, time: number) {
  const row = await db
    .insertInto('sta_location_history')
    .values({ org_id: orgId, device_id: deviceId, location_id: locationId, time })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

/**
 * The registry key a link names: a JSON number is an integer alias, a string the registry's own
 * key (quoted ids stay accepted). Undefined when no entity of the organisation has that alias.
 */
export async function keyOf(db: Db, orgId: string, kind: AliasKind, ref: string | number): Promise<string | undefined> {
  if (typeof ref === 'string') return ref;
  if (!Number.isSafeInteger(ref)) return undefined;
  const row = await db
    .selectFrom('sta_ids')
    .select('key')
    .where('org_id', '=', orgId)
    .where('kind', '=', kind)
    .where('id', '=', ref)
    .executeTakeFirst();
  return row?.key;
}

/** The alias column of a set's SELECT: `(alias of <key expression>)`. */
export const aliasOf = (orgId: string, kind: AliasKind, keyExpr: string): RawBuilder<unknown> =>
  sql`(select a.id from sta_ids a where a.org_id = ${orgId} and a.kind = ${kind} and a.key = ${sql.raw(keyExpr)})`;
