import { randomUUID } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Restartable, restartable } from '../derived/harness.js';
import { availableDialects } from '../support/databases.js';
import { createDatastream } from '../support/fixtures.js';
import { connectMqtt, eventually } from '../support/mqtt.js';
import { SERVICES, serviceAvailable } from '../support/services.js';

/**
 * LoRaWAN downlinks over the providers' MQTT, against the real Mosquitto: a fake The Things Stack
 * MQTT server and a fake ChirpStack MQTT integration (MQTT.js clients under an application id of
 * their own per run) take the pushes and answer with the providers' events, in the shapes of
 * their documentation (TTS "MQTT Server", ChirpStack v4 integration.proto in JSON).
 */
const CODEC = `
function encodeDownlink(input) {
  var d = input.data;
  if (d.order === 'reboot') return { bytes: [0x04, 0xff], fPort: 2 };
  if (d.order === 'open') return { bytes: [0x11, 0x01], fPort: 3 };
  return { errors: ['unknown order ' + d.order] };
}
`;

const mosquitto = await serviceAvailable('mosquitto');

interface Push {
  topic: string;
  body: Record<string, unknown>;
}

/**
 * The Things Stack MQTT server: takes `down/push`, answers queued, sent, then ack (failed for
 * device `fail-me`; only queued for `late`, whose sent and ack come when `answerLate()` says).
 */
async function fakeTtn(login: string) {
  const client: MqttClient = await connectMqtt(SERVICES.mosquitto.url, { clientId: `fake-ttn-${randomUUID()}` });
  const pushes: Push[] = [];
  const late: ((kind: 'sent' | 'ack') => void)[] = [];
  client.on('message', (topic, payload) => {
    const body = JSON.parse(payload.toString()) as { downlinks: { f_port: number; correlation_ids: string[] }[] };
    pushes.push({ topic, body });
    const device = topic.split('/')[3] as string;
    const base = `v3/${login}/devices/${device}/down`;
    const [app] = login.split('@');
    for (const d of body.downlinks) {
      const ids = { device_id: device, application_ids: { application_id: app } };
      const event = (kind: string, inner: Record<string, unknown>) =>
        client.publish(
          `${base}/${kind}`,
          JSON.stringify({
            end_device_ids: ids,
            correlation_ids: ['as:downlink:01HX', ...d.correlation_ids],
            received_at: new Date().toISOString(),
            [`downlink_${kind}`]: inner,
          }),
        );
      const message = {
        f_port: d.f_port,
        frm_payload: 'BP8=',
        confirmed: true,
        priority: 'NORMAL',
        correlation_ids: d.correlation_ids,
      };
      event('queued', message);
      if (device === 'fail-me') {
        event('failed', {
          downlink: message,
          error: {
            namespace: 'pkg/networkserver',
            name: 'application_downlink_too_long',
            message_format: 'downlink too long',
            code: 3,
          },
        });
        continue;
      }
      if (device === 'late') {
        late.push((kind) => event(kind, message));
        continue;
      }
      event('sent', message);
      event('ack', message);
    }
  });
  await client.subscribeAsync(`v3/${login}/devices/+/down/push`, { qos: 0 });
  return {
    pushes,
    /** Publishes (again: QoS 0 events heard by nobody are lost) the held downlinks' sent or ack event. */
    answerLate: (kind: 'sent' | 'ack') => {
      for (const f of late) f(kind);
    },
    close: () => client.endAsync(),
  };
}

