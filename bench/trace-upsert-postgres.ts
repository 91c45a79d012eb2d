/**
 * What the hot path's trace upsert costs PostgreSQL per trace: POLDER_BENCH_BATCHES (default 250)
 * batches of 200 traces (one inline batch of the PostgreSQL + RabbitMQ phase of
 * ingest-ceiling), each statement timed alone inside its own transaction (the commit apart), on a
 * fresh database per variant, alternating, two rounds:
 *   json    the rows as one `json` parameter: every `->>` scans the element's text again
 *   jsonb   the same parameter read as `jsonb` (parsed once): what trace-rows.ts ships
 *   copy    COPY of the same rows, no conflict handling: what inserting the row and its six
 *           indexes costs alone, the floor of any upsert
 *   npm run bench trace-upsert-postgres
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import { POSTGRES_TRACE_UPSERT } from '../src/pipelines/trace-rows.js';
import { uuidv7 } from '../src/shared/ids.js';
import { figure, heading, note, postgresAvailable, postgresBenchDatabase } from './support/bench-kit.js';

const PER_BATCH = 200;
const BATCHES = Number(process.env.POLDER_BENCH_BATCHES ?? 250);
const T0 = Date.UTC(2026, 0, 1);
const ORG = uuidv7();
const PIPELINE = uuidv7();
const devices = Array.from({ length: 1000 }, () => uuidv7());
const COLUMNS =
  'id, org_id, pipeline_id, device_id, status, received_at, finished_at, attempts, measurements, transport, steps, error, message';

let seq = 0;
/** A stored uplink's trace as the runner makes it (trace-rows.ts column order). */
const row = (): unknown[] => {
  const at = T0 + seq++ * 10;
  const device = seq % devices.length;
  const steps = [
    { worker: 'ttn-v3', startedAt: at, durationMs: 0.031 },
    { worker: 'cayenne-lpp', startedAt: at, durationMs: 0.012 },
    { worker: 'store', startedAt: at + 1, durationMs: 4.223 },
  ];
  const transport = { kind: 'mqtt', topic: `v3/bench@ttn/devices/dev-${device}/up` };
  return [
    uuidv7(),
    ORG,
    PIPELINE,
    devices[device],
    'stored',
    at,
    at + 3,
    1,
    3,
    JSON.stringify(transport),
    JSON.stringify(steps),
    null,
    null,
  ];
};

/** COPY's text format: tab-separated, `\N` for null, backslash escapes. */
const copyField = (v: unknown) =>
  v === null
    ? '\\N'
    : String(v).replace(/[\\\n\r\t]/g, (c) => ({ '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c] as string);

type Run = (
  query: (text: string, values?: unknown[]) => Promise<unknown>,
  copy: (text: string) => Promise<void>,
  rows: unknown[][],
) => Promise<unknown>;
const VARIANTS: Record<string, Run> = {
  json: (query, _copy, rows) =>
    query(POSTGRES_TRACE_UPSERT.replace('jsonb_array_elements($1::jsonb)', 'json_array_elements($1::json)'), [
      JSON.stringify(rows),
    ]),
  jsonb: (query, _copy, rows) => query(POSTGRES_TRACE_UPSERT, [JSON.stringify(rows)]),
  copy: (_query, copy, rows) => copy(rows.map((r) => `${r.map(copyField).join('\t')}\n`).join('')),
};

async function run(variant: Run): Promise<number> {
  const bench = await postgresBenchDatabase();
  if (bench.database.dialect !== 'postgres') throw new Error('not PostgreSQL');
  const client = await bench.database.pool.connect();
  try {
    const query = (text: string, values?: unknown[]) => client.query(text, values);
    const copy = (text: string) => pipeline(Readable.from([text]), client.query(copyFrom(`copy traces (${COLUMNS}) from stdin`)));
    let ms = 0;
    for (let b = 0; b < BATCHES; b++) {
      const rows = Array.from({ length: PER_BATCH }, row);
      await client.query('begin');
      const t = performance.now();
      await variant(query, copy, rows);
      ms += performance.now() - t;
      await client.query('commit');
    }
    return (ms * 1000) / (BATCHES * PER_BATCH);
  } finally {
    client.release();
    await bench.drop();
  }
}

if (!(await postgresAvailable())) {
  note('PostgreSQL does not answer: skipped');
} else {
  heading(`trace upsert on PostgreSQL: ${BATCHES} batches of ${PER_BATCH} traces, statement time per trace`);
  for (let round = 1; round <= 2; round++)
    for (const [name, variant] of Object.entries(VARIANTS)) figure(`round ${round}: ${name}`, await run(variant), 'µs per trace');
}
