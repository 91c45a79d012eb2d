import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * SQLite: a device's traces are listed through `trace_devices` instead of an index of traces.
 * `traces_device_time` put every trace of a batch at its own device's place, one page written
 * per trace in the commit that acknowledges the uplinks (docs/benchmarks.md, "The device index of
 * traces"). Now the hot path only appends to traces; `trace_devices` (org, device, received_at,
 * id) is filled from them in large batches, by rowid past `trace_device_folds.folded_rowid`
 * (TraceStore.foldDevices: the scheduler every few seconds, and before a listing by device), and
 * a trigger adds the entry of a trace whose device changes after it was folded (a retry that
 * found its device). Entries whose trace has another device now are left and filtered out by the
 * listing's join. PostgreSQL keeps its index (its hot path is not bound by it).
 */
export const traceDevices = (dialect: Dialect) => ({
  async up(db: Kysely<unknown>) {
    if (dialect !== 'sqlite') return;
    await sql`create table trace_devices (
      org_id text not null, device_id text not null, received_at bigint not null, id text not null,
      primary key (org_id, device_id, received_at, id)) without rowid`.execute(db);
    await sql`create index trace_devices_received on trace_devices (received_at)`.execute(db);
    await sql`create table trace_device_folds (id integer primary key, folded_rowid bigint not null)`.execute(db);
    await sql`insert into trace_devices (org_id, device_id, received_at, id)
      select org_id, device_id, received_at, id from traces where device_id is not null`.execute(db);
    await sql`insert into trace_device_folds (id, folded_rowid) select 1, coalesce(max(rowid), 0) from traces`.execute(db);
    await sql`create trigger traces_device_changed after update of device_id on traces
      when new.device_id is not null and (old.device_id is null or old.device_id <> new.device_id)
      begin
        insert or ignore into trace_devices (org_id, device_id, received_at, id)
          values (new.org_id, new.device_id, new.received_at, new.id);
      end`.execute(db);
    await sql`drop index traces_device_time`.execute(db);
  },
});
