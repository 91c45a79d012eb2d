import type { Clock } from '../shared/clock.js';
import { type MeasurementStore, type Partition, ROLLUP_SIZES, type RollupSize } from './measurements.js';
import { foldMarkAt, MINUTE } from './rollups.js';

const DAY_MS = 86_400_000;
/**
 * Rollups are folded up to this long before now: a value up to an hour old still takes the
 * insert's cheap path (1-minute bucket only), and reads fold at most two hours of minutes.
 */
export const ROLLUP_FOLD_LAG_MS = 3_600_000;
/** Raw retention when no datastream says otherwise (sensor, then organisation, then this). */
export const DEFAULT_ARCHIVE_DAYS = 30;
/** Rows per delete statement: one short transaction each, so ingest never waits long. */
export const RETENTION_CHUNK = 10_000;

export interface RetentionSettings {
  /** Days rollups of each size are kept; 0 keeps them forever. */
  rollupRetentionDays: Record<RollupSize, number>;
  chunk?: number;
}

export interface RetentionReport {
  dryRun: boolean;
  /** The moment cut-offs are measured from (Unix ms). */
  at: number;
  raw: { archiveDays: number; cutoff: number; datastreams: number; rows: number }[];
  /** PostgreSQL partitions dropped whole: all their rows expired, or emptied by the deletes. */
  partitions: (Partition & { reason: 'expired' | 'empty' })[];
  rollups: { size: RollupSize; cutoff: number; rows: number }[];
}

export interface RetentionObserver {
  deleted(table: 'measurements' | 'rollups', rows: number): void;
  partitionDropped(): void;
}

const breathe = () => new Promise((resolve) => setImmediate(resolve));

/**
 * Removes expired data. Raw rows expire per datastream (sensor's archiveDays, else the
 * organisation's, else 30 days); rollups per size (settings). On PostgreSQL whole weekly
 * partitions go first when even the longest retention has passed them; then rows are deleted
 * in chunks of 10k, each its own short transaction, yielding between chunks so inserts and
 * queries go on; finally partitions the deletes left empty are dropped. A dry run counts
 * what would go and changes nothing.
 */
export class MeasurementRetention {
  private running = false;

  constructor(
    private readonly store: MeasurementStore,
    private readonly clock: Clock,
    private readonly settings: RetentionSettings,
    private readonly observer?: RetentionObserver,
  ) {}

  /** Answers undefined when a previous run is still going (runs never overlap). */
  async run(opts: { dryRun?: boolean } = {}): Promise<RetentionReport | undefined> {
    if (this.running) return undefined;
    this.running = true;
    try {
      return await this.runOnce(opts.dryRun === true);
    } finally {
      this.running = false;
    }
  }

  /**
   * Folds 1-minute rollups into 1-hour and 1-day ones up to an hour before now (inserts write
   * only 1-minute buckets for recent values; the scheduler runs this every minute). Answers the mark.
   */
  foldRollups(): Promise<number> {
    return this.store.foldRollups(this.clock() - ROLLUP_FOLD_LAG_MS);
  }

  private async runOnce(dryRun: boolean): Promise<RetentionReport> {
    const now = this.clock();
    const chunk = this.settings.chunk ?? RETENTION_CHUNK;
    const report: RetentionReport = { dryRun, at: now, raw: [], partitions: [], rollups: [] };
    const classes = await this.store.retentionClasses();
    const longest = Math.max(DEFAULT_ARCHIVE_DAYS, ...classes.map((c) => c.archiveDays));
    const oldestCutoff = now - longest * DAY_MS;

    const partitions = await this.store.partitions();
    for (const p of partitions.filter((x) => x.to <= oldestCutoff)) {
      if (dryRun || (await this.store.dropPartition(p.name, false))) {
        report.partitions.push({ ...p, reason: 'expired' });
        if (!dryRun) this.observer?.partitionDropped();
      }
    }

    for (const c of classes) {
      const cutoff = now - c.archiveDays * DAY_MS;
      const rows = dryRun
        ? await this.store.countExpired(c.archiveDays, cutoff)
        : await this.drain((n) => this.store.deleteExpired(c.archiveDays, cutoff, n), chunk, 'measurements');
      report.raw.push({ archiveDays: c.archiveDays, cutoff, datastreams: c.datastreams, rows });
    }

    // 1-minute rollups go only once folded into hours and days: fold first (a dry run counts
    // up to the mark the fold would reach).
    const folded = dryRun ? foldMarkAt(now - ROLLUP_FOLD_LAG_MS) : await this.store.foldRollups(now - ROLLUP_FOLD_LAG_MS);
    for (const size of ROLLUP_SIZES) {
      const days = this.settings.rollupRetentionDays[size];
      if (days <= 0) continue;
      const cutoff = size === MINUTE ? Math.min(now - days * DAY_MS, folded) : now - days * DAY_MS;
      const rows = dryRun
        ? await this.store.countExpiredRollups(size, cutoff)
        : await this.drain((n) => this.store.deleteExpiredRollups(size, cutoff, n), chunk, 'rollups');
      report.rollups.push({ size, cutoff, rows });
    }

    if (!dryRun) {
      const dropped = new Set(report.partitions.map((p) => p.name));
      for (const p of partitions.filter((x) => x.to <= now && !dropped.has(x.name))) {
        if (await this.store.dropPartition(p.name, true)) {
          report.partitions.push({ ...p, reason: 'empty' });
          this.observer?.partitionDropped();
        }
      }
    }
    return report;
  }

  private async drain(
    deleteChunk: (n: number) => Promise<number>,
    chunk: number,
    table: 'measurements' | 'rollups',
  ): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await deleteChunk(chunk);
      total += n;
      if (n > 0) this.observer?.deleted(table, n);
      if (n < chunk) return total;
      await breathe();
    }
  }
}
