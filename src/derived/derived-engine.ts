import type { Measurement } from '../measurements/measurements.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { DerivedDatastream, DerivedStore, DerivedWriter } from './derived.js';
import { derive, type Plan, type Point, planOf } from './derived-compute.js';

/** Rows read at most per computation (a 10-minute chunk of three 12 Hz inputs is 21,600). */
const READ_LIMIT = 500_000;
/** Catch-up (restart, backfill, recompute) and recomputed windows read the inputs this much at a time. */
const CHUNK_MS = 10 * 60_000;
const END_OF_TIME = Number.MAX_SAFE_INTEGER;
/** Catch-up chunks per series and turn: a long recompute lets the other series (and changes) through between turns. */
const CHUNKS_PER_TURN = 12;

interface Entry {
  d: DerivedDatastream;
  plan: Plan;
  /** Window starts (or instant times) with new input since they were last computed. */
  dirty: Set<number>;
  /** Window starts (or instant times) whose input values were replaced: their value is replaced too. */
  replaced: Set<number>;
  /** Latest input time seen. */
  watermark: number;
  /** Where catch-up from stored input resumes; undefined once it passed `catchUpUntil`. */
  catchUpFrom: number | undefined;
  /** Catch-up runs until past this time: when this process began listening, or the last input of a recompute. */
  catchUpUntil: number;
  /** Catch-up below this time recomputes history after a change: stored without announcing it. */
  quietUntil: number;
  progressChanged: boolean;
}

