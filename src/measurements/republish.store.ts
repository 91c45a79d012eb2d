import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.js';
import { fromJsonColumn } from '../shared/json.js';
import type { DatastreamLabel, RepublishLookup } from './republish.js';

/** Labels of datastreams (device and sensor codes) and organisations' republish setting. */
export class KyselyRepublishLookup implements RepublishLookup {
  constructor(private readonly db: Kysely<Schema>) {}

  async labels(ids: number[]) {
    const out = new Map<number, DatastreamLabel>();
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await this.db
        .selectFrom('datastreams as ds')
        .innerJoin('devices as d', 'd.id', 'ds.device_id')
        .innerJoin('sensors as s', 's.id', 'ds.sensor_id')
        .select(['ds.id', 'ds.org_id', 'd.code as device', 's.code as sensor', 'ds.observed_property', 'ds.unit'])
        .where('ds.id', 'in', ids.slice(i, i + 500))
        .execute();
      for (const r of rows) {
        out.set(r.id, {
          orgId: r.org_id,
          device: r.device,
          sensor: r.sensor,
          observedProperty: r.observed_property,
          unit: r.unit,
        });
      }
    }
    return out;
  }

  async organisation(orgId: string) {
    const row = await this.db
      .selectFrom('organisations')
      .select(['slug', 'settings'])
      .where('id', '=', orgId)
      .executeTakeFirstOrThrow();
    const settings = fromJsonColumn<Record<string, unknown>>(row.settings, {});
    return { slug: row.slug, republish: settings.mqttRepublish !== false };
  }
}
