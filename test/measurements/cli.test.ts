import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createMeasurementStore } from '../../src/measurements/measurement-store.js';
import { exportCommand } from '../../src/measurements/measurements.cli.js';
import { availableDialects, openTestDatabase, type TestDatabase } from '../support/databases.js';
import { createDatastream, createOrganisation, type DatastreamFixture } from '../support/fixtures.js';

const dialects = await availableDialects();
const DAY = 86_400_000;

function sink() {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, done) {
      text += String(chunk);
      done();
    },
  });
  return { stream, text: () => text };
}

function polder(args: string[], env: Record<string, string>) {
  const cli = path.join(import.meta.dirname, '../support/polder-cli.ts');
  return spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], {
    encoding: 'utf8',
    env: { ...process.env, POLDER_LOG_LEVEL: 'silent', ...env },
  });
}

describe.each(dialects)('polder export and polder retention on %s', (dialect) => {
  let tdb: TestDatabase;
  let dir: string;
  let env: Record<string, string>;
  let ds: DatastreamFixture;
  const now = Date.now();
  const times = [now - 40 * DAY, now - 20 * DAY, now - 1000];

  beforeAll(async () => {
    tdb = await openTestDatabase(dialect);
    dir = mkdtempSync(path.join(os.tmpdir(), 'polder-cli-'));
    env = { POLDER_DATABASE_URL: tdb.url, POLDER_DATA_DIR: dir };
    const org = await createOrganisation(tdb.database.db, 'default');
    ds = await createDatastream(tdb.database.db, org);
    await createMeasurementStore(tdb.database).insert(times.map((time, i) => ({ datastreamId: ds.id, time, value: i + 0.5 })));
  });
  afterAll(async () => {
    await tdb.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('exports a query with a progress line', async () => {
    const out = sink();
    const err = sink();
    const rows = await exportCommand(
      loadConfig(env, undefined),
      { org: 'default', datastream: [String(ds.id)], format: 'csv', columns: 'minimal' },
      { out: out.stream, err: err.stream },
    );
    expect(rows).toBe(3);
    expect(out.text()).toBe(
      `datastream,time,value\n${times.map((t, i) => `${ds.id},${new Date(t).toISOString()},${i + 0.5}\n`).join('')}`,
    );
    expect(err.text()).toMatch(/^exported 3 rows in [\d.]+ s \([\d,]+ rows\/s\)\n$/);
  });

  it('runs as a command: export to a file, refuse bad input naming it', { timeout: 120_000 }, () => {
    const file = path.join(dir, 'out.ndjson');
    const ok = polder(['export', '--datastream', String(ds.id), '--format', 'ndjson', '--order', 'desc', '-o', file], env);
    expect(ok.stderr).toContain('exported 3 rows');
    expect(ok.status).toBe(0);
    const lines = readFileSync(file, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.value)).toEqual([2.5, 1.5, 0.5]);
    // The default columns name the series (issue 9 item 18).
    expect(lines[0]).toMatchObject({ datastream: ds.id, device: expect.any(String), sensor: expect.any(String), unit: 'Cel' });
    const bad = polder(['export', '--datastream', String(ds.id), '--start', 'yesterday'], env);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^polder: start must be an RFC 3339 date-time .* \(start\)\n$/);
    const foreign = polder(['export', '--org', 'nope'], env);
    expect(foreign.stderr).toBe('polder: organisation nope not found\n');
  });

  it('shows with --dry-run what retention would remove, then removes it', { timeout: 120_000 }, async () => {
    const dry = polder(['retention', '--dry-run'], env);
    expect(dry.status).toBe(0);
    expect(dry.stdout).toContain('(dry run: nothing changed)');
    expect(dry.stdout).toMatch(/kept 30 days \(1 datastreams\): would delete 1 rows before/);
    const store = createMeasurementStore(tdb.database);
    const all = [{ datastreamId: ds.id, from: 0, to: Number.MAX_SAFE_INTEGER }];
    expect(await store.countRaw(all)).toBe(3);
    const real = polder(['retention'], env);
    // PostgreSQL drops the week holding the expired row whole; SQLite deletes the row.
    if (dialect === 'postgres') expect(real.stdout).toMatch(/partitions dropped:\n {2}measurements_w\d{8} \[.*\) expired\n/);
    else expect(real.stdout).toMatch(/kept 30 days \(1 datastreams\): deleted 1 rows before/);
    expect((await store.readRaw(all, 'asc', 10)).map((r) => r.time)).toEqual(times.slice(1));
  });
});
