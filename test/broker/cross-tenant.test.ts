import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokerModes, connectMqtt, type LivePolder, startLivePolder } from '../support/mqtt.js';
import { ADMIN_TOKEN } from '../support/polder.js';
import { eventually } from '../support/poll.js';
import { caller, createTenant, granted, handled, placeBoard, record, type Tenant } from './tenants.js';

/**
 * Issue 9 items 1, 2 and 17: no organisation reaches another's topics on a shared broker. Real
 * MQTT clients against the embedded broker and against Mosquitto with dynamic security.
 */
describe.each(brokerModes())('cross-tenant MQTT on the %s broker', (mode) => {
  let live: LivePolder;
  let alpha: Tenant;
  let beta: Tenant;
  let boardA: Awaited<ReturnType<typeof placeBoard>>;
  let boardB: Awaited<ReturnType<typeof placeBoard>>;
  const clients: MqttClient[] = [];
  const connect = async (opts: { username?: string; password?: string; clientId?: string }) => {
    const c = await connectMqtt(live.brokerUrl, opts);
    clients.push(c);
    return c;
  };
  const call = (token: string, method: string, url: string, payload?: unknown) => caller(live)(token, method, url, payload);

  beforeAll(async () => {
    live = await startLivePolder(mode);
    alpha = await createTenant(live, 'alpha');
    beta = await createTenant(live, 'beta');
    boardA = await placeBoard(live, alpha.admin, { code: 'a-u4-301', mac: '24:0a:c4:00:00:a1', building: 'u4', room: '301' });
    boardB = await placeBoard(live, beta.admin, { code: 'b-u5-101', mac: '24:0a:c4:00:00:b1', building: 'u5', room: '101' });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true).catch(() => {})));
    await live?.close();
  });

  it("refuses a base topic equal to, above or under another organisation's (409 naming the field)", async () => {
    expect(boardA.baseTopic).toBe('u4/301');
    await call(beta.admin, 'POST', '/api/buildings', { slug: 'u4', name: 'U4' });
    await call(beta.admin, 'POST', '/api/rooms', { building: 'u4', slug: '301', name: '301' });
    const device = (code: string, extra: Record<string, unknown>) =>
      call(beta.admin, 'POST', '/api/devices', { code, type: 'rpi3', ...extra });
    const same = await device('b-same-room', { location: { building: 'u4', room: '301' } });
    expect(same.statusCode, same.body).toBe(409);
    expect(same.json().error).toMatchObject({ code: 'CONFLICT', details: { field: 'location' } });
    expect(same.json().error.message).not.toContain('alpha');
    for (const baseTopic of ['u4/301', 'u4', 'u4/301/x', 'polder/alpha', 'v1.1/x']) {
      const res = await device(`b-${baseTopic.replace(/\W/g, '-')}`, { baseTopic });
      expect(res.statusCode, `${baseTopic}: ${res.body}`).toBe(409);
      expect(res.json().error.details.field).toBe('baseTopic');
    }
    // Not an overlap: another level name; and the same organisation may share a room's topic.
    expect((await device('b-u4-3011', { baseTopic: 'u4/3011' })).statusCode).toBe(201);
    const again = await call(alpha.admin, 'POST', '/api/devices', {
      code: 'a-u4-301-second',
      type: 'rpi3',
      location: { building: 'u4', room: '301' },
    });
    expect(again.statusCode, again.body).toBe(201);
    // Moving an existing device onto the other's topic is refused too.
    const move = await call(beta.admin, 'PATCH', '/api/devices/b-u5-101', { baseTopic: 'u4/301' });
    expect(move.statusCode).toBe(409);
  });

  it("another organisation cannot get a board that hears A's orders, nor send them", async () => {
    // Placing a board in A's room (same base topic) is refused…
    const intruder = await call(beta.admin, 'POST', '/api/devices', {
      code: 'b-intruder',
      type: 'rpi3',
      identity: { kind: 'mac', value: '24:0a:c4:00:00:b9' },
      baseTopic: 'u4/301',
    });
    expect(intruder.statusCode, intruder.body).toBe(409);
    // …and B's board elsewhere may not subscribe to A's topics.
    const a = await connect({ username: boardA.login, password: boardA.password });
    const b = await connect({ username: boardB.login, password: boardB.password });
    const gotA = record(a);
    const gotB = record(b);
    expect(await granted(a, 'u4/301/+/command')).toBe(1);
    expect(await granted(b, 'u5/101/+/command')).toBe(1);
    for (const filter of ['u4/301/+/command', '#', 'u4/+/+/command']) expect(await granted(b, filter), filter).toBe(128);
    const order = await call(alpha.admin, 'POST', '/api/devices/a-u4-301/commands', { module: 'shutter', order: 'up' });
    expect(order.statusCode, order.body).toBe(201);
    await b.publishAsync('u4/301/shutter/command', '{"dest":"all","order":"down"}', { qos: 0 }).catch(() => {});
    // Once the broker has handled B's refused publish, A's next order comes after anything it could have caused.
    await handled(b, 'u5/101/+/command');
    await call(alpha.admin, 'POST', '/api/devices/a-u4-301/commands', { module: 'shutter', order: 'stop' });
    await eventually("A's next order", () => gotA.some((m) => m.payload.includes('"stop"')));
    expect(gotA.map((m) => m.payload)).toEqual(['{"dest":"all","order":"up"}', '{"dest":"all","order":"stop"}']);
    expect(gotB).toEqual([]);
  });

  // API keys do not log in to Mosquitto with dynamic security (docs/security.md): embedded only.
  const embeddedOnly = it.skipIf(mode !== 'embedded');

  embeddedOnly('org B\'s admin key subscribed to "#" gets only B\'s messages; the platform token gets all', async () => {
    const keyB = await connect({ username: 'beta-ops', password: beta.admin });
    const platform = await connect({ username: 'ops', password: ADMIN_TOKEN });
    const gotKeyB = record(keyB);
    const gotPlatform = record(platform);
    expect(await granted(keyB, '#')).toBe(1);
    expect(await granted(platform, '#')).toBe(1);
    for (const filter of ['polder/alpha/#', 'u4/301/#', 'u4/301/+/command', '$SYS/#'])
      expect(await granted(keyB, filter), filter).toBe(128);

    const a = await connect({ username: boardA.login, password: boardA.password });
    const b = await connect({ username: boardB.login, password: boardB.password });
    await a.publishAsync('u4/301/temperature', '{"value":21.5}', { qos: 1 });
    await b.publishAsync('u5/101/temperature', '{"value":19}', { qos: 1 });
    await call(alpha.admin, 'POST', '/api/devices/a-u4-301/commands', { module: 'shutter', order: 'stop' });
    // A republished value and alerts, as Polder publishes them.
    const dsA = await series(alpha.admin, 'a-weather');
    await live.polder.measurements.insert([{ datastreamId: dsA, time: Date.UTC(2026, 11, 1), value: 7 }]);
    await live.polder.mqtt?.publish('polder/alpha/alerts', '{"event":"fired"}', { qos: 1 });
    await live.polder.mqtt?.publish('polder/beta/alerts', '{"event":"fired"}', { qos: 1 });
    const everything = [
      'u4/301/temperature',
      'u4/301/shutter/command',
      'polder/alpha/devices/a-weather/ch-1/temperature',
      'polder/alpha/alerts',
      'u5/101/temperature',
      'polder/beta/alerts',
    ];
    // B's alert is published last: once both have it (and the platform all the rest), the others are behind it.
    await eventually('every message forwarded', () =>
      everything.every(
        (topic) => gotPlatform.some((m) => m.topic === topic) && gotKeyB.some((m) => m.topic === 'polder/beta/alerts'),
      ),
    );

    const topicsB = gotKeyB.map((m) => m.topic);
    expect(topicsB.filter((t) => t.startsWith('u4/301') || t.startsWith('polder/alpha'))).toEqual([]);
    expect(topicsB).toEqual(expect.arrayContaining(['u5/101/temperature', 'polder/beta/alerts']));
    expect(gotPlatform.map((m) => m.topic)).toEqual(
      expect.arrayContaining([
        'u4/301/temperature',
        'u4/301/shutter/command',
        'polder/alpha/devices/a-weather/ch-1/temperature',
        'polder/alpha/alerts',
        'u5/101/temperature',
      ]),
    );
  });

  embeddedOnly("B's admin key cannot publish on A's command topic; A's own key can", async () => {
    const a = await connect({ username: boardA.login, password: boardA.password });
    const gotA = record(a);
    await a.subscribeAsync('u4/301/+/command', { qos: 1 });
    const keyB = await connect({ username: 'beta-ops', password: beta.admin });
    await keyB.publishAsync('u4/301/shutter/command', '{"dest":"all","order":"down"}', { qos: 0 });
    await handled(keyB, 'polder/beta/#');
    const keyA = await connect({ username: 'alpha-ops', password: alpha.admin });
    await keyA.publishAsync('u4/301/shutter/command', '{"dest":"all","order":"up"}', { qos: 1 });
    await eventually("A's own key's order", () => gotA.some((m) => m.payload.includes('"up"')));
    expect(gotA.map((m) => m.payload)).toEqual(['{"dest":"all","order":"up"}']);
  });

  embeddedOnly('a measurements:read key subscribes read-only to its own polder/<org>/… topics', async () => {
    const reader = await connect({ username: 'beta-dashboard', password: beta.reader });
    const got = record(reader);
    expect(await granted(reader, 'polder/beta/#')).toBe(1);
    expect(await granted(reader, 'polder/alpha/#')).toBe(128);
    const dsB = await series(beta.admin, 'b-weather');
    await live.polder.measurements.insert([{ datastreamId: dsB, time: Date.UTC(2026, 11, 1), value: 3 }]);
    // A's alert first: once B's (published after it) and the republished value are here, A's would be too.
    await live.polder.mqtt?.publish('polder/alpha/alerts', '{"event":"resolved"}', { qos: 1 });
    await live.polder.mqtt?.publish('polder/beta/alerts', '{"event":"resolved"}', { qos: 1 });
    await eventually("B's alert and value", () => got.length >= 2);
    expect(got.map((m) => m.topic).sort()).toEqual(['polder/beta/alerts', 'polder/beta/devices/b-weather/ch-1/temperature']);
    // Read only: what it publishes reaches nobody.
    const platform = await connect({ username: 'ops', password: ADMIN_TOKEN });
    const seen = record(platform);
    // Under polder/ (where the forged message goes): SensorThings' announcements of the series
    // made above (v1.x/Things(…), v1.x/Datastreams(…)) may still be on their way to `#`.
    await platform.subscribeAsync('polder/#', { qos: 1 });
    await reader.publishAsync('polder/beta/alerts', '{"forged":true}', { qos: 0 });
    // Once the broker has handled the reader's publish, the platform's own message comes after it.
    await handled(reader, 'polder/beta/#');
    await platform.publishAsync('polder/beta/fence', '{}', { qos: 1 });
    await eventually("the platform's own message", () => seen.some((m) => m.topic === 'polder/beta/fence'));
    expect(seen.map((m) => m.topic)).toEqual(['polder/beta/fence']);
  });

  embeddedOnly('retained messages on …/command topics are not kept for the next subscriber', async () => {
    const keyA = await connect({ username: 'alpha-ops', password: alpha.admin });
    await keyA.publishAsync('u4/301/light/command', '{"dest":"all","order":"on"}', { qos: 1, retain: true });
    await keyA.publishAsync('u4/301/light/state', '{"on":true}', { qos: 1, retain: true });
    const late = await connect({ username: 'ops', password: ADMIN_TOKEN });
    const got = record(late);
    await late.subscribeAsync('u4/301/#', { qos: 1 });
    // Retained messages come together on subscription: the state one must, the command one must not.
    await eventually('the retained state', () => got.some((m) => m.topic === 'u4/301/light/state'));
    await keyA.publishAsync('u4/301/light/fence', '{}', { qos: 1 });
    await eventually('a live message after the retained ones', () => got.some((m) => m.topic === 'u4/301/light/fence'));
    expect(got.map((m) => m.topic)).toEqual(['u4/301/light/state', 'u4/301/light/fence']);
  });

  async function series(token: string, device: string): Promise<number> {
    const created = await call(token, 'POST', '/api/devices', {
      code: device,
      type: 'lorawan-node',
      identity: { kind: 'serial', value: device },
    });
    expect(created.statusCode, created.body).toBe(201);
    const sensor = (await call(token, 'POST', `/api/devices/${device}/sensors`, { code: 'ch-1' })).json();
    const ds = await call(token, 'POST', '/api/datastreams', { sensor: sensor.id, observedProperty: 'temperature', unit: 'Cel' });
    expect(ds.statusCode, ds.body).toBe(201);
    return ds.json().id;
  }
});
