/**
 * ChirpStack v4 integration events (JSON = protobuf JSON mapping, lowerCamelCase): devEui and
 * gatewayId are lower-case hex, data is base64, object is the codec output.
 */
import type { MeasurementDraft, PipelineMessage } from '../message.js';
import { defineWorker } from '../worker.js';
import { chirpstackEvent } from './chirpstack-event.js';
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

const NAME = 'chirpstack-v4';

function gateways(rx: unknown): GatewayInfo[] {
  if (!Array.isArray(rx)) return [];
  return rx.filter(isObject).map((g) => ({
    id: str(g.gatewayId),
    rssi: num(g.rssi),
    snr: num(g.snr),
    time: str(g.gwTime) ?? str(g.nsTime),
    latitude: num(objectAt(g, 'location')?.latitude),
    longitude: num(objectAt(g, 'location')?.longitude),
  }));
}

/** Status events carry the device's own battery report and link margin: worth keeping. */
export function statusMeasurements(body: Record<string, unknown>, config: EnvelopeConfig): MeasurementDraft[] {
  const out: MeasurementDraft[] = [];
  const battery = num(body.batteryLevel);
  if (battery !== undefined && body.batteryLevelUnavailable !== true && body.externalPowerSource !== true) {
    out.push({ sensor: 'battery', observedProperty: 'battery_level', unit: '%', value: battery });
  }
  const margin = num(body.margin);
  if (margin !== undefined && config.radio !== false) {
    out.push({ sensor: config.radioSensor ?? 'radio', observedProperty: 'link_margin', unit: 'dB', value: margin });
  }
  return out;
}

function decode(msg: PipelineMessage, config: EnvelopeConfig): PipelineMessage {
  const body = parseJsonObject(NAME, msg);
  const info = objectAt(body, 'deviceInfo');
  const devEui = normaliseDevEui(info?.devEui);
  const warnings: string[] = [];
  const observedAt = parseEnvelopeTime(body.time, 'time', warnings);
  const event = chirpstackEvent(msg, body);
  if (event !== 'up') {
    const measurements = event === 'status' ? statusMeasurements(body, config) : [];
    return skippedMessage(msg, NAME, event, { devEui, observedAt, measurements, warnings });
  }
  const lora = objectAt(objectAt(objectAt(body, 'txInfo'), 'modulation'), 'lora');
  return uplinkMessage(
    msg,
    {
      provider: NAME,
      devEui,
      observedAt,
      payload: payloadFromBase64(body.data, 'data', warnings),
      gateways: gateways(body.rxInfo),
      decoded: isObject(body.object) ? body.object : undefined,
      warnings,
      metadata: {
        deviceName: str(info?.deviceName),
        applicationId: str(info?.applicationId),
        tenantId: str(info?.tenantId),
        deduplicationId: str(body.deduplicationId),
        devAddr: str(body.devAddr)?.toUpperCase(),
        fPort: num(body.fPort),
        // Protobuf JSON omits zero values in older versions: a missing fCnt is 0.
        fCnt: num(body.fCnt) ?? 0,
        confirmed: body.confirmed === true,
        dataRate: num(body.dr),
        frequency: num(objectAt(body, 'txInfo')?.frequency),
        spreadingFactor: num(lora?.spreadingFactor),
        bandwidth: num(lora?.bandwidth),
        codingRate: str(lora?.codeRate),
      },
    },
    config,
  );
}

export const chirpstackV4Worker = defineWorker<EnvelopeConfig>({
  name: NAME,
  kind: 'envelope',
  description:
    'ChirpStack v4 HTTP/MQTT integration event: up events give DevEUI, time, fPort, fCnt, data, best-gateway RSSI/SNR and object → metadata.decoded; status events give battery_level and link_margin; join/ack/txack/log/location are skipped.',
  configSchema: EnvelopeConfig,
  run: decode,
});
