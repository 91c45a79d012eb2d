import type { Clock } from '../shared/clock.js';
import { invalid, notFound } from '../shared/errors.js';
import type { Page, PageRequest } from '../shared/page.js';
import { describeValue, valueKindOf } from '../shared/values.js';
import type { Principal } from '../tenancy/tenancy.js';
import { requireScope } from '../tenancy/tenancy.service.js';
import type { MeasurementEvents } from './measurement-events.js';
import type { ExportColumns } from './measurement-export.js';
import { aggregatedPage, rawPage, rawSeriesPage, rowsOf, type SeriesPage, seriesOf } from './measurement-pages.js';
import {
  autoInterval,
  type IntervalName,
  type MeasurementQueryInput,
  parseDatastreamIds,
  parseRfc3339,
  type ResolvedQuery,
} from './measurement-query.js';
import type {
  DatastreamRef,
  Measurement,
  MeasurementStore,
  RollupSize,
  Row,
  StreamLabels,
  TraceRows,
  ValueRow,
} from './measurements.js';

/**
 * Rows per read when exporting: enough to amortise a query (about 1 ms here), few enough that
 * a chunk is garbage before the next young-generation collection (10k-row chunks were
 * promoted while the socket drained and piled up in the old generation between major GCs).
 */
export const EXPORT_CHUNK = 2000;

export interface MeasurementSettings {
  /** Days rollups of each size are kept; 0 keeps them forever. */
  rollupRetentionDays: Record<RollupSize, number>;
}

/** Hooks for metrics; the service knows nothing of Prometheus. */
export interface MeasurementObserver {
  stored(offered: number, inserted: number, seconds: number): void;
}

export type { ResolvedQuery };

export interface QueryResult extends Page<Row> {
  /** The interval used (the one `auto` chose), when aggregating. */
  interval?: IntervalName | undefined;
}

/** A page of a query with its rows grouped by datastream, as columns. */
export interface SeriesResult extends SeriesPage {
  interval?: IntervalName | undefined;
}

export interface LatestValue {
  datastream: DatastreamRef;
  time: number | null;
  value: Row['value'] | null;
}

/**
 * Stores measurements and answers them back: raw ranges, aggregates served from rollups,
 * latest values, exports and live subscriptions. Every read is scoped to the caller's
 * organisation; a datastream, device or sensor of another organisation is not found.
 */
export class MeasurementService {
  constructor(
    private readonly store: MeasurementStore,
    readonly events: MeasurementEvents,
    private readonly clock: Clock,
    private readonly settings: MeasurementSettings,
    private readonly observer?: MeasurementObserver,
  ) {}

  /** Whether `insert` can commit a batch's trace rows in the measurements' transaction (SQLite). */
  get takesTraces(): boolean {
    return this.store.insertWithTraces !== undefined;
  }

  /**
   * Stores a batch (the pipeline's store step calls this; it has already matched the rows to
   * datastreams of the message's organisation) and tells subscribers about the rows that were
   * new. Answers those rows: a redelivered measurement is stored and announced once. `traces`
   * (only where `takesTraces`): the batch's trace rows, committed in the same transaction.
   */
  async insert(rows: readonly Measurement[], traces?: TraceRows): Promise<Measurement[]> {
    rows.forEach(checkRow);
    const started = performance.now();
    let inserted: Measurement[];
    if (traces === undefined) inserted = await this.store.insert(rows);
    else if (this.store.insertWithTraces) inserted = await this.store.insertWithTraces(rows, traces);
    else throw new Error('this measurement store does not write traces (see takesTraces)');
    this.announce(rows.length, inserted, (performance.now() - started) / 1000);
    return inserted;
  }

  /**
   * Counts and announces rows committed: by `insert`, or by the SQLite writer thread for the
   * uplinks it decoded itself (pipelines/writer-lane.ts). `inserted`: those of the `offered` that were new.
   */
  announce(offered: number, inserted: readonly Measurement[], seconds: number): void {
    this.observer?.stored(offered, inserted.length, seconds);
    this.events.emit(inserted);
  }

  /**
   * Stores non-numeric values (text, booleans, JSON) of datastreams of those kinds, apart from
   * the numeric hot table; answers the rows new now, which `events.subscribeValues` listeners
   * (SensorThings MQTT) hear of. Live subscribers hear of numbers only.
   */
  async insertValues(rows: readonly ValueRow[]): Promise<ValueRow[]> {
    rows.forEach(checkValueRow);
    const inserted = await this.store.insertValues(rows);
    this.events.emitValues(inserted);
    return inserted;
  }

