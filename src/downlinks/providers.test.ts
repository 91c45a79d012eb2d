import { describe, expect, it } from 'vitest';
import type { Device } from '../devices/devices.js';
import type { DownlinkRoute } from './downlinks.js';
import { fateOf, fateSubscriptions, mqttDownlink } from './providers.js';

const route = (over: Partial<DownlinkRoute>): DownlinkRoute => ({
  orgId: 'org',
  typeId: 'type',
  provider: 'ttn-v3',
  transport: 'mqtt',
  url: 'mqtt://127.0.0.1:1883',
  apiKey: 'NNSXS.K',
  username: 'campus@ttn',
  applicationId: 'campus',
  webhookId: null,
  fPort: 1,
  confirmed: false,
  encoder: '',
  createdAt: 0,
  updatedAt: 0,
  ...over,
});
const device = (properties: Record<string, unknown> = {}) =>
  ({ code: 'n1', identity: { kind: 'deveui', value: '70B3D57ED0000001' }, properties }) as unknown as Device;
const ID = '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
const json = (v: unknown) => Buffer.from(JSON.stringify(v));

describe('downlinks over the providers MQTT', () => {
  it('builds the TTN push and the ChirpStack command on their topics', () => {
    const ttn = mqttDownlink(route({}), device(), { bytes: [1, 2], fPort: 5 }, ID);
    expect(ttn).toMatchObject({ topic: 'v3/campus@ttn/devices/eui-70b3d57ed0000001/down/push', qos: 0 });
    expect(JSON.parse(ttn.payload).downlinks[0]).toEqual({
      f_port: 5,
      frm_payload: 'AQI=',
      priority: 'NORMAL',
      confirmed: false,
      correlation_ids: [`polder:order:${ID}`],
    });
    const cs = mqttDownlink(route({ provider: 'chirpstack-v4', applicationId: 'app-1' }), device(), { bytes: [1], fPort: 9 }, ID);
    expect(cs).toMatchObject({ topic: 'application/app-1/device/70b3d57ed0000001/command/down', qos: 1, reference: ID });
    expect(JSON.parse(cs.payload)).toEqual({ id: ID, devEui: '70b3d57ed0000001', confirmed: false, fPort: 9, data: 'AQ==' });
    expect(() => mqttDownlink(route({}), device({ ttnDeviceId: 'a/b' }), { bytes: [1], fPort: 1 }, ID)).toThrow(/topic level/);
    expect(fateSubscriptions(route({})).map((s) => s.filter)).toContain('v3/campus@ttn/devices/+/down/nack');
  });

  it('reads TTN events by correlation id (top level or in the event), nack and failed as failed', () => {
    const r = route({});
    const at = (kind: string) => `v3/campus@ttn/devices/n1/down/${kind}`;
    expect(fateOf(r, at('sent'), json({ correlation_ids: ['as:x', `polder:order:${ID}`], downlink_sent: {} }))).toEqual({
      commandId: ID,
      status: 'sent',
      event: 'down/sent',
    });
    expect(fateOf(r, at('ack'), json({ downlink_ack: { correlation_ids: [`polder:order:${ID}`] } }))?.status).toBe(
      'acknowledged',
    );
    expect(fateOf(r, at('nack'), json({ correlation_ids: [`polder:order:${ID}`] }))).toMatchObject({ status: 'failed' });
    expect(
      fateOf(
        r,
        at('failed'),
        json({ downlink_failed: { downlink: { correlation_ids: [`polder:order:${ID}`] }, error: { name: 'too_long' } } }),
      ),
    ).toMatchObject({ status: 'failed', error: expect.stringContaining('too_long') });
    // Not ours, not an event, not JSON.
    expect(fateOf(r, at('ack'), json({ correlation_ids: ['console:123'] }))).toBeUndefined();
    expect(fateOf(r, at('ack'), json({ correlation_ids: ['polder:order:not-a-uuid'] }))).toBeUndefined();
    expect(fateOf(r, at('push'), json({ correlation_ids: [`polder:order:${ID}`] }))).toBeUndefined();
    expect(fateOf(r, at('ack'), Buffer.from('{'))).toBeUndefined();
  });

  it('reads ChirpStack txack and ack by queue item id; an ack not acknowledged is failed', () => {
    const r = route({ provider: 'chirpstack-v4', applicationId: 'app-1' });
    const at = (e: string) => `application/app-1/device/70b3d57ed0000001/event/${e}`;
    expect(fateOf(r, at('txack'), json({ queueItemId: ID }))).toEqual({ commandId: ID, status: 'sent', event: 'txack' });
    expect(fateOf(r, at('ack'), json({ queueItemId: ID, acknowledged: true }))?.status).toBe('acknowledged');
    expect(fateOf(r, at('ack'), json({ queueItemId: ID, acknowledged: false }))?.status).toBe('failed');
    expect(fateOf(r, at('up'), json({ queueItemId: ID }))).toBeUndefined();
  });
});
