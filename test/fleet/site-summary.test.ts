import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects } from '../support/databases.js';
import { ADMIN_TOKEN, startTestPolder, type TestPolder } from '../support/polder.js';

const dialects = await availableDialects();

/** GET /api/sites/{id}/summary: counts by state per building and room, outdoors, and unplaced. */
describe.each(dialects)('site summary on %s', (dialect) => {
  let t: TestPolder;
  const api = (method: string, url: string, payload?: unknown) =>
    t.call(ADMIN_TOKEN, { method: method as 'GET', url, ...(payload !== undefined && { payload: payload as object }) });
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestPolder(dialect);
    await api('POST', '/api/sites', { slug: 'ut3', name: 'UT3', isDefault: true });
    for (const b of ['u4', 'irit2']) await api('POST', '/api/buildings', { site: 'ut3', slug: b, name: b.toUpperCase() });
    for (const [b, r] of [
      ['u4', '301'],
      ['u4', '302'],
      ['irit2', '366'],
    ])
      await api('POST', '/api/rooms', { site: 'ut3', building: b, slug: r, name: `Room ${r}` });
    const devices: [string, Record<string, unknown>][] = [
      ['a', { building: 'u4', room: '301' }],
      ['b', { building: 'u4', room: '301' }],
      ['c', { building: 'u4', room: '302' }],
      ['d', { building: 'u4' }],
      ['e', { building: 'irit2', room: '366' }],
      ['f', { outdoor: 'ambient' }],
      ['g', { outdoor: 'roof' }],
      ['h', {}],
    ];
    for (const [code, location] of devices) {
      const res = await api('POST', '/api/devices', { code, type: 'esp32', location: { site: 'ut3', ...location } });
      expect(res.statusCode, res.body).toBe(201);
      ids[code] = res.json().id;
    }
    // elsewhere: not counted
    await api('POST', '/api/devices', { code: 'z', type: 'esp32', location: { site: 'main' } });
    const orgId = t.polder.bootstrap.org.id;
    for (const code of ['a', 'c', 'f']) t.polder.activity.seen(orgId, ids[code] as string, Date.now());
    await t.polder.activity.flush();
    await t.polder.database.db
      .updateTable('devices')
      .set({ state: 'offline' })
      .where('id', '=', ids.b as string)
      .execute();
    expect((await api('PATCH', '/api/devices/e', { enabled: false })).statusCode).toBe(200);
  });
  afterAll(() => t.close());

  const counts = (online: number, offline: number, unknown: number, disabled: number) => ({
    online,
    offline,
    unknown,
    disabled,
    total: online + offline + unknown + disabled,
  });

  it('counts devices by state per building, room and outdoor zone', async () => {
    const res = await api('GET', '/api/sites/ut3/summary');
    expect(res.statusCode, res.body).toBe(200);
    const s = res.json();
    expect(s.site).toMatchObject({ slug: 'ut3', name: 'UT3' });
    expect(s.counts).toEqual(counts(3, 1, 3, 1));
    expect(s.buildings.map((b: { slug: string }) => b.slug)).toEqual(['irit2', 'u4']);
    const u4 = s.buildings[1];
    expect(u4.counts).toEqual(counts(2, 1, 1, 0));
    expect(u4.rooms).toEqual([
      { id: expect.any(String), slug: '301', name: 'Room 301', counts: counts(1, 1, 0, 0) },
      { id: expect.any(String), slug: '302', name: 'Room 302', counts: counts(1, 0, 0, 0) },
    ]);
    expect(u4.withoutRoom).toEqual(counts(0, 0, 1, 0));
    expect(s.buildings[0].rooms[0].counts).toEqual(counts(0, 0, 0, 1));
    expect(s.outside).toEqual({
      counts: counts(1, 0, 1, 0),
      zones: [
        { zone: 'ambient', counts: counts(1, 0, 0, 0) },
        { zone: 'roof', counts: counts(0, 0, 1, 0) },
      ],
    });
    expect(s.unplaced).toEqual(counts(0, 0, 1, 0));
    const byId = await api('GET', `/api/sites/${s.site.id}/summary`);
    expect(byId.json()).toEqual(s);
  });

  it('answers an empty summary for a site without devices, and 404 for an unknown site', async () => {
    await api('POST', '/api/sites', { slug: 'empty', name: 'Empty' });
    const empty = (await api('GET', '/api/sites/empty/summary')).json();
    expect(empty).toMatchObject({ counts: counts(0, 0, 0, 0), buildings: [], outside: null, unplaced: null });
    expect((await api('GET', '/api/sites/nope/summary')).statusCode).toBe(404);
  });
});
