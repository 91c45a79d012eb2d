import type { Kysely, Selectable } from 'kysely';
import { paginate } from '../db/paginate.js';
import type { Schema, ScriptRevisionTable, ScriptTable } from '../db/schema.js';
import { isUuid } from '../shared/ids.js';
import type { ScriptLanguage } from '../workers/workers.js';
import type { Script, ScriptRevision, ScriptStore } from './scripts.js';

const toScript = (r: Selectable<ScriptTable>): Script => ({
  id: r.id,
  orgId: r.org_id,
  name: r.name,
  description: r.description,
  language: r.language as ScriptLanguage,
  revision: r.revision,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const toRevision = (r: Selectable<ScriptRevisionTable>): ScriptRevision => ({
  scriptId: r.script_id,
  revision: r.revision,
  language: r.language as ScriptLanguage,
  source: r.source,
  createdBy: r.created_by,
  createdAt: r.created_at,
});

const revisionRow = (r: ScriptRevision) => ({
  script_id: r.scriptId,
  revision: r.revision,
  language: r.language,
  source: r.source,
  created_by: r.createdBy,
  created_at: r.createdAt,
});

export class KyselyScriptStore implements ScriptStore {
  constructor(private readonly db: Kysely<Schema>) {}

  async insert(s: Script, first: ScriptRevision) {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('scripts')
        .values({
          id: s.id,
          org_id: s.orgId,
          name: s.name,
          description: s.description,
          language: s.language,
          revision: s.revision,
          created_at: s.createdAt,
          updated_at: s.updatedAt,
        })
        .execute();
      await trx.insertInto('script_revisions').values(revisionRow(first)).execute();
    });
  }

  async update(s: Script, next?: ScriptRevision) {
    await this.db.transaction().execute(async (trx) => {
      if (next) await trx.insertInto('script_revisions').values(revisionRow(next)).execute();
      await trx
        .updateTable('scripts')
        .set({ name: s.name, description: s.description, language: s.language, revision: s.revision, updated_at: s.updatedAt })
        .where('org_id', '=', s.orgId)
        .where('id', '=', s.id)
        .execute();
    });
  }

  async delete(orgId: string, id: string) {
    const res = await this.db.deleteFrom('scripts').where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }

  async find(orgId: string, idOrName: string) {
    const row = await this.db
      .selectFrom('scripts')
      .selectAll()
      .where('org_id', '=', orgId)
      .where(isUuid(idOrName) ? 'id' : 'name', '=', idOrName)
      .executeTakeFirst();
    return row && toScript(row);
  }

  async list(orgId: string, req: import('../shared/page.js').PageRequest) {
    const page = await paginate(
      this.db.selectFrom('scripts').selectAll().where('org_id', '=', orgId),
      req,
      [{ column: 'name' }, { column: 'id' }],
      (r) => [r.name, r.id],
    );
    return { ...page, items: page.items.map(toScript) };
  }

  async revision(scriptId: string, revision: number) {
    const row = await this.db
      .selectFrom('script_revisions')
      .selectAll()
      .where('script_id', '=', scriptId)
      .where('revision', '=', revision)
      .executeTakeFirst();
    return row && toRevision(row);
  }

  async revisions(scriptId: string, req: import('../shared/page.js').PageRequest) {
    const q = this.db.selectFrom('script_revisions').selectAll().where('script_id', '=', scriptId);
    const page = await paginate(q, req, [{ column: 'revision', desc: true }], (r) => [r.revision]);
    return { ...page, items: page.items.map(toRevision) };
  }
}
