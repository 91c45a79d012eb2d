import type { Kysely, Selectable } from 'kysely';
import { paginate } from '../db/paginate.js';
import type { Schema, SensorTable } from '../db/schema.js';
import { uniqueAs409 } from '../db/unique-violation.js';
import { fromJsonColumn, toJsonColumn } from '../shared/json.js';
import type { Page, PageRequest } from '../shared/page.js';
import type { Sensor, SensorStore } from './devices.js';

const BATCH = 500;

export const toSensor = (r: Selectable<SensorTable>): Sensor => ({
  id: r.id,
  orgId: r.org_id,
  deviceId: r.device_id,
  code: r.code,
  externalId: r.external_id,
  brand: r.brand,
  model: r.model,
  description: r.description,
  properties: fromJsonColumn(r.properties, {}),
  archiveDays: r.archive_days,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export const sensorRow = (s: Sensor) => ({
  id: s.id,
  org_id: s.orgId,
  device_id: s.deviceId,
  code: s.code,
  external_id: s.externalId,
  brand: s.brand,
  model: s.model,
  description: s.description,
  properties: toJsonColumn(s.properties),
  archive_days: s.archiveDays,
  created_at: s.createdAt,
  updated_at: s.updatedAt,
});

/** Insert-or-update by (device, code) in multi-row statements, on `db` or a transaction. */
export async function upsertSensorRows(db: Kysely<Schema>, sensors: Sensor[]) {
  for (let i = 0; i < sensors.length; i += BATCH) {
    await db
      .insertInto('sensors')
      .values(sensors.slice(i, i + BATCH).map(sensorRow))
      .onConflict((oc) =>
        oc.columns(['device_id', 'code']).doUpdateSet((eb) => ({
          external_id: eb.ref('excluded.external_id'),
          brand: eb.ref('excluded.brand'),
          model: eb.ref('excluded.model'),
          description: eb.ref('excluded.description'),
          properties: eb.ref('excluded.properties'),
          archive_days: eb.ref('excluded.archive_days'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
}

export class KyselySensorStore implements SensorStore {
  constructor(private readonly db: Kysely<Schema>) {}

  async insert(sensor: Sensor) {
    await uniqueAs409(() => this.db.insertInto('sensors').values(sensorRow(sensor)).execute(), 'code', sensor.code);
  }

  async update(orgId: string, id: string, patch: Partial<Omit<Sensor, 'id' | 'orgId' | 'deviceId' | 'createdAt'>>) {
    await uniqueAs409(
      () =>
        this.db
          .updateTable('sensors')
          .set({
            ...(patch.code !== undefined && { code: patch.code }),
            ...(patch.externalId !== undefined && { external_id: patch.externalId }),
            ...(patch.brand !== undefined && { brand: patch.brand }),
            ...(patch.model !== undefined && { model: patch.model }),
            ...(patch.description !== undefined && { description: patch.description }),
            ...(patch.properties !== undefined && { properties: toJsonColumn(patch.properties) }),
            ...(patch.archiveDays !== undefined && { archive_days: patch.archiveDays }),
            ...(patch.updatedAt !== undefined && { updated_at: patch.updatedAt }),
          })
          .where('org_id', '=', orgId)
          .where('id', '=', id)
          .execute(),
      'code',
      patch.code,
    );
  }

  async delete(orgId: string, id: string) {
    const res = await this.db.deleteFrom('sensors').where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }

  async find(orgId: string, id: string) {
    const row = await this.db
      .selectFrom('sensors')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toSensor(row);
  }

  async findByCode(orgId: string, deviceId: string, code: string) {
    const row = await this.db
      .selectFrom('sensors')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('device_id', '=', deviceId)
      .where('code', '=', code)
      .executeTakeFirst();
    return row && toSensor(row);
  }

  async findByExternalId(orgId: string, deviceId: string, externalId: string) {
    const row = await this.db
      .selectFrom('sensors')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('device_id', '=', deviceId)
      .where('external_id', '=', externalId)
      .executeTakeFirst();
    return row && toSensor(row);
  }

  async list(orgId: string, deviceId: string, req: PageRequest): Promise<Page<Sensor>> {
    const q = this.db.selectFrom('sensors').selectAll().where('org_id', '=', orgId).where('device_id', '=', deviceId);
    const page = await paginate(q, req, [{ column: 'code' }, { column: 'id' }], (r) => [r.code, r.id]);
    return { ...page, items: page.items.map(toSensor) };
  }

  async ofDevices(orgId: string, deviceIds?: string[]) {
    if (deviceIds === undefined) {
      const rows = await this.db.selectFrom('sensors').selectAll().where('org_id', '=', orgId).orderBy('code').execute();
      return rows.map(toSensor);
    }
    const out: Sensor[] = [];
    for (let i = 0; i < deviceIds.length; i += BATCH) {
      const ids = deviceIds.slice(i, i + BATCH);
      if (ids.length === 0) continue;
      const rows = await this.db
        .selectFrom('sensors')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('device_id', 'in', ids)
        .orderBy('code')
        .execute();
      out.push(...rows.map(toSensor));
    }
    return out;
  }

  async upsertMany(sensors: Sensor[]) {
    await upsertSensorRows(this.db, sensors);
  }
}