/**
 * Computes derived datastreams from stored input batches (MeasurementEvents, after commit).
 * Windows are computed from the inputs' stored rows once `latenessSeconds` after their end has
 * passed (by input time or by the clock); an input value arriving for a window already computed
 * marks it again and the recomputed value replaces the stored one. Progress (`doneUntil`) is
 * written every tick; after a restart the engine catches up from it with the stored inputs,
 * replacing what is stored from there (MeasurementStore.replace), so the series is exactly what
 * the definition computes. A changed definition (`redefine`) recomputes the whole series that way.
 *
 * The engine's own writes reach the series derived from them directly (not through the events
 * it announces them with), so a replaced value replaces what was derived from it.
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
    // Input stored before this process listened may lie ahead of its clock (a device's clock,
    // replayed history): it is seen input (watermark), and catch-up runs through it.
    const ids = [...this.byInput.keys()];
    if (ids.length === 0) return;
    const lasts = await this.writer.readRaw(
      ids.map((datastreamId) => ({ datastreamId, from: 0, to: END_OF_TIME })),
      'desc',
      ids.length,
      1,
    );
    for (const r of lasts) {
      for (const e of this.byInput.get(r.datastreamId) ?? []) {
        e.watermark = Math.max(e.watermark, r.time);
        e.catchUpUntil = Math.max(e.catchUpUntil, r.time);
      }
    }
  }

  /**
   * Follows definitions changed elsewhere: created or changed by another process, or gone with
   * their datastream (the table's foreign key cascades).
   */
  reload(): Promise<void> {
    this.queue = this.queue.then(async () => {
      const all = await this.store.all();
      const ids = new Set(all.map((d) => d.datastreamId));
      for (const id of [...this.entries.keys()]) if (!ids.has(id)) this.remove(id);
      for (const d of all) {
        const e = this.entries.get(d.datastreamId);
        if (!e || e.d.updatedAt < d.updatedAt) this.set(d);
      }
    });
    return this.queue;
  }

  /** A definition was created (or changed elsewhere): (re)start it from its `doneUntil`. */
  set(d: DerivedDatastream): void {
    this.remove(d.datastreamId);
    this.add(d);
    this.schedule();
  }

  /**
   * A definition changed: its whole series is recomputed from the stored inputs. Computation
   * restarts at the earliest stored input or value of the series (`doneUntil` reset there), values
   * of windows not closed yet go now, and catch-up replaces the rest chunk by chunk, without
   * announcing history (windows closing from now on are announced as usual). Stores `d` with the
   * reset `doneUntil` and answers it.
   */
  redefine(d: DerivedDatastream): Promise<DerivedDatastream> {
    const done = this.queue.then(async () => {
      this.remove(d.datastreamId);
      const plan = planOf(d.definition);
      const w = plan.windowMs ?? 1;
      const everything = (ids: number[]) => ids.map((id) => ({ datastreamId: id, from: 0, to: END_OF_TIME }));
      const firsts = await this.writer.readRaw(everything([...plan.ids, d.datastreamId]), 'asc', plan.ids.length + 1, 1);
      const lasts = await this.writer.readRaw(everything(plan.ids), 'desc', plan.ids.length, 1);
      const now = this.clock();
      let start = Math.min(d.doneUntil, ...firsts.map((r) => r.time));
      start -= start % w;
      const lastInput = lasts.length > 0 ? Math.max(...lasts.map((r) => r.time)) : undefined;
      // Windows not closed yet (and anything past the last input) are computed when they close:
      // what the old definition stored there goes now.
      const horizon = Math.max(lastInput ?? 0, now) - plan.latenessMs;
      const tail = Math.max(start, horizon - (horizon % w));
      await this.writer.replace(d.datastreamId, tail, END_OF_TIME, [], false);
      const pastLast = lastInput === undefined ? tail : lastInput - (lastInput % w) + w;
      const redefined = { ...d, doneUntil: start };
      await this.store.put(redefined);
      const e = this.add({ ...redefined });
      if (e) {
        e.catchUpUntil = Math.max(now, pastLast - 1);
        e.watermark = lastInput ?? 0;
        e.quietUntil = now - plan.latenessMs;
      }
      this.schedule();
      return redefined;
    });
    this.queue = done.then(
      () => undefined,
      () => undefined,
    );
    return done;
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

  private add(d: DerivedDatastream): Entry | undefined {
    let plan: Plan;
    try {
      plan = planOf(d.definition);
    } catch (err) {
      this.logger.error({ err, datastreamId: d.datastreamId }, 'derived datastream definition unusable; skipped');
      return undefined;
    }
    const e: Entry = {
      d,
      plan,
      dirty: new Set(),
      replaced: new Set(),
      watermark: 0,
      catchUpFrom: d.doneUntil,
      catchUpUntil: this.clock(),
      quietUntil: 0,
      progressChanged: false,
    };
    this.entries.set(d.datastreamId, e);
    for (const id of new Set(plan.ids)) {
      const list = this.byInput.get(id) ?? [];
      list.push(e);
      this.byInput.set(id, list);
    }
    return e;
  }

  /**
   * MeasurementEvents listener: marks what the batch touched; the computation runs queued.
   * Rows of series derived here were marked when written (`mark`) and are skipped.
   */
  readonly onStored = (rows: readonly Measurement[]): void => {
    if (this.mark(rows, 'dirty', true)) this.schedule();
  };

  private mark(rows: readonly Measurement[], as: 'dirty' | 'replaced', skipOwn = false): boolean {
    let touched = false;
    for (const r of rows) {
      const list = this.byInput.get(r.datastreamId);
      if (!list || (skipOwn && this.entries.has(r.datastreamId))) continue;
      for (const e of list) {
        const w = e.plan.windowMs;
        e[as].add(w ? r.time - (r.time % w) : r.time);
        if (r.time > e.watermark) e.watermark = r.time;
        touched = true;
      }
    }
    return touched;
  }

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
    if (e.catchUpFrom !== undefined) await this.catchUp(e, horizon);
    if (e.dirty.size === 0 && e.replaced.size === 0) return;
    const doneBefore = e.d.doneUntil;
    const ready = (keys: Set<number>) => {
      const out: number[] = [];
      for (const k of keys) {
        if (w && k + w > horizon) continue;
        // Catch-up has yet to reach it and computes it from the stored input.
        if (e.catchUpFrom !== undefined && k >= doneBefore && k < e.catchUpUntil) {
          keys.delete(k);
          continue;
        }
        out.push(k);
      }
      return out.sort((a, b) => a - b);
    };
    const fresh = ready(e.dirty);
    const replaced = ready(e.replaced);
    for (const k of replaced) e.replaced.delete(k);
    const width = w ?? 1;
    // Windows computed before (late data) and values whose input was replaced: their stored range
    // is replaced, a chunk at a time (a late value an hour back beside the present reads two short
    // ranges, not the hour between them).
    const again = w
      ? mergeSorted(
          replaced,
          fresh.filter((k) => k < doneBefore),
        )
      : replaced;
    for (const [from, to] of clusters(again, width)) {
      const rows = await this.read(e, from, to);
      const out = derive(e.plan, rows).map((p) => ({ datastreamId: e.d.datastreamId, time: p.time, value: p.value }));
      this.mark(await this.writer.replace(e.d.datastreamId, from, to, out, true), 'replaced');
      for (const k of fresh) if (k >= from && k < to) e.dirty.delete(k);
      this.advance(e, to);
    }
    // New windows (and instants) are inserted; an instant computed before stays (its inputs are stored once).
    const first = fresh.filter((k) => e.dirty.has(k) && (!w || k >= doneBefore));
    if (first.length === 0) return;
    const wanted = new Set(first);
    const out: Point[] = [];
    for (const [from, to] of clusters(first, width)) {
      for (const p of derive(e.plan, await this.read(e, from, to))) if (wanted.has(p.time)) out.push(p);
    }
    const made = new Set(out.map((p) => p.time));
    for (const k of first) {
      // An instant still missing an input waits for it until the lateness has passed.
      if (!w && !made.has(k) && k > horizon) continue;
      e.dirty.delete(k);
    }
    if (out.length > 0) {
      const stored = await this.writer.insert(out.map((p) => ({ datastreamId: e.d.datastreamId, time: p.time, value: p.value })));
      this.mark(stored, 'dirty');
    }
    this.advance(e, (first[first.length - 1] as number) + width);
  }

  private read(e: Entry, from: number, to: number): Promise<Measurement[]> {
    return this.writer.readRaw(
      e.plan.ids.map((id) => ({ datastreamId: id, from, to })),
      'asc',
      READ_LIMIT,
    );
  }

  /**
   * Computes from stored input what came while this process was not listening (or all of it,
   * after a change): each chunk's stored values are replaced by what the inputs give; a stretch
   * without input is emptied in one step.
   */
  private async catchUp(e: Entry, horizon: number): Promise<void> {
    const w = e.plan.windowMs;
    let from = e.catchUpFrom as number;
    if (w) from -= from % w;
    const end = w ? horizon - (horizon % w) : horizon;
    const chunk = w ? Math.max(w, CHUNK_MS - (CHUNK_MS % w)) : CHUNK_MS;
    const id = e.d.datastreamId;
    for (let chunks = 0; from < end; chunks++) {
      if (chunks === CHUNKS_PER_TURN) {
        // The rest on the next turn, queued right behind this one.
        e.catchUpFrom = from;
        this.schedule();
        return;
      }
      let to = Math.min(end, from + chunk);
      const rows = await this.read(e, from, to);
      if (rows.length === 0 && to < end) {
        const next = await this.writer.readRaw(
          e.plan.ids.map((datastreamId) => ({ datastreamId, from: to, to: end })),
          'asc',
          e.plan.ids.length,
          1,
        );
        const t = next.length > 0 ? Math.min(...next.map((r) => r.time)) : end;
        to = Math.max(to, w ? t - (t % w) : t);
      }
      const out = derive(e.plan, rows).map((p) => ({ datastreamId: id, time: p.time, value: p.value }));
      this.mark(await this.writer.replace(id, from, to, out, to > e.quietUntil), 'replaced');
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

function mergeSorted(a: readonly number[], b: readonly number[]): number[] {
  return [...new Set([...a, ...b])].sort((x, y) => x - y);
}

/** Sorted keys → [from, to) ranges covering them, merging keys closer than a chunk into ranges of at most a chunk (or a window). */
function clusters(keys: readonly number[], width: number): [number, number][] {
  const out: [number, number][] = [];
  for (const k of keys) {
    const last = out[out.length - 1];
    if (last && k - last[1] < CHUNK_MS && k + width - last[0] <= CHUNK_MS) last[1] = k + width;
    else out.push([k, k + width]);
  }
  return out;
}
