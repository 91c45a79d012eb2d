import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * Non-numeric observations (issue 9 item 14): text ("on"), booleans and JSON live in their own
 * table, so the numeric `measurements` hot table stays narrow and its insert path unchanged.
 * `value` holds the JSON text of the value (json on PostgreSQL, which keeps it as written). A datastream says which kind
 * of value it holds; existing ones hold numbers.
 */
export const values = (dialect: Dialect) => ({
  async up(db: Kysely<unknown>) {
    await sql`alter table datastreams add column value_kind text not null default 'number'`.execute(db);
    if (dialect === 'postgres') {
      await sql`create table measurement_values (
        datastream_id bigint not null,
        time bigint not null,
        value json not null,
        primary key (datastream_id, time)
      )`.execute(db);
    } else {
      await sql`create table measurement_values (
        datastream_id integer not null,
        time integer not null,
        value text not null,
        primary key (datastream_id, time)
      ) without rowid`.execute(db);
    }
  },
});
