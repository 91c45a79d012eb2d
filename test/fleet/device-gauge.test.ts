/**
 * `polder_devices{state, site}`: counted over a real Polder's database on scrape, by site slug and
 * state; cached so frequent scrapes share one query; sites capped; a failing query empties the
 * gauge without failing the scrape.
 */
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createFleetMetrics,
  DEVICE_COUNTS_CACHE_MS,
  DEVICE_COUNTS_MAX_SITES,
  type DeviceStateCount,
  deviceSeries,
} from '../../src/fleet/fleet-metrics.js';
import { availableDialects } from '../support/databases.js';
import { ADMIN_TOKEN, startTestPolder, type TestPolder } from '../support/polder.js';
import { eventually } from '../support/poll.js';

/** The polder_devices samples of an exposition text, as `site/state` → value. */
function devicesIn(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^polder_devices\{([^}]*)\} (\S+)$/gm)) {
    const labels = Object.fromEntries([...(m[1] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    out[`${labels.site}/${labels.state}`] = Number(m[2]);
  }
  return out;
}

const dialects = await availableDialects();

describe.each(dialects)('polder_devices over a real Polder (%s)', (dialect) => {
  let t: TestPolder;
  const api = (method: string, url: string, payload?: unknown) =>
    t.call(ADMIN_TOKEN, { method: method as 'GET', url, ...(payload !== undefined && { payload: payload as object }) });
  const scrape = async () => devicesIn((await t.call(undefined, { method: 'GET', url: '/metrics' })).body);
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestPolder(dialect);
    for (const slug of ['ut3', 'rangueil']) expect((await api('POST', '/api/sites', { slug, name: slug })).statusCode).toBe(201);
    const devices: [string, string | undefined][] = [
      ['a', 'ut3'],
      ['b', 'ut3'],
      ['c', 'ut3'],
      ['d', 'ut3'],
      ['e', 'ut3'],
      ['f', 'rangueil'],
    ];
    for (const [code, site] of devices) {
      const res = await api('POST', '/api/devices', { code, type: 'esp32', location: { site } });
      expect(res.statusCode, res.body).toBe(201);
      ids[code] = res.json().id;
    }
    const orgId = t.polder.bootstrap.org.id;
    for (const code of ['a', 'b']) t.polder.activity.seen(orgId, ids[code] as string, Date.now());
    await t.polder.activity.flush();
    await t.polder.database.db
      .updateTable('devices')
      .set({ state: 'offline' })
      .where('id', '=', ids.c as string)
      .execute();
    expect((await api('PATCH', '/api/devices/d', { enabled: false })).statusCode).toBe(200);
  });
  afterAll(() => t?.close());

  it('counts the devices of each site in each state, zeros included', async () => {
    const seen = await eventually('the gauge with every device', async () => {
      const s = await scrape();
      return s['ut3/online'] === 2 && s['ut3/disabled'] === 1 ? s : undefined;
    });
    const defaultSite = Object.keys(seen).filter((k) => !k.startsWith('ut3/') && !k.startsWith('rangueil/'));
    expect(seen).toMatchObject({
      'ut3/online': 2,
      'ut3/offline': 1,
      'ut3/never_seen': 1,
      'ut3/disabled': 1,
      'rangueil/online': 0,
      'rangueil/offline': 0,
      'rangueil/never_seen': 1,
      'rangueil/disabled': 0,
    });
    // Only sites and the four states: nothing else, no organisation ids.
    for (const k of defaultSite) expect(k).toMatch(/^[\w-]+\/(online|offline|never_seen|disabled)$/);
  });

  it('follows a change of state within the cache time', async () => {
    const orgId = t.polder.bootstrap.org.id;
    t.polder.activity.seen(orgId, ids.f as string, Date.now());
    await t.polder.activity.flush();
    const s = await eventually(
      'rangueil online',
      async () => {
        const x = await scrape();
        return x['rangueil/online'] === 1 ? x : undefined;
      },
      DEVICE_COUNTS_CACHE_MS * 3,
    );
    expect(s['rangueil/never_seen']).toBe(0);
  });
});

describe('polder_devices cache and bounds', () => {
  function setup(rows: () => DeviceStateCount[] | Promise<DeviceStateCount[]>) {
    let now = 1_000_000;
    let queries = 0;
    const registry = new Registry();
    createFleetMetrics(
      registry,
      () => undefined,
      {
        deviceStateCounts: async () => {
          queries++;
          return rows();
        },
      },
      () => now,
    );
    return {
      scrape: async () => devicesIn(await registry.metrics()),
      queries: () => queries,
      advance: (ms: number) => {
        now += ms;
      },
    };
  }

  it('one query serves the scrapes of the cache time, concurrent ones included', async () => {
    const f = setup(() => [{ site: 'ut3', state: 'online', count: 3 }]);
    await Promise.all([f.scrape(), f.scrape(), f.scrape()]);
    expect(f.queries()).toBe(1);
    f.advance(DEVICE_COUNTS_CACHE_MS - 1);
    expect((await f.scrape())['ut3/online']).toBe(3);
    expect(f.queries()).toBe(1);
    f.advance(1);
    await f.scrape();
    expect(f.queries()).toBe(2);
  });

  it('without the fleet store there is no polder_devices', async () => {
    const registry = new Registry();
    createFleetMetrics(registry, () => undefined);
    expect(await registry.metrics()).not.toContain('polder_devices');
  });

  it('a failing query empties the gauge, the scrape still answers, the next scrape asks again', async () => {
    let fail = false;
    const f = setup(() => {
      if (fail) throw new Error('database gone');
      return [{ site: 'ut3', state: 'offline', count: 2 }];
    });
    expect((await f.scrape())['ut3/offline']).toBe(2);
    fail = true;
    f.advance(DEVICE_COUNTS_CACHE_MS);
    expect(await f.scrape()).toEqual({});
    expect(f.queries()).toBe(2);
    fail = false;
    expect((await f.scrape())['ut3/offline']).toBe(2);
    expect(f.queries()).toBe(3);
  });

  it('keeps the largest sites by name and sums the rest as other', () => {
    const rows: DeviceStateCount[] = [];
    for (let i = 0; i < DEVICE_COUNTS_MAX_SITES + 50; i++) rows.push({ site: `s${i}`, state: 'online', count: 1000 - i });
    rows.push({ site: null, state: 'unknown', count: 7 });
    rows.push({ site: 's0', state: 'bogus', count: 99 });
    const series = deviceSeries(rows);
    const sites = new Set(series.map((s) => s.site));
    expect(sites.size).toBe(DEVICE_COUNTS_MAX_SITES + 1);
    expect(sites.has('s0')).toBe(true);
    expect(sites.has(`s${DEVICE_COUNTS_MAX_SITES}`)).toBe(false);
    expect(sites.has('none')).toBe(false); // 7 devices: smaller than every named site
    const other = series.filter((s) => s.site === 'other');
    // 50 named sites beyond the cap (1000-200 … 1000-249) and the 7 unplaced never-seen devices.
    let expected = 0;
    for (let i = DEVICE_COUNTS_MAX_SITES; i < DEVICE_COUNTS_MAX_SITES + 50; i++) expected += 1000 - i;
    expect(other.find((s) => s.state === 'online')?.count).toBe(expected);
    expect(other.find((s) => s.state === 'never_seen')?.count).toBe(7);
    expect(series.some((s) => s.state === 'bogus')).toBe(false);
    expect(series.length).toBe((DEVICE_COUNTS_MAX_SITES + 1) * 4);
  });
});
