import type { Kysely } from 'kysely';
import type { Pipeline } from '../pipelines/pipelines.js';
import type { Logger } from '../shared/logger.js';
import { ChangeWatch, type RowChange, type RowVersion, watchedTable } from './change-watch.js';

/** How often a process looks for pipelines, devices and rules changed by another process of the deployment. */
export const CHANGE_WATCH_MS = 1500;

export interface DeploymentWatchDeps {
  db: Kysely<unknown>;
  logger: Logger;
  /** The stored pipeline (any organisation), to rebind it. */
  findPipeline(id: string): Promise<{ pipeline: Pipeline } | undefined>;
  /** The pipeline catalog's change hook (transports and the runner follow it). */
  pipelineChanged(pipeline: Pipeline, change: 'saved' | 'deleted'): void;
  /** The device directory re-reads these devices (their MQTT accounts). */
  devicesChanged(ids: string[]): Promise<unknown>;
  /** The rule engine drops its cached rule. */
  ruleChanged(orgId: string, ruleId: string): void;
}

/**
 * What other processes of the deployment change, seen here within seconds: pipelines are rebound,
 * devices' MQTT accounts refreshed (another process's API, a worker's auto-registration), rules reloaded.
 */
export function deploymentWatches(deps: DeploymentWatchDeps) {
  const watch = (table: 'pipelines' | 'rules' | 'devices', onChanges: (changes: RowChange[]) => Promise<void>) =>
    new ChangeWatch({
      name: table,
      table: watchedTable(deps.db, table),
      everyMs: CHANGE_WATCH_MS,
      logger: deps.logger,
      onChanges,
    });
  return {
    pipelines: watch('pipelines', async (changes) => {
      for (const { row, change } of changes) {
        const stored = change === 'saved' ? await deps.findPipeline(row.id) : undefined;
        if (stored) deps.pipelineChanged(stored.pipeline, 'saved');
        else deps.pipelineChanged(removedPipeline(row), 'deleted');
      }
    }),
    devices: watch('devices', async (changes) => void (await deps.devicesChanged(changes.map((c) => c.row.id)))),
    rules: watch('rules', async (changes) => {
      for (const { row } of changes) deps.ruleChanged(row.orgId, row.id);
    }),
  };
}

/** A pipeline another process deleted, as the catalog's listeners need it (they unbind it by id). */
function removedPipeline(row: RowVersion): Pipeline {
  return {
    id: row.id,
    orgId: row.orgId,
    name: '',
    description: '',
    status: 'inactive',
    steps: [],
    sources: [],
    autoRegister: false,
    deviceType: null,
    hasIngestToken: false,
    createdAt: row.updatedAt,
    updatedAt: row.updatedAt,
  };
}
