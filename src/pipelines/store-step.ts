/**
 * The implicit last step of every pipeline, run once for a whole batch: match each message's
 * devices, find or create their datastreams, insert every measurement of the batch in one
 * call, and mark the devices seen. A message that cannot be stored fails alone; a database that
 * does not answer makes the whole batch retry (the insert is idempotent on (datastream, time)).
 */

import type { DeviceMatcher, MatchRequest } from '../devices/device-matcher.js';
import type { DatastreamKey } from '../devices/devices.js';
import type { Measurement, TraceRows, ValueRow } from '../measurements/measurements.js';
import type { Clock } from '../shared/clock.js';
import { type DomainError, invalid } from '../shared/errors.js';
import { describeValue, KIND_NAMES, KIND_ONE, type NonNumericValue, valueKindOf } from '../shared/values.js';
import { type DeviceRef, draftTime, type MeasurementDraft, type PipelineMessage } from '../workers/workers.js';
import { checkDraft } from './draft-check.js';
import type { Pipeline } from './pipelines.js';
import type { DatastreamCache } from './store-step-datastreams.js';

export interface StoreItem {
  /**
   * The message after the decoding steps: its ids, times, device and drafts (the pipeline runner
   * lets its metadata and payload go once decoded).
   */
  message: PipelineMessage;
  /** The message as received: its raw payload tells boards sharing a topic apart. */
  received: PipelineMessage;
  pipeline: Pick<Pipeline, 'autoRegister' | 'deviceType'>;
}

export type StoreOutcome =
  | { status: 'stored'; deviceId: string | null; measurements: number }
  | { status: 'failed'; deviceId: string | null; error: DomainError }
  /** The database did not answer: the message may be stored on a later attempt. */
  | { status: 'retry'; deviceId: string | null; error: unknown };

export interface StoreStepOptions {
  devices: Pick<DeviceMatcher, 'match'>;
  /** `cached` (optional) answers series all in memory at once, without a promise. */
  datastreams: Pick<DatastreamCache, 'resolve'> & Partial<Pick<DatastreamCache, 'cached'>>;
  /**
   * MeasurementService: `insert` numbers (one call per batch; rollups and live subscribers
   * follow); `insertValues` text, booleans and JSON (without it, such values fail their message).
   */
  measurements: {
    insert(rows: readonly Measurement[], traces?: TraceRows): Promise<unknown>;
    insertValues?(rows: readonly ValueRow[]): Promise<unknown>;
    /** Whether `insert` commits trace rows with the measurements (MeasurementService.takesTraces). */
    readonly takesTraces?: boolean;
  };
  /** ActivityTracker.seen: in memory, flushed in batches by the fleet. */
  activity?: { seen(orgId: string, deviceId: string, at: number): void } | undefined;
  clock: Clock;
}

/** Per message: the draft → request index, and the request of the message-level device. */
interface Plan {
  drafts: MeasurementDraft[];
  draftRequest: number[];
  messageRequest: number | undefined;
  error?: DomainError;
}

const refKey = (ref: DeviceRef) => JSON.stringify([ref.id, ref.identity?.kind, ref.identity?.value, ref.code, ref.topic]);

/** Adds the match request of `ref` for this message; answers its index. */
function addRequest(requests: MatchRequest[], item: StoreItem, ref: DeviceRef): number {
  requests.push({
    orgId: item.message.orgId,
    ref,
    payload: item.received.payload,
    autoRegister: item.pipeline.autoRegister ? { deviceType: item.pipeline.deviceType } : undefined,
  });
  return requests.length - 1;
}

/** The index of the match request of `ref` for this message, added to `requests` the first time. */
function request(requests: MatchRequest[], byRef: Map<string, number>, item: StoreItem, ref: DeviceRef): number {
  const k = refKey(ref);
  let at = byRef.get(k);
  if (at === undefined) {
    at = addRequest(requests, item, ref);
    byRef.set(k, at);
  }
  return at;
}

/** The requests a plan is matched by: its drafts' (repeats included), then the message's. */
function forEachRequest(p: Plan, f: (req: number) => boolean | undefined): void {
  for (const req of p.draftRequest) if (f(req)) return;
  if (p.messageRequest !== undefined) f(p.messageRequest);
}

/**
 * The batch's trace rows for these outcomes (the pipeline runner's), asked for just before the
 * measurements are committed, to be committed with them.
 */
export type TracesOf = (outcomes: readonly StoreOutcome[]) => Promise<TraceRows>;

export class StoreStep {
  constructor(private readonly opts: StoreStepOptions) {}

