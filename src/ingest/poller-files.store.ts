import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.js';
import type { PolledFile, PolledFileStore } from './ftp-poller.js';

/** The FTP pollers' memory over Kysely (SQLite and PostgreSQL alike). */
export class KyselyPolledFileStore implements PolledFileStore {
  constructor(private readonly db: Kysely<Schema>) {}

  async taken(pipelineId: string, sourceKey: string): Promise<Map<string, PolledFile>> {
    const rows = await this.db
      .selectFrom('poller_files')
      .select(['name', 'size', 'mtime'])
      .where('pipeline_id', '=', pipelineId)
      .where('source_key', '=', sourceKey)
      .execute();
    return new Map(rows.map((r) => [r.name, { name: r.name, size: Number(r.size), mtime: Number(r.mtime) }]));
  }

  async remember(pipelineId: string, sourceKey: string, files: readonly PolledFile[], now: number): Promise<void> {
    if (files.length === 0) return;
    await this.db
      .insertInto('poller_files')
      .values(
        files.map((f) => ({
          pipeline_id: pipelineId,
          source_key: sourceKey,
          name: f.name,
          size: f.size,
          mtime: f.mtime,
          taken_at: now,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['pipeline_id', 'source_key', 'name']).doUpdateSet((eb) => ({
          size: eb.ref('excluded.size'),
          mtime: eb.ref('excluded.mtime'),
          taken_at: eb.ref('excluded.taken_at'),
        })),
      )
      .execute();
  }

  async forget(pipelineId: string): Promise<void> {
    await this.db.deleteFrom('poller_files').where('pipeline_id', '=', pipelineId).execute();
  }
}
