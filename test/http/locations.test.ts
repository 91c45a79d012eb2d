import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects } from '../support/databases.js';
import { ADMIN_TOKEN, startTestPolder, type TestPolder } from '../support/polder.js';

const dialects = await availableDialects();

describe.each(dialects)('locations API on %s', (dialect) => {
  let t: TestPolder;
  const api = (method: string, url: string, payload?: unknown) =>
    t.call(ADMIN_TOKEN, { method: method as 'GET', url, ...(payload !== undefined && { payload: payload as object }) });
  const topicOf = async (code: string) => (await api('GET', `/api/devices/${code}`)).json().baseTopic;

  beforeAll(async () => {
    t = await startTestPolder(dialect);
  });
  afterAll(() => t.close());

  it('gives every organisation a default site and the built-in device types from the start', async () => {
    const sites = (await api('GET', '/api/sites')).json().data;
    expect(sites.map((s: { slug: string; isDefault: boolean }) => [s.slug, s.isDefault])).toEqual([['main', true]]);
    expect((await api('POST', '/api/organisations', { slug: 'carcassonne-lab', name: 'Lab' })).statusCode).toBe(201);
    const key = (await api('POST', '/api/organisations/carcassonne-lab/api-keys', { name: 'k', scopes: ['devices:read'] })).json()
      .secret;
    const theirs = (await t.call(key, { url: '/api/sites' })).json().data;
    expect(theirs.map((s: { slug: string }) => s.slug)).toEqual(['main']);
    expect(theirs[0].id).not.toBe(sites[0].id);
    const types = (await t.call(key, { url: '/api/device-types' })).json().data.map((x: { name: string }) => x.name);
    expect(types).toEqual(['esp32', 'esp8266', 'jetson_nano', 'lorawan-node', 'rpi3', 'sensor']);
  });

  it('derives base topics from the location: default site, outdoors, other sites', async () => {
    expect((await api('POST', '/api/buildings', { slug: 'u4', name: 'U4' })).statusCode).toBe(201);
    expect((await api('POST', '/api/rooms', { building: 'u4', slug: '301', name: '301' })).statusCode).toBe(201);
    const site = await api('POST', '/api/sites', {
      slug: 'carcassonne',
      name: 'IUT Carcassonne',
      latitude: 43.2,
      longitude: 2.35,
      timeZone: 'Europe/Paris',
    });
    expect(site.statusCode).toBe(201);
    expect(site.json()).toMatchObject({ isDefault: false, timeZone: 'Europe/Paris', latitude: 43.2 });
    expect((await api('POST', '/api/buildings', { site: 'carcassonne', slug: 'iut', name: 'IUT' })).statusCode).toBe(201);
    expect((await api('POST', '/api/rooms', { site: 'carcassonne', building: 'iut', slug: 'a1', name: 'A1' })).statusCode).toBe(
      201,
    );
    const mk = async (code: string, location: Record<string, string>) => {
      const r = await api('POST', '/api/devices', { code, type: 'esp32', location });
      expect(r.statusCode, r.body).toBe(201);
      return r.json();
    };
    expect((await mk('rpi3-u4-301', { building: 'u4', room: '301' })).baseTopic).toBe('u4/301');
    expect((await mk('rain', { outdoor: 'ambient' })).baseTopic).toBe('outside/ambient');
    expect((await mk('carca-a1', { site: 'carcassonne', building: 'iut', room: 'a1' })).baseTopic).toBe(
      'abroad/carcassonne/iut/a1',
    );
    expect((await mk('carca-out', { site: 'carcassonne', outdoor: 'roof' })).baseTopic).toBe('abroad/carcassonne/outside/roof');
    const byIds = await mk('by-room-id', { room: (await api('GET', '/api/rooms/a1')).json().id });
    expect(byIds).toMatchObject({
      baseTopic: 'abroad/carcassonne/iut/a1',
      location: { site: 'carcassonne', building: 'iut', room: 'a1' },
    });
  });

  it('names the field when a location does not resolve', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ building: 'nope' }, 'location.building'],
      [{ building: 'iut', room: 'a1' }, 'location.building'],
      [{ room: '301' }, 'location.room'],
      [{ site: 'mars' }, 'location.site'],
      [{ building: 'u4', outdoor: 'x' }, 'location.outdoor'],
      [{ outdoor: 'Bad Zone' }, 'location.outdoor'],
    ];
    for (const [location, field] of cases) {
      const r = await api('POST', '/api/devices', { code: 'misplaced', type: 'esp32', location });
      expect(r.statusCode, JSON.stringify(location)).toBe(400);
      expect(r.json().error.details.field, JSON.stringify(location)).toBe(field);
    }
    expect((await api('GET', '/api/devices/misplaced')).statusCode).toBe(404);
  });

  it('recomputes base topics when a slug changes or the default site moves', async () => {
    const renamed = await api('PATCH', '/api/rooms/301', { slug: '301b' });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(await topicOf('rpi3-u4-301')).toBe('u4/301b');
    expect((await api('PATCH', '/api/buildings/u4', { slug: 'u4-bis' })).statusCode).toBe(200);
    expect(await topicOf('rpi3-u4-301')).toBe('u4-bis/301b');
    expect((await api('PATCH', '/api/sites/carcassonne', { slug: 'carca' })).statusCode).toBe(200);
    expect(await topicOf('carca-a1')).toBe('abroad/carca/iut/a1');

    // neOCampus: UT3 is the default site. Making carca the default moves main abroad.
    const moved = await api('PATCH', '/api/sites/carca', { isDefault: true });
    expect(moved.json().isDefault).toBe(true);
    expect(await topicOf('carca-a1')).toBe('iut/a1');
    expect(await topicOf('carca-out')).toBe('outside/roof');
    expect(await topicOf('rpi3-u4-301')).toBe('abroad/main/u4-bis/301b');
    expect(await topicOf('rain')).toBe('abroad/main/outside/ambient');
    const sites = (await api('GET', '/api/sites')).json().data;
    expect(sites.filter((s: { isDefault: boolean }) => s.isDefault).map((s: { slug: string }) => s.slug)).toEqual(['carca']);
    const back = await api('POST', '/api/sites', { slug: 'ut3', name: 'UT3', isDefault: true });
    expect(back.json().isDefault).toBe(true);
    expect(await topicOf('carca-a1')).toBe('abroad/carca/iut/a1');
    expect((await api('PATCH', '/api/sites/ut3', { isDefault: false })).statusCode).toBe(400);
  });

  it('keeps an override until it is set to null', async () => {
    const bad = await api('PATCH', '/api/devices/rain', { baseTopic: 'outside/+/rain' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.field).toBe('baseTopic');
    for (const topic of ['/outside', 'outside/', 'a//b', '$SYS/x', 'a/#']) {
      const r = await api('PATCH', '/api/devices/rain', { baseTopic: topic });
      expect(r.statusCode, topic).toBe(400);
    }
    const set = await api('PATCH', '/api/devices/rain', { baseTopic: 'Meteo/Station-1' });
    expect(set.json()).toMatchObject({ baseTopic: 'Meteo/Station-1', baseTopicOverride: true });
    await api('PATCH', '/api/sites/main', { slug: 'main2' });
    expect(await topicOf('rain')).toBe('Meteo/Station-1');
    const cleared = await api('PATCH', '/api/devices/rain', { baseTopic: null });
    expect(cleared.json()).toMatchObject({ baseTopic: 'abroad/main2/outside/ambient', baseTopicOverride: false });
  });

  it('resolves slugs within the site given, and refuses ambiguous ones naming the parameter', async () => {
    expect((await api('POST', '/api/buildings', { site: 'carca', slug: 'u4-bis', name: 'twin' })).statusCode).toBe(201);
    const ambiguous = await api('GET', '/api/buildings/u4-bis');
    expect(ambiguous.statusCode).toBe(400);
    expect(ambiguous.json().error.details.field).toBe('site');
    expect((await api('GET', '/api/buildings/u4-bis?site=carca')).json().site).toBe('carca');
    expect((await api('GET', '/api/buildings/u4-bis?site=main2')).json().site).toBe('main2');
    expect((await api('GET', '/api/buildings?site=carca')).json().data.map((b: { slug: string }) => b.slug)).toEqual([
      'iut',
      'u4-bis',
    ]);
    expect((await api('GET', '/api/rooms/301b')).json().building).toBe('u4-bis');
    expect((await api('GET', '/api/rooms/zzz')).statusCode).toBe(404);
  });

  it('refuses bad slugs, reserved building slugs, unknown time zones and duplicates', async () => {
    const upper = await api('POST', '/api/buildings', { slug: 'U5', name: 'x' });
    expect(upper.statusCode).toBe(400);
    expect(upper.json().error.details.field).toBe('body.slug');
    for (const slug of ['outside', 'abroad']) {
      const r = await api('POST', '/api/buildings', { slug, name: 'x' });
      expect(r.statusCode).toBe(400);
      expect(r.json().error.details.field).toBe('slug');
      const renamed = await api('PATCH', '/api/buildings/iut?site=carca', { slug });
      expect(renamed.statusCode).toBe(400);
      expect(renamed.json().error.details.field).toBe('slug');
    }
    const tz = await api('POST', '/api/sites', { slug: 'x', name: 'x', timeZone: 'Mars/Olympus' });
    expect(tz.statusCode).toBe(400);
    expect(tz.json().error.details.field).toBe('timeZone');
    const dup = await api('POST', '/api/rooms', { site: 'carca', building: 'iut', slug: 'a1', name: 'again' });
    expect(dup.statusCode).toBe(409);
    expect((await api('POST', '/api/sites', { slug: 'carca', name: 'again' })).statusCode).toBe(409);
  });

  it('refuses to delete what devices occupy, and the default site', async () => {
    const occupied = await api('DELETE', '/api/rooms/a1?building=iut&site=carca');
    expect(occupied.statusCode).toBe(409);
    expect(occupied.json().error.details).toMatchObject({ field: 'devices' });
    expect((await api('DELETE', '/api/sites/ut3')).statusCode).toBe(409);
    expect((await api('POST', '/api/rooms', { site: 'carca', building: 'iut', slug: 'empty', name: 'x' })).statusCode).toBe(201);
    expect((await api('DELETE', '/api/rooms/empty')).statusCode).toBe(204);
    expect((await api('GET', '/api/rooms/empty')).statusCode).toBe(404);
    for (const code of ['carca-a1', 'carca-out', 'by-room-id'])
      expect((await api('DELETE', `/api/devices/${code}`)).statusCode).toBe(204);
    expect((await api('PATCH', '/api/sites/ut3', { isDefault: true })).statusCode).toBe(200);
    expect((await api('DELETE', '/api/sites/carca')).statusCode).toBe(204);
    expect((await api('GET', '/api/buildings/iut')).statusCode).toBe(404);
  });
});
