/**
 * Actility ThingPark "LRC-AS tunnel" uplinks as KPN LoRa (classic) and Proximus MyThings send
 * them: `{"DevEUI_uplink": {…}}` in JSON, or `<DevEUI_uplink xmlns="http://uri.actility.com/lora">`
 * in XML. Every numeric field may come as a string ("-100.000000") or as a number.
 */
import type { PipelineMessage } from '../message.js';
import { payloadText } from '../message.js';
import { decodeFailed, defineWorker } from '../worker.js';
import {
  EnvelopeConfig,
  type GatewayInfo,
  isObject,
  normaliseDevEui,
  num,
  parseEnvelopeTime,
  payloadFromHex,
  skippedMessage,
  str,
  uplinkMessage,
} from './lorawan.js';
import { parseXml, XmlError } from './xml-parse.js';

const NAME = 'thingpark';

function parseBody(msg: PipelineMessage): Record<string, unknown> {
  const text = payloadText(msg).trimStart();
  try {
    const body: unknown = text.startsWith('<') ? parseXml(text) : JSON.parse(text);
    if (isObject(body)) return body;
  } catch (err) {
    const what = err instanceof XmlError ? 'XML' : 'JSON';
    throw decodeFailed(NAME, `body is neither a ThingPark JSON nor XML document (${what}: ${(err as Error).message})`);
  }
  throw decodeFailed(NAME, 'body is not a JSON object');
}

/** XML gives one `<Lrr>` as an object and several as an array; JSON always an array. */
function lrrs(up: Record<string, unknown>): GatewayInfo[] {
  const container = up.Lrrs;
  const list = isObject(container) ? container.Lrr : undefined;
  const items = Array.isArray(list) ? list : list === undefined ? [] : [list];
  return items.filter(isObject).map((l) => ({ id: str(l.Lrrid), rssi: num(l.LrrRSSI), snr: num(l.LrrSNR) }));
}

function customerData(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v); // XML carries the JSON object as text
  } catch {
    return v;
  }
}

function decode(msg: PipelineMessage, config: EnvelopeConfig): PipelineMessage {
  const body = parseBody(msg);
  const up = body.DevEUI_uplink;
  const warnings: string[] = [];
  if (!isObject(up)) {
    const root = Object.keys(body)[0] ?? 'unknown';
    const inner = body[root];
    const devEui = isObject(inner) ? normaliseDevEui(inner.DevEUI) : undefined;
    return skippedMessage(msg, NAME, root, { devEui, warnings });
  }
  // ThingPark names the best receiving station (Lrrid, LrrRSSI, LrrSNR) at the top level; Lrrs
  // lists the others it chose to report (not always all DevLrrCnt of them).
  const best: GatewayInfo = {
    id: str(up.Lrrid),
    rssi: num(up.LrrRSSI),
    snr: num(up.LrrSNR),
    latitude: num(up.LrrLAT),
    longitude: num(up.LrrLON),
  };
  const others = lrrs(up).filter((g) => g.id !== best.id);
  const gateways = best.rssi === undefined && best.snr === undefined ? others : [best, ...others];
  return uplinkMessage(
    msg,
    {
      provider: NAME,
      devEui: normaliseDevEui(up.DevEUI),
      observedAt: parseEnvelopeTime(up.Time, 'Time', warnings),
      payload: payloadFromHex(NAME, up.payload_hex, 'payload_hex'),
      gateways,
      // The best station is ThingPark's own choice: keep it rather than re-ranking by RSSI.
      best: gateways[0],
      warnings,
      metadata: {
        fPort: num(up.FPort),
        fCnt: num(up.FCntUp),
        fCntDown: num(up.FCntDn),
        devAddr: str(up.DevAddr)?.toUpperCase(),
        confirmed: num(up.MType) === 4,
        spreadingFactor: num(up.SpFact),
        frequency: num(up.Frequency) === undefined ? undefined : Math.round((num(up.Frequency) ?? 0) * 1e6),
        gatewayCount: num(up.DevLrrCnt),
        customerId: str(up.CustomerID),
        customerData: customerData(up.CustomerData),
      },
    },
    config,
  );
}

export const thingparkWorker = defineWorker<EnvelopeConfig>({
  name: NAME,
  kind: 'envelope',
  description:
    'Actility ThingPark DevEUI_uplink (KPN LoRa, Proximus MyThings), JSON or XML: DevEUI, Time, FPort, FCntUp, payload_hex, RSSI/SNR of the best station (Lrrid). Other DevEUI_* documents are skipped.',
  configSchema: EnvelopeConfig,
  run: decode,
});
