/**
 * The writer lane's thread side (writer-lane.ts has the event loop's): on the lane's thread
 * (db/sqlite-lane-thread.ts), a batch of uplinks of built-in pipelines is decoded with the same
 * workers, its devices and datastreams found in the registry (writer-lane-cache.ts), and its
 * measurements and traces are made here, to be committed by the writer thread in one transaction. An uplink it cannot finish
 * alone (a device or datastream not there yet, a disabled device, a step that fails, warns or
 * skips, a value that is not a number, a draft naming its own device) is left to the event loop's
 * pipeline runner, which decodes it again the usual way: nothing of it is written here.
 */
import type { Measurement } from '../measurements/measurements.js';
import { type PreparedStep, prepareStep, runStepNow } from '../workers/catalog.js';
import { messageToJson, type PipelineMessage, skipReason } from '../workers/message.js';
import { checkDraft } from './draft-check.js';
import { type LaneBatch, type LaneMessage, type LanePipeline, laneMessages } from './lane-batch.js';
import type { TraceRecord, TraceStep } from './pipelines.js';
import { keepsMessage } from './trace-messages.js';
import { LaneCache, type LaneReader, laneRef } from './writer-lane-cache.js';

export interface LaneAnswer {
  /** 1 where the uplink was stored here (its trace with it). */
  handled: Uint8Array;
  /** The stored uplinks' devices, in order. */
  devices: string[];
  /** Each stored uplink's step durations (ms, its pipeline's steps in order), end to end. */
  stepMs: Float64Array;
  /** The batch's rows (datastream, time, value) and, per row, 1 if inserted now. */
  triples: Float64Array;
  fresh: Uint8Array;
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

export class LaneDecoder {
  /** Devices and datastreams, read from the registry (writer-lane-cache.ts). */
  readonly cache: LaneCache;
  private readonly prepared = new Map<string, PreparedStep[]>();

  constructor(reader: LaneReader) {
    this.cache = new LaneCache(reader);
  }

  /** The batch's rows and traces, and which uplinks they are of (the rest is the event loop's). */
  decode(batch: LaneBatch): { rows: Measurement[]; traces: TraceRecord[]; answer: Omit<LaneAnswer, 'triples' | 'fresh'> } {
    const pipelines = new Map(batch.pipelines.map((p) => [p.id, p]));
    const messages = laneMessages(batch);
    const handled = new Uint8Array(messages.length);
    const devices: string[] = [];
    const stepMs: number[] = [];
    const rows: Measurement[] = [];
    const traces: TraceRecord[] = [];
    const storeAt = Date.now();
    const t0 = performance.now();
    for (let i = 0; i < messages.length; i++) {
      const m = messages[i] as LaneMessage;
      const pipeline = pipelines.get(m.pipelineId);
      if (!pipeline) continue;
      const trace = this.one(m, pipeline, batch.payloads, rows, stepMs);
      if (!trace) continue;
      handled[i] = 1;
      devices.push(trace.deviceId as string);
      traces.push(trace);
    }
    // The store step as the runner times it: from its start to the hand-over to the commit.
    const store: TraceStep = { worker: 'store', startedAt: storeAt, durationMs: round(performance.now() - t0) };
    const finishedAt = Date.now();
    for (const t of traces) {
      t.steps.push(store);
      t.finishedAt = finishedAt;
    }
    return { rows, traces, answer: { handled, devices, stepMs: Float64Array.from(stepMs) } };
  }

  /** One uplink's trace, its rows appended to `rows`; undefined (nothing appended) when it is not the lane's. */
  private one(
    m: LaneMessage,
    pipeline: LanePipeline,
    payloads: Uint8Array,
    rows: Measurement[],
    stepMs: number[],
  ): TraceRecord | undefined {
    const received: PipelineMessage = {
      id: m.id,
      orgId: m.orgId,
      pipelineId: m.pipelineId,
      receivedAt: m.receivedAt,
      transport: m.transport,
      payload: payloads.subarray(m.start, m.end),
      ...(m.device !== undefined && { device: m.device }),
      metadata: {},
      measurements: [],
    };
    let msg = received;
    const steps: TraceStep[] = [];
    const ms: number[] = [];
    for (const step of this.stepsOf(pipeline)) {
      const startedAt = Date.now();
      const t0 = performance.now();
      let out: PipelineMessage | Promise<PipelineMessage>;
      try {
        out = runStepNow(step, msg);
      } catch {
        return undefined;
      }
      if (out instanceof Promise) {
        out.catch(() => {});
        return undefined;
      }
      const took = performance.now() - t0;
      msg = out;
      if (skipReason(msg) !== undefined || msg.metadata.warnings !== undefined) return undefined;
      steps.push({ worker: step.worker.name, startedAt, durationMs: round(took) });
      ms.push(took);
    }
    const drafts = msg.measurements;
    if (drafts.length === 0) return undefined;
    const ref = laneRef(msg.device);
    const now = Date.now();
    const deviceId = ref && this.cache.device(m.orgId, ref, now);
    if (deviceId === undefined) return undefined;
    const from = rows.length;
    for (let j = 0; j < drafts.length; j++) {
      const d = drafts[j] as (typeof drafts)[number];
      const id =
        d.device === undefined && typeof d.value === 'number' && checkDraft(msg, d, j, false) === undefined
          ? this.cache.datastream(deviceId, d.sensor, d.observedProperty, d.unit, now)
          : undefined;
      if (id === undefined) {
        rows.length = from;
        return undefined;
      }
      rows.push({ datastreamId: id, time: Math.round(d.time ?? msg.observedAt ?? msg.receivedAt), value: d.value as number });
    }
    for (const took of ms) stepMs.push(took);
    return {
      id: m.id,
      orgId: m.orgId,
      pipelineId: m.pipelineId,
      deviceId,
      status: 'stored',
      receivedAt: m.receivedAt,
      finishedAt: 0,
      attempts: m.attempt,
      transport: m.transport,
      steps,
      error: null,
      measurements: drafts.length,
      message: keepsMessage(pipeline.traceMessages, 'stored', m.id) ? messageToJson(received) : null,
    };
  }

  private stepsOf(pipeline: LanePipeline): PreparedStep[] {
    let steps = this.prepared.get(pipeline.signature);
    if (!steps) {
      steps = pipeline.steps.map((s) => prepareStep(s.worker, s.config));
      if (this.prepared.size > 1000) this.prepared.clear();
      this.prepared.set(pipeline.signature, steps);
    }
    return steps;
  }
}
