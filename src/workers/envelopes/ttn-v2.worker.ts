/**
 * TTN v2 (thethingsnetwork.org, shut down 2021) HTTP integration body. hardware_serial is the
 * DevEUI; metadata.frequency is MHz (v3 sends Hz); payload_fields is the decoder output.
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

const NAME = 'ttn-v2';

function gateways(list: unknown): GatewayInfo[] {
  if (!Array.isArray(list)) return [];
  return list.filter(isObject).map((g) => ({
    id: str(g.gtw_id),
    rssi: num(g.rssi),
    snr: num(g.snr),
    time: str(g.time),
    latitude: num(g.latitude),
    longitude: num(g.longitude),
  }));
}

function decode(msg: PipelineMessage, config: EnvelopeConfig): PipelineMessage {
  const body = parseJsonObject(NAME, msg);
  const devEui = normaliseDevEui(body.hardware_serial);
  const meta = objectAt(body, 'metadata');
  const warnings: string[] = [];
  // v2 sent only uplinks to the HTTP integration; a body without payload_raw and port is
  // something else (a downlink body posted back by mistake, for instance).
  if (!('payload_raw' in body) && !('payload_fields' in body)) {
    return skippedMessage(msg, NAME, 'unknown', { devEui, warnings });
  }
  const fields = body.payload_fields;
  const frequencyMhz = num(meta?.frequency);
  const dataRate = str(meta?.data_rate);
  const sf = dataRate ? /^SF(\d+)/.exec(dataRate)?.[1] : undefined;
  return uplinkMessage(
    msg,
    {
      provider: NAME,
      devEui,
      observedAt: parseEnvelopeTime(meta?.time, 'metadata.time', warnings),
      payload: payloadFromBase64(body.payload_raw, 'payload_raw', warnings),
      gateways: gateways(meta?.gateways),
      // TTN v2 sends {} when the decoder produced nothing: that is no decoded payload.
      decoded: isObject(fields) && Object.keys(fields).length > 0 ? fields : undefined,
      warnings,
      metadata: {
        deviceId: str(body.dev_id),
        applicationId: str(body.app_id),
        fPort: num(body.port),
        fCnt: num(body.counter) ?? 0,
        confirmed: body.confirmed === true,
        retry: body.is_retry === true,
        frequency: frequencyMhz === undefined ? undefined : Math.round(frequencyMhz * 1e6),
        spreadingFactor: sf === undefined ? undefined : Number(sf),
        dataRate,
        codingRate: str(meta?.coding_rate),
      },
    },
    config,
  );
}

export const ttnV2Worker = defineWorker<EnvelopeConfig>({
  name: NAME,
  kind: 'envelope',
  description:
    'Legacy TTN v2 HTTP integration uplink: hardware_serial (DevEUI), metadata.time, port, counter, payload_raw, best-gateway RSSI/SNR, payload_fields → metadata.decoded.',
  configSchema: EnvelopeConfig,
  run: decode,
});
