import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { loadConfig } from '../../src/config.js';
import { type Database, migrateToLatest, openDatabase } from '../../src/db/database.js';
import { createPolder, type Polder } from '../../src/main.js';
import { createLogger } from '../../src/shared/logger.js';

/**
 * What every benchmark shares: fresh databases of either dialect, flags, and printing figures
 * in one greppable format (`name  value unit`). Benchmarks print; they never assert.
 */
export const PG_URL = process.env.POLDER_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const FULL = process.argv.includes('--full') || process.env.POLDER_BENCH_FULL === '1';

export interface BenchDatabase {
  database: Database;
  /** What POLDER_DATABASE_URL would say to open the same database. */
  url: string;
  drop(): Promise<void>;
}

export async function sqliteBenchDatabase(): Promise<BenchDatabase> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'polder-bench-'));
  const url = `sqlite:${path.join(dir, 'polder.db')}`;
  const database = openDatabase({ url, dataDir: dir });
  await migrateToLatest(database);
  return {
    database,
    url,
    async drop() {
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A second connection to a SQLite bench database that commits as the writer thread does (WAL,
 * synchronous=NORMAL) with automatic checkpoints off, so that the WAL's growth is what each commit
 * wrote; the bench database's own connection stays idle.
 */
export function walMeasuringConnection(bench: BenchDatabase): BetterSqlite3.Database {
  if (bench.database.dialect !== 'sqlite') throw new Error('sqlite only');
  const sqlite = new BetterSqlite3(bench.database.sqlite.name);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('wal_autocheckpoint = 0');
  return sqlite;
}

export async function postgresBenchDatabase(): Promise<BenchDatabase> {
  const name = `polder_bench_${randomBytes(5).toString('hex')}`;
  await adminQuery(`create database ${name}`);
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  const database = openDatabase({ url: url.toString(), dataDir: os.tmpdir(), poolSize: 4 });
  await migrateToLatest(database);
  return {
    database,
    url: url.toString(),
    async drop() {
      await database.close();
      await adminQuery(`drop database if exists ${name} with (force)`);
    },
  };
}

async function adminQuery(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** True when a TCP service answers at `url`'s host and port. */
export function reachable(url: string, defaultPort = 0): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const s = net.connect({ host: u.hostname, port: Number(u.port || defaultPort) }, () => {
      s.destroy();
      resolve(true);
    });
    s.setTimeout(2000, () => {
      s.destroy();
      resolve(false);
    });
    s.on('error', () => resolve(false));
  });
}

/** True when PostgreSQL answers; benchmarks then skip its part with a line saying so. */
export const postgresAvailable = (): Promise<boolean> => reachable(PG_URL, 5432);

/** Resident memory of a process from /proc (Linux), in MiB. */
export function rssMiBOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

/** User + system CPU seconds of a /proc `stat` file (a process's, or one of its threads'). */
function statCpuSeconds(file: string): number {
  const fields = readFileSync(file, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** CPU seconds a process used so far (user + system), from /proc (Linux). */
export function cpuSecondsOf(pid: number): number {
  return statCpuSeconds(`/proc/${pid}/stat`);
}

/** CPU seconds used so far by each thread of process `pid`, by thread id (the main thread's is `pid`). */
export function threadCpuSecondsOf(pid: number): Map<number, number> {
  const out = new Map<number, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      out.set(Number(tid), statCpuSeconds(`/proc/${pid}/task/${tid}/stat`));
    } catch {
      // The thread ended meanwhile.
    }
  }
  return out;
}

/** CPU seconds used so far by each local process named `comm` (`beam.smp` for RabbitMQ, `postgres`), by pid. */
export function cpuSecondsByPid(comm: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === comm) out.set(Number(entry), cpuSecondsOf(Number(entry)));
    } catch {
      // ended meanwhile
    }
  }
  return out;
}

/**
 * CPU seconds the processes named like those of `before` used since it was taken (processes
 * started since count whole, those ended since are missed); NaN when none runs on this machine.
 */
export function cpuSecondsSince(comm: string, before: Map<number, number>): number {
  const now = cpuSecondsByPid(comm);
  if (now.size === 0) return Number.NaN;
  let sum = 0;
  for (const [pid, seconds] of now) sum += seconds - (before.get(pid) ?? 0);
  return sum;
}

/** Bytes a process caused to be written to storage so far (`write_bytes` of /proc/<pid>/io, Linux). */
export function diskBytesOf(pid: number): number {
  const m = /^write_bytes: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'));
  return m ? Number(m[1]) : Number.NaN;
}

export function heading(title: string): void {
  process.stdout.write(`\n## ${title}\n`);
}

export function figure(name: string, value: number, unit: string, note = ''): void {
  const shown = value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(value >= 10 ? 1 : 2);
  process.stdout.write(`${name.padEnd(66)} ${shown.padStart(12)} ${unit}${note ? `  (${note})` : ''}\n`);
}

export function note(text: string): void {
  process.stdout.write(`   ${text}\n`);
}

/** Milliseconds taken by `work`. */
export async function timed(work: () => Promise<unknown> | unknown): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

/** The middle figure (the mean of the two middle ones for an even count); `xs` is left as it is. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** The median of a few timings: one slow run (GC, checkpoint) does not decide the figure. */
export async function medianMs(runs: number, work: () => Promise<unknown> | unknown): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await timed(work));
  return median(times);
}

export const rss = (): number => process.memoryUsage().rss / 1024 / 1024;

/** The admin token of a Polder made by withBenchPolder. */
export const BENCH_TOKEN = 'bench-admin-token-0123456789';

/**
 * A silent Polder (no demo) over a fresh bench database, with `env` on top of the defaults; it is
 * stopped and the database dropped after `use`, whatever happens.
 */
export async function withBenchPolder(
  make: () => Promise<BenchDatabase>,
  env: Record<string, string>,
  use: (polder: Polder) => Promise<void>,
): Promise<void> {
  const b = await make();
  // Polder opens its own connection; this one only created and migrated the database.
  await b.database.close();
  const config = loadConfig(
    {
      POLDER_DATABASE_URL: b.url,
      POLDER_DATA_DIR: '/tmp',
      POLDER_ADMIN_TOKEN: BENCH_TOKEN,
      POLDER_DEMO: '0',
      POLDER_LOG_LEVEL: 'silent',
      ...env,
    },
    undefined,
  );
  const polder = await createPolder(config, { logger: createLogger({ level: 'silent', format: 'json' }) });
  try {
    await use(polder);
  } finally {
    await polder.stop();
    await b.drop().catch(() => {});
  }
}
