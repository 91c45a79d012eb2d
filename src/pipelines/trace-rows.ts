/**
 * The traces table's rows as the hot path writes them: serialised once, in the upsert's column
 * order, for the SQLite and PostgreSQL upserts and for a measurement store that commits them with
 * the batch's measurements (MeasurementStore.insertWithTraces).
 */
import type { TraceRows } from '../measurements/measurements.js';
import type { TraceRecord, TraceStep } from './pipelines.js';

/** A step as stored when it has neither error nor logs (stepsText): worker, startedAt, durationMs. */
type StoredStep = TraceStep | [worker: string, startedAt: number, durationMs: number];

/**
 * A trace's steps as the `steps` column holds them (both databases): a step without error or logs
 * as `[worker, startedAt, durationMs]`, one with them as its object, each duration to the
 * microsecond. A stored uplink's three steps take about 100 bytes instead of 250, the largest
 * column of the row every uplink writes. Written out here rather than by `JSON.stringify` of
 * arrays made for it: 0.5 µs a trace instead of 0.9 (the lane's thread makes one per uplink).
 */
export function stepsText(steps: readonly TraceStep[]): string {
  let text = '[';
  for (const s of steps) {
    if (text.length > 1) text += ',';
    const durationMs = Math.round(s.durationMs * 1000) / 1000;
    text +=
      s.error || s.logs
        ? JSON.stringify({ ...s, durationMs })
        : `[${JSON.stringify(s.worker)},${jsonNumber(s.startedAt)},${jsonNumber(durationMs)}]`;
  }
  return `${text}]`;
}

/** A number as JSON writes it (`null` for NaN and the infinities). */
const jsonNumber = (n: number): string => (Number.isFinite(n) ? String(n) : 'null');

/** The steps of a `steps` column (stepsText's, or the objects every step was stored as before). */
export function stepsOf(text: string): TraceStep[] {
  return (JSON.parse(text) as StoredStep[]).map((s) =>
    Array.isArray(s) ? { worker: s[0], startedAt: s[1], durationMs: s[2] } : s,
  );
}

/**
 * A batch's traces as positional rows in the upsert's column order (id, org_id, pipeline_id,
 * device_id, status, received_at, finished_at, attempts, measurements, transport, steps, error,
 * message), the JSON columns serialised (the steps by stepsText): what the runner hands to a
 * measurement store that commits them with the measurements, and what the SQLite and PostgreSQL
 * upserts take. One row per id: a batch naming a trace twice keeps the last (PostgreSQL refuses
 * both in one statement).
 */
export function traceRows(traces: readonly TraceRecord[]): TraceRows {
  const rows = new Map<string, TraceRows[number]>();
  for (const t of traces)
    rows.set(t.id, [
      t.id,
      t.orgId,
      t.pipelineId,
      t.deviceId,
      t.status,
      t.receivedAt,
      t.finishedAt,
      t.attempts,
      t.measurements,
      JSON.stringify(t.transport),
      stepsText(t.steps),
      t.error === null ? null : JSON.stringify(t.error),
      t.message === null ? null : JSON.stringify(t.message),
    ]);
  return [...rows.values()];
}

/**
 * PostgreSQL's upsert of `traceRows` sent as one JSON parameter (`$1`), unpacked by the server.
 * The statement's text is the same for every batch (one plan), and nothing is built per value on
 * our side but `JSON.stringify`, where a multi-row VALUES bound 13 parameters per row (Kysely
 * compiling them, the driver preparing each). The JSON columns go as strings (JSON text inside
 * JSON), so the stored text is exactly the same as on SQLite. The parameter is read as `jsonb`,
 * parsed once: each `->>` of a `json` element scans its text again, 13 times a row, which made
 * the statement a third dearer (bench/trace-upsert-postgres.ts). Run by `write`, and by the
 * PostgreSQL measurement store in its transaction (insertWithTraces).
 */
export const POSTGRES_TRACE_UPSERT = `insert into traces (id, org_id, pipeline_id, device_id, status, received_at,
    finished_at, attempts, measurements, transport, steps, error, message)
  select e->>0, e->>1, e->>2, e->>3, e->>4, (e->>5)::bigint, (e->>6)::bigint, (e->>7)::int, (e->>8)::int, e->>9,
    e->>10, e->>11, e->>12
  from jsonb_array_elements($1::jsonb) as e
  on conflict (id) do update set device_id = excluded.device_id, status = excluded.status,
    finished_at = excluded.finished_at, attempts = excluded.attempts, measurements = excluded.measurements,
    transport = excluded.transport, steps = excluded.steps, error = excluded.error, message = excluded.message`;
