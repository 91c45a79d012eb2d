import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import type { Dialect } from '../../db/dialect.js';
import type { Schema } from '../../db/schema.js';
import { deviceWrites } from '../../devices/device-writes.store.js';
import { rollupRebuild } from '../../measurements/measurement-replace.js';
import { fromJsonColumn, toJsonColumn } from '../../shared/json.js';
import { valueKindOf } from '../../shared/values.js';
import { type EntitySet, observationKey, type Row, resultOf } from './entities.js';
import { NotImplementedError } from './filter-context.js';
import { type Body, instant, linkId, optionalObject, optionalString, pointOf } from './sta-body.js';
import { arrayOf, bad, StaCreator } from './sta-create.js';
import { recordPlacement } from './sta-ids.js';
import { WriteError } from './sta-write-error.js';

type Tx = Transaction<Schema> | Kysely<Schema>;

/**
 * PATCH (merge) and DELETE of SensorThings entities on the registry rows behind them, with
 * the cascades of SensorThings 1.1 §10.4: a Thing, Sensor, ObservedProperty or Datastream
 * takes its datastreams' observations with it.
 */
export class StaUpdater {
  constructor(
    private readonly db: Tx,
    private readonly orgId: string,
    private readonly now: number,
    private readonly dialect: Dialect,
  ) {}

  /** Puts a device at a Location (its place columns) and records the placement as a HistoricalLocation. */
  async placeThing(deviceId: string, locationId: string, time = this.now) {
    const place = await new StaCreator(this.db, this.orgId, this.now).placeColumns(locationId);
    await deviceWrites.place(this.db, this.orgId, deviceId, place, time);
    await recordPlacement(this.db, this.orgId, deviceId, locationId, time);
  }

