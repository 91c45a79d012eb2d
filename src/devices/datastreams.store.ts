import type { Kysely, Transaction } from 'kysely';
import { paginate } from '../db/paginate.js';
import type { Schema } from '../db/schema.js';
import type { IdGenerator } from '../shared/ids.js';
import type { Page, PageRequest } from '../shared/page.js';
import type { ValueKind } from '../shared/values.js';
import type { Datastream, DatastreamKey, DatastreamStore, ResolvedSeries } from './devices.js';

type Db = Kysely<Schema> | Transaction<Schema>;

const BATCH = 500;
const seriesKey = (sensorId: string, property: string, unit: string) => `${sensorId}\u0000${property}\u0000${unit}`;

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += BATCH) out.push(items.slice(i, i + BATCH));
  return out;
}

export class KyselyDatastreamStore implements DatastreamStore {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly newId: IdGenerator,
  ) {}

  /**
   * Reads first (the usual case: everything exists, two SELECTs and no write); only when
   * something is missing, one transaction inserts sensors then datastreams with ON CONFLICT DO
   * NOTHING and re-reads. A concurrent caller creating the same rows makes our insert a no-op
   * and the re-read finds theirs, so every caller gets the same ids.
   */
  async resolve(orgId: string, deviceId: string, keys: DatastreamKey[], now: number): Promise<number[]> {
    return (await this.resolveSeries(orgId, deviceId, keys, now)).map((s) => s.id);
  }

  async resolveSeries(orgId: string, deviceId: string, keys: DatastreamKey[], now: number): Promise<ResolvedSeries[]> {
    if (keys.length === 0) return [];
    const fast = await this.lookup(this.db, orgId, deviceId, keys);
    if (fast.every((id) => id !== undefined)) return fast as ResolvedSeries[];
    return this.db.transaction().execute(async (trx) => {
      // Rows are inserted in one global order (sorted keys), so two transactions inserting
      // overlapping rows wait for each other instead of deadlocking.
      const sensors = await this.ensureSensors(trx, orgId, deviceId, [...new Set(keys.map((k) => k.sensor))].sort(), now);
      const wanted = new Map<string, { sensorId: string; property: string; unit: string; kind: ValueKind }>();
      for (const k of keys) {
        const sensorId = sensors.get(k.sensor) as string;
        const key = seriesKey(sensorId, k.observedProperty, k.unit);
        // The first key of a series decides the kind of a new datastream.
        if (!wanted.has(key)) wanted.set(key, { sensorId, property: k.observedProperty, unit: k.unit, kind: k.kind ?? 'number' });
      }
      let found = await this.series(trx, orgId, [...new Set([...wanted.values()].map((w) => w.sensorId))]);
      const missing = [...wanted.entries()]
        .filter(([key]) => !found.has(key))
        .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
        .map(([, w]) => w);
      for (const part of chunks(missing)) {
        await trx
          .insertInto('datastreams')
          .values(
            part.map((w) => ({
              org_id: orgId,
              device_id: deviceId,
              sensor_id: w.sensorId,
              observed_property: w.property,
              unit: w.unit,
              value_kind: w.kind,
              created_at: now,
            })),
          )
          .onConflict((oc) => oc.doNothing())
          .execute();
      }
      if (missing.length > 0) found = await this.series(trx, orgId, [...new Set(missing.map((w) => w.sensorId))], found);
      return keys.map((k) => {
        const series = found.get(seriesKey(sensors.get(k.sensor) as string, k.observedProperty, k.unit));
        if (series === undefined) throw new Error(`datastream ${k.sensor}/${k.observedProperty}/${k.unit} missing after insert`);
        return series;
      });
    });
  }

  /** The keys that exist, undefined for the others. */
  private async lookup(db: Db, orgId: string, deviceId: string, keys: DatastreamKey[]) {
    const rows = await db
      .selectFrom('datastreams')
      .innerJoin('sensors', 'sensors.id', 'datastreams.sensor_id')
      .select([
        'datastreams.id',
        'sensors.external_id',
        'datastreams.observed_property',
        'datastreams.unit',
        'datastreams.value_kind',
      ])
      .where('datastreams.org_id', '=', orgId)
      .where('datastreams.device_id', '=', deviceId)
      .where('sensors.external_id', 'in', [...new Set(keys.map((k) => k.sensor))])
      .execute();
    const byKey = new Map(
      rows.map((r) => [
        seriesKey(r.external_id, r.observed_property, r.unit),
        { id: Number(r.id), kind: r.value_kind as ValueKind },
      ]),
    );
    return keys.map((k) => byKey.get(seriesKey(k.sensor, k.observedProperty, k.unit)));
  }

  /** externalId → sensor id, creating sensors (code = externalId) that do not exist. */
  private async ensureSensors(trx: Db, orgId: string, deviceId: string, externalIds: string[], now: number) {
    const read = async (ids: string[], into = new Map<string, string>()) => {
      for (const part of chunks(ids)) {
        const rows = await trx
          .selectFrom('sensors')
          .select(['id', 'external_id'])
          .where('org_id', '=', orgId)
          .where('device_id', '=', deviceId)
          .where('external_id', 'in', part)
          .execute();
        for (const r of rows) into.set(r.external_id, r.id);
      }
      return into;
    };
    const insert = async (ids: string[], codeOf: (externalId: string) => string) => {
      for (const part of chunks(ids)) {
        await trx
          .insertInto('sensors')
          .values(
            part.map((e) => ({
              id: this.newId(),
              org_id: orgId,
              device_id: deviceId,
              code: codeOf(e),
              external_id: e,
              brand: null,
              model: null,
              description: null,
              properties: '{}',
              archive_days: null,
              created_at: now,
              updated_at: now,
            })),
          )
          .onConflict((oc) => oc.doNothing())
          .execute();
      }
    };
    const sensors = await read(externalIds);
    let missing = externalIds.filter((e) => !sensors.has(e));
    if (missing.length === 0) return sensors;
    await insert(missing, (e) => e);
    await read(missing, sensors);
    // Still missing: a hand-made sensor already uses that code for another externalId.
    missing = externalIds.filter((e) => !sensors.has(e));
    if (missing.length > 0) {
      await insert(missing, (e) => `${e}~${this.newId().slice(-6)}`);
      await read(missing, sensors);
    }
    return sensors;
  }

  /** (sensor, property, unit) → datastream id and kind for these sensors. */
  private async series(db: Db, orgId: string, sensorIds: string[], into = new Map<string, ResolvedSeries>()) {
    for (const part of chunks(sensorIds)) {
      const rows = await db
        .selectFrom('datastreams')
        .select(['id', 'sensor_id', 'observed_property', 'unit', 'value_kind'])
        .where('org_id', '=', orgId)
        .where('sensor_id', 'in', part)
        .execute();
      for (const r of rows)
        into.set(seriesKey(r.sensor_id, r.observed_property, r.unit), { id: Number(r.id), kind: r.value_kind as ValueKind });
    }
    return into;
  }

  async insert(d: Omit<Datastream, 'id' | 'sensorCode' | 'valueKind'> & { valueKind?: ValueKind | undefined }) {
    const row = await this.db
      .insertInto('datastreams')
      .values({
        org_id: d.orgId,
        device_id: d.deviceId,
        sensor_id: d.sensorId,
        observed_property: d.observedProperty,
        unit: d.unit,
        value_kind: d.valueKind ?? 'number',
        created_at: d.createdAt,
      })
      .onConflict((oc) => oc.doNothing())
      .returning('id')
      .executeTakeFirst();
    return row && this.find(d.orgId, Number(row.id));
  }

  private select() {
    return this.db
      .selectFrom('datastreams')
      .innerJoin('sensors', 'sensors.id', 'datastreams.sensor_id')
      .selectAll('datastreams')
      .select('sensors.code as sensor_code');
  }

  private toDatastream(r: {
    id: number;
    org_id: string;
    device_id: string;
    sensor_id: string;
    sensor_code: string;
    observed_property: string;
    unit: string;
    value_kind: string;
    created_at: number;
  }): Datastream {
    return {
      id: Number(r.id),
      orgId: r.org_id,
      deviceId: r.device_id,
      sensorId: r.sensor_id,
      sensorCode: r.sensor_code,
      observedProperty: r.observed_property,
      unit: r.unit,
      valueKind: r.value_kind as ValueKind,
      createdAt: r.created_at,
    };
  }

  async find(orgId: string, id: number) {
    const row = await this.select().where('datastreams.org_id', '=', orgId).where('datastreams.id', '=', id).executeTakeFirst();
    return row && this.toDatastream(row);
  }

  async idsOfSensor(orgId: string, sensorId: string) {
    const rows = await this.db
      .selectFrom('datastreams')
      .select('id')
      .where('org_id', '=', orgId)
      .where('sensor_id', '=', sensorId)
      .execute();
    return rows.map((r) => r.id);
  }

  async delete(orgId: string, id: number) {
    const res = await this.db.deleteFrom('datastreams').where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }

  async list(
    orgId: string,
    filter: { deviceId?: string | undefined; sensorId?: string | undefined },
    req: PageRequest,
  ): Promise<Page<Datastream>> {
    let q = this.select().where('datastreams.org_id', '=', orgId);
    if (filter.deviceId !== undefined) q = q.where('datastreams.device_id', '=', filter.deviceId);
    if (filter.sensorId !== undefined) q = q.where('datastreams.sensor_id', '=', filter.sensorId);
    const page = await paginate(q, req, [{ column: 'datastreams.id' }], (r) => [Number(r.id)]);
    return { ...page, items: page.items.map((r) => this.toDatastream(r)) };
  }
}