  /**
   * Stores the items; answers each one's outcome. With `tracesOf`, where the measurements'
   * store takes traces and the batch has numbers only, the trace rows for the outcomes are
   * committed in the measurements' transaction, and the answer is the very array `tracesOf` was
   * given; any other answer (a failed commit: every storable item `retry`) means no trace was
   * written.
   */
  async store(items: readonly StoreItem[], tracesOf?: TracesOf): Promise<StoreOutcome[]> {
    const requests: MatchRequest[] = [];
    const plans = items.map((item) => this.plan(item, requests));
    let matches: Awaited<ReturnType<DeviceMatcher['match']>>;
    try {
      matches = requests.length > 0 ? await this.opts.devices.match(requests) : [];
    } catch (error) {
      return plans.map((p) =>
        p.error ? { status: 'failed', deviceId: null, error: p.error } : { status: 'retry', deviceId: null, error },
      );
    }
    const deviceOf = (req: number) => {
      const m = matches[req];
      return m && 'deviceId' in m ? m.deviceId : undefined;
    };
    // A plan fails with the first of its requests that did.
    for (const p of plans) {
      if (p.error) continue;
      forEachRequest(p, (req) => {
        const m = matches[req];
        if (m && 'error' in m) p.error = m.error;
        return p.error !== undefined;
      });
    }
    /** The message's device, or the one device all its drafts name (null for none or several). */
    const traceDevice = (p: Plan): string | null => {
      if (p.messageRequest !== undefined) return deviceOf(p.messageRequest) ?? null;
      const reqs = p.draftRequest;
      if (reqs.length === 0) return null;
      const first = deviceOf(reqs[0] as number);
      for (let i = 1; i < reqs.length; i++) if (deviceOf(reqs[i] as number) !== first) return null;
      return first ?? null;
    };

    const outcomes = (): StoreOutcome[] =>
      plans.map((p) =>
        p.error
          ? { status: 'failed', deviceId: traceDevice(p), error: p.error }
          : { status: 'stored', deviceId: traceDevice(p), measurements: p.drafts.length },
      );
    // The items' indexes, of the plans without an error.
    const storable: number[] = [];
    for (let i = 0; i < plans.length; i++) if (!(plans[i] as Plan).error) storable.push(i);
    let answer: StoreOutcome[] | undefined;
    try {
      const { numbers, values } = await this.rows(items, plans, storable, deviceOf);
      if (tracesOf && this.opts.measurements.takesTraces && numbers.length > 0 && values.length === 0) {
        answer = outcomes();
        await this.opts.measurements.insert(numbers, await tracesOf(answer));
      } else {
        if (numbers.length > 0) await this.opts.measurements.insert(numbers);
        if (values.length > 0) await this.opts.measurements.insertValues?.(values);
      }
    } catch (error) {
      return plans.map((p) =>
        p.error
          ? { status: 'failed', deviceId: traceDevice(p), error: p.error }
          : { status: 'retry', deviceId: traceDevice(p), error },
      );
    }

    const seen = new Map<string, { orgId: string; deviceId: string; at: number }>();
    for (const i of storable) {
      const p = plans[i] as Plan;
      // A value of another kind than its datastream's failed its message in rows().
      if (p.error) continue;
      const msg = (items[i] as StoreItem).message;
      forEachRequest(p, (req) => {
        const deviceId = deviceOf(req) as string;
        const prev = seen.get(deviceId);
        if (!prev || prev.at < msg.receivedAt) seen.set(deviceId, { orgId: msg.orgId, deviceId, at: msg.receivedAt });
        return false;
      });
    }
    for (const s of seen.values()) this.opts.activity?.seen(s.orgId, s.deviceId, s.at);

    return answer ?? outcomes();
  }

  /**
   * The device each message is about as far as it is known, without registering any: a failed
   * message's trace names it (an authenticated MQTT session's device, a DevEUI an envelope step
   * read). null where no device is named, none matches, or the database does not answer.
   */
  async identify(items: readonly Pick<StoreItem, 'message' | 'received'>[]): Promise<(string | null)[]> {
    const requests: MatchRequest[] = [];
    const at = items.map(({ message, received }) => {
      const drafts = new Map(message.measurements.flatMap((d) => (d.device ? [[refKey(d.device), d.device]] : [])));
      const ref = message.device ?? received.device ?? (drafts.size === 1 ? [...drafts.values()][0] : undefined);
      if (!ref) return undefined;
      requests.push({ orgId: message.orgId, ref, payload: received.payload });
      return requests.length - 1;
    });
    if (requests.length === 0) return items.map(() => null);
    const matches = await this.opts.devices.match(requests).catch(() => []);
    return at.map((i) => {
      const m = i === undefined ? undefined : matches[i];
      if (!m) return null;
      if ('deviceId' in m) return m.deviceId;
      // A disabled device is still the one the message is about.
      return m.error.code === 'DEVICE_DISABLED' && typeof m.error.details?.id === 'string' ? m.error.details.id : null;
    });
  }

