/**
 * KPN Things device data: SenML whose base name is `urn:dev:DEVEUI:<eui>:` (LoRa) or
 * `urn:dev:DVNUUID:<uuid>:` (Internet devices). With the "Raw LoRa payload" decoder the pack holds
 * `payload` (hex FRMPayload; `payload_hex` in newer packs) and `port`; with a KPN decoder it
 * holds measurement records, which become measurements like in the `senml` worker.
 */
import type { PipelineMessage } from '../message.js';
import { defineWorker } from '../worker.js';
import { payloadFromHex } from './lorawan.js';
import { packMessage, parsePack, SenmlConfig } from './senml.worker.js';
import { type ResolvedRecord, secondsToMs } from './senml-resolve.js';

const NAME = 'kpn-senml';
const PAYLOAD_NAMES = new Set(['payload', 'payload_hex']);
const TIME_ORIGIN_NAMES = new Set(['TIME_ORIGIN', 'timeOrigin']);

function decode(msg: PipelineMessage, config: SenmlConfig): PipelineMessage {
  const records = parsePack(NAME, msg);
  const payloadRecord = records.find((r) => PAYLOAD_NAMES.has(r.localName) && r.stringValue !== undefined);
  const portRecord = records.find((r) => r.localName === 'port' && r.value !== undefined);
  const origin = records.find((r) => TIME_ORIGIN_NAMES.has(r.localName))?.stringValue;
  const special = new Set<ResolvedRecord>([payloadRecord, portRecord].filter((r): r is ResolvedRecord => r !== undefined));
  const rest = records.filter((r) => !special.has(r) && !TIME_ORIGIN_NAMES.has(r.localName));
  const base = packMessage(msg, rest, config, NAME);
  // The pack's time is the time of the uplink; KPN puts it in bt of the (first) record.
  const time = payloadRecord?.time ?? records.find((r) => r.time !== undefined)?.time;
  const device = base.device ?? packMessage(msg, records, config, NAME).device;
  return {
    ...base,
    ...(device && { device }),
    ...(time !== undefined && { observedAt: secondsToMs(time) }),
    // Without a payload record (a KPN decoder already decoded it) there is nothing left to decode.
    payload: payloadRecord ? payloadFromHex(NAME, payloadRecord.stringValue, payloadRecord.localName) : new Uint8Array(0),
    metadata: {
      ...base.metadata,
      ...(portRecord?.value !== undefined && { fPort: portRecord.value }),
      ...(origin !== undefined && { timeOrigin: origin }),
    },
  };
}

export const kpnSenmlWorker = defineWorker<SenmlConfig>({
  name: NAME,
  kind: 'envelope',
  description:
    'KPN Things SenML: DevEUI (or DVNUUID) from the base name, time from bt, the "payload"/"payload_hex" record → device payload bytes, "port" → fPort, other numeric records → measurements.',
  configSchema: SenmlConfig,
  run: decode,
});