  async query(caller: Principal, input: MeasurementQueryInput, page: PageRequest): Promise<QueryResult> {
    const { series, ...rest } = await this.querySeries(caller, input, page);
    return { items: rowsOf(series), ...rest };
  }

  /**
   * The same page as `query`, its rows grouped by datastream as columns (times, values): large
   * pages are read and written without an object per row.
   */
  async querySeries(caller: Principal, input: MeasurementQueryInput, page: PageRequest): Promise<SeriesResult> {
    const q = await this.resolve(caller, input, page.limit);
    if (q.interval) {
      if (page.count) throw invalid('count', 'count is only available for raw measurements (without interval)');
      const settings = { now: this.clock(), rollupRetentionDays: this.settings.rollupRetentionDays };
      const { items, next } = await aggregatedPage(this.store, q, page, settings);
      return { series: seriesOf(items), next, interval: q.interval };
    }
    return rawSeriesPage(this.store, q, page);
  }

  /**
   * Checks the query now (so errors are answered before a byte is streamed) and answers the
   * chunks of rows it would return, read lazily: memory stays flat however many rows there are.
   */
  async openExport(
    caller: Principal,
    input: MeasurementQueryInput,
    columns: ExportColumns = 'full',
  ): Promise<{ labels: Map<number, StreamLabels> | undefined; chunks: AsyncIterable<Row[]> }> {
    const q = await this.resolve(caller, input, EXPORT_CHUNK);
    // One lookup for every datastream of the export, not one per row.
    const labels =
      columns === 'full'
        ? await this.store.labelsOf(
            caller.orgId,
            q.streams.map((s) => s.id),
          )
        : undefined;
    const read = (cursor: string | undefined) => {
      const page = { limit: EXPORT_CHUNK, cursor };
      if (!q.interval) return rawPage(this.store, q, page);
      return aggregatedPage(this.store, q, page, { now: this.clock(), rollupRetentionDays: this.settings.rollupRetentionDays });
    };
    const chunks = (async function* () {
      let cursor: string | undefined;
      do {
        const page: Page<Row> = await read(cursor);
        if (page.items.length > 0) yield page.items;
        cursor = page.next ?? undefined;
      } while (cursor);
    })();
    return { labels, chunks };
  }

  async latestOfDatastream(caller: Principal, id: string): Promise<LatestValue> {
    requireScope(caller, 'measurements:read');
    const [stream] = await this.store.findDatastreams(caller.orgId, { ids: parseIdParam(id) });
    if (!stream) throw notFound('datastream', id);
    return (await this.latestOf([stream]))[0] as LatestValue;
  }

  async latestOfDevice(caller: Principal, device: string): Promise<LatestValue[]> {
    requireScope(caller, 'measurements:read');
    const deviceId = await this.store.findDeviceId(caller.orgId, device);
    if (!deviceId) throw notFound('device', device);
    return this.latestOf(await this.store.findDatastreams(caller.orgId, { deviceId }));
  }

  private async latestOf(streams: DatastreamRef[]): Promise<LatestValue[]> {
    const range = (s: DatastreamRef) => ({ datastreamId: s.id, from: 0, to: Number.MAX_SAFE_INTEGER });
    const numbers = streams.filter((s) => s.valueKind === 'number').map(range);
    const others = streams.filter((s) => s.valueKind !== 'number').map(range);
    const rows: Row[] = [
      ...(numbers.length > 0 ? await this.store.readRaw(numbers, 'desc', numbers.length, 1) : []),
      ...(others.length > 0 ? await this.store.readValues(others, 'desc', others.length, 1) : []),
    ];
    const byId = new Map(rows.map((r) => [r.datastreamId, r]));
    return streams.map((s) => ({ datastream: s, time: byId.get(s.id)?.time ?? null, value: byId.get(s.id)?.value ?? null }));
  }

