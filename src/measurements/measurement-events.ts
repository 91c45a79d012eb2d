import type { Measurement, ValueRow } from './measurements.js';

export type MeasurementListener = (rows: readonly Measurement[]) => void;
/** Non-numeric values (text, booleans, JSON) stored now, apart from the numeric hot path. */
export type ValueListener = (rows: readonly ValueRow[]) => void;

/**
 * In-process fan-out of stored measurements: the service emits each batch after it commits
 * (only rows inserted now, never redelivered ones). Live values (SSE) and MQTT republish
 * subscribe here. Listeners run synchronously, so they must be quick and must not throw;
 * one that throws is reported to `onError` and the others still run.
 */
export class MeasurementEvents {
  private readonly listeners = new Set<MeasurementListener>();

  constructor(private readonly onError: (err: unknown) => void = () => {}) {}

  /** Calls `listener` with every stored batch until the returned function is called. */
  subscribe(listener: MeasurementListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  private readonly valueListeners = new Set<ValueListener>();

  /** Calls `listener` with every stored batch of non-numeric values until the returned function is called. */
  subscribeValues(listener: ValueListener): () => void {
    this.valueListeners.add(listener);
    return () => {
      this.valueListeners.delete(listener);
    };
  }

  emitValues(rows: readonly ValueRow[]): void {
    if (rows.length === 0) return;
    for (const listener of this.valueListeners) {
      try {
        listener(rows);
      } catch (err) {
        this.onError(err);
      }
    }
  }

  emit(rows: readonly Measurement[]): void {
    if (rows.length === 0) return;
    for (const listener of this.listeners) {
      try {
        listener(rows);
      } catch (err) {
        this.onError(err);
      }
    }
  }
}