/** ChirpStack v4 MQTT integration: takes `command/down`, answers txack then ack (acknowledged). */
async function fakeChirpstack(applicationId: string) {
  const client: MqttClient = await connectMqtt(SERVICES.mosquitto.url, { clientId: `fake-cs-${randomUUID()}` });
  const pushes: Push[] = [];
  client.on('message', (topic, payload) => {
    const body = JSON.parse(payload.toString()) as { id: string; devEui: string; fPort: number };
    pushes.push({ topic, body });
    const deviceInfo = { tenantId: randomUUID(), applicationId, devEui: body.devEui, deviceName: 'node' };
    const base = `application/${applicationId}/device/${body.devEui}/event`;
    client.publish(
      `${base}/txack`,
      JSON.stringify({
        downlinkId: 1234,
        time: new Date().toISOString(),
        deviceInfo,
        queueItemId: body.id,
        fCntDown: 7,
        gatewayId: '0016c001ff10a235',
      }),
      { qos: 1 },
    );
    client.publish(
      `${base}/ack`,
      JSON.stringify({
        deduplicationId: randomUUID(),
        time: new Date().toISOString(),
        deviceInfo,
        queueItemId: body.id,
        acknowledged: true,
        fCntDown: 7,
      }),
      { qos: 1 },
    );
  });
  await client.subscribeAsync(`application/${applicationId}/device/+/command/down`, { qos: 1 });
  return { pushes, close: () => client.endAsync() };
}

interface LoggedCommand {
  id: string;
  status: string;
  error: string | null;
  history: { status: string; event: string; at: string; error?: string }[];
  sentBy: { kind: string };
}