  /** Checks the drafts and adds the message's device requests (one per distinct ref) to `requests`. */
  private plan(item: StoreItem, requests: MatchRequest[]): Plan {
    const { message: msg } = item;
    const drafts = msg.measurements;
    for (const [i, d] of drafts.entries()) {
      const error = checkDraft(msg, d, i, this.opts.measurements.insertValues !== undefined);
      if (error) return { drafts, draftRequest: [], messageRequest: undefined, error };
    }
    // The message's device when a draft relies on it (then an absent ref is a DEVICE_NOT_FOUND
    // naming nothing), or, without drafts, when it names one (a sign of life).
    let needsMessageDevice = drafts.length === 0 && msg.device !== undefined;
    let ownRefs = false;
    for (const d of drafts) {
      if (d.device === undefined) needsMessageDevice = true;
      else ownRefs = true;
    }
    const draftRequest: number[] = new Array(drafts.length);
    if (!ownRefs) {
      // Every draft is about the message's device (an envelope's uplink): one request, no look-up by ref.
      const messageRequest = needsMessageDevice ? addRequest(requests, item, msg.device ?? {}) : undefined;
      draftRequest.fill(messageRequest as number);
      return { drafts, draftRequest, messageRequest };
    }
    // One request per distinct ref of the message.
    const byRef = new Map<string, number>();
    const messageRequest = needsMessageDevice ? request(requests, byRef, item, msg.device ?? {}) : undefined;
    for (let i = 0; i < drafts.length; i++) {
      const ref = (drafts[i] as MeasurementDraft).device;
      draftRequest[i] = ref ? request(requests, byRef, item, ref) : (messageRequest as number);
    }
    return { drafts, draftRequest, messageRequest };
  }

  /**
   * Rows of the storable messages, datastreams resolved per device (cached): numbers for the
   * hot table, other values apart. A value whose kind is not its datastream's fails its
   * message (`p.error`), and none of that message's rows is answered.
   */
  private async rows(
    items: readonly StoreItem[],
    plans: readonly Plan[],
    storable: readonly number[],
    deviceOf: (req: number) => string | undefined,
  ): Promise<{ numbers: Measurement[]; values: ValueRow[] }> {
    // Per device: its datastream keys, and the (item, draft) index of each in two flat arrays.
    const groups = new Map<string, { orgId: string; deviceId: string; keys: DatastreamKey[]; item: number[]; draft: number[] }>();
    for (const i of storable) {
      const p = plans[i] as Plan;
      const msg = (items[i] as StoreItem).message;
      const drafts = p.drafts;
      for (let j = 0; j < drafts.length; j++) {
        const d = drafts[j] as MeasurementDraft;
        const deviceId = deviceOf(p.draftRequest[j] as number) as string;
        // A device id names one device of one organisation (the matcher answered it for msg.orgId).
        let g = groups.get(deviceId);
        if (!g) {
          g = { orgId: msg.orgId, deviceId, keys: [], item: [], draft: [] };
          groups.set(deviceId, g);
        }
        g.keys.push({ sensor: d.sensor, observedProperty: d.observedProperty, unit: d.unit, kind: valueKindOf(d.value) });
        g.item.push(i);
        g.draft.push(j);
      }
    }
    const now = this.opts.clock();
    // In group (device) order; each row's message is kept beside it, to drop it if that message fails.
    const numbers: Measurement[] = [];
    const numberOf: number[] = [];
    const values: ValueRow[] = [];
    const valueIndex: number[] = [];
    let failed = false;
    for (const g of groups.values()) {
      // Cached series are answered without a promise (one per device and batch otherwise).
      const series =
        this.opts.datastreams.cached?.(g.orgId, g.deviceId, g.keys) ??
        (await this.opts.datastreams.resolve(g.orgId, g.deviceId, g.keys, now));
      for (let n = 0; n < g.keys.length; n++) {
        const i = g.item[n] as number;
        const j = g.draft[n] as number;
        const msg = (items[i] as StoreItem).message;
        const d = msg.measurements[j] as MeasurementDraft;
        const s = series[n] as (typeof series)[number];
        const kind = g.keys[n]?.kind;
        if (s.kind !== kind) {
          const plan = plans[i] as Plan;
          failed = true;
          plan.error ??= invalid(
            `measurements.${j}.value`,
            `measurements.${j}.value ${describeValue(d.value)} (${KIND_ONE[kind ?? 'number']}) does not fit datastream ${s.id} ` +
              `(sensor ${d.sensor}, ${d.observedProperty}, unit "${d.unit}"), which holds ${KIND_NAMES[s.kind]}`,
          );
          continue;
        }
        const time = Math.round(draftTime(msg, d));
        if (kind === 'number') {
          numbers.push({ datastreamId: s.id, time, value: d.value as number });
          numberOf.push(i);
        } else {
          values.push({ datastreamId: s.id, time, value: d.value as NonNumericValue });
          valueIndex.push(i);
        }
      }
    }
    if (!failed) return { numbers, values };
    const ok = (i: number | undefined) => !plans[i as number]?.error;
    return { numbers: numbers.filter((_, n) => ok(numberOf[n])), values: values.filter((_, n) => ok(valueIndex[n])) };
  }
}
