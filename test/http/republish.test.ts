import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, type ListeningPolder, startListeningPolder } from '../support/polder.js';
import { eventually } from '../support/poll.js';

/** Every stored measurement is republished on polder/<org>/devices/<device>/<sensor>/<property>, unless the org turns it off. */
describe('MQTT republish of stored measurements', () => {
  let t: ListeningPolder;
  let sub: MqttClient;
  const got: { topic: string; payload: unknown }[] = [];
  const call = (token: string, method: string, url: string, payload?: unknown) =>
    t.call(token, { method: method as 'GET', url, ...(payload !== undefined && { payload: payload as object }) });

  async function series(token: string, device: string): Promise<number> {
    expect(
      (
        await call(token, 'POST', '/api/devices', {
          code: device,
          type: 'lorawan-node',
          identity: { kind: 'serial', value: device },
        })
      ).statusCode,
    ).toBe(201);
    const sensor = (await call(token, 'POST', `/api/devices/${device}/sensors`, { code: 'ch-1' })).json();
    const ds = await call(token, 'POST', '/api/datastreams', { sensor: sensor.id, observedProperty: 'temperature', unit: 'Cel' });
    return ds.json().id;
  }

  beforeAll(async () => {
    t = await startListeningPolder('sqlite');
    const port = (t.polder.mqtt as { port?: number }).port;
    sub = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { username: 'ops', password: ADMIN_TOKEN, reconnectPeriod: 0 });
    await sub.subscribeAsync('polder/#');
    sub.on('message', (topic, payload) => got.push({ topic, payload: JSON.parse(payload.toString()) }));
  });
  afterAll(async () => {
    await sub?.endAsync();
    await t?.close();
  });

  it('publishes each new measurement once, and none for an organisation that turned it off', async () => {
    const ds = await series(ADMIN_TOKEN, 'weather-1');
    const quiet = await call(ADMIN_TOKEN, 'POST', '/api/organisations', { slug: 'quiet', name: 'Quiet' });
    const key = (
      await call(ADMIN_TOKEN, 'POST', '/api/organisations/quiet/api-keys', {
        name: 'k',
        scopes: ['devices:write', 'admin:write'],
      })
    ).json().secret;
    await call(key, 'PATCH', '/api/organisations/quiet', { settings: { mqttRepublish: false } });
    const quietDs = await series(key, 'weather-2');
    expect(quiet.statusCode).toBe(201);

    const time = Date.UTC(2026, 10, 21, 12, 0);
    await t.polder.measurements.insert([
      { datastreamId: ds, time, value: 21.5 },
      { datastreamId: quietDs, time, value: 99 },
    ]);
    // a redelivered row is not stored again, so not published again
    await t.polder.measurements.insert([{ datastreamId: ds, time, value: 21.5 }]);
    // A last new row: published after whatever the inserts above published, so once it is here
    // a duplicate or the quiet organisation's row would be here too.
    await t.polder.measurements.insert([{ datastreamId: ds, time: time + 60_000, value: 22 }]);
    await eventually('the last row republished', () => got.some((g) => (g.payload as { value?: number }).value === 22));
    expect(got).toEqual([
      {
        topic: 'polder/default/devices/weather-1/ch-1/temperature',
        payload: { datastream: ds, time: '2026-11-21T12:00:00.000Z', value: 21.5, unit: 'Cel' },
      },
      {
        topic: 'polder/default/devices/weather-1/ch-1/temperature',
        payload: { datastream: ds, time: '2026-11-21T12:01:00.000Z', value: 22, unit: 'Cel' },
      },
    ]);
  });
});