  async update(set: EntitySet, row: Row, body: Body): Promise<void> {
    const id = String(row.id);
    const str = (f: string) => optionalString(body, f, bad);
    await (this.db as Kysely<Schema>).transaction().execute(async (tx) => {
      const self = new StaUpdater(tx, this.orgId, this.now, this.dialect);
      switch (set.name) {
        case 'Things': {
          const properties = optionalObject(body, 'properties', bad);
          await deviceWrites
            .describe(
              tx,
              this.orgId,
              id,
              {
                code: str('name'),
                description: body.description !== undefined ? (str('description') ?? null) : undefined,
                properties,
              },
              this.now,
            )
            .catch(uniqueAs409('name'));
          const location = linkId(arrayOf(body.Locations, 'Locations')[0]);
          if (location !== undefined)
            await self.placeThing(id, await new StaCreator(tx, this.orgId, this.now).key('place', location, 'Location'));
          return;
        }
        case 'Locations':
        case 'FeaturesOfInterest': {
          const geometryField = set.name === 'Locations' ? 'location' : 'feature';
          const point = body[geometryField] === undefined ? undefined : pointOf(body[geometryField], geometryField, bad);
          const name = str('name');
          if (row.kind === 'site')
            await tx
              .updateTable('sites')
              .set({
                updated_at: this.now,
                ...(name !== undefined && { name }),
                ...(body.description !== undefined && { description: str('description') ?? null }),
                ...(point && { longitude: point[0], latitude: point[1] }),
              })
              .where('org_id', '=', this.orgId)
              .where('id', '=', id)
              .execute();
          else if (row.kind === 'device')
            await deviceWrites.describe(tx, this.orgId, id, { locationDescription: name, point }, this.now);
          else {
            if (point) throw bad(geometryField, `a ${String(row.kind)} takes its coordinates from its site`);
            const table = row.kind === 'building' ? 'buildings' : 'rooms';
            if (name !== undefined)
              await tx
                .updateTable(table)
                .set({ name, updated_at: this.now })
                .where('org_id', '=', this.orgId)
                .where('id', '=', id)
                .execute();
          }
          return;
        }
        case 'Sensors': {
          const properties = optionalObject(body, 'properties', bad);
          await tx
            .updateTable('sensors')
            .set({
              updated_at: this.now,
              ...(str('name') !== undefined && { code: str('name') }),
              ...(body.description !== undefined && { description: str('description') ?? null }),
              ...(body.metadata !== undefined && { model: str('metadata') ?? null }),
              ...(properties && { properties: toJsonColumn(properties) }),
            })
            .where('org_id', '=', this.orgId)
            .where('id', '=', id)
            .execute()
            .catch(uniqueAs409('name'));
          return;
        }
        case 'ObservedProperties': {
          const current = { name: String(row.name), definition: String(row.definition), description: String(row.description) };
          const next = {
            name: str('name') ?? current.name,
            definition: str('definition') ?? current.definition,
            description: str('description') ?? current.description,
            properties: toJsonColumn(optionalObject(body, 'properties', bad) ?? fromJsonColumn(row.properties, null)),
          };
          await tx.deleteFrom('sta_observed_properties').where('org_id', '=', this.orgId).where('key', '=', id).execute();
          await tx
            .insertInto('sta_observed_properties')
            .values({ org_id: this.orgId, key: id, ...next, created_at: this.now })
            .execute();
          return;
        }
        case 'Datastreams': {
          const dsId = Number(id);
          const uom = optionalObject(body, 'unitOfMeasurement', bad);
          if (uom?.symbol !== undefined)
            await tx
              .updateTable('datastreams')
              .set({ unit: String(uom.symbol) })
              .where('org_id', '=', this.orgId)
              .where('id', '=', dsId)
              .execute()
              .catch(uniqueAs409('unitOfMeasurement'));
          const meta = await tx.selectFrom('sta_datastreams').selectAll().where('datastream_id', '=', dsId).executeTakeFirst();
          const properties = optionalObject(body, 'properties', bad);
          const values = {
            name: str('name') ?? meta?.name ?? null,
            description: str('description') ?? meta?.description ?? null,
            properties: toJsonColumn(properties ?? fromJsonColumn(meta?.properties, null)),
          };
          await tx.deleteFrom('sta_datastreams').where('datastream_id', '=', dsId).execute();
          await tx
            .insertInto('sta_datastreams')
            .values({ datastream_id: dsId, ...values })
            .execute();
          return;
        }
        case 'HistoricalLocations': {
          const time = instant(body.time, 'time', bad);
          if (time !== undefined)
            await tx
              .updateTable('sta_location_history')
              .set({ time })
              .where('org_id', '=', this.orgId)
              .where('id', '=', Number(id))
              .execute();
          return;
        }
        case 'Observations': {
          if (body.phenomenonTime !== undefined)
            throw new NotImplementedError('changing an Observation’s phenomenonTime (its id)');
          if (body.result === undefined) return;
          const key = observationKey(id);
          if (!key) return;
          if (row.result_json != null) {
            const kind = valueKindOf(body.result);
            if (kind === undefined || kind === 'number' || kind !== valueKindOf(resultOf(row)))
              throw bad('result', 'result must be of the kind the Datastream holds');
            await tx
              .updateTable('measurement_values')
              .set({ value: toJsonColumn(body.result) })
              .where('datastream_id', '=', key.dsId)
              .where('time', '=', key.time)
              .execute();
            return;
          }
          if (typeof body.result !== 'number' || !Number.isFinite(body.result)) throw bad('result', 'result must be a number');
          await tx
            .updateTable('measurements')
            .set({ value: body.result })
            .where('datastream_id', '=', key.dsId)
            .where('time', '=', key.time)
            .execute();
          await recomputeRollups(tx, this.dialect, key.dsId, key.time);
          return;
        }
      }
    });
  }

