import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynsecAvailable, eventually, type LivePolder, startLivePolder } from '../../support/mqtt.js';
import { ADMIN_TOKEN } from '../../support/polder.js';
import { staClient } from './sta-client.js';

/**
 * SensorThings MQTT in external-broker mode: Polder publishes the same topics on a Mosquitto
 * (with dynamic security) that it reaches as a client. Polder cannot see subscriptions there, so
 * it publishes every plain topic and no `$select` variant (docs/standards.md).
 */
interface Msg {
  topic: string;
  body: Record<string, unknown>;
}

const OM = 'http://www.opengis.net/def/observationType/OGC-OM/2.0/';

describe.skipIf(!dynsecAvailable)('SensorThings MQTT on an external Mosquitto', () => {
  let live: LivePolder;
  let watcher: MqttClient;
  const seen: Msg[] = [];
  const on = (topic: string | RegExp, test: (m: Msg) => boolean = () => true) =>
    eventually(`a message on ${String(topic)}`, async () =>
      seen.find((m) => (typeof topic === 'string' ? m.topic === topic : topic.test(m.topic)) && test(m)),
    );

  beforeAll(async () => {
    live = await startLivePolder('dynsec');
    watcher = await live.superuser();
    watcher.on('message', (topic, payload) => seen.push({ topic, body: JSON.parse(payload.toString()) }));
    await watcher.subscribeAsync(['v1.1/#', 'v1.0/#']);
  });
  afterAll(async () => {
    await watcher?.endAsync();
    await live?.close();
  });

  it('publishes entity changes (deep insert, /api), numeric and non-numeric Observations; no $select variants', async () => {
    const sta = staClient(live);
    const res = await sta.post('Things', {
      name: 'external thing',
      description: 'x',
      Datastreams: [
        {
          name: 'ext air',
          description: 'air',
          unitOfMeasurement: { name: 'degree Celsius', symbol: 'Cel', definition: 'http://unitsofmeasure.org/ucum.html#para-30' },
          observationType: `${OM}OM_Measurement`,
          Sensor: { name: 'ext probe', description: 'probe', encodingType: 'text/html', metadata: 'x' },
          ObservedProperty: { name: 'Ext temperature', definition: 'urn:example:ext-temperature', description: 't' },
        },
        {
          name: 'ext door',
          description: 'door',
          unitOfMeasurement: { name: 'state', symbol: '', definition: 'urn:example:state' },
          observationType: `${OM}OM_CategoryObservation`,
          Sensor: { name: 'ext reed', description: 'reed', encodingType: 'text/html', metadata: 'x' },
          ObservedProperty: { name: 'Ext door', definition: 'urn:example:ext-door', description: 'd' },
        },
      ],
    });
    expect(res.statusCode, res.body).toBe(201);
    const thing = sta.idOf(res);
    const streams = (await sta.get(`Things(${thing})/Datastreams`)).json().value as { '@iot.id': number; name: string }[];
    const air = streams.find((d) => d.name === 'ext air')?.['@iot.id'] as number;
    const door = streams.find((d) => d.name === 'ext door')?.['@iot.id'] as number;
    await on(`v1.1/Things(${thing})`);
    await on(`v1.0/Things(${thing})`);
    await on(`v1.1/Datastreams(${air})`, (m) => m.body.name === 'ext air');
    await on(`v1.1/Things(${thing})/Datastreams`, (m) => m.body['@iot.id'] === door);

    // A change through /api.
    const created = await live.call(ADMIN_TOKEN, {
      method: 'POST',
      url: '/api/devices',
      payload: { code: 'ext-dev', type: 'sensor' },
    });
    expect(created.statusCode, created.body).toBe(201);
    await on(/^v1\.1\/Things\(\d+\)$/, (m) => m.body.name === 'ext-dev');

    // A `$select` subscription on Mosquitto is invisible to Polder: only the plain topic is published.
    const selectTopic = `v1.1/Datastreams(${air})/Observations?$select=result`;
    await watcher.subscribeAsync(selectTopic);
    const plain = `v1.1/Datastreams(${air})/Observations`;
    for (const [i, result] of [21.5, 22.5].entries()) {
      const posted = await sta.post(`Datastreams(${air})/Observations`, { phenomenonTime: `2024-06-01T10:0${i}:00Z`, result });
      expect(posted.statusCode, posted.body).toBe(201);
    }
    await on(plain, (m) => m.body.result === 21.5);
    // The second observation is the fence: a variant of the first would have come before it.
    await on(plain, (m) => m.body.result === 22.5);
    expect(seen.filter((m) => m.topic.includes('?$select='))).toEqual([]);

    const text = await sta.post(`Datastreams(${door})/Observations`, { phenomenonTime: '2024-06-01T11:00:00Z', result: 'open' });
    expect(text.statusCode, text.body).toBe(201);
    await on(`v1.1/Datastreams(${door})/Observations`, (m) => m.body.result === 'open');
    await on(`v1.0/Datastreams(${door})/Observations`, (m) => m.body.result === 'open');
    expect(live.polder.mqtt?.listens).toBeUndefined();
  });
});
