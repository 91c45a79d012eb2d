/**
 * ChirpStack Application Server v3 events in both JSON marshalers: `json_v3` (the default: hex
 * devEUI, decoded `object`) and `json` (protobuf JSON: base64 devEUI, decoded `objectJSON` string).
 */
import type { PipelineMessage } from '../message.js';
import { defineWorker } from '../worker.js';
import { chirpstackEvent } from './chirpstack-event.js';
import { statusMeasurements } from './chirpstack-v4.worker.js';
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

const NAME = 'chirpstack-v3';

const gatewayId = (v: unknown) => normaliseDevEui(v); // gateway ids are EUIs too, hex or base64

function gateways(rx: unknown): GatewayInfo[] {
  if (!Array.isArray(rx)) return [];
  return rx.filter(isObject).map((g) => ({
    id: gatewayId(g.gatewayID) ?? str(g.name),
    rssi: num(g.rssi),
    snr: num(g.loRaSNR),
    time: str(g.time),
    latitude: num(objectAt(g, 'location')?.latitude),
    longitude: num(objectAt(g, 'location')?.longitude),
  }));
}

function decoded(body: Record<string, unknown>, warnings: string[]): unknown {
  if (isObject(body.object)) return body.object;
  if (typeof body.objectJSON === 'string' && body.objectJSON !== '') {
    try {
      return JSON.parse(body.objectJSON);
    } catch {
      warnings.push('objectJSON is not JSON; ignored');
    }
  }
  return undefined;
}

function decode(msg: PipelineMessage, config: EnvelopeConfig): PipelineMessage {
  const body = parseJsonObject(NAME, msg);
  const devEui = normaliseDevEui(body.devEUI);
  const warnings: string[] = [];
  const event = chirpstackEvent(msg, body);
  if (event !== 'up') {
    const measurements = event === 'status' ? statusMeasurements(body, config) : [];
    return skippedMessage(msg, NAME, event, { devEui, measurements, warnings });
  }
  const gws = gateways(body.rxInfo);
  // v3 has no event time before 3.x's publishedAt; the first gateway's receive time is next best.
  const observedAt =
    parseEnvelopeTime(body.publishedAt, 'publishedAt', warnings) ?? parseEnvelopeTime(gws[0]?.time, 'rxInfo[0].time', warnings);
  const tx = objectAt(body, 'txInfo');
  const lora = objectAt(tx, 'loRaModulationInfo');
  const devAddr = str(body.devAddr);
  return uplinkMessage(
    msg,
    {
      provider: NAME,
      devEui,
      observedAt,
      payload: payloadFromBase64(body.data, 'data', warnings),
      gateways: gws,
      decoded: decoded(body, warnings),
      warnings,
      metadata: {
        deviceName: str(body.deviceName),
        applicationId: str(body.applicationID),
        devAddr: devAddr && (normaliseDevAddr(devAddr) ?? devAddr),
        fPort: num(body.fPort),
        fCnt: num(body.fCnt) ?? 0,
        confirmed: body.confirmedUplink === true,
        dataRate: num(body.dr) ?? num(tx?.dr),
        frequency: num(tx?.frequency),
        spreadingFactor: num(lora?.spreadingFactor),
        // v3 protobuf JSON gives the bandwidth in kHz; Hz everywhere else.
        bandwidth: num(lora?.bandwidth) === undefined ? undefined : (num(lora?.bandwidth) ?? 0) * 1000,
        codingRate: str(lora?.codeRate),
      },
    },
    config,
  );
}

/** DevAddr → 8 upper-case hex (v3 protobuf JSON sends base64 of 4 bytes). */
function normaliseDevAddr(v: string): string | undefined {
  if (/^[0-9a-fA-F]{8}$/.test(v)) return v.toUpperCase();
  if (/^[A-Za-z0-9+/]{6}==$/.test(v)) return Buffer.from(v, 'base64').toString('hex').toUpperCase();
  return undefined;
}

export const chirpstackV3Worker = defineWorker<EnvelopeConfig>({
  name: NAME,
  kind: 'envelope',
  description:
    'ChirpStack Application Server v3 event (json_v3 or protobuf-JSON marshaler): DevEUI (hex or base64), fPort, fCnt, data, best-gateway RSSI/SNR, object/objectJSON → metadata.decoded; status events give battery_level and link_margin; other events are skipped.',
  configSchema: EnvelopeConfig,
  run: decode,
});
