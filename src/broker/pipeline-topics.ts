import type { PipelineCatalog } from '../pipelines/pipelines.js';

/**
 * The MQTT source filters of every active pipeline, by organisation, kept in memory for the
 * topic policy (asked for every message) and kept current from the pipeline catalog.
 */
export class PipelineTopics {
  private readonly byPipeline = new Map<string, { orgId: string; filters: string[] }>();
  private byOrg = new Map<string, string[]>();
  private unfollow: (() => void) | undefined;

  constructor(private readonly catalog: Pick<PipelineCatalog, 'withSources' | 'onChange'>) {}

  async load(): Promise<void> {
    this.unfollow ??= this.catalog.onChange((p, change) => {
      if (change === 'deleted') this.byPipeline.delete(p.id);
      else this.put(p);
      this.index();
    });
    for (const p of await this.catalog.withSources()) this.put(p);
    this.index();
  }

  stop(): void {
    this.unfollow?.();
    this.unfollow = undefined;
  }

  filtersOf(orgId: string): readonly string[] {
    return this.byOrg.get(orgId) ?? [];
  }

  private put(p: Awaited<ReturnType<PipelineCatalog['withSources']>>[number]) {
    const filters = p.status === 'active' ? p.sources.flatMap((s) => (s.kind === 'mqtt' ? [s.topic] : [])) : [];
    if (filters.length > 0) this.byPipeline.set(p.id, { orgId: p.orgId, filters });
    else this.byPipeline.delete(p.id);
  }

  private index() {
    const byOrg = new Map<string, string[]>();
    for (const { orgId, filters } of this.byPipeline.values()) byOrg.set(orgId, [...(byOrg.get(orgId) ?? []), ...filters]);
    this.byOrg = byOrg;
  }
}
