import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects } from '../../support/databases.js';
import { eventually } from '../../support/mqtt.js';
import { ADMIN_TOKEN, type ListeningPolder, startListeningPolder } from '../../support/polder.js';
import { staClient } from './sta-client.js';

/**
 * SensorThings MQTT announcements beyond the writer's own entity (18-088 §14.2), on the embedded
 * broker and both databases: changes made through `/api`, every entity of a deep insert,
 * deletions (nothing published), non-numeric Observations, and no rendering without a subscriber.
 */
const dialects = await availableDialects();

interface Msg {
  topic: string;
  body: Record<string, unknown>;
}

const OM = 'http://www.opengis.net/def/observationType/OGC-OM/2.0/';
const CELSIUS = { name: 'degree Celsius', symbol: 'Cel', definition: 'http://unitsofmeasure.org/ucum.html#para-30' };

describe.each(dialects)('SensorThings MQTT announcements on %s', (dialect) => {
  let t: ListeningPolder;
  let sub: MqttClient;
  let intruder: MqttClient;
  let otherKey: string;
  const seen: Msg[] = [];
  const stolen: Msg[] = [];
  const api = (method: string, url: string, payload?: unknown, token = ADMIN_TOKEN) =>
    t.call(token, { method: method as 'POST', url, ...(payload !== undefined && { payload: payload as object }) });
  const connect = (password: string) => {
    const port = (t.polder.mqtt as { port?: number }).port;
    return mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { username: 'x', password, reconnectPeriod: 0 });
  };
  const on = (topic: string | RegExp, test: (m: Msg) => boolean = () => true) =>
    eventually(`a message on ${String(topic)}`, async () =>
      seen.find((m) => (typeof topic === 'string' ? m.topic === topic : topic.test(m.topic)) && test(m)),
    );

  beforeAll(async () => {
    t = await startListeningPolder(dialect);
    await api('POST', '/api/organisations', { slug: 'other', name: 'Other' });
    otherKey = (
      await api('POST', '/api/organisations/other/api-keys', {
        name: 'k',
        scopes: ['devices:write', 'devices:read', 'measurements:read'],
      })
    ).json().secret;
    const ownKey = (
      await api('POST', '/api/organisations/default/api-keys', {
        name: 'subscriber',
        scopes: ['measurements:read', 'devices:read'],
      })
    ).json().secret;
    sub = await connect(ownKey);
    intruder = await connect(otherKey);
    sub.on('message', (topic, payload) => seen.push({ topic, body: JSON.parse(payload.toString()) }));
    intruder.on('message', (topic, payload) => stolen.push({ topic, body: JSON.parse(payload.toString()) }));
    // Broad filters: each delivery is checked against the topic's owner (ownsStaTopic).
    expect((await sub.subscribeAsync('v1.1/#'))[0]?.qos).toBe(0);
    expect((await intruder.subscribeAsync('v1.1/#'))[0]?.qos).toBe(0);
  });
  afterAll(async () => {
    await sub?.endAsync();
    await intruder?.endAsync();
    await t?.close();
  });

  it('changes made through /api (site, device create/update/move, sensor, datastream) are announced on the entity topics, to the owning organisation only', async () => {
    const sta = staClient(t);
    expect((await api('POST', '/api/sites', { slug: 'dijk', name: 'Dijk', latitude: 52.1, longitude: 5.1 })).statusCode).toBe(
      201,
    );
    const location = await on(/^v1\.1\/Locations\(\d+\)$/, (m) => m.body.name === 'Dijk');
    expect(location.body.location).toEqual({ type: 'Point', coordinates: [5.1, 52.1] });

    expect((await api('POST', '/api/devices', { code: 'api-dev', type: 'sensor' })).statusCode).toBe(201);
    const thing = await on(/^v1\.1\/Things\(\d+\)$/, (m) => m.body.name === 'api-dev');
    const thingId = thing.body['@iot.id'] as number;
    expect(thing.topic).toBe(`v1.1/Things(${thingId})`);
    expect((await sta.get(`Things(${thingId})`)).json().name).toBe('api-dev');
    // Links are relative to the HTTP root (there is no request to take a host from).
    expect(thing.body['@iot.selfLink']).toBe(`/sta/v1.1/Things(${thingId})`);

    expect((await api('PATCH', '/api/devices/api-dev', { description: 'changed' })).statusCode).toBe(200);
    await on(`v1.1/Things(${thingId})`, (m) => m.body.description === 'changed');
    // A move: the Thing is announced again and now has the site as its Location.
    expect((await api('PATCH', '/api/devices/api-dev', { location: { site: 'dijk' } })).statusCode).toBe(200);
    const moved = seen.length;
    await on(`v1.1/Things(${thingId})`, (m) => seen.indexOf(m) >= moved);
    expect((await sta.get(`Things(${thingId})/Locations`)).json().value[0]['@iot.id']).toBe(location.body['@iot.id']);

    const sensor = await api('POST', '/api/devices/api-dev/sensors', { code: 'probe-1', model: 'MCP9808' });
    expect(sensor.statusCode, sensor.body).toBe(201);
    const sensorMsg = await on(/^v1\.1\/Sensors\(\d+\)$/, (m) => m.body.name === 'probe-1');
    const ds = await api('POST', '/api/datastreams', { sensor: sensor.json().id, observedProperty: 'temperature', unit: 'Cel' });
    expect(ds.statusCode, ds.body).toBe(201);
    const dsId = ds.json().id as number;
    const dsMsg = await on(`v1.1/Datastreams(${dsId})`);
    expect(dsMsg.body.unitOfMeasurement).toMatchObject({ symbol: 'Cel' });
    await on(`v1.1/Things(${thingId})/Datastreams`, (m) => m.body['@iot.id'] === dsId);
    await on(`v1.1/Sensors(${sensorMsg.body['@iot.id']})/Datastreams`, (m) => m.body['@iot.id'] === dsId);

    // The other organisation's own change is the fence: ours would have reached the intruder before it.
    expect((await api('POST', '/api/devices', { code: 'their-dev', type: 'sensor' }, otherKey)).statusCode).toBe(201);
    await eventually('the other organisation hears its own Thing', async () => stolen.some((m) => m.body.name === 'their-dev'));
    expect(stolen.filter((m) => m.body.name !== 'their-dev')).toEqual([]);
    expect(seen.some((m) => m.body.name === 'their-dev')).toBe(false);
  });

  it('a burst of registry changes is announced once per entity: changes made while an announcement waits join it', async () => {
    expect((await api('POST', '/api/devices', { code: 'burst-dev', type: 'sensor' })).statusCode).toBe(201);
    const made = async (code: string) => {
      const sensor = await api('POST', '/api/devices/burst-dev/sensors', { code });
      expect(sensor.statusCode, sensor.body).toBe(201);
      const msg = await on(/^v1\.1\/Sensors\(\d+\)$/, (m) => m.body.name === code);
      return { id: sensor.json().id as string, topic: msg.topic };
    };
    const burst = await made('burst-1');
    const fence = await made('burst-2');
    const orgId = (await api('GET', '/api/organisations/default')).json().id as string;
    expect(orgId).toMatch(/\w/);
    const events = t.polder.registry.events;
    const from = seen.length;
    // Three changes of one sensor in one turn (a store step registering entities one by one does
    // this), then one of another sensor: announcements run in order, so its arrival is the fence.
    for (let i = 0; i < 3; i++) void events.emit('registryChanged', { orgId, sensors: [burst.id] });
    await events.emit('registryChanged', { orgId, sensors: [fence.id] });
    await on(fence.topic, (m) => seen.indexOf(m) >= from);
    expect(seen.slice(from).filter((m) => m.topic === burst.topic)).toHaveLength(1);
  });

  it('a deep insert announces each entity it created on its own topic', async () => {
    const sta = staClient(t);
    const res = await sta.post('Things', {
      name: 'deep thing',
      description: 'deep',
      Locations: [
        {
          name: 'deep place',
          description: 'p',
          encodingType: 'application/geo+json',
          location: { type: 'Point', coordinates: [4.9, 52.3] },
        },
      ],
      Datastreams: [
        {
          name: 'deep air',
          description: 'air',
          unitOfMeasurement: CELSIUS,
          observationType: `${OM}OM_Measurement`,
          Sensor: { name: 'deep probe', description: 'probe', encodingType: 'text/html', metadata: 'x' },
          ObservedProperty: { name: 'Deep temperature', definition: 'urn:example:deep-temperature', description: 't' },
        },
        {
          name: 'deep door',
          description: 'door state',
          unitOfMeasurement: { name: 'state', symbol: '', definition: 'urn:example:state' },
          observationType: `${OM}OM_CategoryObservation`,
          Sensor: { name: 'deep contact', description: 'reed', encodingType: 'text/html', metadata: 'x' },
          ObservedProperty: { name: 'Door state', definition: 'urn:example:door', description: 'd' },
        },
      ],
    });
    expect(res.statusCode, res.body).toBe(201);
    const thing = sta.idOf(res);
    const full = (
      await sta.get(`Things(${thing})?$expand=Locations,HistoricalLocations,Datastreams($expand=Sensor,ObservedProperty)`)
    ).json();
    const location = full.Locations[0]['@iot.id'];
    const history = full.HistoricalLocations[0]['@iot.id'];
    await on(`v1.1/Things(${thing})`, (m) => m.body.name === 'deep thing');
    await on(`v1.1/Locations(${location})`, (m) => m.body.name === 'deep place');
    await on(`v1.1/HistoricalLocations(${history})`);
    await on(`v1.1/Things(${thing})/HistoricalLocations`, (m) => m.body['@iot.id'] === history);
    expect(full.Datastreams).toHaveLength(2);
    for (const d of full.Datastreams) {
      await on(`v1.1/Datastreams(${d['@iot.id']})`, (m) => m.body.name === d.name);
      await on(`v1.1/Things(${thing})/Datastreams`, (m) => m.body['@iot.id'] === d['@iot.id']);
      await on(`v1.1/Sensors(${d.Sensor['@iot.id']})`, (m) => m.body.name === d.Sensor.name);
      await on(`v1.1/ObservedProperties(${d.ObservedProperty['@iot.id']})`, (m) => m.body.name === d.ObservedProperty.name);
      await on(`v1.1/Sensors(${d.Sensor['@iot.id']})/Datastreams`, (m) => m.body['@iot.id'] === d['@iot.id']);
    }
  });

  it('non-numeric Observations (text, booleans, JSON) are published on v1.1/Datastreams(id)/Observations: POST, dataArray, MQTT and ingest', async () => {
    const sta = staClient(t);
    const created = await sta.post('Things', {
      name: 'door thing',
      description: 'd',
      Datastreams: [
        {
          name: 'door',
          description: 'door state',
          unitOfMeasurement: { name: 'state', symbol: '', definition: 'urn:example:state' },
          observationType: `${OM}OM_CategoryObservation`,
          Sensor: { name: 'reed', description: 'reed', encodingType: 'text/html', metadata: 'x' },
          ObservedProperty: { name: 'Door', definition: 'urn:example:door-2', description: 'd' },
        },
        {
          name: 'alarm',
          description: 'alarm on',
          unitOfMeasurement: { name: 'flag', symbol: '', definition: 'urn:example:flag' },
          observationType: `${OM}OM_TruthObservation`,
          Sensor: { name: 'siren', description: 'siren', encodingType: 'text/html', metadata: 'x' },
          ObservedProperty: { name: 'Alarm', definition: 'urn:example:alarm', description: 'a' },
        },
      ],
    });
    expect(created.statusCode, created.body).toBe(201);
    const streams = (await sta.get(`Things(${sta.idOf(created)})/Datastreams`)).json().value as {
      '@iot.id': number;
      name: string;
    }[];
    const door = streams.find((d) => d.name === 'door')?.['@iot.id'] as number;
    const alarm = streams.find((d) => d.name === 'alarm')?.['@iot.id'] as number;
    const topic = `v1.1/Datastreams(${door})/Observations`;

    const posted = await sta.post(`Datastreams(${door})/Observations`, {
      phenomenonTime: '2024-05-01T10:00:00Z',
      result: 'open',
    });
    expect(posted.statusCode, posted.body).toBe(201);
    const open = await on(topic, (m) => m.body.result === 'open');
    expect(open.body).toMatchObject({
      '@iot.id': `${door}-${Date.UTC(2024, 4, 1, 10)}`,
      phenomenonTime: '2024-05-01T10:00:00.000Z',
    });

    const array = await sta.post('CreateObservations', [
      {
        Datastream: { '@iot.id': alarm },
        components: ['phenomenonTime', 'result'],
        dataArray: [
          ['2024-05-01T10:01:00Z', true],
          ['2024-05-01T10:02:00Z', false],
        ],
      },
    ]);
    expect(array.statusCode, array.body).toBe(201);
    await on(`v1.1/Datastreams(${alarm})/Observations`, (m) => m.body.result === true);
    await on(`v1.1/Datastreams(${alarm})/Observations`, (m) => m.body.result === false);

    // Published on the topic by a client (the create-observations class) with a text result.
    const writer = await connect(ADMIN_TOKEN);
    try {
      await writer.publishAsync(topic, JSON.stringify({ phenomenonTime: '2024-05-01T10:03:00Z', result: 'ajar' }), { qos: 1 });
    } finally {
      await writer.endAsync();
    }
    await on(topic, (m) => m.body.result === 'ajar' && '@iot.id' in m.body);

    // Ingest stores non-numeric values through the same service call as the pipeline's store step.
    await t.polder.measurements.insertValues([
      { datastreamId: door, time: Date.UTC(2024, 4, 1, 10, 4), value: { state: 'closed', by: 'wind' } },
    ]);
    const json = await on(topic, (m) => typeof m.body.result === 'object');
    expect(json.body.result).toEqual({ state: 'closed', by: 'wind' });

    // And through real ingest: a neOCampus board's `"value": "on"` on the embedded broker, stored
    // by the default pipeline in a text datastream it creates.
    expect((await api('POST', '/api/buildings', { slug: 'u5', name: 'U5' })).statusCode).toBe(201);
    expect((await api('POST', '/api/rooms', { building: 'u5', slug: '201', name: '201' })).statusCode).toBe(201);
    const board = await api('POST', '/api/devices', {
      code: 'rpi3-u5-201',
      type: 'rpi3',
      identity: { kind: 'mac', value: '24:0a:c4:00:05:01' },
      location: { building: 'u5', room: '201' },
    });
    expect(board.statusCode, board.body).toBe(201);
    const c = (await t.call(undefined, { url: '/device/credentials?mac=24:0a:c4:00:05:01' })).json();
    const port = (t.polder.mqtt as { port?: number }).port;
    const device = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
      username: c.login,
      password: c.password,
      reconnectPeriod: 0,
    });
    try {
      await device.publishAsync('u5/201/lighting', JSON.stringify({ value: 'on', subID: 'relay1' }), { qos: 1 });
    } finally {
      await device.endAsync();
    }
    const lit = await on(/^v1\.1\/Datastreams\(\d+\)\/Observations$/, (m) => m.body.result === 'on');
    const litDs = Number(/\((\d+)\)/.exec(lit.topic)?.[1]);
    const stored = (await api('GET', `/api/datastreams/${litDs}`)).json();
    expect(stored).toMatchObject({ observedProperty: 'lighting', valueKind: 'text' });
  });

  it('deletions publish nothing: a deleted entity is simply no longer announced (no retained message to clear)', async () => {
    const sta = staClient(t);
    const res = await sta.post('Things', {
      name: 'doomed thing',
      description: 'x',
      Datastreams: [
        {
          name: 'doomed',
          description: 'x',
          unitOfMeasurement: CELSIUS,
          observationType: `${OM}OM_Measurement`,
          Sensor: { name: 'doomed probe', description: 'x', encodingType: 'text/html', metadata: 'x' },
          ObservedProperty: { name: 'Doomed temperature', definition: 'urn:example:doomed', description: 'x' },
        },
      ],
    });
    expect(res.statusCode, res.body).toBe(201);
    const thing = sta.idOf(res);
    const ds = (await sta.get(`Things(${thing})/Datastreams`)).json().value[0]['@iot.id'] as number;
    await on(`v1.1/Datastreams(${ds})`);
    expect((await api('POST', '/api/devices', { code: 'doomed-dev', type: 'sensor' })).statusCode).toBe(201);
    await on(/^v1\.1\/Things\(\d+\)$/, (m) => m.body.name === 'doomed-dev');
    const mark = seen.length;
    expect((await sta.del(`Datastreams(${ds})`)).statusCode).toBe(200);
    expect((await api('DELETE', '/api/devices/doomed-dev')).statusCode).toBe(204);
    // The fence: a change published after the deletions on the same connection.
    expect((await sta.patch(`Things(${thing})`, { description: 'after the deletions' })).statusCode).toBe(200);
    await on(`v1.1/Things(${thing})`, (m) => m.body.description === 'after the deletions');
    expect(seen.slice(mark).map((m) => m.topic)).toEqual([`v1.1/Things(${thing})`]);
  });
});

