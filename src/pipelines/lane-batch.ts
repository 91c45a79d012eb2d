/**
 * A writer lane batch as it crosses to the lane's thread (writer-lane.ts → writer-lane-thread.ts):
 * in columns, not an object per uplink: the organisation, pipeline and transport strings of a
 * batch are mostly the same few, sent once. 500 MQTT uplinks cost the event loop 0.44 ms as objects
 * and 0.23 ms in columns, the lane's thread 0.67 ms and 0.09 ms to read them (`npm run bench lane-batch`).
 */
import type { Delivery } from '../queue/inbox.js';
import type { DeviceRef, TransportInfo } from '../workers/message.js';
import type { TraceMessages } from './pipelines.js';

/** One uplink as the lane's thread reads it, its payload at [start, end) of the batch's buffer. */
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
  /** The uplinks' ids end to end (each ends where its ID_END column says). */
  ids: string;
  /** The strings the columns name by their index. */
  strings: string[];
  /** WIDTH numbers an uplink, in the order of the offsets below; -1 for a string it has not. */
  columns: Float64Array;
  /** Every payload end to end (transferred). */
  payloads: Uint8Array;
  pipelines: readonly LanePipeline[];
}

const RECEIVED_AT = 0;
const ATTEMPT = 1;
const START = 2;
const END = 3;
const ORG = 4;
const PIPELINE = 5;
const KIND = 6;
const TOPIC = 7;
const CONTENT_TYPE = 8;
const PATH = 9;
/** The device reference as JSON (rare: a device's own session). */
const DEVICE = 10;
const ID_END = 11;
const WIDTH = 12;

/** The deliveries in columns, their payloads copied end to end. */
export function packLaneBatch(deliveries: readonly Delivery[], pipelines: readonly LanePipeline[]): LaneBatch {
  let size = 0;
  for (const d of deliveries) size += d.message.payload.byteLength;
  const payloads = new Uint8Array(size);
  const columns = new Float64Array(deliveries.length * WIDTH);
  const strings: string[] = [];
  const index = new Map<string, number>();
  const intern = (s: string | undefined): number => {
    if (s === undefined) return -1;
    let i = index.get(s);
    if (i === undefined) {
      i = strings.push(s) - 1;
      index.set(s, i);
    }
    return i;
  };
  let ids = '';
  let at = 0;
  for (let i = 0, c = 0; i < deliveries.length; i++, c += WIDTH) {
    const d = deliveries[i] as Delivery;
    const m = d.message;
    const t = m.transport;
    ids += m.id;
    columns[c + ID_END] = ids.length;
    payloads.set(m.payload, at);
    columns[c + RECEIVED_AT] = m.receivedAt;
    columns[c + ATTEMPT] = d.attempt;
    columns[c + START] = at;
    at += m.payload.byteLength;
    columns[c + END] = at;
    columns[c + ORG] = intern(m.orgId);
    columns[c + PIPELINE] = intern(m.pipelineId);
    columns[c + KIND] = intern(t.kind);
    columns[c + TOPIC] = intern(t.topic);
    columns[c + CONTENT_TYPE] = intern(t.contentType);
    columns[c + PATH] = intern(t.path);
    columns[c + DEVICE] = m.device === undefined ? -1 : intern(JSON.stringify(m.device));
  }
  return { ids, strings, columns, payloads, pipelines };
}

/** The batch's uplinks back as objects (the transport's fields in the order of TransportInfo). */
export function laneMessages(batch: LaneBatch): LaneMessage[] {
  const { columns, strings } = batch;
  const count = columns.length / WIDTH;
  const out: LaneMessage[] = new Array(count);
  const text = (c: number, k: number): string | undefined => {
    const n = columns[c + k] as number;
    return n < 0 ? undefined : (strings[n] as string);
  };
  let idStart = 0;
  for (let i = 0, c = 0; i < count; i++, c += WIDTH) {
    const transport: TransportInfo = { kind: text(c, KIND) as TransportInfo['kind'] };
    const topic = text(c, TOPIC);
    const contentType = text(c, CONTENT_TYPE);
    const path = text(c, PATH);
    if (topic !== undefined) transport.topic = topic;
    if (contentType !== undefined) transport.contentType = contentType;
    if (path !== undefined) transport.path = path;
    const idEnd = columns[c + ID_END] as number;
    const m: LaneMessage = {
      id: batch.ids.slice(idStart, idEnd),
      orgId: text(c, ORG) as string,
      pipelineId: text(c, PIPELINE) as string,
      receivedAt: columns[c + RECEIVED_AT] as number,
      attempt: columns[c + ATTEMPT] as number,
      transport,
      start: columns[c + START] as number,
      end: columns[c + END] as number,
    };
    idStart = idEnd;
    const device = text(c, DEVICE);
    if (device !== undefined) m.device = JSON.parse(device) as DeviceRef;
    out[i] = m;
  }
  return out;
}
