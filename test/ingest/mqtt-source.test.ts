import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MapCatalog, RecordingInbox } from '../support/ingest-doubles.js';
import { connectMqtt, dynsecAvailable, eventually, type LivePolder, startLivePolder } from '../support/mqtt.js';
import { ADMIN_TOKEN } from '../support/polder.js';
import { senmlCsv, ttnV3Body } from '../support/uplink-fixtures.js';

/**
 * Pipelines' MQTT sources on the embedded broker, with real MQTT.js clients: a QoS 1 publish is
 * acknowledged only once the inbox stored it; who published decides whether it is taken.
 */
describe('MQTT sources on the embedded broker', () => {
  let t: LivePolder;
  const catalog = new MapCatalog();
  const inbox = new RecordingInbox();
  let orgA: string;
  let device: MqttClient;
  let deviceId: string;
  let strangerKey: string;

  const api = (method: string, url: string, payload?: unknown) =>
    t.call(ADMIN_TOKEN, { method: method as 'GET', url, ...(payload !== undefined && { payload: payload as object }) });

  beforeAll(async () => {
    t = await startLivePolder('embedded', { POLDER_UPLINK_MAX_BYTES: '2048' }, { ingestCatalog: catalog, inbox });
    orgA = t.polder.bootstrap.org.id;
    // neOCampus: every module's data, but not the device status nor the orders.
    catalog.save({
      id: 'neocampus',
      orgId: orgA,
      sources: [{ kind: 'mqtt', topic: '+/+/+', exclude: ['+/+/device', '+/+/+/command'] }],
    });
    expect((await api('POST', '/api/buildings', { slug: 'u4', name: 'U4' })).statusCode).toBe(201);
    expect((await api('POST', '/api/rooms', { building: 'u4', slug: '301', name: '301' })).statusCode).toBe(201);
    const created = await api('POST', '/api/devices', {
      code: 'rpi3-u4-301',
      type: 'rpi3',
      identity: { kind: 'mac', value: '24:0a:c4:00:03:01' },
      location: { building: 'u4', room: '301' },
    });
    expect(created.statusCode, created.body).toBe(201);
    deviceId = created.json().id;
    const c = (await t.call(undefined, { url: '/device/credentials?mac=24:0a:c4:00:03:01' })).json();
    device = await connectMqtt(t.brokerUrl, { username: c.login, password: c.password });

    expect((await api('POST', '/api/organisations', { slug: 'beta', name: 'beta' })).statusCode).toBe(201);
    const key = await api('POST', '/api/organisations/beta/api-keys', { name: 'b-admin', scopes: ['admin:write'] });
    strangerKey = key.json().secret;
  });
  afterAll(async () => {
    await device?.endAsync(true);
    await t?.close();
  });
  beforeEach(() => {
    inbox.messages.length = 0;
  });

  it("enqueues a device's publish with its topic, bytes and device id", async () => {
    const body = ttnV3Body().subarray(0, 1500);
    await device.publishAsync('u4/301/temperature', body, { qos: 1 });
    expect(inbox.messages).toHaveLength(1);
    expect(inbox.messages[0]).toMatchObject({
      orgId: orgA,
      pipelineId: 'neocampus',
      transport: { kind: 'mqtt', topic: 'u4/301/temperature' },
      device: { id: deviceId },
    });
    expect(Buffer.from(inbox.messages[0]?.payload ?? []).equals(body)).toBe(true);
  });

  it('sends the PUBACK only once enqueue has resolved', async () => {
    inbox.hold();
    const before = inbox.calls;
    let acked = false;
    const published = device.publishAsync('u4/301/humidity', '{"value":41}', { qos: 1 }).then(() => {
      acked = true;
    });
    await inbox.started(before + 1);
    // A round trip on another client: the broker had every chance to PUBACK by now.
    const probe = await connectMqtt(t.brokerUrl, { username: 'ops', password: ADMIN_TOKEN });
    await probe.publishAsync('elsewhere/topic/x/y', 'ping', { qos: 1 });
    await probe.endAsync();
    expect(acked).toBe(false);
    inbox.open();
    await published;
    expect(inbox.messages.map((m) => m.transport.topic)).toEqual(['u4/301/humidity']);
  });

  it('ignores excluded topics, and publishes from another organisation', async () => {
    await device.publishAsync('u4/301/device', '{"status":"ok"}', { qos: 1 });
    const stranger = await connectMqtt(t.brokerUrl, { username: 'beta-ops', password: strangerKey });
    // The broker's topic policy refuses it (a device topic of another organisation): QoS 0, no PUBACK comes.
    await stranger.publishAsync('u4/301/temperature', '{"value":99}', { qos: 0 });
    await stranger.endAsync();
    // An admin of the pipeline's own organisation is taken.
    const admin = await connectMqtt(t.brokerUrl, { username: 'ops', password: ADMIN_TOKEN });
    await admin.publishAsync('u4/301/co2', '{"value":400}', { qos: 1 });
    await admin.endAsync();
    expect(inbox.messages.map((m) => [m.transport.topic, m.device])).toEqual([['u4/301/co2', undefined]]);
  });

  it('acknowledges but does not enqueue a payload over the size limit', async () => {
    await device.publishAsync('u4/301/image', Buffer.alloc(2049, 1), { qos: 1 });
    await device.publishAsync('u4/301/marker', 'x', { qos: 1 });
    expect(inbox.messages.map((m) => m.transport.topic)).toEqual(['u4/301/marker']);
    expect(await t.polder.metrics.registry.metrics()).toMatch(
      /polder_uplinks_rejected_total\{transport="mqtt",reason="PAYLOAD_TOO_LARGE"\} 1/,
    );
  });

  it('follows the catalog: new, changed, deactivated and deleted pipelines', async () => {
    catalog.save({ id: 'lights', orgId: orgA, sources: [{ kind: 'mqtt', topic: 'u4/+/lights' }] });
    await device.publishAsync('u4/301/lights', '{"value":1}', { qos: 1 });
    expect(inbox.messages.map((m) => m.pipelineId).sort()).toEqual(['lights', 'neocampus']);
    inbox.messages.length = 0;
    // Saving the same pipeline twice binds it once (idempotent).
    catalog.save({ id: 'lights', orgId: orgA, sources: [{ kind: 'mqtt', topic: 'u4/+/lights' }] });
    catalog.save({ id: 'neocampus', orgId: orgA, status: 'inactive', sources: [{ kind: 'mqtt', topic: '+/+/+' }] });
    await device.publishAsync('u4/301/lights', '{"value":0}', { qos: 1 });
    expect(inbox.messages.map((m) => m.pipelineId)).toEqual(['lights']);
    inbox.messages.length = 0;
    catalog.remove('lights');
    await device.publishAsync('u4/301/lights', '{"value":1}', { qos: 1 });
    expect(inbox.messages).toEqual([]);
    expect(t.polder.inbound.filters).not.toContain('u4/+/lights');
  });

  it('withholds the PUBACK while the inbox fails (the embedded broker drops the session; the client sends it again)', async () => {
    catalog.save({ id: 'retry', orgId: orgA, sources: [{ kind: 'mqtt', topic: 'u4/301/retry' }] });
    inbox.failing = true;
    let acked = false;
    const published = device.publishAsync('u4/301/retry', '{"value":1}', { qos: 1 }).then(() => {
      acked = true;
    });
    await eventually('a failed enqueue', () => inbox.calls > 0 && inbox.failing);
    const probe = await connectMqtt(t.brokerUrl, { username: 'ops', password: ADMIN_TOKEN });
    await probe.publishAsync('elsewhere/topic/x/y', 'ping', { qos: 1 });
    await probe.endAsync();
    expect(acked).toBe(false);
    inbox.failing = false;
    published.catch(() => {});
  });
});

