import type { Measurement } from '../measurements/measurements.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { DerivedDatastream, DerivedStore, DerivedWriter } from './derived.js';
import { derive, type Plan, planOf } from './derived-compute.js';

/** Rows read at most per computation (a 10-minute chunk of three 12 Hz inputs is 21,600). */
const READ_LIMIT = 500_000;
/** Catch-up (restart, backfill) reads the inputs this much at a time. */
const CHUNK_MS = 10 * 60_000;
/** Catch-up looks back at most this far. */
const MAX_CATCH_UP_MS = 7 * 86_400_000;

interface Entry {
  d: DerivedDatastream;
  plan: Plan;
  /** Window starts (or instant times) with new input since they were last computed. */
  dirty: Set<number>;
  /** Latest input time seen. */
  watermark: number;
  /** Where catch-up from stored input resumes; undefined once it passed `catchUpUntil`. */
  catchUpFrom: number | undefined;
  /** When this process began listening: input stored before then is only seen by catch-up. */
  catchUpUntil: number;
  progressChanged: boolean;
}

/**
 * Computes derived datastreams from stored input batches (MeasurementEvents, after commit).
 * Windows are computed from the inputs' stored rows once `latenessSeconds` after their end has
 * passed (by input time or by the clock); an input value arriving for a window already computed
 * marks it again and the recomputed value replaces the stored one. Progress (`doneUntil`) is
 * written every tick; after a restart the engine catches up from it with the stored inputs.
 */
export class DerivedEngine {
  private readonly entries = new Map<number, Entry>();
  private readonly byInput = new Map<number, Entry[]>();
  private queue: Promise<void> = Promise.resolve();
  private pending = false;

  constructor(
    private readonly store: DerivedStore,
    private readonly writer: DerivedWriter,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async load(): Promise<void> {
    for (const d of await this.store.all()) this.add(d);
  }

  /** A definition was created or changed: (re)start it from its `doneUntil`. */
  set(d: DerivedDatastream): void {
    this.remove(d.datastreamId);
    this.add(d);
    this.schedule();
  }

  remove(datastreamId: number): void {
    const e = this.entries.get(datastreamId);
    if (!e) return;
    this.entries.delete(datastreamId);
    for (const id of e.plan.ids) {
      const list = (this.byInput.get(id) ?? []).filter((x) => x !== e);
      if (list.length > 0) this.byInput.set(id, list);
      else this.byInput.delete(id);
    }
  }

  private add(d: DerivedDatastream): void {
    let plan: Plan;
    try {
      plan = planOf(d.definition);
    } catch (err) {
      this.logger.error({ err, datastreamId: d.datastreamId }, 'derived datastream definition unusable; skipped');
      return;
    }
    const e: Entry = {
      d,
      plan,
      dirty: new Set(),
      watermark: 0,
      catchUpFrom: Math.max(d.doneUntil, this.clock() - MAX_CATCH_UP_MS),
      catchUpUntil: this.clock(),
      progressChanged: false,
    };
    this.entries.set(d.datastreamId, e);
    for (const id of new Set(plan.ids)) {
      const list = this.byInput.get(id) ?? [];
      list.push(e);
      this.byInput.set(id, list);
    }
  }

  /** MeasurementEvents listener: marks what the batch touched; the computation runs queued. */
  readonly onStored = (rows: readonly Measurement[]): void => {
    let touched = false;
    for (const r of rows) {
      const list = this.byInput.get(r.datastreamId);
      if (!list) continue;
      for (const e of list) {
        const w = e.plan.windowMs;
        e.dirty.add(w ? r.time - (r.time % w) : r.time);
        if (r.time > e.watermark) e.watermark = r.time;
        touched = true;
      }
    }
    if (touched) this.schedule();
  };

  /** The clock's turn: windows closed by time, catch-up, progress written. */
  async tick(): Promise<void> {
    this.schedule();
    await this.idle();
    await this.flush();
  }

  /** Resolves when everything queued so far is computed and written. */
  idle(): Promise<void> {
    return this.queue;
  }

  async flush(): Promise<void> {
    const changed = [...this.entries.values()].filter((e) => e.progressChanged);
    for (const e of changed) e.progressChanged = false;
    await this.store.saveProgress(changed.map((e) => ({ datastreamId: e.d.datastreamId, doneUntil: e.d.doneUntil })));
  }

  private schedule(): void {
    if (this.pending) return;
    this.pending = true;
    this.queue = this.queue
      .then(async () => {
        this.pending = false;
        for (const e of [...this.entries.values()]) {
          try {
            await this.run(e);
          } catch (err) {
            this.logger.error({ err, datastreamId: e.d.datastreamId }, 'derived datastream computation failed');
          }
        }
      })
      .catch((err: unknown) => this.logger.error({ err }, 'derived engine failed'));
  }

  private async run(e: Entry): Promise<void> {
    const now = this.clock();
    const horizon = Math.max(e.watermark, now) - e.plan.latenessMs;
    const w = e.plan.windowMs;
    const doneBefore = e.d.doneUntil;
    if (e.catchUpFrom !== undefined) await this.catchUp(e, horizon);
    if (e.dirty.size === 0) return;
    const ready = [...e.dirty].filter((k) => (w ? k + w <= horizon : true)).sort((a, b) => a - b);
    if (ready.length === 0) return;
    const from = ready[0] as number;
    const to = (ready[ready.length - 1] as number) + (w ?? 1);
    const rows = await this.writer.readRaw(
      e.plan.ids.map((id) => ({ datastreamId: id, from, to })),
      READ_LIMIT,
    );
    const wanted = new Set(ready);
    const out = derive(e.plan, rows).filter((p) => wanted.has(p.time));
    const made = new Set(out.map((p) => p.time));
    for (const k of ready) {
      // An instant still missing an input waits for it until the lateness has passed.
      if (!w && !made.has(k) && k > horizon) continue;
      e.dirty.delete(k);
    }
    const id = e.d.datastreamId;
    const fresh: Measurement[] = [];
    const recomputed: Measurement[] = [];
    for (const p of out) {
      const row = { datastreamId: id, time: p.time, value: p.value };
      if (w && p.time < doneBefore) recomputed.push(row);
      else fresh.push(row);
    }
    if (fresh.length > 0) await this.writer.insert(fresh);
    if (recomputed.length > 0) await this.writer.replace(recomputed);
    this.advance(e, to);
  }

  /** Computes from stored input what came while this process was not listening. */
  private async catchUp(e: Entry, horizon: number): Promise<void> {
    const w = e.plan.windowMs;
    let from = e.catchUpFrom as number;
    if (w) from -= from % w;
    const end = w ? horizon - (horizon % w) : horizon;
    const chunk = w ? Math.max(w, CHUNK_MS - (CHUNK_MS % w)) : CHUNK_MS;
    while (from < end) {
      const to = Math.min(end, from + chunk);
      const rows = await this.writer.readRaw(
        e.plan.ids.map((id) => ({ datastreamId: id, from, to })),
        READ_LIMIT,
      );
      const out = derive(e.plan, rows);
      // Insert only: a value stored before stays (replacements come from dirty windows).
      if (out.length > 0)
        await this.writer.insert(out.map((p) => ({ datastreamId: e.d.datastreamId, time: p.time, value: p.value })));
      this.advance(e, to);
      from = to;
    }
    // Past (not at) the moment it began listening: a row stored at exactly that time is included.
    e.catchUpFrom = from > e.catchUpUntil ? undefined : from;
  }

  private advance(e: Entry, to: number): void {
    if (to <= e.d.doneUntil) return;
    e.d.doneUntil = to;
    e.progressChanged = true;
  }
}
