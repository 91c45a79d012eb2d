import type { Kysely, Transaction } from 'kysely';
import type { Schema } from '../db/schema.js';
import { toJsonColumn } from '../shared/json.js';

/** A Kysely handle or a transaction a caller already holds (one deep insert = one transaction). */
type Tx = Kysely<Schema> | Transaction<Schema>;

/** Where a device is: its site, building and room, or its own coordinates. */
export interface DevicePlace {
  site_id: string | null;
  building_id: string | null;
  room_id: string | null;
  latitude: number | null;
  longitude: number | null;
}

/**
 * Writes of the `devices` table for callers that run them inside their own transaction (the
 * SensorThings writer: a Thing, its Locations and Datastreams in one deep insert). The devices
 * domain owns the table: this file and devices.store.ts are the only places that write it.
 */
export const deviceWrites = {
  /** A device made from a SensorThings Thing: no identity, type or MQTT account; placed where given. */
  async insertThing(
    tx: Tx,
    d: {
      id: string;
      orgId: string;
      code: string;
      description: string | null;
      place?: DevicePlace;
      properties: object;
      now: number;
    },
  ): Promise<void> {
    await tx
      .insertInto('devices')
      .values({
        id: d.id,
        org_id: d.orgId,
        code: d.code,
        identity_kind: null,
        identity_value: null,
        type_id: null,
        description: d.description,
        site_id: d.place?.site_id ?? null,
        building_id: d.place?.building_id ?? null,
        room_id: d.place?.room_id ?? null,
        outdoor_zone: null,
        base_topic: null,
        base_topic_override: 0,
        latitude: d.place?.latitude ?? null,
        longitude: d.place?.longitude ?? null,
        altitude: null,
        location_description: null,
        properties: toJsonColumn(d.properties),
        config: '{}',
        enabled: 1,
        offline_after: 1800,
        mqtt_login: null,
        mqtt_password_hash: null,
        mqtt_password_delivered: 0,
        state: 'unknown',
        last_seen_at: null,
        last_status: null,
        created_at: d.now,
        updated_at: d.now,
      })
      .execute();
  },

  /** Moves a device to a place; answers whether the device exists in the organisation. */
  async place(tx: Tx, orgId: string, id: string, place: Partial<DevicePlace>, at: number): Promise<boolean> {
    const done = await tx
      .updateTable('devices')
      .set({ ...place, updated_at: at })
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(done.numUpdatedRows) > 0;
  },

  /** Changes a device's descriptive fields (name = code, description, properties, where it says it is). */
  async describe(
    tx: Tx,
    orgId: string,
    id: string,
    fields: {
      code?: string | undefined;
      description?: string | null | undefined;
      properties?: object | undefined;
      locationDescription?: string | undefined;
      point?: [number, number] | undefined;
    },
    now: number,
  ): Promise<void> {
    await tx
      .updateTable('devices')
      .set({
        updated_at: now,
        ...(fields.code !== undefined && { code: fields.code }),
        ...(fields.description !== undefined && { description: fields.description }),
        ...(fields.properties && { properties: toJsonColumn(fields.properties) }),
        ...(fields.locationDescription !== undefined && { location_description: fields.locationDescription }),
        ...(fields.point && { longitude: fields.point[0], latitude: fields.point[1] }),
      })
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .execute();
  },

  /** Forgets a device's own coordinates. */
  async clearCoordinates(tx: Tx, orgId: string, id: string, now: number): Promise<void> {
    await tx
      .updateTable('devices')
      .set({ latitude: null, longitude: null, updated_at: now })
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .execute();
  },

  /** Takes every device of a site, building or room out of it (the place is being deleted). */
  async unplaceAll(tx: Tx, orgId: string, column: 'site_id' | 'building_id' | 'room_id', placeId: string, now: number) {
    await tx
      .updateTable('devices')
      .set({ site_id: null, building_id: null, room_id: null, updated_at: now })
      .where('org_id', '=', orgId)
      .where(column, '=', placeId)
      .execute();
  },

  async remove(tx: Tx, orgId: string, id: string): Promise<void> {
    await tx.deleteFrom('devices').where('org_id', '=', orgId).where('id', '=', id).execute();
  },
};