/**
 * With an external broker Polder receives only what it subscribes to: a pipeline's topics are
 * subscribed at start, and those of pipelines saved later as they appear.
 */
describe.skipIf(!dynsecAvailable)('MQTT sources on an external Mosquitto', () => {
  let t: LivePolder;
  const catalog = new MapCatalog();
  const inbox = new RecordingInbox();

  beforeAll(async () => {
    catalog.save({ id: 'at-start', orgId: 'org-x', sources: [{ kind: 'mqtt', topic: 'legacy/+/data' }] });
    t = await startLivePolder('dynsec', {}, { ingestCatalog: catalog, inbox });
    // The bootstrap organisation is known only now.
    catalog.save({ id: 'at-start', orgId: t.polder.bootstrap.org.id, sources: [{ kind: 'mqtt', topic: 'legacy/+/data' }] });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('subscribes the topics of pipelines bound at start and of pipelines saved later', async () => {
    const publisher = await t.superuser();
    await publisher.publishAsync('legacy/gw1/data', Buffer.from(senmlCsv()), { qos: 1 });
    await eventually('the first uplink', () => inbox.messages.length === 1);
    expect(inbox.messages[0]).toMatchObject({ pipelineId: 'at-start', transport: { kind: 'mqtt', topic: 'legacy/gw1/data' } });
    expect(inbox.messages[0]?.device).toBeUndefined();

    catalog.save({ id: 'later', orgId: t.polder.bootstrap.org.id, sources: [{ kind: 'mqtt', topic: 'ttn/+/up' }] });
    // The subscription is made in the background: publish until it is in.
    await eventually(
      'the later pipeline to receive',
      async () => {
        await publisher.publishAsync('ttn/dev1/up', ttnV3Body().subarray(0, 1000), { qos: 1 });
        return inbox.messages.some((m) => m.pipelineId === 'later');
      },
      10_000,
    );
    expect(inbox.messages.find((m) => m.pipelineId === 'later')?.transport.topic).toBe('ttn/dev1/up');
    await publisher.endAsync();
  });

  it("gives a registered device's topic only to its organisation's pipelines, naming the device", async () => {
    const api = (url: string, payload: object) => t.call(ADMIN_TOKEN, { method: 'POST', url, payload });
    expect((await api('/api/buildings', { slug: 'u9', name: 'U9' })).statusCode).toBe(201);
    expect((await api('/api/rooms', { building: 'u9', slug: '101', name: '101' })).statusCode).toBe(201);
    const dev = await api('/api/devices', { code: 'ext-u9-101', type: 'esp32', location: { building: 'u9', room: '101' } });
    expect(dev.statusCode, dev.body).toBe(201);
    const own = t.polder.bootstrap.org.id;
    catalog.save({ id: 'boards-own', orgId: own, sources: [{ kind: 'mqtt', topic: '+/+/+' }] });
    catalog.save({ id: 'boards-other', orgId: 'another-org', sources: [{ kind: 'mqtt', topic: '+/+/+' }] });
    const publisher = await t.superuser();
    await eventually(
      'the board reading in its organisation',
      async () => {
        await publisher.publishAsync('u9/101/temperature', '{"value": 21.5, "value_units": "celsius"}', { qos: 1 });
        return inbox.messages.some((m) => m.pipelineId === 'boards-own');
      },
      10_000,
    );
    expect(inbox.messages.find((m) => m.pipelineId === 'boards-own')?.device).toEqual({ id: dev.json().id });
    // A topic no device owns goes to every pipeline bound to it.
    await publisher.publishAsync('x9/999/temperature', '{"value": 1}', { qos: 1 });
    await eventually('the unowned reading in both', () =>
      ['boards-own', 'boards-other'].every((id) =>
        inbox.messages.some((m) => m.pipelineId === id && m.transport.topic === 'x9/999/temperature'),
      ),
    );
    expect(inbox.messages.filter((m) => m.pipelineId === 'boards-other' && m.transport.topic === 'u9/101/temperature')).toEqual(
      [],
    );
    await publisher.endAsync();
  });
});
