import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Restartable, restartable } from '../derived/harness.js';
import { availableDialects } from '../support/databases.js';

/**
 * A vendor-style codec in the TTN convention (`encodeDownlink({data}) → {bytes, fPort, warnings,
 * errors}`): a "set reporting interval" command 0x01 + 24-bit seconds, and "reboot" 0x04 0xFF.
 */
const CODEC = `
function encodeDownlink(input) {
  var d = input.data;
  if (d.order === 'reboot') return { bytes: [0x04, 0xff], fPort: 2, warnings: [], errors: [] };
  if (d.order === 'set-interval') {
    if (typeof d.interval !== 'number') return { errors: ['interval (seconds) is required'] };
    var s = d.interval;
    return { bytes: [0x01, (s >> 16) & 0xff, (s >> 8) & 0xff, s & 0xff], fPort: 2, warnings: [] };
  }
  return { errors: ['unknown order ' + d.order] };
}
`;

interface Seen {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingMessage['headers'];
  body: unknown;
}

/** An in-process network server API: records each request, answers what the provider answers. */
async function fakeNetworkServer(answer: (req: Seen) => { status: number; body: unknown }) {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => {
      raw += c;
    });
    req.on('end', () => {
      const s: Seen = { method: req.method, url: req.url, headers: req.headers, body: raw ? JSON.parse(raw) : undefined };
      seen.push(s);
      const a = answer(s);
      res.writeHead(a.status, { 'content-type': 'application/json' }).end(JSON.stringify(a.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise((r) => server.close(r)),
  };
}

describe.each(await availableDialects())('LoRaWAN downlinks (%s)', (dialect) => {
  let h: Restartable;
  let ttn: Awaited<ReturnType<typeof fakeNetworkServer>>;
  let chirpstack: Awaited<ReturnType<typeof fakeNetworkServer>>;

  beforeAll(async () => {
    // The Things Stack: webhook downlink API answers 200 {} (404 for an unknown device).
    ttn = await fakeNetworkServer((r) =>
      r.url?.includes('/devices/eui-70b3d57ed0000404/')
        ? { status: 404, body: { code: 5, message: 'entity not found' } }
        : { status: 200, body: {} },
    );
    // ChirpStack v4 REST: answers the queue item id.
    chirpstack = await fakeNetworkServer(() => ({ status: 200, body: { id: '7d5e2c1a-0b7e-4d6c-9b0e-3f1a2b3c4d5e' } }));
    h = await restartable(dialect);
    await h.boot();
  });
  afterAll(async () => {
    await h.close();
    await ttn.close();
    await chirpstack.close();
  });

  const device = async (code: string, type: string, eui: string) => {
    const res = await h.call('POST', '/api/devices', { code, type, identity: { kind: 'deveui', value: eui } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  const type = async (name: string) => {
    const res = await h.call('POST', '/api/device-types', { name, connectivity: 'lorawan' });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };

  it('without a downlink route an order to a LoRaWAN device still answers 409 DEVICE_NOT_MQTT', async () => {
    await type('plain-node');
    await device('plain-1', 'plain-node', '70B3D57ED0000001');
    const res = await h.call('POST', '/api/devices/plain-1/commands', { order: 'reboot' });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('DEVICE_NOT_MQTT');
  });

  it('sends an order through The Things Stack v3 downlink API, encoded by encodeDownlink, and logs it queued', async () => {
    await type('ttn-sensor');
    const put = await h.call('PUT', '/api/device-types/ttn-sensor/downlink', {
      provider: 'ttn-v3',
      url: `${ttn.url}/`,
      apiKey: 'NNSXS.TESTKEY.SECRET',
      applicationId: 'campus-sensors',
      webhookId: 'polder',
      encoder: CODEC,
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({ provider: 'ttn-v3', apiKey: '***', fPort: 1, confirmed: false });
    const id = await device('ttn-1', 'ttn-sensor', '70B3D57ED0000101');

    const res = await h.call('POST', `/api/devices/${id}/commands`, { order: 'set-interval', value: { interval: 600 } });
    expect(res.statusCode, res.body).toBe(201);
    const cmd = res.json();
    expect(cmd).toMatchObject({
      status: 'queued',
      order: 'set-interval',
      topic: 'ttn-v3:campus-sensors/eui-70b3d57ed0000101',
      error: null,
    });
    const req = ttn.seen.at(-1) as Seen;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/api/v3/as/applications/campus-sensors/webhooks/polder/devices/eui-70b3d57ed0000101/down/push');
    expect(req.headers.authorization).toBe('Bearer NNSXS.TESTKEY.SECRET');
    expect(req.headers['content-type']).toBe('application/json');
    // 0x01 0x00 0x02 0x58 = 600 s, on the codec's fPort 2.
    expect(req.body).toEqual({
      downlinks: [
        {
          f_port: 2,
          frm_payload: Buffer.from([1, 0, 2, 0x58]).toString('base64'),
          confirmed: false,
          priority: 'NORMAL',
          correlation_ids: [`polder:order:${cmd.id}`],
        },
      ],
    });
    expect(cmd.dest).toBe(`polder:order:${cmd.id}`);
    expect(JSON.parse(cmd.payload)).toEqual(req.body);
    const log = (await h.call('GET', `/api/devices/${id}/commands`)).json().data;
    expect(log[0]).toMatchObject({ id: cmd.id, status: 'queued', sentBy: { kind: 'apiKey' } });
  });

  it('an encoder error answers 422 and a refusing network server 502, both logged failed', async () => {
    const id = await device('ttn-404', 'ttn-sensor', '70B3D57ED0000404');
    const before = ttn.seen.length;
    const bad = await h.call('POST', `/api/devices/${id}/commands`, { order: 'set-interval' });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error).toMatchObject({ code: 'DOWNLINK_ENCODE_FAILED' });
    expect(bad.json().error.message).toContain('interval (seconds) is required');
    expect(ttn.seen.length).toBe(before);
    const refused = await h.call('POST', `/api/devices/${id}/commands`, { order: 'reboot' });
    expect(refused.statusCode).toBe(502);
    expect(refused.json().error.code).toBe('DOWNLINK_FAILED');
    const log = (await h.call('GET', `/api/devices/${id}/commands`)).json().data;
    expect(log.map((c: { status: string }) => c.status)).toEqual(['failed', 'failed']);
    expect(log[0].error).toContain('answered 404');
  });

  it('sends an order through the ChirpStack v4 REST API and keeps its queue item id', async () => {
    await type('cs-sensor');
    const bad = await h.call('PUT', '/api/device-types/cs-sensor/downlink', {
      provider: 'loriot',
      url: chirpstack.url,
      apiKey: 'x',
      encoder: CODEC,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.field).toBe('provider');
    const put = await h.call('PUT', '/api/device-types/cs-sensor/downlink', {
      provider: 'chirpstack-v4',
      url: chirpstack.url,
      apiKey: 'eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.chirpstack-token',
      confirmed: true,
      encoder: `module.exports = { encodeDownlink: ${CODEC.trim().replace(/^function encodeDownlink/, 'function')} };`,
    });
    expect(put.statusCode, put.body).toBe(200);
    const id = await device('cs-1', 'cs-sensor', 'A84041000181C061');
    const res = await h.call('POST', `/api/devices/${id}/commands`, { order: 'reboot' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      status: 'queued',
      topic: 'chirpstack-v4:a84041000181c061',
      dest: '7d5e2c1a-0b7e-4d6c-9b0e-3f1a2b3c4d5e',
    });
    const req = chirpstack.seen.at(-1) as Seen;
    expect(req.url).toBe('/api/devices/a84041000181c061/queue');
    expect(req.headers['grpc-metadata-authorization']).toBe('Bearer eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.chirpstack-token');
    expect(req.body).toEqual({ queueItem: { confirmed: true, fPort: 2, data: Buffer.from([4, 0xff]).toString('base64') } });
    // The route reads back without its secret; removing it brings back DEVICE_NOT_MQTT.
    expect((await h.call('GET', '/api/device-types/cs-sensor/downlink')).json()).toMatchObject({
      apiKey: '***',
      provider: 'chirpstack-v4',
    });
    expect((await h.call('DELETE', '/api/device-types/cs-sensor/downlink')).statusCode).toBe(204);
    expect((await h.call('POST', `/api/devices/${id}/commands`, { order: 'reboot' })).json().error.code).toBe('DEVICE_NOT_MQTT');
  });
});