  async delete(set: EntitySet, row: Row): Promise<void> {
    const id = String(row.id);
    await (this.db as Kysely<Schema>).transaction().execute(async (tx) => {
      const org = this.orgId;
      const streams = async (column: 'device_id' | 'sensor_id' | 'observed_property' | 'id', value: string | number) =>
        (await tx.selectFrom('datastreams').select('id').where('org_id', '=', org).where(column, '=', value).execute()).map((r) =>
          Number(r.id),
        );
      const dropData = async (ids: number[]) => {
        if (ids.length === 0) return;
        await tx.deleteFrom('measurements').where('datastream_id', 'in', ids).execute();
        await tx.deleteFrom('measurement_values').where('datastream_id', 'in', ids).execute();
        await tx.deleteFrom('rollups').where('datastream_id', 'in', ids).execute();
        await tx.deleteFrom('datastreams').where('id', 'in', ids).execute();
      };
      switch (set.name) {
        case 'Things': {
          const device = await tx
            .selectFrom('devices')
            .select('mqtt_login')
            .where('org_id', '=', org)
            .where('id', '=', id)
            .executeTakeFirst();
          // The broker follows registry events: a device with MQTT credentials is deleted through /api/devices.
          if (device?.mqtt_login)
            throw new WriteError(409, 'CONFLICT', 'this Thing is an MQTT device: delete it with DELETE /api/devices/{id}');
          await dropData(await streams('device_id', id));
          await deviceWrites.remove(tx, org, id).catch(inUse(set));
          return;
        }
        case 'Sensors':
          await dropData(await streams('sensor_id', id));
          await tx.deleteFrom('sensors').where('org_id', '=', org).where('id', '=', id).execute();
          return;
        case 'ObservedProperties':
          await dropData(await streams('observed_property', id));
          await tx.deleteFrom('sta_observed_properties').where('org_id', '=', org).where('key', '=', id).execute();
          return;
        case 'Datastreams':
          await dropData(await streams('id', Number(id)));
          return;
        case 'HistoricalLocations':
          // One recorded placement; the device stays where it is.
          await tx.deleteFrom('sta_location_history').where('org_id', '=', org).where('id', '=', Number(id)).execute();
          return;
        case 'Observations': {
          const key = observationKey(id);
          if (!key) return;
          await tx.deleteFrom('measurement_values').where('datastream_id', '=', key.dsId).where('time', '=', key.time).execute();
          await tx.deleteFrom('measurements').where('datastream_id', '=', key.dsId).where('time', '=', key.time).execute();
          await recomputeRollups(tx, this.dialect, key.dsId, key.time);
          return;
        }
        case 'Locations':
        case 'FeaturesOfInterest': {
          // Deleting a Location deletes its HistoricalLocations (§10.4).
          await tx.deleteFrom('sta_location_history').where('org_id', '=', org).where('location_id', '=', id).execute();
          if (row.kind === 'device') {
            await deviceWrites.clearCoordinates(tx, org, id, this.now);
            return;
          }
          const column = row.kind === 'site' ? 'site_id' : row.kind === 'building' ? 'building_id' : 'room_id';
          await deviceWrites.unplaceAll(tx, org, column, id, this.now);
          const table = row.kind === 'site' ? 'sites' : row.kind === 'building' ? 'buildings' : 'rooms';
          if (row.kind === 'site') {
            const site = await tx.selectFrom('sites').select('is_default').where('id', '=', id).executeTakeFirst();
            if (site?.is_default) throw new WriteError(409, 'CONFLICT', 'the default site of the organisation cannot be deleted');
          }
          await tx.deleteFrom(table).where('org_id', '=', org).where('id', '=', id).execute();
          return;
        }
      }
    });
  }
}

/** Rebuilds the rollups of the buckets holding `time` from the raw rows left (after an edit or a delete). */
async function recomputeRollups(tx: Tx, dialect: Dialect, dsId: number, time: number) {
  for (const [text, params] of rollupRebuild(dialect, dsId, time, time + 1))
    await tx.executeQuery(CompiledQuery.raw(text, params));
}

const uniqueAs409 = (field: string) => (err: unknown) => {
  const code = (err as { code?: unknown }).code;
  if (code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
    throw new WriteError(409, 'CONFLICT', `${field} is taken`, field);
  throw err;
};

const inUse = (set: EntitySet) => (err: unknown) => {
  const code = (err as { code?: unknown }).code;
  if (code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY')
    throw new WriteError(409, 'CONFLICT', `the ${set.singular} is still referenced elsewhere in Polder`);
  throw err;
};
