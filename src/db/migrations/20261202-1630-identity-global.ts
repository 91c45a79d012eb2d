import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * A physical identity (MAC, DevEUI, UUID, serial) names one device platform-wide: a board asks
 * /device/credentials by its MAC alone, so the same MAC in two organisations would let one
 * tenant block (or learn about) another's provisioning. Until now identities were unique per
 * organisation only. A database that already holds one identity in several organisations
 * cannot take the index: the migration stops and names them, for the operator to settle (remove
 * the identity from the device that should not have it, then start again).
 */
export const identityGlobal = (_dialect: Dialect) => ({
  async up(db: Kysely<unknown>) {
    const dupes = await sql<{ identity_kind: string; identity_value: string; n: number }>`
      select identity_kind, identity_value, count(*) as n from devices
      where identity_value is not null
      group by identity_kind, identity_value having count(*) > 1`.execute(db);
    if (dupes.rows.length > 0) {
      const list = dupes.rows.map((r) => `${r.identity_kind} ${r.identity_value} (${Number(r.n)} devices)`).join(', ');
      throw new Error(
        `identities must be unique across organisations, and these are not: ${list}. ` +
          'Clear the identity of the devices that should not hold it (PATCH /api/devices/{id} with identity null), then start again.',
      );
    }
    await db.schema
      .createIndex('devices_identity_global')
      .unique()
      .on('devices')
      .columns(['identity_kind', 'identity_value'])
      .execute();
  },
});
