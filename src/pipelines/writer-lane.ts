/**
 * The writer lane (issue 10): on a SQLite file database, the uplinks of pipelines made only of
 * built-in steps are decoded and matched on a thread of their own (writer-lane-thread.ts) and
 * stored by the database's writer thread, their objects living and dying inside one synchronous turn, instead
 * of on the event loop, where a thousand uplinks in flight made the garbage collector the largest
 * cost (docs/benchmarks.md, "The writer lane"). The event loop packs the payloads, posts them, and
 * once the thread has committed and synced hears which uplinks it stored; those are done (traced,
 * counted, announced), the others go through the pipeline runner as before. The lane's thread reads
 * devices and datastreams from its own connection and keeps them (writer-lane-cache.ts); this side
 * tells it at once of the registry changes the store step's caches hear of (`forget`). It never
 * registers, creates or refuses anything.
 */
import type { DeviceEvents } from '../devices/device-events.js';
import type { Measurement } from '../measurements/measurements.js';
import type { Delivery } from '../queue/inbox.js';
import { isBuiltinDefinition } from '../workers/workers.js';
import { type LaneBatch, type LanePipeline, packLaneBatch } from './lane-batch.js';
import type { Pipeline } from './pipelines.js';
import type { ResolvedStep } from './step-resolver.js';
import type { LaneForget } from './writer-lane-cache.js';
import type { LaneAnswer } from './writer-lane-thread.js';

export interface WriterLaneOptions {
  /** The database's writer and lane threads (db/sqlite-writer.ts). */
  writer: {
    lane(batch: LaneBatch): Promise<LaneAnswer>;
    laneForget(forget: LaneForget): void;
  };
  /** Registry events: a device or datastream that changed leaves the thread's cache. */
  events: Pick<DeviceEvents, 'on'>;
  /** MeasurementService: counts and announces the rows stored (as its `insert` does). */
  measurements: { announce(offered: number, inserted: readonly Measurement[], seconds: number): void };
  /** ActivityTracker: devices seen. */
  activity?: { seen(orgId: string, deviceId: string, at: number): void } | undefined;
}

/** A delivery with its pipeline's steps, for the lane. */
export interface LaneItem {
  delivery: Delivery;
  pipeline: Pipeline;
  steps: ResolvedStep[];
}

/** What the lane stored of the items: `handled[i]` for items[i]; step durations (ms) of the stored ones, end to end. */
export interface LaneRun {
  handled: Uint8Array;
  stepMs: Float64Array;
  measurements: number;
  /** From the post to the answer (the `store` step of the runner's metrics). */
  seconds: number;
}

export class WriterLane {
  private readonly off: (() => void)[];

  constructor(private readonly opts: WriterLaneOptions) {
    const forget = (devices: readonly string[], datastreams: readonly number[] = []) =>
      opts.writer.laneForget({ devices, datastreams });
    // The events the store step's own caches forget on (device-matcher.ts, store-step-datastreams.ts);
    // a device just created was in no cache.
    const ev = opts.events;
    this.off = [
      ev.on('deviceSaved', ({ device, previous }) => {
        if (previous) forget(previous.id === device.id ? [device.id] : [device.id, previous.id]);
      }),
      ev.on('deviceDisabled', (d) => forget([d.id])),
      ev.on('deviceDeleted', (d) => forget([d.id])),
      ev.on('devicesChanged', ({ ids }) => forget(ids)),
      ev.on('datastreamsDeleted', ({ ids }) => forget([], ids)),
    ];
  }

  /**
   * The lane's form of a pipeline whose steps are all built-ins (their configs are data), or
   * undefined for one with a script.
   */
  pipelineOf(pipeline: Pipeline, steps: readonly ResolvedStep[]): LanePipeline | undefined {
    if (!steps.every((s) => isBuiltinDefinition(s.prepared.worker))) return undefined;
    const specs = steps.map((s) => ({ worker: s.prepared.worker.name, config: s.prepared.config }));
    return { id: pipeline.id, signature: JSON.stringify(specs), steps: specs, traceMessages: pipeline.traceMessages };
  }

  /** Whether a delivery is as a transport made it (nothing decoded yet): the only kind the lane takes. */
  takes(d: Delivery): boolean {
    const m = d.message;
    return d.rejected === undefined && m.measurements.length === 0 && m.observedAt === undefined && isEmpty(m.metadata);
  }

  /**
   * Posts the items to the thread; answers which it stored (committed and synced with their
   * traces), after counting, announcing and marking their devices seen. A thread that fails
   * answers undefined: then every item is the runner's, as if the lane had taken none.
   */
  async run(items: readonly LaneItem[], pipelines: readonly LanePipeline[]): Promise<LaneRun | undefined> {
    const batch = packLaneBatch(
      items.map((it) => it.delivery),
      pipelines,
    );
    const t0 = performance.now();
    let answer: LaneAnswer;
    try {
      answer = await this.opts.writer.lane(batch);
    } catch {
      return undefined;
    }
    const seconds = (performance.now() - t0) / 1000;
    const { triples, fresh } = answer;
    const inserted: Measurement[] = [];
    for (let r = 0, k = 0; k < fresh.length; r += 3, k++)
      if (fresh[k])
        inserted.push({ datastreamId: triples[r] as number, time: triples[r + 1] as number, value: triples[r + 2] as number });
    this.opts.measurements.announce(fresh.length, inserted, seconds);
    const activity = this.opts.activity;
    if (activity) {
      let n = 0;
      for (let i = 0; i < items.length; i++) {
        if (!answer.handled[i]) continue;
        const m = (items[i] as LaneItem).delivery.message;
        activity.seen(m.orgId, answer.devices[n++] as string, m.receivedAt);
      }
    }
    return { handled: answer.handled, stepMs: answer.stepMs, measurements: fresh.length, seconds };
  }

  close(): void {
    for (const off of this.off.splice(0)) off();
  }
}

function isEmpty(o: object): boolean {
  for (const _ in o) return false;
  return true;
}