describe.skipIf(!mosquitto).each(await availableDialects())('LoRaWAN downlinks over MQTT, with their fate (%s)', (dialect) => {
  const run = randomUUID().slice(0, 8);
  const ttnApp = `polder-${dialect}-${run}`;
  const ttnLogin = `${ttnApp}@ttn`;
  const csApp = randomUUID();
  let h: Restartable;
  let ttn: Awaited<ReturnType<typeof fakeTtn>>;
  let cs: Awaited<ReturnType<typeof fakeChirpstack>>;

  beforeAll(async () => {
    ttn = await fakeTtn(ttnLogin);
    cs = await fakeChirpstack(csApp);
    h = await restartable(dialect);
    await h.boot();
  });
  afterAll(async () => {
    await h?.close();
    await ttn?.close();
    await cs?.close();
  });

  const type = async (name: string) => {
    const res = await h.call('POST', '/api/device-types', { name, connectivity: 'lorawan' });
    expect(res.statusCode, res.body).toBe(201);
  };
  const device = async (code: string, typeName: string, eui: string, properties?: Record<string, unknown>) => {
    const res = await h.call('POST', '/api/devices', {
      code,
      type: typeName,
      identity: { kind: 'deveui', value: eui },
      ...(properties && { properties }),
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  const logOf = async (deviceId: string): Promise<LoggedCommand[]> =>
    (await h.call('GET', `/api/devices/${deviceId}/commands`)).json().data;
  const fate = (deviceId: string, commandId: string, status: string) =>
    eventually(`command ${commandId} ${status}`, async () => {
      const c = (await logOf(deviceId)).find((x) => x.id === commandId);
      return c?.status === status ? c : undefined;
    });

  it('refuses bad MQTT route input with 400 naming the field', async () => {
    await type('mqtt-bad');
    const base = {
      provider: 'ttn-v3',
      transport: 'mqtt',
      url: SERVICES.mosquitto.url,
      username: ttnLogin,
      apiKey: 'k',
      encoder: CODEC,
    };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, transport: 'amqp' }, 'transport'],
      [{ ...base, url: 'https://eu1.cloud.thethings.network' }, 'url'],
      [{ ...base, url: 'mqtt://user:secret@127.0.0.1:1883' }, 'url'],
      [{ ...base, username: undefined }, 'username'],
      [{ ...base, username: 'app/+@ttn' }, 'username'],
      [{ ...base, apiKey: undefined }, 'apiKey'],
      [{ ...base, provider: 'chirpstack-v4', applicationId: undefined }, 'applicationId'],
      [{ ...base, provider: 'chirpstack-v4', applicationId: 'a/#' }, 'applicationId'],
    ];
    for (const [body, field] of cases) {
      const res = await h.call('PUT', '/api/device-types/mqtt-bad/downlink', body);
      expect(res.statusCode, `${field}: ${res.body}`).toBe(400);
      expect(res.json().error.details.field).toBe(field);
    }
  });

  it('publishes a TTN v3 down/push on the provider broker and follows queued → sent → acknowledged', async () => {
    await type('ttn-mqtt');
    const put = await h.call('PUT', '/api/device-types/ttn-mqtt/downlink', {
      provider: 'ttn-v3',
      transport: 'mqtt',
      url: SERVICES.mosquitto.url,
      username: ttnLogin,
      apiKey: 'NNSXS.MQTTKEY.SECRET',
      confirmed: true,
      encoder: CODEC,
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({
      transport: 'mqtt',
      username: ttnLogin,
      apiKey: '***',
      applicationId: ttnApp,
      webhookId: null,
    });
    expect(put.body).not.toContain('NNSXS.MQTTKEY.SECRET');
    expect((await h.call('GET', '/api/device-types/ttn-mqtt/downlink')).body).not.toContain('NNSXS.MQTTKEY.SECRET');
    const id = await device(`ttn-m-${dialect}`, 'ttn-mqtt', '70B3D57ED0000201');

    const res = await h.call('POST', `/api/devices/${id}/commands`, { order: 'reboot' });
    expect(res.statusCode, res.body).toBe(201);
    const cmd = res.json();
    const topic = `v3/${ttnLogin}/devices/eui-70b3d57ed0000201/down/push`;
    expect(cmd).toMatchObject({ status: 'pending', topic, dest: `polder:order:${cmd.id}`, error: null });
    const push = await eventually('the push at the fake TTN', () => ttn.pushes.find((p) => p.topic === topic));
    expect(push.body).toEqual({
      downlinks: [
        {
          f_port: 2,
          frm_payload: Buffer.from([4, 0xff]).toString('base64'),
          priority: 'NORMAL',
          confirmed: true,
          correlation_ids: [`polder:order:${cmd.id}`],
        },
      ],
    });
    expect(JSON.parse(cmd.payload)).toEqual(push.body);

    const done = await fate(id, cmd.id, 'acknowledged');
    expect(done.error).toBeNull();
    expect(done.history.map((s) => [s.event, s.status])).toEqual([
      ['published', 'pending'],
      ['down/queued', 'queued'],
      ['down/sent', 'sent'],
      ['down/ack', 'acknowledged'],
    ]);
    expect(done).toMatchObject({ updatedAt: expect.any(String) });
  });

  it('a TTN down/failed event makes the downlink failed, with the reason', async () => {
    const id = await device(`ttn-fail-${dialect}`, 'ttn-mqtt', '70B3D57ED0000202', { ttnDeviceId: 'fail-me' });
    const res = await h.call('POST', `/api/devices/${id}/commands`, { order: 'open' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().topic).toBe(`v3/${ttnLogin}/devices/fail-me/down/push`);
    const failed = await fate(id, res.json().id, 'failed');
    expect(failed.error).toContain('application_downlink_too_long');
    expect(failed.history.map((s) => s.event)).toEqual(['published', 'down/queued', 'down/failed']);
  });

  it('publishes a ChirpStack v4 command/down and follows txack → ack', async () => {
    await type('cs-mqtt');
    const put = await h.call('PUT', '/api/device-types/cs-mqtt/downlink', {
      provider: 'chirpstack-v4',
      transport: 'mqtt',
      url: SERVICES.mosquitto.url,
      applicationId: csApp,
      confirmed: true,
      encoder: CODEC,
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({ transport: 'mqtt', username: null, apiKey: '***', applicationId: csApp });
    const id = await device(`cs-m-${dialect}`, 'cs-mqtt', 'A84041000181C0A1');
    const res = await h.call('POST', `/api/devices/${id}/commands`, { order: 'open' });
    expect(res.statusCode, res.body).toBe(201);
    const cmd = res.json();
    const topic = `application/${csApp}/device/a84041000181c0a1/command/down`;
    expect(cmd).toMatchObject({ status: 'pending', topic, dest: cmd.id });
    const push = await eventually('the command at the fake ChirpStack', () => cs.pushes.find((p) => p.topic === topic));
    expect(push.body).toEqual({
      id: cmd.id,
      devEui: 'a84041000181c0a1',
      confirmed: true,
      fPort: 3,
      data: Buffer.from([0x11, 0x01]).toString('base64'),
    });
    const done = await fate(id, cmd.id, 'acknowledged');
    expect(done.history.map((s) => [s.event, s.status])).toEqual([
      ['published', 'pending'],
      ['txack', 'sent'],
      ['ack', 'acknowledged'],
    ]);
  });

  it("a rule's order action to a LoRaWAN device goes out the same way, and its fate is kept", async () => {
    const target = await device(`cs-rule-${dialect}`, 'cs-mqtt', 'A84041000181C0A2');
    const p = h.current();
    const ds = await createDatastream(p.database.db, p.bootstrap.org.id, { observedProperty: 'door-pressure', unit: 'Pa' });
    const rule = await h.call('POST', '/api/rules', {
      name: 'Pressure: open the valve',
      property: 'door-pressure',
      condition: { kind: 'threshold', op: '>', value: 100 },
      actions: [{ kind: 'order', device: `cs-rule-${dialect}`, order: 'open' }],
    });
    expect(rule.statusCode, rule.body).toBe(201);
    await p.measurements.insert([{ datastreamId: ds.id, time: Date.now(), value: 150 }]);
    const topic = `application/${csApp}/device/a84041000181c0a2/command/down`;
    await eventually('the rule order at the fake ChirpStack', () => cs.pushes.find((x) => x.topic === topic));
    const cmd = await eventually('the rule order acknowledged', async () =>
      (await logOf(target)).find((c) => c.status === 'acknowledged'),
    );
    expect(cmd.sentBy.kind).toBe('rule');
  });

  it('the fate of a downlink sent before a restart is still heard: MQTT routes connect at start', async () => {
    const id = await device(`ttn-late-${dialect}`, 'ttn-mqtt', '70B3D57ED0000203', { ttnDeviceId: 'late' });
    const res = await h.call('POST', `/api/devices/${id}/commands`, { order: 'reboot' });
    expect(res.statusCode, res.body).toBe(201);
    const commandId = res.json().id as string;
    await fate(id, commandId, 'queued');
    await h.stop();
    await h.boot();
    // No order goes through the new process: only its start-up connection can hear these.
    // Published until heard (the new connection subscribes at some point of the loop), sent then ack.
    const heard = (kind: 'sent' | 'ack', status: string) =>
      eventually(`the late ${kind} heard after the restart`, async () => {
        ttn.answerLate(kind);
        const c = (await logOf(id)).find((x) => x.id === commandId);
        return c?.status === status ? c : undefined;
      });
    await heard('sent', 'sent');
    const done = await heard('ack', 'acknowledged');
    expect(
      done.history.map((s) => s.event),
      JSON.stringify(done.history),
    ).toEqual(['published', 'down/queued', 'down/sent', 'down/ack']);
  });

  it("another organisation can neither see, change nor use a route, and its broker's events do not reach this one's log", async () => {
    const p = h.current();
    const as = (token: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
      p.app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${token}` },
        ...(payload !== undefined && { payload: payload as Record<string, unknown> }),
      });
    const slug = `beta-${run}`;
    expect((await h.call('POST', '/api/organisations', { slug, name: slug })).statusCode).toBe(201);
    const key = await h.call('POST', `/api/organisations/${slug}/api-keys`, { name: 'b', scopes: ['devices:write'] });
    expect(key.statusCode, key.body).toBe(201);
    const b = key.json().secret as string;
    const betaLogin = `beta-${dialect}-${run}@ttn`;
    const betaTtn = await fakeTtn(betaLogin);
    try {
      expect((await as(b, 'POST', '/api/device-types', { name: 'b-lora', connectivity: 'lorawan' })).statusCode).toBe(201);
      const typeB = (await as(b, 'GET', '/api/device-types/b-lora')).json().id as string;
      const route = {
        provider: 'ttn-v3',
        transport: 'mqtt',
        url: SERVICES.mosquitto.url,
        username: betaLogin,
        apiKey: 'NNSXS.BETA.SECRET',
        encoder: CODEC,
      };
      const put = await as(b, 'PUT', '/api/device-types/b-lora/downlink', route);
      expect(put.statusCode, put.body).toBe(200);
      const deviceB = await as(b, 'POST', '/api/devices', {
        code: 'b-node',
        type: 'b-lora',
        identity: { kind: 'deveui', value: '70B3D57ED0000B01' },
      });
      expect(deviceB.statusCode, deviceB.body).toBe(201);
      // Organisation A (the admin token's) does not find B's type, route or device.
      expect((await h.call('GET', `/api/device-types/${typeB}/downlink`)).statusCode).toBe(404);
      expect((await h.call('PUT', `/api/device-types/${typeB}/downlink`, { ...route, apiKey: 'taken-over' })).statusCode).toBe(
        404,
      );
      expect((await h.call('DELETE', `/api/device-types/${typeB}/downlink`)).statusCode).toBe(404);
      expect((await h.call('POST', `/api/devices/${deviceB.json().id}/commands`, { order: 'reboot' })).statusCode).toBe(404);

      // A downlink of A held at queued; B's broker connection hears an ack carrying its correlation id.
      const id = await device(`ttn-held-${dialect}`, 'ttn-mqtt', '70B3D57ED0000205', { ttnDeviceId: 'late' });
      const sent = await h.call('POST', `/api/devices/${id}/commands`, { order: 'reboot' });
      expect(sent.statusCode, sent.body).toBe(201);
      const commandId = sent.json().id as string;
      await fate(id, commandId, 'queued');
      const forged = (kind: string) =>
        JSON.stringify({ correlation_ids: [`polder:order:${commandId}`], [`downlink_${kind}`]: { correlation_ids: [] } });
      const orderInB = async () => {
        const own = await as(b, 'POST', `/api/devices/${deviceB.json().id}/commands`, { order: 'reboot' });
        expect(own.statusCode, own.body).toBe(201);
        await eventually('B acknowledged', async () => {
          const log = (await as(b, 'GET', `/api/devices/${deviceB.json().id}/commands`)).json().data as LoggedCommand[];
          return log.find((c) => c.id === own.json().id)?.status === 'acknowledged';
        });
      };
      // B's connection is up and subscribed once B's first downlink is acknowledged.
      await orderInB();
      const client = await connectMqtt(SERVICES.mosquitto.url);
      // QoS 1: once acknowledged, the broker has it queued for B's connection before what follows.
      await client.publishAsync(`v3/${betaLogin}/devices/late/down/ack`, forged('ack'), { qos: 1 });
      // A fence: B's next downlink, answered after the forged event on the same connection, is acknowledged in B.
      await orderInB();
      await client.endAsync();
      const mine = (await logOf(id)).find((c) => c.id === commandId) as LoggedCommand;
      expect(mine.status).toBe('queued');
      expect(mine.history.map((s) => s.event)).toEqual(['published', 'down/queued']);
    } finally {
      await betaTtn.close();
    }
  });

  it('removing the route closes it: orders answer DEVICE_NOT_MQTT again', async () => {
    const id = await device(`cs-gone-${dialect}`, 'cs-mqtt', 'A84041000181C0A3');
    expect((await h.call('DELETE', '/api/device-types/cs-mqtt/downlink')).statusCode).toBe(204);
    const res = await h.call('POST', `/api/devices/${id}/commands`, { order: 'open' });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('DEVICE_NOT_MQTT');
  });
});
