import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects } from '../../support/databases.js';
import { eventually } from '../../support/mqtt.js';
import { ADMIN_TOKEN, type ListeningPolder, startListeningPolder } from '../../support/polder.js';
import { key, staClient } from './sta-client.js';

/**
 * SensorThings MQTT extension (18-088 §14; the MQTT part of the OGC suite's receive-updates and
 * create-observations classes) on the embedded broker, on both databases.
 */
const dialects = await availableDialects();

describe.each(dialects)('SensorThings MQTT on %s', (dialect) => {
  let t: ListeningPolder;
  let client: MqttClient;
  let dsId: number;
  let otherOrgKey: string;
  /** A key of the datastream's organisation (the broker asks SensorThings about its topics; the platform key it does not). */
  let ownKey: string;
  const got: { topic: string; payload: Record<string, unknown> }[] = [];

  beforeAll(async () => {
    t = await startListeningPolder(dialect);
    const sta = staClient(t);
    const res = await sta.post('Things', {
      name: 'mqtt thing',
      description: 'x',
      Datastreams: [
        {
          name: 'air',
          description: 'air temperature',
          unitOfMeasurement: { name: 'degree Celsius', symbol: 'Cel', definition: 'http://unitsofmeasure.org/ucum.html#para-30' },
          observationType: 'http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement',
          Sensor: { name: 'probe', description: 'probe', encodingType: 'text/html', metadata: 'x' },
          ObservedProperty: {
            name: 'Temperature',
            definition: 'http://qudt.org/vocab/quantitykind/Temperature',
            description: 't',
          },
        },
      ],
    });
    expect(res.statusCode, res.body).toBe(201);
    dsId = (await sta.get(`Things${key(sta.idOf(res))}/Datastreams`)).json().value[0]['@iot.id'];
    await t.call(ADMIN_TOKEN, { method: 'POST', url: '/api/organisations', payload: { slug: 'other', name: 'Other' } });
    otherOrgKey = (
      await t.call(ADMIN_TOKEN, {
        method: 'POST',
        url: '/api/organisations/other/api-keys',
        payload: { name: 'k', scopes: ['devices:write', 'measurements:write', 'admin:write'] },
      })
    ).json().secret;
    ownKey = (
      await t.call(ADMIN_TOKEN, {
        method: 'POST',
        url: '/api/organisations/default/api-keys',
        payload: { name: 'subscriber', scopes: ['measurements:read', 'devices:read'] },
      })
    ).json().secret;
    const port = (t.polder.mqtt as { port?: number }).port;
    client = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { username: 'sta', password: ADMIN_TOKEN, reconnectPeriod: 0 });
    await client.subscribeAsync(`v1.1/Datastreams(${dsId})/Observations`);
    client.on('message', (topic, payload) => got.push({ topic, payload: JSON.parse(payload.toString()) }));
  });
  afterAll(async () => {
    await client?.endAsync();
    await t?.close();
  });

  it('receive-updates: a subscriber of v1.1/Datastreams(id)/Observations gets each new observation as stored', async () => {
    const sta = staClient(t);
    const created = await sta.post(`Datastreams(${dsId})/Observations`, {
      phenomenonTime: '2024-03-01T12:00:00Z',
      result: 17.25,
    });
    expect(created.statusCode, created.body).toBe(201);
    const msg = await eventually('the observation on MQTT', () => got.find((g) => g.payload.result === 17.25));
    expect(msg.topic).toBe(`v1.1/Datastreams(${dsId})/Observations`);
    expect(msg.payload).toMatchObject({
      '@iot.id': `${dsId}-${Date.UTC(2024, 2, 1, 12)}`,
      phenomenonTime: '2024-03-01T12:00:00.000Z',
      result: 17.25,
    });
  });

  it('create-observations-via-mqtt: publishing an Observation on the topic stores it (and announces it)', async () => {
    await client.publishAsync(
      `v1.1/Datastreams(${dsId})/Observations`,
      JSON.stringify({ phenomenonTime: '2024-03-01T13:00:00Z', result: 5.5 }),
      {
        qos: 1,
      },
    );
    const sta = staClient(t);
    const stored = await eventually('the published observation stored', async () => {
      const res = await sta.get(`Datastreams(${dsId})/Observations?$filter=result eq 5.5`);
      return res.json().value[0];
    });
    expect(stored.phenomenonTime).toBe('2024-03-01T13:00:00.000Z');
    // On v1.1/Observations with a Datastream link too.
    await client.publishAsync(
      'v1.1/Observations',
      JSON.stringify({ phenomenonTime: '2024-03-01T14:00:00Z', result: 6.5, Datastream: { '@iot.id': dsId } }),
      {
        qos: 1,
      },
    );
    await eventually(
      'the second observation stored',
      async () => (await sta.get(`Datastreams(${dsId})/Observations?$filter=result eq 6.5`)).json().value[0],
    );
  });

  it('refuses an Observation published by another organisation for this datastream', async () => {
    const port = (t.polder.mqtt as { port?: number }).port;
    const intruder = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
      username: 'x',
      password: otherOrgKey,
      reconnectPeriod: 0,
    });
    // The broker refuses the publish (src/broker/topic-policy.ts): no PUBACK, the connection is closed.
    const closed = new Promise<void>((resolve) => intruder.once('close', () => resolve()));
    intruder.publish(
      `v1.1/Datastreams(${dsId})/Observations`,
      JSON.stringify({ phenomenonTime: '2024-03-01T15:00:00Z', result: 666 }),
      {
        qos: 1,
      },
    );
    await closed;
    intruder.end(true);
    // A message of ours after it proves the intruder's was handled (and refused), not still in flight.
    await client.publishAsync(
      `v1.1/Datastreams(${dsId})/Observations`,
      JSON.stringify({ phenomenonTime: '2024-03-01T16:00:00Z', result: 7.5 }),
      {
        qos: 1,
      },
    );
    const sta = staClient(t);
    await eventually(
      'the marker stored',
      async () => (await sta.get(`Datastreams(${dsId})/Observations?$filter=result eq 7.5`)).json().value[0],
    );
    expect((await sta.get(`Datastreams(${dsId})/Observations?$filter=result eq 666`)).json().value).toEqual([]);
  });

  it("an organisation's key subscribes to its own datastreams' topics, never another organisation's", async () => {
    const port = (t.polder.mqtt as { port?: number }).port;
    const ownKey = (
      await t.call(ADMIN_TOKEN, {
        method: 'POST',
        url: '/api/organisations/default/api-keys',
        payload: { name: 'reader', scopes: ['measurements:read'] },
      })
    ).json().secret;
    const topic = `v1.1/Datastreams(${dsId})/Observations`;
    const reader = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { username: 'r', password: ownKey, reconnectPeriod: 0 });
    const intruder = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
      username: 'x',
      password: otherOrgKey,
      reconnectPeriod: 0,
    });
    try {
      expect((await reader.subscribeAsync(topic))[0]?.qos).toBe(0);
      // Refused (SUBACK 0x80) or accepted and filtered per delivery (docs/security.md): nothing arrives.
      await intruder.subscribeAsync(topic);
      const stolen: string[] = [];
      intruder.on('message', (tp) => stolen.push(tp));
      const seen: string[] = [];
      reader.on('message', (_t, payload) => seen.push(String(JSON.parse(payload.toString()).result)));
      const sta = staClient(t);
      const posted = await sta.post(`Datastreams(${dsId})/Observations`, {
        phenomenonTime: '2024-03-02T10:00:00Z',
        result: 12.25,
      });
      expect(posted.statusCode, posted.body).toBe(201);
      await eventually('the reader got the observation', async () => seen.includes('12.25'));
      // The broker handles one delivery list per message: the intruder's would have come with the reader's.
      expect(stolen).toEqual([]);
    } finally {
      await reader.endAsync();
      await intruder.endAsync();
    }
  });

  it('receive-updates with $select: v1.1/Datastreams(id)/Observations?$select=result,phenomenonTime carries those properties only', async () => {
    const topic = `v1.1/Datastreams(${dsId})/Observations?$select=result,phenomenonTime`;
    const seen: Record<string, unknown>[] = [];
    const port = (t.polder.mqtt as { port?: number }).port;
    const sub = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { username: 's', password: ownKey, reconnectPeriod: 0 });
    try {
      sub.on('message', (tp, payload) => {
        if (tp === topic) seen.push(JSON.parse(payload.toString()));
      });
      // The first subscription to a topic may wait on the owner look-up: retry until granted.
      await eventually('the $select subscription granted', async () => (await sub.subscribeAsync(topic))[0]?.qos === 0);
      const posted = await staClient(t).post(`Datastreams(${dsId})/Observations`, {
        phenomenonTime: '2024-03-03T10:00:00Z',
        result: 31.5,
      });
      expect(posted.statusCode, posted.body).toBe(201);
      const msg = await eventually('the selected observation', async () => seen.find((m) => m.result === 31.5));
      expect(msg).toEqual({ result: 31.5, phenomenonTime: '2024-03-03T10:00:00.000Z' });
    } finally {
      await sub.endAsync();
    }
  });

  it('receive-updates on entity topics: v1.1/Datastreams(id) on update, v1.1/Things(id)/Datastreams on create; never to another organisation', async () => {
    const sta = staClient(t);
    const thing = (await sta.get(`Datastreams(${dsId})/Thing`)).json()['@iot.id'] as number;
    const port = (t.polder.mqtt as { port?: number }).port;
    const sub = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { username: 's', password: ownKey, reconnectPeriod: 0 });
    const intruder = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
      username: 'x',
      password: otherOrgKey,
      reconnectPeriod: 0,
    });
    const seen: { topic: string; body: Record<string, unknown> }[] = [];
    const stolen: string[] = [];
    try {
      sub.on('message', (topic, payload) => seen.push({ topic, body: JSON.parse(payload.toString()) }));
      intruder.on('message', (topic) => stolen.push(topic));
      const topics = [`v1.1/Datastreams(${dsId})`, `v1.1/Things(${thing})/Datastreams`, `v1.1/Things(${thing})?$select=id,name`];
      for (const topic of topics)
        await eventually(`${topic} granted`, async () => (await sub.subscribeAsync(topic))[0]?.qos === 0);
      await intruder.subscribeAsync(topics).catch(() => undefined);
      expect((await sta.patch(`Datastreams(${dsId})`, { name: 'renamed air' })).statusCode).toBe(200);
      const updated = await eventually('the datastream update', async () =>
        seen.find((m) => m.topic === `v1.1/Datastreams(${dsId})` && m.body.name === 'renamed air'),
      );
      expect(updated.body['@iot.id']).toBe(dsId);
      const created = await sta.post(`Things(${thing})/Datastreams`, {
        name: 'second',
        description: 'second stream',
        unitOfMeasurement: { name: 'percent', symbol: '%', definition: 'http://unitsofmeasure.org/ucum.html#para-29' },
        observationType: 'http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement',
        Sensor: { name: 'hygro', description: 'h', encodingType: 'text/html', metadata: 'x' },
        ObservedProperty: { name: 'Humidity', definition: 'urn:example:humidity', description: 'h' },
      });
      expect(created.statusCode, created.body).toBe(201);
      const joined = await eventually('the new datastream on the Thing topic', async () =>
        seen.find((m) => m.topic === `v1.1/Things(${thing})/Datastreams` && m.body.name === 'second'),
      );
      expect(joined.body['@iot.id']).toBe(created.json()['@iot.id']);
      // The Thing itself changes: its $select topic carries only the id and name.
      expect((await sta.patch(`Things(${thing})`, { description: 'moved on' })).statusCode).toBe(200);
      const selectedThing = await eventually('the Thing $select message', async () =>
        seen.find((m) => m.topic === `v1.1/Things(${thing})?$select=id,name`),
      );
      expect(selectedThing.body).toEqual({ '@iot.id': thing, name: 'mqtt thing' });
      // A property topic: the property alone, as `{"<property>": value}`.
      const property = `v1.1/Datastreams(${dsId})/description`;
      await eventually(`${property} granted`, async () => (await sub.subscribeAsync(property))[0]?.qos === 0);
      await intruder.subscribeAsync(property).catch(() => undefined);
      expect((await sta.patch(`Datastreams(${dsId})`, { description: 'outdoor air' })).statusCode).toBe(200);
      const described = await eventually('the property topic message', async () => seen.find((m) => m.topic === property));
      expect(described.body).toEqual({ description: 'outdoor air' });
      // A marker on the own subscription after the changes: the intruder's deliveries would have come with it.
      expect(stolen).toEqual([]);
    } finally {
      await sub.endAsync();
      await intruder.endAsync();
    }
  });
});
