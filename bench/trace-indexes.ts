/**
 * What each index of `traces` costs a commit of the hot path on SQLite: commits of 200 traces (what
 * one writer-thread commit holds over MQTT) from 1,000 devices, each in its own IMMEDIATE
 * transaction with synchronous=NORMAL (the writer thread's fdatasync apart), into a table already
 * holding POLDER_BENCH_ROWS traces, one in 50 failed. Each variant on its own fresh database,
 * alternating, best of 3:
 *   before   the indexes of migration 20261204-0840-trace-devices: by org, pipeline and status
 *            (each with received_at, id) and by received_at
 *   now      what migration 20261204-1800-trace-indexes leaves: by org and pipeline, and by status
 *            only for the traces that are not `stored` (a partial index)
 *   floor    the table and its primary key alone
 *   npm run bench trace-indexes
 */
import type { TraceRow } from '../src/db/sqlite-writer.js';
import { uuidv7 } from '../src/shared/ids.js';
import { figure, heading, note } from './support/bench-kit.js';
import { traceCommitMs } from './support/trace-commits.js';

const ROWS = Number(process.env.POLDER_BENCH_ROWS ?? 200_000);
const DEVICES = 1000;
const PER_COMMIT = 200;
const COMMITS = 300;
const T0 = Date.UTC(2026, 0, 1);
const ORG = uuidv7();
const PIPELINE = uuidv7();
const devices = Array.from({ length: DEVICES }, () => uuidv7());

/** The secondary indexes of each variant (the primary key of `id` is the table's own). */
const VARIANTS = {
  before: [
    'create index traces_org_time on traces (org_id, received_at, id)',
    'create index traces_pipeline_time on traces (org_id, pipeline_id, received_at, id)',
    'create index traces_status_time on traces (org_id, status, received_at, id)',
    'create index traces_received on traces (received_at)',
  ],
  now: [
    'create index traces_org_time on traces (org_id, received_at, id)',
    'create index traces_pipeline_time on traces (org_id, pipeline_id, received_at, id)',
    "create index traces_status_time on traces (org_id, status, received_at, id) where status <> 'stored'",
  ],
  floor: [],
} as const;
type Variant = keyof typeof VARIANTS;

let seq = 0;
const row = (): TraceRow => {
  const at = T0 + seq++ * 10;
  const device = devices[seq % DEVICES] as string;
  return [
    uuidv7(),
    ORG,
    PIPELINE,
    device,
    seq % 50 === 0 ? 'failed' : 'stored',
    at,
    at + 3,
    1,
    3,
    JSON.stringify({ kind: 'mqtt', topic: `v3/app@ttn/devices/${device}/up` }),
    JSON.stringify([
      { worker: 'ttn-v3', startedAt: at + 1, durationMs: 0.05 },
      { worker: 'cayenne-lpp', startedAt: at + 1, durationMs: 0.02 },
    ]),
    null,
    null,
  ] as TraceRow;
};

function run(kind: Variant): Promise<number> {
  seq = 0;
  return traceCommitMs(
    (sqlite) => {
      const indexes = sqlite
        .prepare<[], string>("select name from sqlite_master where type = 'index' and tbl_name = 'traces' and sql is not null")
        .pluck()
        .all();
      for (const name of indexes) sqlite.exec(`drop index ${name}`);
      for (const ddl of VARIANTS[kind]) sqlite.exec(ddl);
    },
    { rows: ROWS, commits: COMMITS, perCommit: PER_COMMIT, row },
  );
}

heading(`trace-indexes: ${COMMITS} commits of ${PER_COMMIT} traces from ${DEVICES} devices, table of ${ROWS} traces`);
const best: Record<string, number> = {};
for (let round = 0; round < 3; round++)
  for (const kind of Object.keys(VARIANTS) as Variant[]) best[kind] = Math.min(best[kind] ?? Infinity, await run(kind));
for (const [kind, ms] of Object.entries(best))
  figure(
    `${kind}: ${VARIANTS[kind as Variant].length} secondary indexes`,
    ms * 1000,
    'µs per commit',
    `${((ms * 1000) / PER_COMMIT).toFixed(1)} µs per trace`,
  );
note('each commit written to the WAL (synchronous=NORMAL), no fdatasync: the CPU and page writes of the commit only');
