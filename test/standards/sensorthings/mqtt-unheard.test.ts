import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects } from '../../support/databases.js';
import { eventually } from '../../support/mqtt.js';
import { ADMIN_TOKEN, type ListeningPolder, startListeningPolder } from '../../support/polder.js';
import { staClient } from './sta-client.js';

/**
 * Registry changes while nobody subscribes under a SensorThings tree (embedded broker): no
 * announcement and no alias pass over the registry (a store step registering a thousand devices
 * ran a thousand); the aliases come with the next SensorThings request, as docs/standards.md says.
 */
const dialects = await availableDialects();

describe.each(dialects)('SensorThings MQTT without subscribers on %s', (dialect) => {
  let t: ListeningPolder;
  beforeAll(async () => {
    t = await startListeningPolder(dialect);
  });
  afterAll(() => t?.close());

  const aliasOf = async (deviceId: string) =>
    (
      await t.polder.database.db
        .selectFrom('sta_ids')
        .select('id')
        .where('kind', '=', 'thing')
        .where('key', '=', deviceId)
        .executeTakeFirst()
    )?.id;
  const createDevice = async (code: string) => {
    const res = await t.call(ADMIN_TOKEN, { method: 'POST', url: '/api/devices', payload: { code, type: 'sensor' } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };

  it('a device made while nobody listens gets its alias at the next SensorThings request; announcements resume with a subscriber', async () => {
    const bus = t.polder.mqtt as NonNullable<typeof t.polder.mqtt>;
    expect(bus.listens?.('v1.1/#')).toBe(false);
    const quiet = await createDevice('quiet-dev');
    // An announcement would have run its alias pass by now (the queue is idle).
    await new Promise((r) => setTimeout(r, 300));
    expect(await aliasOf(quiet)).toBeUndefined();
    const things = (await staClient(t).get(`Things?$filter=name eq 'quiet-dev'`)).json().value;
    expect(things).toHaveLength(1);
    expect(await aliasOf(quiet)).toBe(things[0]['@iot.id']);

    const port = (t.polder.mqtt as { port?: number }).port;
    const sub = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { username: 'x', password: ADMIN_TOKEN, reconnectPeriod: 0 });
    try {
      const heard: string[] = [];
      sub.on('message', (_topic, payload) => heard.push(JSON.parse(payload.toString()).name));
      await sub.subscribeAsync('v1.1/#');
      const loud = await createDevice('loud-dev');
      await eventually('the Thing made with a subscriber announced', async () => heard.includes('loud-dev'));
      expect(await aliasOf(loud)).toEqual(expect.any(Number));
      expect(heard).not.toContain('quiet-dev');
    } finally {
      await sub.endAsync();
    }
  });
});
