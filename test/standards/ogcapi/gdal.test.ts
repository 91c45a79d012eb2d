/**
 * GDAL's OGC API – Features driver (Debian gdal-bin; .ci/run installs it) reads a running
 * `polder serve` with an API key passed as a header, as QGIS does: ogrinfo lists the layers,
 * ogr2ogr copies the devices layer into a GeoPackage with the right features.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects, openTestDatabase, type TestDatabase } from '../../support/databases.js';
import { ADMIN_TOKEN } from '../../support/polder.js';
import { type ServedPolder, servePolder } from '../../support/serve.js';
import { type OgcWorld, PARIS, seedWorld, TOULOUSE } from './world.js';

const run = promisify(execFile);
const gdal = await run('ogrinfo', ['--version']).then(
  (r) => r.stdout.trim(),
  () => undefined,
);
if (!gdal) console.warn('SKIPPED: ogrinfo (Debian gdal-bin) is not installed; .ci/run installs it in CI');

const dialects = await availableDialects();

describe.skipIf(!gdal).each(dialects)('GDAL reads /ogc of polder serve on %s', (dialect) => {
  let db: TestDatabase;
  let served: ServedPolder;
  let w: OgcWorld;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    db = await openTestDatabase(dialect);
    dir = mkdtempSync(path.join(os.tmpdir(), 'polder-gdal-'));
    served = await servePolder({ POLDER_DATABASE_URL: db.url, POLDER_DATA_DIR: dir });
    const call = async (method: string, url: string, token: string, payload?: unknown) => {
      const res = await fetch(`${served.url}${url}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(payload !== undefined && { 'content-type': 'application/json' }) },
        ...(payload !== undefined && { body: JSON.stringify(payload) }),
      });
      return { status: res.status, body: await res.text() };
    };
    w = await seedWorld(call, db.database, ADMIN_TOKEN);
    // How docs/standards.md tells GDAL (and QGIS, through GDAL) to send the key.
    env = { ...process.env, GDAL_HTTP_HEADERS: `Authorization: Bearer ${w.key}`, CPL_DEBUG: 'OFF' };
  }, 120_000);
  afterAll(async () => {
    await served?.stop();
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('ogrinfo lists the layers', async () => {
    const { stdout } = await run('ogrinfo', ['-ro', '-q', `OAPIF:${served.url}/ogc`], { env });
    const layers = [...stdout.matchAll(/^\d+: (\S+)/gm)].map((m) => m[1]);
    expect(layers).toEqual(['devices', 'sites', 'buildings', 'measurements', 'humidity', 'temperature']);
  });

  it('refuses without the key', async () => {
    const anonymous = { ...process.env };
    delete anonymous.GDAL_HTTP_HEADERS;
    await expect(run('ogrinfo', ['-ro', '-q', `OAPIF:${served.url}/ogc`, 'devices'], { env: anonymous })).rejects.toThrow();
  });

  it('ogr2ogr copies the devices to a GeoPackage with their places and properties', async () => {
    const out = path.join(dir, `devices-${dialect}.gpkg`);
    // A small page size makes GDAL follow the next links.
    await run('ogr2ogr', ['-f', 'GPKG', out, `OAPIF:${served.url}/ogc`, 'devices', '-oo', 'PAGE_SIZE=2'], { env });
    const info = await run('ogrinfo', ['-ro', '-al', '-so', out]);
    expect(info.stdout).toMatch(/Feature Count: 4/);
    const gpkg = new BetterSqlite3(out, { readonly: true });
    try {
      const rows = gpkg.prepare('select code, state, site, temperature from devices order by code').all();
      expect(rows).toEqual([
        { code: 'd-nowhere', state: 'unknown', site: 'main', temperature: null },
        { code: 'd-paris', state: 'online', site: 'main', temperature: expect.closeTo(15.4) },
        { code: 'd-room', state: 'unknown', site: 'campus', temperature: null },
        { code: 'd-toulouse', state: 'offline', site: 'campus', temperature: 20.4 },
      ]);
    } finally {
      gpkg.close();
    }
    const toulouse = await run('ogrinfo', ['-ro', '-al', '-q', '-where', "code = 'd-toulouse'", out]);
    expect(toulouse.stdout).toContain(`POINT (${TOULOUSE.longitude} ${TOULOUSE.latitude})`);
    const paris = await run('ogrinfo', ['-ro', '-al', '-q', '-where', "code = 'd-paris'", out]);
    expect(paris.stdout).toContain(`POINT (${PARIS.longitude} ${PARIS.latitude})`);
  });

  it('GDAL sends an attribute filter as the property filter the API definition declares', async () => {
    const { stdout, stderr } = await run(
      'ogrinfo',
      ['-ro', '-al', '-q', '-where', "state = 'online'", `OAPIF:${served.url}/ogc`, 'devices'],
      { env: { ...env, CPL_DEBUG: 'ON' } },
    );
    expect(stderr).toMatch(/Fetch\([^)]*\/ogc\/collections\/devices\/items\?[^)]*state=online/);
    expect([...stdout.matchAll(/code \(String\) = (\S+)/g)].map((m) => m[1])).toEqual(['d-paris']);
    // A boolean property is an integer field to GDAL: it filters with enabled=1.
    const enabled = await run('ogrinfo', ['-ro', '-al', '-q', '-where', 'enabled = 1', `OAPIF:${served.url}/ogc`, 'devices'], {
      env: { ...env, CPL_DEBUG: 'ON' },
    });
    expect(enabled.stderr).toMatch(/items\?[^)]*enabled=1/);
    expect([...enabled.stdout.matchAll(/code \(String\) = (\S+)/g)]).toHaveLength(4);
  });

  it('ogrinfo reads a bbox-filtered, time-stamped measurements layer', async () => {
    const { stdout, stderr } = await run(
      'ogrinfo',
      ['-ro', '-al', '-q', '-spat', '2', '48', '3', '49', `OAPIF:${served.url}/ogc`, 'measurements'],
      { env: { ...env, CPL_DEBUG: 'ON' } },
    );
    expect(stderr).toContain('bbox=2,48,3,49');
    const devices = [...stdout.matchAll(/device \(String\) = (\S+)/g)].map((m) => m[1]);
    expect(devices).toEqual(['d-paris', 'd-paris', 'd-paris', 'd-paris', 'd-paris']);
    expect(stdout).toMatch(/datetime \(DateTime\) = 2025\/03\/01 00:04:00/);
  });
});
