/**
 * How far V8's old generation grows before its next full collection, chosen by load. Polder's
 * entry points start Node with `--heap-growing-percent=30`: the heap stays close to what is live,
 * which keeps 10,000 idle boards under 300 MiB. Under a stream of uplinks the thousand in flight
 * are promoted and that 30 % fills within a second, so full collections come every ~250 ms; raised,
 * they take 10–19 % less CPU per uplink (docs/benchmarks.md, "The old generation's growth, by load").
 * So while uplinks arrive fast the factor is raised, and once they calm down it goes back; the
 * next full collection sets the heap's limit from it. V8 reads the flag each time it sets that
 * limit, so `v8.setFlagsFromString` takes effect at run time (Node leaves its flags unfrozen).
 * One per process: the flag is the process's (`polder serve` and the roles start it).
 */
import v8 from 'node:v8';

export interface HeapGrowthOptions {
  /** Uplinks accepted so far by this process (a counter that only grows). */
  uplinks: () => number;
  /** The percent at rest: the process's own flag (heapGrowingPercentOf(process.execArgv)); 0 is V8's dynamic factor. */
  restPercent: number;
  /** The percent under load (default 100: a full collection each time the old generation doubles). */
  busyPercent?: number;
  /** Uplinks a second from which the process is under load (default 1,000). */
  busyRate?: number;
  /** Seconds in a row under a quarter of busyRate before the rest value is set again (default 10). */
  calmSeconds?: number;
  /** Sets V8 flags (default v8.setFlagsFromString). */
  setFlags?: (flags: string) => void;
  /** Told each change (for the log). */
  onChange?: (change: { percent: number; uplinksPerSecond: number }) => void;
}

/**
 * Turns V8's allocation-site pretenuring off; answers whether it did. V8 allocates the objects of an
 * allocation site whose objects mostly outlived a scavenge straight into the old generation. The
 * uplinks in flight are such objects, yet most die within the next scavenges: pretenured, they
 * filled the old generation, each full collection of which marks the whole live heap (~50 MB).
 * Off, the embedded ingest took 4–6 full collections per 100,000 uplinks instead of 10–11 and about
 * 7 % less CPU an uplink (docs/benchmarks.md, "A floor beside the ceiling"); with PostgreSQL and
 * RabbitMQ, since the young generation is 16 MiB, 6–7 instead of 11–13 and 15 % less CPU an uplink
 * (docs/benchmarks.md, "Pretenuring off on PostgreSQL too"). Called at start, before the composition
 * allocates: set after it, the flag did nothing measurable with PostgreSQL (V8 keeps the decisions
 * already taken); set on the command line, it cost the SQLite ingest 6–12 µs an uplink. A process
 * given either flag on its command line is left as it was told.
 */
export function pretenuringOff(
  execArgv: readonly string[],
  setFlags: (flags: string) => void = (flags) => v8.setFlagsFromString(flags),
): boolean {
  if (execArgv.some((arg) => /^--(no[-_])?allocation[-_]site[-_]pretenuring$/.test(arg))) return false;
  setFlags('--no-allocation-site-pretenuring');
  return true;
}

/** The value of `--heap-growing-percent` among Node's arguments (0, V8's dynamic factor, when absent). */
export function heapGrowingPercentOf(execArgv: readonly string[]): number {
  let percent = 0;
  for (const arg of execArgv) {
    const m = /^--heap[-_]growing[-_]percent=(\d+)$/.exec(arg);
    if (m) percent = Number(m[1]);
  }
  return percent;
}

export class HeapGrowth {
  private readonly busyPercent: number;
  private readonly busyRate: number;
  private readonly calmSeconds: number;
  private readonly setFlags: (flags: string) => void;
  private last: { at: number; uplinks: number } | undefined;
  private busy = false;
  private calm = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: HeapGrowthOptions) {
    this.busyPercent = opts.busyPercent ?? 100;
    this.busyRate = opts.busyRate ?? 1000;
    this.calmSeconds = opts.calmSeconds ?? 10;
    this.setFlags = opts.setFlags ?? ((flags) => v8.setFlagsFromString(flags));
  }

  /** Whether the raised factor is set. */
  get raised(): boolean {
    return this.busy;
  }

  /** Samples the rate once a second. Nothing to do when the process already grows its heap as much at rest. */
  start(): void {
    const rest = this.opts.restPercent;
    if (this.timer || rest === 0 || rest >= this.busyPercent) return;
    this.timer = setInterval(() => this.tick(performance.now()), 1000);
    this.timer.unref();
  }

  /** Stops sampling and sets the rest value again. */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    if (this.busy) this.set(false, 0);
  }

  /** One sample at `now` (ms, monotonic): the rate since the last sample decides. */
  tick(now: number): void {
    const uplinks = this.opts.uplinks();
    const last = this.last;
    this.last = { at: now, uplinks };
    if (!last || now <= last.at) return;
    const rate = ((uplinks - last.uplinks) * 1000) / (now - last.at);
    if (rate >= this.busyRate) {
      if (!this.busy) this.set(true, rate);
      this.calm = 0;
    } else if (!this.busy || rate >= this.busyRate / 4) {
      this.calm = 0;
    } else if (++this.calm >= this.calmSeconds) {
      this.set(false, rate);
    }
  }

  private set(busy: boolean, rate: number): void {
    this.busy = busy;
    const percent = busy ? this.busyPercent : this.opts.restPercent;
    this.setFlags(`--heap-growing-percent=${percent}`);
    this.opts.onChange?.({ percent, uplinksPerSecond: Math.round(rate) });
  }
}
