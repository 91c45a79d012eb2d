import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * SQLite: `trace_devices` (migration 20261204-0840-trace-devices) holds exactly one entry per
 * folded trace, under the device the trace has now. Its index by `received_at` was there only for
 * retention, and cost the fold a second insert per trace (about 40 % of the fold's time: the
 * scheduler's fold of 35,000 traces took 165–185 ms of the writer thread's CPU in the bulk
 * benchmark); instead triggers remove an entry with its trace (retention) and when the trace's
 * device changes (a retry that found its device). Entries left behind by that change before
 * this migration are removed here. PostgreSQL: nothing.
 */
export const traceDevicesExact = (dialect: Dialect) => ({
  async up(db: Kysely<unknown>) {
    if (dialect !== 'sqlite') return;
    await sql`drop index trace_devices_received`.execute(db);
    await sql`delete from trace_devices where not exists
      (select 1 from traces t where t.id = trace_devices.id and t.device_id = trace_devices.device_id)`.execute(db);
    await sql`drop trigger traces_device_changed`.execute(db);
    await sql`create trigger traces_device_changed after update of device_id on traces
      when old.device_id is not new.device_id
      begin
        delete from trace_devices
          where org_id = old.org_id and device_id = old.device_id and received_at = old.received_at and id = old.id;
        insert or ignore into trace_devices (org_id, device_id, received_at, id)
          select new.org_id, new.device_id, new.received_at, new.id where new.device_id is not null;
      end`.execute(db);
    await sql`create trigger traces_deleted after delete on traces when old.device_id is not null
      begin
        delete from trace_devices
          where org_id = old.org_id and device_id = old.device_id and received_at = old.received_at and id = old.id;
      end`.execute(db);
  },
});
