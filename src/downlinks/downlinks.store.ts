import type { Kysely, Selectable } from 'kysely';
import type { Schema } from '../db/schema.js';
import type { DownlinkRoute, DownlinkRouteStore, Provider, Transport } from './downlinks.js';

/** The table of this domain (migrations 20261203-0030-downlink-routes, 20261203-0322-downlink-mqtt-fate), declared in db/schema.ts. */
export type DownlinkTables = Pick<Schema, 'downlink_routes'>;
type Db = Kysely<Schema & DownlinkTables>;

const toRoute = (r: Selectable<DownlinkTables['downlink_routes']>): DownlinkRoute => ({
  orgId: r.org_id,
  typeId: r.type_id,
  provider: r.provider as Provider,
  transport: r.transport as Transport,
  url: r.url,
  apiKey: r.api_key,
  username: r.username,
  applicationId: r.application_id,
  webhookId: r.webhook_id,
  fPort: Number(r.f_port),
  confirmed: Number(r.confirmed) === 1,
  encoder: r.encoder,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

export class KyselyDownlinkRouteStore implements DownlinkRouteStore {
  private readonly db: Db;
  constructor(db: Kysely<Schema>) {
    this.db = db.withTables<DownlinkTables>() as unknown as Db;
  }

  async find(orgId: string, typeId: string): Promise<DownlinkRoute | undefined> {
    const r = await this.db
      .selectFrom('downlink_routes')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('type_id', '=', typeId)
      .executeTakeFirst();
    return r && toRoute(r);
  }

  async put(route: DownlinkRoute): Promise<void> {
    const row = {
      org_id: route.orgId,
      type_id: route.typeId,
      provider: route.provider,
      transport: route.transport,
      url: route.url,
      api_key: route.apiKey,
      username: route.username,
      application_id: route.applicationId,
      webhook_id: route.webhookId,
      f_port: route.fPort,
      confirmed: route.confirmed ? 1 : 0,
      encoder: route.encoder,
      created_at: route.createdAt,
      updated_at: route.updatedAt,
    };
    const { org_id: _o, type_id: _t, created_at: _c, ...changes } = row;
    await this.db
      .insertInto('downlink_routes')
      .values(row)
      .onConflict((oc) => oc.columns(['org_id', 'type_id']).doUpdateSet(changes))
      .execute();
  }

  async remove(orgId: string, typeId: string): Promise<boolean> {
    const r = await this.db
      .deleteFrom('downlink_routes')
      .where('org_id', '=', orgId)
      .where('type_id', '=', typeId)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async listMqtt(): Promise<DownlinkRoute[]> {
    const rows = await this.db.selectFrom('downlink_routes').selectAll().where('transport', '=', 'mqtt').execute();
    return rows.map(toRoute);
  }

  async findType(orgId: string, ref: string): Promise<{ id: string; connectivity: string } | undefined> {
    return this.db
      .selectFrom('device_types')
      .select(['id', 'connectivity'])
      .where('org_id', '=', orgId)
      .where((eb) => eb.or([eb('id', '=', ref), eb('name', '=', ref)]))
      .executeTakeFirst();
  }
}
