/**
 * The Things Stack (TTN v3) webhook / MQTT body: an ApplicationUp with exactly one of
 * uplink_message, join_accept, downlink_* … (lorawan-stack ttnpb.ApplicationUp). Zero values are
 * omitted, so f_cnt 0 and confirmed false are simply absent.
 */
import type { PipelineMessage } from '../message.js';
import { defineWorker } from '../worker.js';
import {
  EnvelopeConfig,
  type GatewayInfo,
  isObject,
  normaliseDevEui,
  num,
  objectAt,
  parseEnvelopeTime,
  parseJsonObject,
  payloadFromBase64,
  skippedMessage,
  str,
  uplinkMessage,
} from './lorawan.js';

const NAME = 'ttn-v3';

/** ApplicationUp members other than uplink_message, as `event` names. */
const OTHER_EVENTS = [
  'uplink_normalized',
  'join_accept',
  'downlink_ack',
  'downlink_nack',
  'downlink_sent',
  'downlink_failed',
  'downlink_queued',
  'downlink_queue_invalidated',
  'location_solved',
  'service_data',
] as const;

/** Gateways with only the fields that are set (the order of GatewayInfo), so none is copied again. */
function gateways(rx: unknown): GatewayInfo[] {
  if (!Array.isArray(rx)) return [];
  const out: GatewayInfo[] = [];
  for (const g of rx) {
    if (!isObject(g)) continue;
    const info: GatewayInfo = {};
    const id = str(objectAt(g, 'gateway_ids')?.gateway_id);
    if (id !== undefined) info.id = id;
    const rssi = num(g.rssi) ?? num(g.channel_rssi);
    if (rssi !== undefined) info.rssi = rssi;
    const snr = num(g.snr);
    if (snr !== undefined) info.snr = snr;
    const time = str(g.time);
    if (time !== undefined) info.time = time;
    const location = objectAt(g, 'location');
    if (location) {
      const latitude = num(location.latitude);
      if (latitude !== undefined) info.latitude = latitude;
      const longitude = num(location.longitude);
      if (longitude !== undefined) info.longitude = longitude;
    }
    out.push(info);
  }
  return out;
}

function decode(msg: PipelineMessage, config: EnvelopeConfig): PipelineMessage {
  const body = parseJsonObject(NAME, msg);
  const ids = objectAt(body, 'end_device_ids');
  const devEui = normaliseDevEui(ids?.dev_eui);
  const warnings: string[] = [];
  const up = objectAt(body, 'uplink_message');
  if (!up) {
    const event = OTHER_EVENTS.find((e) => e in body) ?? 'unknown';
    const observedAt = parseEnvelopeTime(body.received_at, 'received_at', warnings);
    return skippedMessage(msg, NAME, event, { devEui, observedAt, warnings });
  }
  const settings = objectAt(up, 'settings');
  const lora = objectAt(objectAt(settings, 'data_rate'), 'lora');
  // The network server's receive time is always set and comes from a synchronised clock;
  // gateway times may be absent or wrong. The AS time (top level) is the fallback.
  const observedAt =
    parseEnvelopeTime(up.received_at, 'uplink_message.received_at', warnings) ??
    parseEnvelopeTime(body.received_at, 'received_at', warnings);
  return uplinkMessage(
    msg,
    {
      provider: NAME,
      devEui,
      observedAt,
      payload: payloadFromBase64(up.frm_payload, 'uplink_message.frm_payload', warnings),
      gateways: gateways(up.rx_metadata),
      decoded: up.decoded_payload,
      warnings,
      metadata: {
        deviceId: str(ids?.device_id),
        applicationId: str(objectAt(ids, 'application_ids')?.application_id),
        devAddr: str(ids?.dev_addr),
        fPort: num(up.f_port),
        // Zero values are omitted by TTS: an uplink without f_cnt has frame counter 0.
        fCnt: num(up.f_cnt) ?? 0,
        confirmed: up.confirmed === true,
        frequency: num(settings?.frequency),
        spreadingFactor: num(lora?.spreading_factor),
        bandwidth: num(lora?.bandwidth),
        codingRate: str(lora?.coding_rate) ?? str(settings?.coding_rate),
      },
    },
    config,
  );
}

export const ttnV3Worker = defineWorker<EnvelopeConfig>({
  name: NAME,
  kind: 'envelope',
  description:
    'The Things Stack (TTN v3) webhook or MQTT uplink: DevEUI, received_at, f_port, f_cnt, frm_payload, best-gateway RSSI/SNR, decoded_payload → metadata.decoded. Join accepts and downlink events are skipped.',
  configSchema: EnvelopeConfig,
  run: decode,
});
