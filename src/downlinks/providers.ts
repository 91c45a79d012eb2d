/**
 * The downlink requests of the two network servers, as their HTTP APIs and MQTT brokers take them,
 * and the events that tell a downlink's fate.
 *
 * - The Things Stack v3, webhook downlink API: `POST /api/v3/as/applications/{application_id}/
 *   webhooks/{webhook_id}/devices/{device_id}/down/push` with `Authorization: Bearer <API key>`
 *   and `{"downlinks": [{"f_port", "frm_payload" (base64), "confirmed", "priority",
 *   "correlation_ids"}]}`; answers 200 `{}`. The device id is the device's `properties.ttnDeviceId`,
 *   else `eui-<deveui in lower case>` (the Console's default).
 * - ChirpStack v4 REST API (the gRPC gateway): `POST /api/devices/{dev_eui}/queue` with
 *   `Grpc-Metadata-Authorization: Bearer <API token>` and `{"queueItem": {"confirmed", "fPort",
 *   "data" (base64)}}`; answers 200 `{"id": "<queue item id>"}`.
 * - The Things Stack v3 MQTT server (QoS 0 only; login `<application id>@<tenant id>` and an API
 *   key): publish `v3/{login}/devices/{device_id}/down/push` with the same `{"downlinks": [...]}`;
 *   its events come on `v3/{login}/devices/{device_id}/down/{queued|sent|ack|nack|failed}` with the
 *   downlink's `correlation_ids` (top level and in `downlink_<event>`; `downlink_failed.downlink`).
 * - ChirpStack v4 MQTT integration: publish `application/{application id}/device/{dev_eui}/command/down`
 *   with `{"id" (UUID, ours: the command id), "devEui", "confirmed", "fPort", "data" (base64)}`; its
 *   events `application/{application id}/device/{dev_eui}/event/txack` (the gateway took it:
 *   `queueItemId`) and `.../event/ack` (`queueItemId`, `acknowledged` true, or false when the
 *   confirmed downlink timed out).
 */
import type { Device } from '../devices/devices.js';
import type { CommandStatus } from '../fleet/commands.js';
import type { DownlinkRequest, DownlinkRoute } from './downlinks.js';

export interface Frame {
  bytes: number[];
  fPort: number;
}

export class DownlinkTargetError extends Error {}

const base = (url: string) => url.replace(/\/+$/, '');
const seg = encodeURIComponent;

const devEuiOf = (device: Device) => (device.identity?.kind === 'deveui' ? device.identity.value.toLowerCase() : undefined);

/** The TTN device id: `properties.ttnDeviceId`, else `eui-<deveui>` (the Console's default). */
function ttnDeviceId(device: Device): string {
  const devEui = devEuiOf(device);
  const id = typeof device.properties.ttnDeviceId === 'string' ? device.properties.ttnDeviceId : devEui && `eui-${devEui}`;
  if (!id) throw new DownlinkTargetError(`device ${device.code} has no DevEUI and no properties.ttnDeviceId`);
  return id;
}

/** The correlation id Polder gives a TTN downlink; its events carry it back. */
const correlationOf = (commandId: string) => `polder:order:${commandId}`;

export function downlinkRequest(
  route: DownlinkRoute,
  device: Device,
  frame: Frame,
  commandId: string,
): { request: DownlinkRequest; target: string; reference: string | null } {
  const data = Buffer.from(frame.bytes).toString('base64');
  const devEui = devEuiOf(device);
  if (route.provider === 'ttn-v3') {
    const ttnId = ttnDeviceId(device);
    const correlation = correlationOf(commandId);
    return {
      target: `ttn-v3:${route.applicationId}/${ttnId}`,
      reference: correlation,
      request: {
        method: 'POST',
        url: `${base(route.url)}/api/v3/as/applications/${seg(route.applicationId ?? '')}/webhooks/${seg(route.webhookId ?? '')}/devices/${seg(ttnId)}/down/push`,
        headers: { authorization: `Bearer ${route.apiKey}`, 'content-type': 'application/json' },
        body: {
          downlinks: [
            {
              f_port: frame.fPort,
              frm_payload: data,
              confirmed: route.confirmed,
              priority: 'NORMAL',
              correlation_ids: [correlation],
            },
          ],
        },
      },
    };
  }
  if (!devEui) throw new DownlinkTargetError(`device ${device.code} has no DevEUI`);
  return {
    target: `chirpstack-v4:${devEui}`,
    reference: null,
    request: {
      method: 'POST',
      url: `${base(route.url)}/api/devices/${seg(devEui)}/queue`,
      headers: { 'grpc-metadata-authorization': `Bearer ${route.apiKey}`, 'content-type': 'application/json' },
      body: { queueItem: { confirmed: route.confirmed, fPort: frame.fPort, data } },
    },
  };
}

/** The provider's reference of the queued downlink, from its answer (ChirpStack: the queue item id). */
export function referenceOf(route: DownlinkRoute, answer: string): string | null {
  if (route.provider !== 'chirpstack-v4') return null;
  try {
    const id = (JSON.parse(answer) as { id?: unknown }).id;
    return typeof id === 'string' ? id : null;
  } catch {
    return null;
  }
}

