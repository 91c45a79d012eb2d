/**
 * Named reads of the devices table for other domains (alerts, measurements, locations, device
 * types). devices.store.ts is the one writer of the table; these are plain reads, scoped to an
 * organisation, that import nothing of Polder's but the schema (so no domain cycle through them).
 * The joined reads of the fleet (MQTT accounts, activity, site counts), measurements, STA and OGC
 * stay next to their single query, which names the devices columns it reads.
 */
import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.js';

/** The id of the device of an organisation whose id or code is `idOrCode`. */
export async function deviceIdByIdOrCode(db: Kysely<Schema>, orgId: string, idOrCode: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('devices')
    .select('id')
    .where('org_id', '=', orgId)
    .where((eb) => eb.or([eb('id', '=', idOrCode), eb('code', '=', idOrCode)]))
    .executeTakeFirst();
  return row?.id;
}

/** A devices column that places or types a device: what other domains count devices by. */
export type DeviceCountColumn = 'site_id' | 'building_id' | 'room_id' | 'type_id';

/** How many devices of an organisation have `column` = `value` (a place, a type). */
export async function countDevicesBy(
  db: Kysely<Schema>,
  orgId: string,
  column: DeviceCountColumn,
  value: string,
): Promise<number> {
  const row = await db
    .selectFrom('devices')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('org_id', '=', orgId)
    .where(column, '=', value)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
