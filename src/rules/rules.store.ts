import type { Kysely, Selectable } from 'kysely';
import type { Severity } from '../alerts/alerts.js';
import { paginate } from '../db/paginate.js';
import type { Schema } from '../db/schema.js';
import { fromJsonColumn, toJsonColumn } from '../shared/json.js';
import type { Page, PageRequest } from '../shared/page.js';
import type { SerialisedState } from './rule-core.js';
import type { RuleState } from './rule-evaluator.js';
import type { Rule, RuleStore, StreamContext } from './rules.js';

/** The tables of this domain (migration 20261202-1630-rules), declared in db/schema.ts. */
export type RuleTables = Pick<Schema, 'rules' | 'rule_states'>;
export type RuleDb = Kysely<Schema>;

export const ruleDb = (db: Kysely<Schema>): RuleDb => db;

const toRule = (r: Selectable<RuleTables['rules']>): Rule => ({
  id: r.id,
  orgId: r.org_id,
  name: r.name,
  property: r.property,
  scope: fromJsonColumn(r.scope, {}),
  condition: fromJsonColumn(r.condition, { kind: 'no-data', seconds: 0 }),
  clear: fromJsonColumn(r.clear, null),
  severity: r.severity as Severity,
  repeatSeconds: r.repeat_seconds,
  actions: fromJsonColumn(r.actions, []),
  enabled: r.enabled === 1,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const toRow = (r: Rule) => ({
  id: r.id,
  org_id: r.orgId,
  name: r.name,
  property: r.property,
  scope: toJsonColumn(r.scope),
  condition: toJsonColumn(r.condition),
  clear: r.clear ? toJsonColumn(r.clear) : null,
  severity: r.severity,
  repeat_seconds: r.repeatSeconds,
  actions: toJsonColumn(r.actions),
  enabled: r.enabled ? 1 : 0,
  created_at: r.createdAt,
  updated_at: r.updatedAt,
});

export class KyselyRuleStore implements RuleStore {
  private readonly db: RuleDb;
  constructor(db: Kysely<Schema>) {
    this.db = ruleDb(db);
  }

  async insert(rule: Rule) {
    await this.db.insertInto('rules').values(toRow(rule)).execute();
  }

  async update(rule: Rule) {
    const { id: _id, org_id: _org, created_at: _c, ...set } = toRow(rule);
    const r = await this.db
      .updateTable('rules')
      .set(set)
      .where('org_id', '=', rule.orgId)
      .where('id', '=', rule.id)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async remove(orgId: string, id: string) {
    const r = await this.db.deleteFrom('rules').where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async get(orgId: string, id: string) {
    const row = await this.db.selectFrom('rules').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
    return row && toRule(row);
  }

  async list(orgId: string, req: PageRequest): Promise<Page<Rule>> {
    const q = this.db.selectFrom('rules').selectAll().where('org_id', '=', orgId);
    const page = await paginate(q, req, [{ column: 'id' }], (r) => [r.id]);
    return { ...page, items: page.items.map(toRule) };
  }

  async allEnabled() {
    return (await this.db.selectFrom('rules').selectAll().where('enabled', '=', 1).execute()).map(toRule);
  }
}

/** Evaluation state per (rule, datastream), written in batches by the engine. */
export class KyselyRuleStateStore {
  private readonly db: RuleDb;
  constructor(db: Kysely<Schema>) {
    this.db = ruleDb(db);
  }

  async load(): Promise<{ ruleId: string; datastreamId: number; state: RuleState }[]> {
    const rows = await this.db.selectFrom('rule_states').select(['rule_id', 'datastream_id', 'state']).execute();
    return rows.map((r) => ({
      ruleId: r.rule_id,
      datastreamId: r.datastream_id,
      state: fromJsonColumn(r.state, {} as RuleState),
    }));
  }

  /**
   * Upserts the given states (serialised by the engine's core) in one transaction, rules deleted
   * meanwhile skipped: one multi-row statement per 2,000 states.
   */
  async save(states: SerialisedState[], now: number) {
    if (states.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      const live = new Set(
        (
          await trx
            .selectFrom('rules')
            .select('id')
            .where('id', 'in', [...new Set(states.map((s) => s.ruleId))])
            .execute()
        ).map((r) => r.id),
      );
      const rows = states
        .filter((s) => live.has(s.ruleId))
        .map((s) => ({
          rule_id: s.ruleId,
          datastream_id: s.datastreamId,
          org_id: s.orgId,
          state: s.json,
          updated_at: now,
        }));
      // 5 parameters a row: 10,000 per statement, under both dialects' limits (SQLite 32,766, PostgreSQL 65,535).
      for (let i = 0; i < rows.length; i += 2000) {
        await trx
          .insertInto('rule_states')
          .values(rows.slice(i, i + 2000))
          .onConflict((oc) =>
            oc.columns(['rule_id', 'datastream_id']).doUpdateSet((eb) => ({
              state: eb.ref('excluded.state'),
              updated_at: eb.ref('excluded.updated_at'),
            })),
          )
          .execute();
      }
    });
  }

  async removeRule(ruleId: string) {
    await this.db.deleteFrom('rule_states').where('rule_id', '=', ruleId).execute();
  }
}

/** Datastreams with their device's place, type and tags: what scopes match against. */
export class KyselyStreamContexts {
  constructor(private readonly db: Kysely<Schema>) {}

  async byIds(ids: number[]): Promise<StreamContext[]> {
    const out: StreamContext[] = [];
    for (let i = 0; i < ids.length; i += 500)
      out.push(...(await this.query((q) => q.where('ds.id', 'in', ids.slice(i, i + 500)))));
    return out;
  }

  byProperty(orgId: string, property: string): Promise<StreamContext[]> {
    return this.query((q) => q.where('ds.org_id', '=', orgId).where('ds.observed_property', '=', property));
  }

  private async query(filter: (q: ReturnType<KyselyStreamContexts['base']>) => ReturnType<KyselyStreamContexts['base']>) {
    const rows = await filter(this.base()).execute();
    return rows.map(
      (r): StreamContext => ({
        datastreamId: r.id,
        orgId: r.org_id,
        property: r.observed_property,
        unit: r.unit,
        deviceId: r.device_id,
        deviceCode: r.code,
        site: r.site,
        building: r.building,
        deviceType: r.type,
        tags: tagsOf(r.properties),
      }),
    );
  }

  private base() {
    return this.db
      .selectFrom('datastreams as ds')
      .innerJoin('devices as d', 'd.id', 'ds.device_id')
      .leftJoin('sites as s', 's.id', 'd.site_id')
      .leftJoin('buildings as b', 'b.id', 'd.building_id')
      .leftJoin('device_types as t', 't.id', 'd.type_id')
      .select([
        'ds.id',
        'ds.org_id',
        'ds.observed_property',
        'ds.unit',
        'ds.device_id',
        'd.code',
        'd.properties',
        's.slug as site',
        'b.slug as building',
        't.name as type',
      ]);
  }
}

function tagsOf(properties: unknown): string[] {
  const tags = fromJsonColumn<{ tags?: unknown }>(properties, {}).tags;
  return Array.isArray(tags) ? tags.filter((t): t is string => typeof t === 'string') : [];
}
