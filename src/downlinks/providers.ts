/**
 * The downlink requests of the two network servers, as their HTTP APIs take them.
 *
 * - The Things Stack v3, webhook downlink API: `POST /api/v3/as/applications/{application_id}/
 *   webhooks/{webhook_id}/devices/{device_id}/down/push` with `Authorization: Bearer <API key>`
 *   and `{"downlinks": [{"f_port", "frm_payload" (base64), "confirmed", "priority",
 *   "correlation_ids"}]}`; answers 200 `{}`. The device id is the device's `properties.ttnDeviceId`,
 *   else `eui-<deveui in lower case>` (the Console's default).
 * - ChirpStack v4 REST API (the gRPC gateway): `POST /api/devices/{dev_eui}/queue` with
 *   `Grpc-Metadata-Authorization: Bearer <API token>` and `{"queueItem": {"confirmed", "fPort",
 *   "data" (base64)}}`; answers 200 `{"id": "<queue item id>"}`.
 */
import type { Device } from '../devices/devices.js';
import type { DownlinkRequest, DownlinkRoute } from './downlinks.js';

export interface Frame {
  bytes: number[];
  fPort: number;
}

export class DownlinkTargetError extends Error {}

const base = (url: string) => url.replace(/\/+$/, '');
const seg = encodeURIComponent;

export function downlinkRequest(
  route: DownlinkRoute,
  device: Device,
  frame: Frame,
  commandId: string,
): { request: DownlinkRequest; target: string; reference: string | null } {
  const data = Buffer.from(frame.bytes).toString('base64');
  const devEui = device.identity?.kind === 'deveui' ? device.identity.value.toLowerCase() : undefined;
  if (route.provider === 'ttn-v3') {
    const ttnId = typeof device.properties.ttnDeviceId === 'string' ? device.properties.ttnDeviceId : devEui && `eui-${devEui}`;
    if (!ttnId) throw new DownlinkTargetError(`device ${device.code} has no DevEUI and no properties.ttnDeviceId`);
    const correlation = `polder:order:${commandId}`;
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