describe.each(dialects)('SensorThings MQTT without subscribers on %s', (dialect) => {
  let t: ListeningPolder;
  beforeAll(async () => {
    t = await startListeningPolder(dialect);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('renders and publishes nothing for stored observations nobody subscribed to (embedded broker)', async () => {
    const sta = staClient(t);
    const res = await sta.post('Things', {
      name: 'quiet thing',
      description: 'x',
      Datastreams: [
        {
          name: 'quiet',
          description: 'x',
          unitOfMeasurement: CELSIUS,
          observationType: `${OM}OM_Measurement`,
          Sensor: { name: 'quiet probe', description: 'x', encodingType: 'text/html', metadata: 'x' },
          ObservedProperty: { name: 'Quiet temperature', definition: 'urn:example:quiet', description: 'x' },
        },
      ],
    });
    expect(res.statusCode, res.body).toBe(201);
    const ds = (await sta.get(`Things(${sta.idOf(res)})/Datastreams`)).json().value[0]['@iot.id'] as number;
    const bus = t.polder.mqtt as NonNullable<typeof t.polder.mqtt>;
    const published: string[] = [];
    const publish = bus.publish.bind(bus);
    bus.publish = (topic, payload, opts) => {
      published.push(topic);
      return publish(topic, payload, opts);
    };
    const topic = `v1.1/Datastreams(${ds})/Observations`;
    expect(bus.listens?.(topic)).toBe(false);
    await t.polder.measurements.insert([{ datastreamId: ds, time: Date.UTC(2024, 6, 1), value: 1.5 }]);
    // Then a subscriber, and a second observation: publications are queued in order, so once the
    // second arrives the first would have been published before it.
    const port = (t.polder.mqtt as { port?: number }).port;
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
      username: 'x',
      password: ADMIN_TOKEN,
      reconnectPeriod: 0,
    });
    try {
      const got: number[] = [];
      client.on('message', (_tp, payload) => got.push(JSON.parse(payload.toString()).result));
      await client.subscribeAsync(topic);
      expect(bus.listens?.(topic)).toBe(true);
      await t.polder.measurements.insert([{ datastreamId: ds, time: Date.UTC(2024, 6, 2), value: 2.5 }]);
      await eventually('the second observation', async () => got.includes(2.5));
      expect(got).toEqual([2.5]);
      expect(published.filter((p) => p.includes(`Datastreams(${ds})`))).toEqual([topic]);
      await client.unsubscribeAsync(topic);
      expect(bus.listens?.(topic)).toBe(false);
      // A broad subscription counts; a disconnected client's no longer does.
      await client.subscribeAsync('v1.1/#');
      expect(bus.listens?.(topic)).toBe(true);
      expect(bus.listens?.(`v1.0/Datastreams(${ds})/Observations`)).toBe(false);
    } finally {
      await client.endAsync();
    }
    await eventually('the subscription gone with its client', async () => bus.listens?.(topic) === false);

    // Registry changes nobody could hear are not rendered either. Changes are announced in order,
    // so a later change of a Thing that is listened to is the fence.
    const device = (code: string, method = 'POST', url = '/api/devices') =>
      t.call(ADMIN_TOKEN, {
        method: method as 'POST',
        url,
        payload: method === 'POST' ? { code, type: 'sensor' } : { description: code },
      });
    expect((await device('fence-dev')).statusCode).toBe(201);
    const fence = (await sta.get(`Things?$filter=name eq 'fence-dev'`)).json().value[0]['@iot.id'] as number;
    const listener = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
      username: 'x',
      password: ADMIN_TOKEN,
      reconnectPeriod: 0,
    });
    try {
      const names: unknown[] = [];
      listener.on('message', (_tp, payload) => names.push(JSON.parse(payload.toString()).description));
      await listener.subscribeAsync(`v1.1/Things(${fence})`);
      const before = published.length;
      expect((await device('unheard')).statusCode).toBe(201);
      expect((await device('fenced', 'PATCH', '/api/devices/fence-dev')).statusCode).toBe(200);
      await eventually('the fence Thing', async () => names.includes('fenced'));
      // fence-dev's own creation may be announced after the subscription too: only its topic is.
      expect(new Set(published.slice(before))).toEqual(new Set([`v1.1/Things(${fence})`]));
    } finally {
      await listener.endAsync();
    }
  });
});
