/**
 * A whole Polder (registry, measurements, scripts, fleet) with the pipeline runner built on it,
 * a Map-backed PipelineCatalog and an array TraceSink standing in for the pipeline domain's
 * adapters (the runner only sees their ports). Deliveries are built from real samples.
 */
import { expect } from 'vitest';
import { createPipelineRunner, directoryTopicResolver } from '../../src/pipelines/pipeline-runner-factory.js';
import type { Pipeline, PipelineCatalog, PipelineStep, TraceRecord, TraceSink } from '../../src/pipelines/pipelines.js';
import type { Delivery } from '../../src/queue/inbox.js';
import { uuidv7 } from '../../src/shared/ids.js';
import type { PipelineMessage, TransportInfo } from '../../src/workers/message.js';
import type { DialectName } from '../support/databases.js';
import { ADMIN_TOKEN, startTestPolder, type TestPolder } from '../support/polder.js';

export class MapCatalog implements PipelineCatalog {
  readonly pipelines = new Map<string, Pipeline>();
  private readonly listeners: ((p: Pipeline, change: 'saved' | 'deleted') => void)[] = [];

  async byId(id: string) {
    return this.pipelines.get(id);
  }
  async tokenMatches() {
    return false;
  }
  async withSources() {
    return [];
  }
  onChange(listener: (p: Pipeline, change: 'saved' | 'deleted') => void) {
    this.listeners.push(listener);
    return () => {};
  }
  save(p: Pipeline) {
    this.pipelines.set(p.id, p);
    for (const l of this.listeners) l(p, 'saved');
    return p;
  }
  delete(id: string) {
    const p = this.pipelines.get(id);
    this.pipelines.delete(id);
    if (p) for (const l of this.listeners) l(p, 'deleted');
  }
}

export class ArrayTraceSink implements TraceSink {
  readonly writes: TraceRecord[][] = [];
  async write(traces: readonly TraceRecord[]) {
    this.writes.push([...traces]);
  }
  /** The latest trace of a message. */
  of(id: string): TraceRecord {
    for (let i = this.writes.length - 1; i >= 0; i--) {
      const t = this.writes[i]?.find((r) => r.id === id);
      if (t) return t;
    }
    throw new Error(`no trace for ${id}`);
  }
}

export interface RunnerWorld {
  t: TestPolder;
  orgId: string;
  catalog: MapCatalog;
  sink: ArrayTraceSink;
  handle: ReturnType<typeof createPipelineRunner>['handle'];
  /** Another runner on the same Polder and sink (a second worker process, caches of its own). */
  secondRunner(): ReturnType<typeof createPipelineRunner>['handle'];
  api(method: string, url: string, payload?: unknown): ReturnType<TestPolder['call']>;
  pipeline(steps: (string | PipelineStep)[], extra?: Partial<Pipeline>): Pipeline;
  message(pipeline: Pipeline, body: unknown, transport?: Partial<TransportInfo>, receivedAt?: number): PipelineMessage;
  /** Registers a device through the API; answers its id. */
  device(input: Record<string, unknown>): Promise<string>;
  /** Stored rows of a device, read back through the API: sorted by sensor, property, time. */
  stored(device: string): Promise<{ sensor: string; observedProperty: string; unit: string; time: string; value: number }[]>;
  close(): Promise<void>;
}

export const RECEIVED = Date.UTC(2025, 5, 1, 12);
export const deliveries = (messages: PipelineMessage[], attempt = 1): Delivery[] =>
  messages.map((message) => ({ message, attempt }));

export async function startRunnerWorld(dialect: DialectName, maxAttempts = 3): Promise<RunnerWorld> {
  const t = await startTestPolder(dialect);
  const { polder } = t;
  const orgId = polder.bootstrap.org.id;
  const catalog = new MapCatalog();
  const sink = new ArrayTraceSink();
  const build = () =>
    createPipelineRunner({
      database: polder.database,
      catalog,
      traces: sink,
      scripts: polder.scripts,
      registry: polder.registry,
      measurements: polder.measurements,
      activity: polder.activity,
      resolveTopic: directoryTopicResolver(polder.directory),
      config: { inboxMaxAttempts: maxAttempts },
      metrics: polder.metrics.registry,
      clock: () => Date.now(),
      newId: uuidv7,
      logger: polder.logger,
    });
  const running = build();
  const others: ReturnType<typeof build>[] = [];
  const api = (method: string, url: string, payload?: unknown) =>
    t.call(ADMIN_TOKEN, { method: method as 'GET', url, ...(payload !== undefined && { payload: payload as object }) });
  let n = 0;
  return {
    t,
    orgId,
    catalog,
    sink,
    handle: running.handle,
    secondRunner() {
      const r = build();
      others.push(r);
      return r.handle;
    },
    api,
    pipeline(steps, extra = {}) {
      n++;
      return catalog.save({
        id: uuidv7(),
        orgId,
        name: `pipeline-${n}`,
        description: '',
        status: 'active',
        steps: steps.map((s) => (typeof s === 'string' ? { worker: s } : s)),
        sources: [],
        autoRegister: false,
        deviceType: null,
        hasIngestToken: false,
        createdAt: RECEIVED,
        updatedAt: RECEIVED,
        ...extra,
      });
    },
    message(pipeline, body, transport = {}, receivedAt = RECEIVED) {
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      return {
        id: uuidv7(),
        orgId: pipeline.orgId,
        pipelineId: pipeline.id,
        receivedAt,
        transport: { kind: 'http', contentType: 'application/json', ...transport },
        payload: new Uint8Array(Buffer.from(text, 'utf8')),
        metadata: {},
        measurements: [],
      };
    },
    async device(input) {
      const res = await api('POST', '/api/devices', input);
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id as string;
    },
    async stored(device) {
      const streams = await api('GET', `/api/devices/${encodeURIComponent(device)}/datastreams?limit=1000`);
      expect(streams.statusCode, streams.body).toBe(200);
      const byId = new Map<number, { sensor: string; observedProperty: string; unit: string }>(
        streams.json().data.map((d: { id: number; sensor: string; observedProperty: string; unit: string }) => [d.id, d]),
      );
      const q = `/api/measurements?device=${encodeURIComponent(device)}&start=1970-01-01T00:00:00Z&end=2100-01-01T00:00:00Z&limit=10000`;
      const res = await api('GET', q);
      expect(res.statusCode, res.body).toBe(200);
      return res
        .json()
        .data.map((r: { datastream: number; time: string; value: number }) => {
          const d = byId.get(r.datastream);
          return { sensor: d?.sensor, observedProperty: d?.observedProperty, unit: d?.unit, time: r.time, value: r.value };
        })
        .sort((a: { sensor: string; observedProperty: string; time: string }, b: typeof a) =>
          `${a.sensor}/${a.observedProperty}/${a.time}`.localeCompare(`${b.sensor}/${b.observedProperty}/${b.time}`),
        );
    },
    async close() {
      running.close();
      for (const r of others) r.close();
      await t.close();
    },
  };
}