/** Checks what `encodeDownlink` answered (TTN codec convention) and makes it a frame. */
export function frameOf(result: unknown, defaultFPort: number): { frame: Frame } | { error: string } {
  const r = result as { bytes?: unknown; fPort?: unknown; errors?: unknown } | null;
  if (!r || typeof r !== 'object') return { error: 'encodeDownlink returned no object' };
  if (Array.isArray(r.errors) && r.errors.length > 0) return { error: `encodeDownlink: ${r.errors.map(String).join('; ')}` };
  if (!Array.isArray(r.bytes) || !r.bytes.every((b) => Number.isInteger(b) && b >= 0 && b <= 255))
    return { error: 'encodeDownlink must return bytes: an array of integers 0–255' };
  if (r.bytes.length > 242) return { error: `${r.bytes.length} bytes: a LoRaWAN payload is at most 242` };
  const fPort = r.fPort === undefined ? defaultFPort : r.fPort;
  if (!Number.isInteger(fPort) || (fPort as number) < 1 || (fPort as number) > 223) return { error: 'fPort must be 1–223' };
  return { frame: { bytes: r.bytes as number[], fPort: fPort as number } };
}

/** A downlink as published on the provider's broker. */
export interface MqttDownlink {
  topic: string;
  payload: string;
  /** TTN's MQTT server takes QoS 0 only. */
  qos: 0 | 1;
  reference: string;
}

/** MQTT topic levels may not hold these. */
export const badTopicLevel = (s: string) => /[/+#]/.test(s) || s === '';

export function mqttDownlink(route: DownlinkRoute, device: Device, frame: Frame, commandId: string): MqttDownlink {
  const data = Buffer.from(frame.bytes).toString('base64');
  if (route.provider === 'ttn-v3') {
    const ttnId = ttnDeviceId(device);
    if (badTopicLevel(ttnId)) throw new DownlinkTargetError(`TTN device id ${ttnId} cannot be an MQTT topic level`);
    const correlation = correlationOf(commandId);
    return {
      topic: `v3/${route.username}/devices/${ttnId}/down/push`,
      qos: 0,
      reference: correlation,
      payload: JSON.stringify({
        downlinks: [
          {
            f_port: frame.fPort,
            frm_payload: data,
            priority: 'NORMAL',
            confirmed: route.confirmed,
            correlation_ids: [correlation],
          },
        ],
      }),
    };
  }
  const devEui = devEuiOf(device);
  if (!devEui) throw new DownlinkTargetError(`device ${device.code} has no DevEUI`);
  return {
    topic: `application/${route.applicationId}/device/${devEui}/command/down`,
    qos: 1,
    reference: commandId,
    payload: JSON.stringify({ id: commandId, devEui, confirmed: route.confirmed, fPort: frame.fPort, data }),
  };
}

const TTN_EVENTS = ['queued', 'sent', 'ack', 'nack', 'failed'] as const;

/** The filters of the provider's downlink events, for every device of the route's application. */
export function fateSubscriptions(route: DownlinkRoute): { filter: string; qos: 0 | 1 }[] {
  if (route.provider === 'ttn-v3')
    return TTN_EVENTS.map((e) => ({ filter: `v3/${route.username}/devices/+/down/${e}`, qos: 0 as const }));
  return ['txack', 'ack'].map((e) => ({ filter: `application/${route.applicationId}/device/+/event/${e}`, qos: 1 as const }));
}

export interface ProviderFate {
  commandId: string;
  status: CommandStatus;
  /** What was heard: `down/sent`, `txack`, … */
  event: string;
  error?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const obj = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

/** A provider event about one of Polder's downlinks, or undefined (not one, or not ours). */
export function fateOf(route: DownlinkRoute, topic: string, payload: Buffer): ProviderFate | undefined {
  let body: Record<string, unknown> | undefined;
  try {
    body = obj(JSON.parse(payload.toString('utf8')));
  } catch {
    return undefined;
  }
  if (!body) return undefined;
  if (route.provider === 'ttn-v3') {
    const kind = TTN_EVENTS.find((e) => topic.endsWith(`/down/${e}`));
    if (!kind) return undefined;
    const inner = obj(body[`downlink_${kind}`]);
    const ids = [body.correlation_ids, inner?.correlation_ids, obj(inner?.downlink)?.correlation_ids].flatMap((v) =>
      Array.isArray(v) ? v : [],
    );
    const commandId = ids
      .map((c) => (typeof c === 'string' ? /^polder:(?:order|command):(.+)$/.exec(c)?.[1] : undefined))
      .find((c) => c !== undefined && UUID.test(c));
    if (!commandId) return undefined;
    const event = `down/${kind}`;
    if (kind === 'queued') return { commandId, status: 'queued', event };
    if (kind === 'sent') return { commandId, status: 'sent', event };
    if (kind === 'ack') return { commandId, status: 'acknowledged', event };
    if (kind === 'nack')
      return { commandId, status: 'failed', event, error: 'the device did not acknowledge the downlink (nack)' };
    const err = obj(inner?.error);
    const why = [err?.name, err?.message_format].filter((v) => typeof v === 'string').join(': ');
    return { commandId, status: 'failed', event, error: `The Things Stack: downlink failed${why ? ` (${why})` : ''}` };
  }
  const commandId = body.queueItemId ?? body.queue_item_id;
  if (typeof commandId !== 'string' || !UUID.test(commandId)) return undefined;
  if (topic.endsWith('/event/txack')) return { commandId, status: 'sent', event: 'txack' };
  if (topic.endsWith('/event/ack'))
    return body.acknowledged === true
      ? { commandId, status: 'acknowledged', event: 'ack' }
      : { commandId, status: 'failed', event: 'ack', error: 'the device did not acknowledge the confirmed downlink' };
  return undefined;
}