  /**
   * Calls `deliver` with the caller's stored rows of the given datastreams or device until the
   * returned function is called. A device's datastreams created after subscribing are picked
   * up: a datastream id above any seen so far makes the subscription look the device up again.
   */
  async subscribe(
    caller: Principal,
    input: { datastream?: string[] | undefined; device?: string | undefined },
    deliver: (rows: Measurement[]) => void,
  ): Promise<{ datastreams: number[]; unsubscribe: () => void }> {
    requireScope(caller, 'measurements:read');
    const hasIds = (input.datastream?.length ?? 0) > 0;
    if (hasIds === (input.device !== undefined)) throw invalid('datastream', 'give either datastream or device');
    let ids: Set<number>;
    let refresh: (() => Promise<Set<number>>) | undefined;
    if (input.device !== undefined) {
      const deviceId = await this.store.findDeviceId(caller.orgId, input.device);
      if (!deviceId) throw notFound('device', input.device);
      refresh = async () => new Set((await this.store.findDatastreams(caller.orgId, { deviceId })).map((s) => s.id));
      ids = await refresh();
    } else {
      ids = new Set((await this.resolveStreams(caller, { datastream: input.datastream })).map((s) => s.id));
    }
    let highest = Math.max(0, ...ids);
    let chain = Promise.resolve();
    const unsubscribe = this.events.subscribe((rows) => {
      let newest = 0;
      if (refresh) for (const r of rows) if (r.datastreamId > newest) newest = r.datastreamId;
      if (refresh && newest > highest) {
        highest = newest;
        const again = refresh;
        chain = chain.then(async () => {
          ids = await again();
        });
      }
      chain = chain
        .then(() => {
          const mine = rows.filter((r) => ids.has(r.datastreamId));
          if (mine.length > 0) deliver(mine);
        })
        .catch(() => {});
    });
    return { datastreams: [...ids], unsubscribe };
  }

  /** Parameters checked, datastreams resolved in the caller's organisation (404 for unknown ones). */
  async resolve(caller: Principal, input: MeasurementQueryInput, limit: number): Promise<ResolvedQuery> {
    requireScope(caller, 'measurements:read');
    const start = input.start === undefined ? 0 : parseRfc3339('start', input.start);
    const end = input.end === undefined ? Number.MAX_SAFE_INTEGER : parseRfc3339('end', input.end);
    if (start > end) throw invalid('start', 'start must not be after end');
    if (input.agg !== undefined && input.interval === undefined) throw invalid('agg', 'agg needs an interval');
    let interval: IntervalName | undefined;
    if (input.interval === 'auto') {
      if (input.start === undefined) throw invalid('start', 'interval=auto needs start');
      const until = input.end === undefined ? Math.max(this.clock(), start) : end;
      interval = autoInterval(until - start, limit);
    } else interval = input.interval;
    const streams = await this.resolveStreams(caller, input);
    return { streams, start, end, order: input.order ?? 'asc', interval, agg: input.agg ?? 'avg' };
  }

  private async resolveStreams(caller: Principal, input: MeasurementQueryInput): Promise<DatastreamRef[]> {
    const org = caller.orgId;
    let deviceId: string | undefined;
    let sensorId: string | undefined;
    if (input.device !== undefined) {
      deviceId = await this.store.findDeviceId(org, input.device);
      if (!deviceId) throw notFound('device', input.device);
    }
    if (input.sensor !== undefined) {
      sensorId = await this.store.findSensorId(org, input.sensor);
      if (!sensorId) throw notFound('sensor', input.sensor);
    }
    const filter = { deviceId, sensorId, observedProperty: input.observedProperty };
    if (!input.datastream?.length) return this.store.findDatastreams(org, filter);
    // Named datastreams must exist in the organisation; the other filters then narrow them.
    const ids = parseDatastreamIds(input.datastream);
    const found = await this.store.findDatastreams(org, { ids });
    const known = new Set(found.map((s) => s.id));
    const missing = ids.find((id) => !known.has(id));
    if (missing !== undefined) throw notFound('datastream', missing);
    return found.filter(
      (s) =>
        (deviceId === undefined || s.deviceId === deviceId) &&
        (sensorId === undefined || s.sensorId === sensorId) &&
        (input.observedProperty === undefined || s.observedProperty === input.observedProperty),
    );
  }
}

function checkRow(r: Measurement, i: number): void {
  if (!Number.isSafeInteger(r.datastreamId) || r.datastreamId < 1) {
    throw invalid(`rows[${i}].datastreamId`, 'datastream ids are positive integers');
  }
  if (!Number.isSafeInteger(r.time) || r.time < 0) {
    throw invalid(`rows[${i}].time`, 'times are integer Unix milliseconds from 1970 on');
  }
  if (typeof r.value !== 'number' || !Number.isFinite(r.value)) throw invalid(`rows[${i}].value`, 'values are finite numbers');
}

function checkValueRow(r: ValueRow, i: number): void {
  checkRow({ datastreamId: r.datastreamId, time: r.time, value: 0 }, i);
  const kind = valueKindOf(r.value);
  if (kind === undefined || kind === 'number') {
    throw invalid(`rows[${i}].value`, `values here are text, booleans or JSON, not ${describeValue(r.value)}`);
  }
}

/** A datastream id from a path: anything but a positive integer names no datastream. */
function parseIdParam(id: string): number[] {
  return /^\d{1,15}$/.test(id) && Number(id) > 0 ? [Number(id)] : [];
}
