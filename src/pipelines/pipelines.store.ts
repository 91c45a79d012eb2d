import type { Kysely, Selectable } from 'kysely';
import { paginate } from '../db/paginate.js';
import type { PipelineTable, Schema } from '../db/schema.js';
import { uniqueAs409 } from '../db/unique-violation.js';
import { isUuid } from '../shared/ids.js';
import type { PageRequest } from '../shared/page.js';
import type { PipelineStore, StoredPipeline } from './pipeline-ports.js';
import type { Pipeline, PipelineSource, PipelineStatus, PipelineStep, TraceMessages } from './pipelines.js';

const toPipeline = (r: Selectable<PipelineTable>): Pipeline => ({
  id: r.id,
  orgId: r.org_id,
  name: r.name,
  description: r.description,
  status: r.status as PipelineStatus,
  steps: JSON.parse(r.steps) as PipelineStep[],
  sources: JSON.parse(r.sources) as PipelineSource[],
  autoRegister: r.auto_register === 1,
  deviceType: r.device_type,
  traceMessages: r.trace_messages as TraceMessages,
  hasIngestToken: r.ingest_token_hash !== null,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const toStored = (r: Selectable<PipelineTable>): StoredPipeline => ({ pipeline: toPipeline(r), tokenHash: r.ingest_token_hash });

const columns = (p: Pipeline) => ({
  name: p.name,
  description: p.description,
  status: p.status,
  steps: JSON.stringify(p.steps),
  sources: JSON.stringify(p.sources),
  has_sources: p.sources.length > 0 ? 1 : 0,
  auto_register: p.autoRegister ? 1 : 0,
  device_type: p.deviceType,
  trace_messages: p.traceMessages ?? 'sample',
  updated_at: p.updatedAt,
});

export class KyselyPipelineStore implements PipelineStore {
  constructor(private readonly db: Kysely<Schema>) {}

  async insert(p: Pipeline) {
    await uniqueAs409(
      () =>
        this.db
          .insertInto('pipelines')
          .values({ id: p.id, org_id: p.orgId, ingest_token_hash: null, created_at: p.createdAt, ...columns(p) })
          .execute(),
      'name',
      p.name,
    );
  }

  async update(p: Pipeline) {
    await uniqueAs409(
      () => this.db.updateTable('pipelines').set(columns(p)).where('org_id', '=', p.orgId).where('id', '=', p.id).execute(),
      'name',
      p.name,
    );
  }

  async delete(orgId: string, id: string) {
    const res = await this.db.deleteFrom('pipelines').where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }

  async find(orgId: string, idOrName: string) {
    const row = await this.db
      .selectFrom('pipelines')
      .selectAll()
      .where('org_id', '=', orgId)
      .where(isUuid(idOrName) ? 'id' : 'name', '=', idOrName)
      .executeTakeFirst();
    return row && toPipeline(row);
  }

  async list(orgId: string, req: PageRequest) {
    const page = await paginate(
      this.db.selectFrom('pipelines').selectAll().where('org_id', '=', orgId),
      req,
      [{ column: 'name' }, { column: 'id' }],
      (r) => [r.name, r.id],
    );
    return { ...page, items: page.items.map(toPipeline) };
  }

  async setTokenHash(orgId: string, id: string, hash: string | null, updatedAt: number) {
    const res = await this.db
      .updateTable('pipelines')
      .set({ ingest_token_hash: hash, updated_at: updatedAt })
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  async findAnyOrg(id: string) {
    if (!isUuid(id)) return undefined;
    const row = await this.db.selectFrom('pipelines').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toStored(row);
  }

  async withSources() {
    const rows = await this.db.selectFrom('pipelines').selectAll().where('has_sources', '=', 1).orderBy('id').execute();
    return rows.map(toStored);
  }
}
