import type { Kysely, Selectable } from 'kysely';
import { paginate } from '../db/paginate.js';
import type { DeviceTypeTable, Schema } from '../db/schema.js';
import { uniqueAs409 } from '../db/unique-violation.js';
import { isUuid } from '../shared/ids.js';
import { fromJsonColumn, toJsonColumn } from '../shared/json.js';
import type { Page, PageRequest } from '../shared/page.js';
import { countDevicesBy } from './device-read-models.js';
import type { Connectivity, DeviceType, DeviceTypeStore, ModuleEntry } from './devices.js';

const toType = (r: Selectable<DeviceTypeTable>): DeviceType => ({
  id: r.id,
  orgId: r.org_id,
  name: r.name,
  connectivity: r.connectivity as Connectivity,
  description: r.description,
  configSchema: fromJsonColumn(r.config_schema, {}),
  modules: fromJsonColumn<ModuleEntry[]>(r.modules, []),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const toRow = (t: DeviceType) => ({
  id: t.id,
  org_id: t.orgId,
  name: t.name,
  connectivity: t.connectivity,
  description: t.description,
  config_schema: toJsonColumn(t.configSchema),
  modules: toJsonColumn(t.modules),
  created_at: t.createdAt,
  updated_at: t.updatedAt,
});

export class KyselyDeviceTypeStore implements DeviceTypeStore {
  constructor(private readonly db: Kysely<Schema>) {}

  async insert(type: DeviceType) {
    await uniqueAs409(() => this.db.insertInto('device_types').values(toRow(type)).execute(), 'name', type.name);
  }

  async insertMissing(types: DeviceType[]) {
    if (types.length === 0) return;
    await this.db
      .insertInto('device_types')
      .values(types.map(toRow))
      .onConflict((oc) => oc.columns(['org_id', 'name']).doNothing())
      .execute();
  }

  async update(orgId: string, id: string, patch: Partial<Omit<DeviceType, 'id' | 'orgId' | 'createdAt'>>) {
    await uniqueAs409(
      () =>
        this.db
          .updateTable('device_types')
          .set({
            ...(patch.name !== undefined && { name: patch.name }),
            ...(patch.connectivity !== undefined && { connectivity: patch.connectivity }),
            ...(patch.description !== undefined && { description: patch.description }),
            ...(patch.configSchema !== undefined && { config_schema: toJsonColumn(patch.configSchema) }),
            ...(patch.modules !== undefined && { modules: toJsonColumn(patch.modules) }),
            ...(patch.updatedAt !== undefined && { updated_at: patch.updatedAt }),
          })
          .where('org_id', '=', orgId)
          .where('id', '=', id)
          .execute(),
      'name',
      patch.name,
    );
  }

  async delete(orgId: string, id: string) {
    const res = await this.db.deleteFrom('device_types').where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }

  async find(orgId: string, idOrName: string) {
    const row = await this.db
      .selectFrom('device_types')
      .selectAll()
      .where('org_id', '=', orgId)
      .where(isUuid(idOrName) ? 'id' : 'name', '=', idOrName)
      .executeTakeFirst();
    return row && toType(row);
  }

  async list(orgId: string, req: PageRequest): Promise<Page<DeviceType>> {
    const q = this.db.selectFrom('device_types').selectAll().where('org_id', '=', orgId);
    const page = await paginate(q, req, [{ column: 'name' }, { column: 'id' }], (r) => [r.name, r.id]);
    return { ...page, items: page.items.map(toType) };
  }

  async all(orgId: string) {
    return (await this.db.selectFrom('device_types').selectAll().where('org_id', '=', orgId).execute()).map(toType);
  }

  async countDevices(orgId: string, typeId: string) {
    return countDevicesBy(this.db, orgId, 'type_id', typeId);
  }
}
