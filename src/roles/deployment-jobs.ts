/** The periodic jobs of a deployment, run by the scheduler lease holder (src/scheduler). */
import type { MeasurementRetention, RetentionReport } from '../measurements/measurement-retention.js';
import type { Job } from '../scheduler/scheduler.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';

export interface DeploymentJobDeps {
  dispatchWebhooks: () => Promise<unknown>;
  sweepOffline: () => Promise<void>;
  retention: MeasurementRetention;
  removeExpiredTraces: (now: number) => Promise<number>;
  /** Traces appended since the last run given their place in the device listing (SQLite). */
  foldTraceDevices: () => Promise<number>;
  config: { fleetSweepSeconds: number; retentionIntervalSeconds: number };
  clock: Clock;
  logger: Logger;
}

export function deploymentJobs(deps: DeploymentJobDeps): Job[] {
  const { config, clock, logger } = deps;
  return [
    { name: 'webhook dispatch', everyMs: 1000, run: async () => void (await deps.dispatchWebhooks()) },
    { name: 'offline sweep', everyMs: config.fleetSweepSeconds * 1000, run: deps.sweepOffline },
    {
      name: 'retention',
      everyMs: config.retentionIntervalSeconds * 1000,
      run: async () => {
        const report = await deps.retention.run();
        if (report) logger.info({ retention: summarize(report) }, 'retention done');
      },
    },
    // Inserts upsert 1-minute rollups only (for recent values); this folds them into hours and days.
    { name: 'rollup fold', everyMs: 60_000, run: async () => void (await deps.retention.foldRollups()) },
    // The hot path appends traces; this files them by device in large batches (TraceStore.foldDevices).
    { name: 'trace device fold', everyMs: 2000, run: async () => void (await deps.foldTraceDevices()) },
    {
      name: 'trace retention',
      everyMs: config.retentionIntervalSeconds * 1000,
      run: async () => {
        const removed = await deps.removeExpiredTraces(clock());
        if (removed > 0) logger.info({ removed }, 'expired traces removed');
      },
    },
  ];
}

/** A retention report in a few numbers, for the log line. */
function summarize(report: RetentionReport) {
  return {
    rows: report.raw.reduce((n, r) => n + r.rows, 0),
    rollups: report.rollups.reduce((n, r) => n + r.rows, 0),
    partitions: report.partitions.map((p) => p.name),
  };
}
