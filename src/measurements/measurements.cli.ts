import { createWriteStream } from 'node:fs';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Config } from '../config.js';
import { migrateToLatest, openDatabase } from '../db/database.js';
import { systemClock } from '../shared/clock.js';
import { notFound } from '../shared/errors.js';
import type { Principal } from '../tenancy/tenancy.js';
import { KyselyTenancyStore } from '../tenancy/tenancy.store.js';
import { MeasurementEvents } from './measurement-events.js';
import { type ExportColumns, type ExportFormat, formatRows, isoTime } from './measurement-export.js';
import type { MeasurementQueryInput } from './measurement-query.js';
import { MeasurementRetention, type RetentionReport } from './measurement-retention.js';
import { createMeasurementStore } from './measurement-store.js';
import type { Row } from './measurements.js';
import { MeasurementService } from './measurements.service.js';

/** `polder export` and `polder retention`: the same services the API uses, on the configured database. */

export interface ExportOptions extends MeasurementQueryInput {
  org: string;
  format: ExportFormat;
  /** full (default): device, sensor, property and unit beside the datastream id; minimal: the id only. */
  columns?: ExportColumns | undefined;
  /** A file; stdout when absent or `-`. */
  output?: string | undefined;
}

export interface CliStreams {
  out: Writable;
  err: Writable & { isTTY?: boolean };
}

const defaultStreams = (): CliStreams => ({ out: process.stdout, err: process.stderr });

async function open(config: Config) {
  const database = openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  await migrateToLatest(database);
  const store = createMeasurementStore(database);
  const rollupRetentionDays = {
    60: config.rollupRetention1mDays,
    3600: config.rollupRetention1hDays,
    86400: config.rollupRetention1dDays,
  };
  return {
    database,
    service: new MeasurementService(store, new MeasurementEvents(), systemClock, { rollupRetentionDays }),
    retention: new MeasurementRetention(store, systemClock, { rollupRetentionDays }),
  };
}

/** Streams a query to a file or stdout, with a progress line on stderr; answers the number of rows. */
export async function exportCommand(config: Config, opts: ExportOptions, io: CliStreams = defaultStreams()): Promise<number> {
  const { database, service } = await open(config);
  try {
    const org = await new KyselyTenancyStore(database.db).findOrganisation(opts.org);
    if (!org) throw notFound('organisation', opts.org);
    const cli: Principal = {
      kind: 'apiKey',
      orgId: org.id,
      id: 'cli',
      name: 'polder export',
      scopes: new Set(['measurements:read']),
      platformAdmin: false,
    };
    const { org: _o, format, output, columns, ...query } = opts;
    const { chunks, labels } = await service.openExport(cli, query, columns);
    const started = performance.now();
    let rows = 0;
    let shown = 0;
    const progress = (final: boolean) => {
      const secs = (performance.now() - started) / 1000;
      const rate = secs > 0 ? Math.round(rows / secs) : 0;
      const line = `exported ${rows.toLocaleString('en-US')} rows in ${secs.toFixed(1)} s (${rate.toLocaleString('en-US')} rows/s)`;
      if (io.err.isTTY) io.err.write(`\r${line}${final ? '\n' : ''}`);
      else if (final || secs - shown >= 5) {
        io.err.write(`${line}\n`);
        shown = secs;
      }
    };
    const counted = (async function* () {
      let last = 0;
      for await (const chunk of chunks) {
        rows += chunk.length;
        const now = performance.now();
        if (now - last > 500) {
          progress(false);
          last = now;
        }
        yield chunk as Row[];
      }
    })();
    const target = output && output !== '-' ? createWriteStream(output) : io.out;
    await pipeline(Readable.from(formatRows(counted, format, labels)), target, { end: target !== process.stdout });
    progress(true);
    return rows;
  } finally {
    await database.close();
  }
}

/** Runs retention once (or, with dryRun, only counts) and prints what went or would go. */
export async function retentionCommand(
  config: Config,
  opts: { dryRun: boolean },
  io: CliStreams = defaultStreams(),
): Promise<RetentionReport | undefined> {
  const { database, retention } = await open(config);
  try {
    const report = await retention.run(opts);
    if (report) io.out.write(describeReport(report));
    return report;
  } finally {
    await database.close();
  }
}

const n = (x: number) => x.toLocaleString('en-US');
const SIZE_NAMES: Record<number, string> = { 60: '1m', 3600: '1h', 86400: '1d' };

export function describeReport(r: RetentionReport): string {
  const verb = r.dryRun ? 'would delete' : 'deleted';
  const lines = [
    `retention at ${isoTime(r.at)}${r.dryRun ? ' (dry run: nothing changed)' : ''}`,
    r.dryRun ? 'raw measurements:' : 'raw measurements (besides the rows of partitions dropped whole, below):',
  ];
  if (r.raw.length === 0) lines.push('  no datastreams');
  for (const c of r.raw) {
    lines.push(
      `  kept ${c.archiveDays} days (${n(c.datastreams)} datastreams): ${verb} ${n(c.rows)} rows before ${isoTime(c.cutoff)}`,
    );
  }
  lines.push('rollups:');
  if (r.rollups.length === 0) lines.push('  all kept forever');
  for (const u of r.rollups) lines.push(`  ${SIZE_NAMES[u.size]}: ${verb} ${n(u.rows)} rollups before ${isoTime(u.cutoff)}`);
  if (r.partitions.length > 0) {
    lines.push(`partitions ${r.dryRun ? 'that would be dropped' : 'dropped'}:`);
    for (const p of r.partitions) lines.push(`  ${p.name} [${isoTime(p.from)}, ${isoTime(p.to)}) ${p.reason}`);
  }
  return `${lines.join('\n')}\n`;
}
