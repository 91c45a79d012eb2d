/**
 * The writer lane's thread side (writer-lane.ts has the event loop's): on the SQLite writer
 * thread, a batch of uplinks of built-in pipelines is decoded with the same workers, its devices
 * and datastreams found in a cache the event loop fills (`learn`) and empties (`forget`), and
 * its measurements and traces are made here, to be committed by the writer in one transaction.
 * An uplink it cannot finish alone (a cache miss, a step that fails, warns or skips, a value that
 * is not a number, a draft naming its own device) is left to the event loop's pipeline runner,
 * which decodes it again the usual way: nothing of it is written here.
 */

import { normaliseIdentityValue } from '../devices/identity.js';
import type { Measurement } from '../measurements/measurements.js';
import { type PreparedStep, prepareStep, runStepNow } from '../workers/catalog.js';
import { type DeviceRef, messageToJson, type PipelineMessage, skipReason, type TransportInfo } from '../workers/message.js';
import { checkDraft } from './draft-check.js';
import type { TraceMessages, TraceRecord, TraceStep } from './pipelines.js';
import { keepsMessage } from './trace-messages.js';

/** One uplink as received, its payload at [start, end) of the batch's buffer. */
export interface LaneMessage {
  id: string;
  orgId: string;
  pipelineId: string;
  receivedAt: number;
  attempt: number;
  transport: TransportInfo;
  device?: DeviceRef | undefined;
  start: number;
  end: number;
}

/** A pipeline of the batch: its built-in steps (`signature` names them, configs included). */
export interface LanePipeline {
  id: string;
  signature: string;
  steps: { worker: string; config: unknown }[];
  traceMessages?: TraceMessages | undefined;
}

export interface LaneBatch {
  messages: LaneMessage[];
  /** Every payload end to end (transferred). */
  payloads: Uint8Array;
  pipelines: readonly LanePipeline[];
}

/** What the event loop learnt: devices by ref key, datastreams by key (see laneRefKey, laneSeriesKey). */
export interface LaneLearn {
  generation: number;
  devices: [orgId: string, refKey: string, deviceId: string][];
  series: [deviceId: string, seriesKey: string, datastreamId: number][];
}

/** What changed in the registry: the cache drops these devices (with their datastreams) and datastreams. */
export interface LaneForget {
  generation: number;
  devices: readonly string[];
  datastreams: readonly number[];
}

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

/**
 * The key a device is cached by inside its organisation, as the device matcher finds it: by id,
 * else by identity (normalised); undefined for a ref the lane does not take (a code, a topic, or
 * both an id and an identity, which the matcher could answer by either).
 */
export function laneRefKey(ref: DeviceRef | undefined): string | undefined {
  if (!ref || ref.code !== undefined || ref.topic !== undefined) return undefined;
  if (ref.id !== undefined) return ref.identity === undefined ? `i\u0000${ref.id}` : undefined;
  if (!ref.identity) return undefined;
  const value = normaliseIdentityValue(ref.identity.kind, ref.identity.value);
  return value === undefined ? undefined : `e\u0000${ref.identity.kind}\u0000${value}`;
}

export const laneSeriesKey = (orgId: string, deviceId: string, sensor: string, property: string, unit: string) =>
  `${orgId}\u0000${deviceId}\u0000${sensor}\u0000${property}\u0000${unit}`;

/** As long as the event loop's caches keep an entry without hearing of a change (device-matcher.ts). */
const DEVICE_TTL_MS = 60_000;
const SERIES_TTL_MS = 300_000;
const MAX_ENTRIES = 200_000;

const round = (ms: number) => Math.round(ms * 1000) / 1000;

export class LaneDecoder {
  private readonly devices = new Map<string, { deviceId: string; at: number }>();
  private readonly series = new Map<string, { id: number; at: number }>();
  /** A device's keys in both maps, to forget it whatever it was found by; a datastream's key. */
  private readonly keysOf = new Map<string, string[]>();
  private readonly keyOfSeries = new Map<number, string>();
  private readonly prepared = new Map<string, PreparedStep[]>();
  private generation = 0;

  learn(l: LaneLearn): void {
    if (l.generation < this.generation) return;
    if (this.devices.size + this.series.size > MAX_ENTRIES) this.clear();
    const at = Date.now();
    for (const [orgId, refKey, deviceId] of l.devices) {
      const key = `${orgId}\u0000${refKey}`;
      this.devices.set(key, { deviceId, at });
      this.index(deviceId, key);
    }
    for (const [deviceId, key, id] of l.series) {
      this.series.set(key, { id, at });
      this.keyOfSeries.set(id, key);
      this.index(deviceId, key);
    }
  }

  /** Drops the devices and datastreams that changed; what was learnt before `generation` is not taken any more. */
  forget(f: LaneForget): void {
    this.generation = Math.max(this.generation, f.generation);
    for (const deviceId of f.devices) {
      for (const key of this.keysOf.get(deviceId) ?? []) {
        this.devices.delete(key);
        const s = this.series.get(key);
        if (s) this.keyOfSeries.delete(s.id);
        this.series.delete(key);
      }
      this.keysOf.delete(deviceId);
    }
    for (const id of f.datastreams) {
      const key = this.keyOfSeries.get(id);
      if (key !== undefined) this.series.delete(key);
      this.keyOfSeries.delete(id);
    }
  }

  private index(deviceId: string, key: string): void {
    const keys = this.keysOf.get(deviceId);
    if (!keys) this.keysOf.set(deviceId, [key]);
    else if (!keys.includes(key)) keys.push(key);
  }

  private clear(): void {
    this.devices.clear();
    this.series.clear();
    this.keysOf.clear();
    this.keyOfSeries.clear();
  }

  /** The batch's rows and traces, and which uplinks they are of (the rest is the event loop's). */
  decode(batch: LaneBatch): { rows: Measurement[]; traces: TraceRecord[]; answer: Omit<LaneAnswer, 'triples' | 'fresh'> } {
    const pipelines = new Map(batch.pipelines.map((p) => [p.id, p]));
    const handled = new Uint8Array(batch.messages.length);
    const devices: string[] = [];
    const stepMs: number[] = [];
    const rows: Measurement[] = [];
    const traces: TraceRecord[] = [];
    const storeAt = Date.now();
    const t0 = performance.now();
    for (let i = 0; i < batch.messages.length; i++) {
      const m = batch.messages[i] as LaneMessage;
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
    const refKey = laneRefKey(msg.device);
    const device = refKey === undefined ? undefined : this.devices.get(`${m.orgId}\u0000${refKey}`);
    const now = Date.now();
    if (!device || now - device.at >= DEVICE_TTL_MS) return undefined;
    const from = rows.length;
    for (let j = 0; j < drafts.length; j++) {
      const d = drafts[j] as (typeof drafts)[number];
      const s =
        d.device === undefined && typeof d.value === 'number' && checkDraft(msg, d, j, false) === undefined
          ? this.series.get(laneSeriesKey(m.orgId, device.deviceId, d.sensor, d.observedProperty, d.unit))
          : undefined;
      if (!s || now - s.at >= SERIES_TTL_MS) {
        rows.length = from;
        return undefined;
      }
      rows.push({ datastreamId: s.id, time: Math.round(d.time ?? msg.observedAt ?? msg.receivedAt), value: d.value as number });
    }
    for (const took of ms) stepMs.push(took);
    return {
      id: m.id,
      orgId: m.orgId,
      pipelineId: m.pipelineId,
      deviceId: device.deviceId,
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
