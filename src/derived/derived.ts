/** Derived datastreams: types and the ports the derived domain needs. */
import type { Measurement, Order, Range } from '../measurements/measurements.js';

export const WINDOW_AGGREGATES = ['mean', 'min', 'max', 'stddev', 'sum', 'count', 'first', 'last'] as const;
export type WindowAggregate = (typeof WINDOW_AGGREGATES)[number];

/**
 * How a derived datastream is computed: the expression (default: the single input) at every
 * time all inputs have a value, then, with `window`, one aggregate per tumbling window (start =
 * window start, UTC-aligned), then `convert`.
 */
export interface DerivedDefinition {
  /** Names usable in the expression → datastream ids of the same organisation. */
  inputs: Record<string, number>;
  window: { seconds: number; aggregate: WindowAggregate } | null;
  expression: string | null;
  convert: { from: string; to: string } | null;
  /** A window is computed once this long after its end (data later than that recomputes it). */
  latenessSeconds: number;
  /** On creation, compute this far back from the inputs' stored history. */
  backfillSeconds: number;
}

export interface DerivedDatastream {
  datastreamId: number;
  orgId: string;
  definition: DerivedDefinition;
  /** Everything before this time (Unix ms) has been computed. */
  doneUntil: number;
  createdAt: number;
  updatedAt: number;
}

/** Where definitions and their progress are kept. */
export interface DerivedStore {
  all(): Promise<DerivedDatastream[]>;
  find(orgId: string, datastreamId: number): Promise<DerivedDatastream | undefined>;
  /** Inserts or replaces the definition of a datastream. */
  put(d: DerivedDatastream): Promise<void>;
  remove(orgId: string, datastreamId: number): Promise<boolean>;
  saveProgress(progress: { datastreamId: number; doneUntil: number }[]): Promise<void>;
  /** The organisation's numeric datastreams among `ids` (id → unit). */
  numericStreams(orgId: string, ids: number[]): Promise<Map<number, { unit: string; valueKind: string }>>;
}

/** How derived values reach storage: new ones through the measurement service, recomputed ones replace. */
export interface DerivedWriter {
  /** Stores values not stored before and announces them as any stored batch; answers those stored now. */
  insert(rows: Measurement[]): Promise<Measurement[]>;
  /**
   * Replaces the stored values of a derived datastream in [from, to) by `rows`
   * (MeasurementStore.replace: values the computation no longer gives go, rollups rebuilt);
   * announces the stored rows when `announce` (not for history recomputed after a change).
   */
  replace(datastreamId: number, from: number, to: number, rows: Measurement[], announce: boolean): Promise<Measurement[]>;
  /** MeasurementStore.readRaw. */
  readRaw(ranges: Range[], order: Order, limit: number, limitEach?: number): Promise<Measurement[]>;
}
