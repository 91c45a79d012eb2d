/**
 * The client libraries fetching a day of 1 Hz data (86,400 rows) from a listening Polder over
 * real HTTP: the TypeScript client and the Python client (to_lists, standard library only),
 * with their default page size (10,000) and with the API's default (1,000), against a single
 * raw fetch of the whole day in one page.
 *   npm run bench clients-fetch
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PolderClient } from '../clients/typescript/src/index.js';
import { loadConfig } from '../src/config.js';
import { createPolder } from '../src/main.js';
import { createLogger } from '../src/shared/logger.js';
import { createDatastream } from '../test/support/fixtures.js';
import {
  type BenchDatabase,
  figure,
  heading,
  medianMs,
  note,
  postgresAvailable,
  postgresBenchDatabase,
  sqliteBenchDatabase,
} from './support/bench-kit.js';

const TOKEN = 'bench-admin-token-0123456789';
const DAY = 86_400_000;
const PYTHON_DIR = fileURLToPath(new URL('../clients/python/', import.meta.url));
const RUNS = 5;

/** Times Client.to_lists inside Python (no interpreter start-up); answers the median ms and the row count. */
function pythonToLists(url: string, query: Record<string, string | number>): Promise<{ ms: number; rows: number }> {
  const code = `
import json, sys, time
from polder import Client
args = json.loads(sys.argv[1])
client = Client(args.pop("url"), token=args.pop("token"))
times = []
for _ in range(${RUNS}):
    t = time.perf_counter()
    ts, vs = client.to_lists(**args)
    times.append((time.perf_counter() - t) * 1000)
times.sort()
print(json.dumps({"ms": times[len(times) // 2], "rows": len(vs)}))
`;
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-c', code, JSON.stringify({ url, token: TOKEN, ...query })], { cwd: PYTHON_DIR });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (status) => (status === 0 ? resolve(JSON.parse(out)) : reject(new Error(err))));
  });
}

async function run(make: () => Promise<BenchDatabase>, label: string): Promise<void> {
  const b = await make();
  await b.database.close();
  const config = loadConfig(
    {
      POLDER_DATABASE_URL: b.url,
      POLDER_DATA_DIR: '/tmp',
      POLDER_ADMIN_TOKEN: TOKEN,
      POLDER_DEMO: '0',
      POLDER_LOG_LEVEL: 'silent',
      POLDER_HTTP_HOST: '127.0.0.1',
      POLDER_HTTP_PORT: '0',
      POLDER_MQTT_PORT: '0',
    },
    undefined,
  );
  const polder = await createPolder(config, { logger: createLogger({ level: 'silent', format: 'json' }) });
  try {
    const { httpUrl } = await polder.start();
    heading(`${label}: a day of 1 Hz data (86,400 rows) through the clients, over HTTP on 127.0.0.1`);
    const ds = await createDatastream(polder.database.db, polder.bootstrap.org.id);
    const day = Math.floor(Date.now() / DAY) * DAY - DAY;
    const rows = Array.from({ length: 86_400 }, (_, i) => ({
      datastreamId: ds.id,
      time: day + i * 1000,
      value: Math.round(Math.sin(i / 3600) * 2000 + 1500) / 100,
    }));
    for (let i = 0; i < rows.length; i += 10_000) await polder.measurements.insert(rows.slice(i, i + 10_000));
    const start = new Date(day).toISOString();
    const end = new Date(day + DAY).toISOString();

    let n = 0;
    const oneFetch = await medianMs(RUNS, async () => {
      const res = await fetch(`${httpUrl}/api/measurements?datastream=${ds.id}&start=${start}&end=${end}&limit=100000`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      n = ((await res.json()) as { data: unknown[] }).data.length;
    });
    figure(`raw fetch + JSON.parse, one page of ${n.toLocaleString('en-US')} rows`, oneFetch, 'ms', `median of ${RUNS}`);

    const client = new PolderClient({ baseUrl: httpUrl, token: TOKEN });
    for (const limit of [10_000, 1000]) {
      const ms = await medianMs(RUNS, async () => {
        n = 0;
        for await (const _ of client.measurements({ datastream: ds.id, start, end, limit })) n++;
      });
      figure(
        `TypeScript measurements(), pages of ${limit.toLocaleString('en-US')} (${Math.ceil(n / limit)} requests)`,
        ms,
        'ms',
        `median of ${RUNS}`,
      );
    }
    for (const limit of [10_000, 1000]) {
      const py = await pythonToLists(httpUrl, { start, end, datastream: ds.id, limit });
      figure(
        `Python to_lists(), pages of ${limit.toLocaleString('en-US')} (${Math.ceil(py.rows / limit)} requests)`,
        py.ms,
        'ms',
        `median of ${RUNS}`,
      );
    }
  } finally {
    await polder.stop();
    await b.drop().catch(() => {});
  }
}

await run(sqliteBenchDatabase, 'SQLite');
if (await postgresAvailable()) await run(postgresBenchDatabase, 'PostgreSQL');
else note('PostgreSQL: not reachable, skipped');
