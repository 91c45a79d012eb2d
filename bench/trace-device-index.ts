/**
 * What the index of a device's traces costs each commit of the hot path on SQLite: batches of
 * 31 traces from 1,000 devices (what one commit holds with 64 HTTP clients), each in its own
 * IMMEDIATE transaction with synchronous=NORMAL (as the writer thread commits; its fdatasync
 * apart), into a table already holding POLDER_BENCH_ROWS traces. Each variant on its own fresh
 * database, alternating, best of 2:
 *   (org_id, device_id, received_at, id)   traces_device_time (PostgreSQL's; SQLite's until
 *                                          migration 20261204-0840-trace-devices)
 *   (device_id, received_at, id)           a narrower key
 *   none                                   no index of device_id (SQLite now): what the trace
 *                                          row and its time-ordered indexes cost alone
 * Every trace of a commit lands at its own device's place in a device index: one page per trace
 * written to the WAL, where the time-ordered indexes append to the same few pages.
 *   npm run bench trace-device-index
 */
import type { TraceRow } from '../src/db/sqlite-writer.js';
import { uuidv7 } from '../src/shared/ids.js';
import { figure, heading, note } from './support/bench-kit.js';
import { traceCommitMs } from './support/trace-commits.js';

const ROWS = Number(process.env.POLDER_BENCH_ROWS ?? 200_000);
const DEVICES = 1000;
const PER_COMMIT = 31;
const COMMITS = 1000;
const T0 = Date.UTC(2026, 0, 1);
const ORG = uuidv7();
const PIPELINE = uuidv7();
const devices = Array.from({ length: DEVICES }, () => uuidv7());
const STEPS = JSON.stringify([{ worker: 'ttn-v3', startedAt: T0, durationMs: 0.3 }]);

/** The key of `traces_device_time` in each variant (none: no such index). */
const KEYS = {
  schema: '(org_id, device_id, received_at, id)',
  narrow: '(device_id, received_at, id)',
  none: undefined,
} as const;
type Variant = keyof typeof KEYS;

let seq = 0;
const row = (): TraceRow => {
  const at = T0 + seq++ * 10;
  return [
    uuidv7(),
    ORG,
    PIPELINE,
    devices[seq % DEVICES] as string,
    'stored',
    at,
    at + 3,
    1,
    3,
    'mqtt',
    STEPS,
    null,
    null,
  ] as TraceRow;
};

function run(kind: Variant): Promise<number> {
  seq = 0;
  return traceCommitMs(
    (sqlite) => {
      sqlite.exec('drop index if exists traces_device_time');
      const key = KEYS[kind];
      if (key) sqlite.exec(`create index traces_device_time on traces ${key}`);
    },
    { rows: ROWS, commits: COMMITS, perCommit: PER_COMMIT, row },
  );
}

heading(`trace-device-index: ${COMMITS} commits of ${PER_COMMIT} traces from ${DEVICES} devices, table of ${ROWS} traces`);
const best: Record<string, number> = {};
for (let round = 0; round < 2; round++)
  for (const kind of Object.keys(KEYS) as Variant[]) best[kind] = Math.min(best[kind] ?? Infinity, await run(kind));
for (const [kind, ms] of Object.entries(best))
  figure(
    `${kind}: ${KEYS[kind as Variant] ?? 'no index of device_id'}`,
    ms * 1000,
    'µs per commit',
    `${((ms * 1000) / PER_COMMIT).toFixed(1)} µs per trace`,
  );
note('each commit written to the WAL (synchronous=NORMAL), no fdatasync: the CPU and page writes of the commit only');
