/**
 * Bulk device import: 10,000 devices (with 1.8 sensors each on average) as CSV, through the
 * service the HTTP route calls. Prints the time of the dry run, the import (all new), a
 * re-import of the same file (all updates) and the CSV export, on SQLite, and on PostgreSQL
 * when it answers (POLDER_BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432/postgres).
 *
 *   npx tsx bench/device-import.ts [devices]
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { type Database, migrateToLatest, openDatabase } from '../src/db/database.js';
import { devicesToCsv } from '../src/devices/device-csv.js';
import { createRegistry } from '../src/devices/registry.js';
import { systemClock } from '../src/shared/clock.js';
import { uuidv7 } from '../src/shared/ids.js';
import { createLogger } from '../src/shared/logger.js';
import { KyselyTenancyStore } from '../src/tenancy/tenancy.store.js';
import { FLEET_BUILDINGS, generateFleet, NEOSENSOR_TYPE, ROOMS_PER_BUILDING, roomSlug } from '../test/support/fleet.js';

const N = Number(process.argv[2] ?? 10_000);
const PG_URL = process.env.POLDER_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const t0 = performance.now();
  const result = await work();
  return { ms: performance.now() - t0, result };
}

async function run(label: string, database: Database) {
  await migrateToLatest(database);
  const registry = createRegistry({
    database,
    config: { mqttPort: 1883, mqttPublicHost: undefined, mqttPublicPort: undefined, provisioningRateLimit: 30 },
    logger: createLogger({ level: 'silent', format: 'json' }),
    clock: systemClock,
    newId: uuidv7,
  });
  const orgId = uuidv7();
  await new KyselyTenancyStore(database.db).insertOrganisation({
    id: orgId,
    slug: 'bench',
    name: 'Bench',
    archiveDays: 30,
    settings: {},
    createdAt: Date.now(),
  });
  await registry.ensureDefaults(orgId);
  await registry.types.create(orgId, NEOSENSOR_TYPE as Parameters<typeof registry.types.create>[1]);
  for (const building of FLEET_BUILDINGS) {
    await registry.locations.createBuilding(orgId, { slug: building, name: building });
    for (let r = 0; r < ROOMS_PER_BUILDING; r++)
      await registry.locations.createRoom(orgId, { building, slug: roomSlug(r), name: roomSlug(r) });
  }
  const csv = devicesToCsv(generateFleet(N));

  const dry = await timed(() => registry.importer.importCsv(orgId, csv, true));
  const create = await timed(() => registry.importer.importCsv(orgId, csv, false));
  const update = await timed(() => registry.importer.importCsv(orgId, csv, false));
  const exported = await timed(() => registry.importer.exportCsv(orgId, {}));
  for (const r of [dry, create, update])
    if (r.result.errors.length > 0) throw new Error(`import reported errors: ${JSON.stringify(r.result.errors.slice(0, 3))}`);

  const rate = (ms: number) => `${Math.round((N / ms) * 1000).toLocaleString('en')} devices/s`;
  const mb = (csv.length / 1e6).toFixed(1);
  console.log(`\n${label}: ${N.toLocaleString('en')} devices, CSV ${mb} MB`);
  console.log(`  dry run             ${(dry.ms / 1000).toFixed(2)} s  (${rate(dry.ms)})`);
  console.log(`  import (all new)    ${(create.ms / 1000).toFixed(2)} s  (${rate(create.ms)})`);
  console.log(`  re-import (updates) ${(update.ms / 1000).toFixed(2)} s  (${rate(update.ms)})`);
  console.log(`  export CSV          ${(exported.ms / 1000).toFixed(2)} s  (${rate(exported.ms)})`);
}

async function main() {
  console.log(`device import benchmark (node ${process.version}, ${os.cpus().length} CPUs: ${os.cpus()[0]?.model ?? '?'})`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'polder-bench-'));
  const sqlite = openDatabase({ url: `sqlite:${path.join(dir, 'bench.db')}`, dataDir: dir });
  try {
    await run('SQLite (WAL, synchronous=FULL)', sqlite);
  } finally {
    await sqlite.close();
    rmSync(dir, { recursive: true, force: true });
  }

  const admin = new pg.Client({ connectionString: PG_URL });
  try {
    await admin.connect();
  } catch {
    console.log(`\nPostgreSQL: not reachable at ${PG_URL}, skipped`);
    return;
  }
  const name = `polder_bench_${randomBytes(4).toString('hex')}`;
  await admin.query(`create database ${name}`);
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  const database = openDatabase({ url: url.toString(), dataDir: os.tmpdir() });
  try {
    await run('PostgreSQL', database);
  } finally {
    await database.close();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

await main();
