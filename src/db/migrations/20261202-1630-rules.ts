import { type ColumnDefinitionBuilder, type Kysely, sql } from 'kysely';
import { columnTypes, type Dialect } from '../dialect.js';

/**
 * Rules (stream processing), their per-(rule, datastream) evaluation state, and the rule an
 * alert belongs to: one open alert per (kind, subject, rule), so two rules on one datastream
 * each keep their own alert. `rule_id` is '' for alerts that no rule raised.
 */
export const rules = (dialect: Dialect) => ({
  async up(db: Kysely<unknown>) {
    const t = columnTypes(dialect);
    const org = (c: ColumnDefinitionBuilder) => c.notNull().references('organisations.id').onDelete('cascade');
    await db.schema
      .alterTable('alerts')
      .addColumn('rule_id', t.text, (c) => c.notNull().defaultTo(''))
      .execute();
    await sql`drop index alerts_open_subject`.execute(db);
    await sql`create unique index alerts_open_subject_rule on alerts (org_id, kind, subject_id, rule_id) where resolved_at is null`.execute(
      db,
    );
    await db.schema.createIndex('alerts_org_rule').on('alerts').columns(['org_id', 'rule_id']).execute();
    await db.schema.createIndex('alerts_org_opened_at').on('alerts').columns(['org_id', 'opened_at']).execute();
    await db.schema
      .createTable('rules')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('org_id', t.id, org)
      .addColumn('name', t.text, (c) => c.notNull())
      .addColumn('property', t.text, (c) => c.notNull())
      .addColumn('scope', t.json, (c) => c.notNull())
      .addColumn('condition', t.json, (c) => c.notNull())
      .addColumn('clear', t.json)
      .addColumn('severity', t.text, (c) => c.notNull())
      .addColumn('repeat_seconds', t.int)
      .addColumn('actions', t.json, (c) => c.notNull())
      .addColumn('enabled', t.bool, (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('rules_org').on('rules').columns(['org_id', 'id']).execute();
    await db.schema
      .createTable('rule_states')
      .addColumn('rule_id', t.id, (c) => c.notNull().references('rules.id').onDelete('cascade'))
      .addColumn('datastream_id', t.bigint, (c) => c.notNull())
      .addColumn('org_id', t.id, org)
      .addColumn('state', t.json, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .addPrimaryKeyConstraint('rule_states_pk', ['rule_id', 'datastream_id'])
      .execute();
  },
});
