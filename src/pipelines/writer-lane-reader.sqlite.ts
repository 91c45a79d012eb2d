/**
 * The writer lane's reads of the registry on the lane thread's own connection (LaneReader):
 * one prepared statement per kind of look-up, as the device matcher and the datastream store
 * read them (device-lookup.store.ts, datastreams.store.ts).
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { LaneReader } from './writer-lane-cache.js';

export function sqliteLaneReader(sqlite: BetterSqlite3.Database): LaneReader {
  const st = prepare(sqlite);
  return {
    device(orgId, [kind, value]) {
      const row = kind === 'id' ? st.byId.get(orgId, value) : st.byIdentity.get(orgId, kind, value);
      return row && { id: row.id, enabled: Number(row.enabled) === 1 };
    },
    datastream(deviceId, sensor, property, unit) {
      const row = st.series.get(deviceId, sensor, property, unit);
      return row && { id: Number(row.id), kind: row.kind };
    },
  };
}

function prepare(sqlite: BetterSqlite3.Database) {
  return {
    byId: sqlite.prepare<[string, string], { id: string; enabled: number }>(
      'select id, enabled from devices where org_id = ? and id = ?',
    ),
    byIdentity: sqlite.prepare<[string, string, string], { id: string; enabled: number }>(
      'select id, enabled from devices where org_id = ? and identity_kind = ? and identity_value = ?',
    ),
    series: sqlite.prepare<[string, string, string, string], { id: number; kind: string }>(
      `select d.id, d.value_kind as kind from datastreams d join sensors s on s.id = d.sensor_id
       where d.device_id = ? and s.external_id = ? and d.observed_property = ? and d.unit = ?`,
    ),
  };
}
