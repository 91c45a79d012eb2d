/**
 * What every LoRaWAN provider envelope has in common: a DevEUI, times, a base64 or hex payload,
 * gateways with RSSI/SNR. Each provider worker parses its own JSON and hands the parts to
 * `uplinkMessage`, so all of them produce the same message shape.
 */
import { type Static, Type } from '@sinclair/typebox';
import type { DeviceRef, MeasurementDraft, PipelineMessage } from '../message.js';
import { extensibleCopy, payloadText, withWarnings } from '../message.js';
import { decodeFailed } from '../worker.js';

export const EnvelopeConfig = Type.Object(
  {
    radio: Type.Optional(Type.Boolean({ default: true, description: 'Emit the best gateway RSSI/SNR as measurements.' })),
    radioSensor: Type.Optional(
      Type.String({ minLength: 1, default: 'radio', description: 'Sensor externalId of the RSSI/SNR measurements.' }),
    ),
  },
  { additionalProperties: false },
);
export type EnvelopeConfig = Static<typeof EnvelopeConfig>;

/** Parses the body as a JSON object; anything else is a decode failure naming the worker. */
export function parseJsonObject(worker: string, msg: PipelineMessage): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(payloadText(msg));
  } catch (err) {
    throw decodeFailed(worker, `body is not JSON (${(err as Error).message})`);
  }
  if (!isObject(value)) throw decodeFailed(worker, 'body is not a JSON object');
  return value;
}

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export const objectAt = (v: unknown, key: string): Record<string, unknown> | undefined => {
  const child = isObject(v) ? v[key] : undefined;
  return isObject(child) ? child : undefined;
};

/** Providers send numbers as JSON numbers or as strings ("-100.000000"); both are accepted. */
export function num(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

export const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * DevEUI → 16 upper-case hex. Accepts hex in any case with optional separators, and the base64
 * of 8 bytes that ChirpStack v3's protobuf-JSON marshaler sends ("AgICAgICAgI=").
 */
export function normaliseDevEui(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  // The usual case (TTN, ChirpStack v4): already 16 upper-case hex digits, returned as is.
  if (value.length === 16 && isUpperHex(value)) return value;
  const hex = value.replace(/[-:\s]/g, '');
  if (/^[0-9a-fA-F]{16}$/.test(hex)) return hex.toUpperCase();
  if (/^[A-Za-z0-9+/]{11}=$/.test(value)) return Buffer.from(value, 'base64').toString('hex').toUpperCase();
  return undefined;
}

function isUpperHex(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 70))) return false;
  }
  return true;
}

export const devEuiRef = (devEui: string | undefined, previous?: DeviceRef): DeviceRef | undefined =>
  devEui ? { ...previous, identity: { kind: 'deveui', value: devEui } } : previous;

/** Clocks that were never set report 1970; such times are treated as absent. */
const EARLIEST_PLAUSIBLE = Date.UTC(2000, 0, 1);

/**
 * RFC 3339 time (nanoseconds allowed, truncated to ms) → Unix ms. Absent → undefined; unparsable
 * or implausible → undefined plus a warning, so a bad clock never fails an otherwise good uplink.
 */
export function parseEnvelopeTime(value: unknown, field: string, warnings: string[]): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms)) {
    warnings.push(`${field} ${JSON.stringify(value)} is not an RFC 3339 time; ignored`);
    return undefined;
  }
  if (ms < EARLIEST_PLAUSIBLE) {
    warnings.push(`${field} ${String(value)} is before 2000 (clock not set?); ignored`);
    return undefined;
  }
  return ms;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2,3})?$/;

/**
 * A provider's base64 payload field. Invalid base64 (ChirpStack's docs put "..." there) leaves
 * the payload empty with a warning: the provider's decoded object may still be worth storing.
 */
export function payloadFromBase64(value: unknown, field: string, warnings: string[]): Uint8Array {
  if (value === undefined || value === null || value === '') return new Uint8Array(0);
  if (typeof value !== 'string' || !BASE64.test(value)) {
    warnings.push(`${field} is not base64; payload left empty`);
    return new Uint8Array(0);
  }
  return new Uint8Array(Buffer.from(value, 'base64'));
}

export function payloadFromHex(worker: string, value: unknown, field: string): Uint8Array {
  if (value === undefined || value === null || value === '') return new Uint8Array(0);
  if (typeof value !== 'string' || !/^(?:[0-9a-fA-F]{2})*$/.test(value)) {
    throw decodeFailed(worker, `${field} is not an even-length hex string`, { field });
  }
  return new Uint8Array(Buffer.from(value, 'hex'));
}

export interface GatewayInfo {
  id?: string | undefined;
  rssi?: number | undefined;
  snr?: number | undefined;
  time?: string | undefined;
  latitude?: number | undefined;
  longitude?: number | undefined;
}

/**
 * The best gateway is the one with the highest RSSI (ties: higher SNR). RSSI and SNR are always
 * taken from the same gateway, so the pair describes one real link.
 */
export function bestGateway(gateways: readonly GatewayInfo[]): GatewayInfo | undefined {
  let best: GatewayInfo | undefined;
  for (const g of gateways) {
    if (g.rssi === undefined && g.snr === undefined) continue;
    if (!best) best = g;
    else if ((g.rssi ?? -Infinity) > (best.rssi ?? -Infinity)) best = g;
    else if (g.rssi === best.rssi && (g.snr ?? -Infinity) > (best.snr ?? -Infinity)) best = g;
  }
  return best;
}

export function radioMeasurements(gateway: GatewayInfo | undefined, config: EnvelopeConfig): MeasurementDraft[] {
  if (!gateway || config.radio === false) return [];
  const sensor = config.radioSensor ?? 'radio';
  const out: MeasurementDraft[] = [];
  if (gateway.rssi !== undefined) out.push({ sensor, observedProperty: 'rssi', unit: 'dB[mW]', value: gateway.rssi });
  if (gateway.snr !== undefined) out.push({ sensor, observedProperty: 'snr', unit: 'dB', value: gateway.snr });
  return out;
}

/**
 * Drops undefined values so metadata stays JSON-clean and easy to compare. An object without
 * any is returned as is (envelopes build their gateways fresh per message).
 */
export function compact(o: Record<string, unknown>): Record<string, unknown> {
  let clean = true;
  for (const k in o) {
    if (o[k] === undefined) {
      clean = false;
      break;
    }
  }
  if (clean) return o;
  const out: Record<string, unknown> = {};
  for (const k in o) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

export interface UplinkParts {
  provider: string;
  devEui?: string | undefined;
  observedAt?: number | undefined;
  payload: Uint8Array;
  gateways: GatewayInfo[];
  /** The provider's own choice of best gateway (ThingPark); else the highest RSSI wins. */
  best?: GatewayInfo | undefined;
  decoded?: unknown;
  metadata: Record<string, unknown>;
  warnings: string[];
  /** Extra drafts (status events: battery level). */
  measurements?: MeasurementDraft[];
}

/**
 * The message after an envelope step: payload replaced by the device payload, the rest filled in.
 * Built by assignment rather than spreads (this runs once per uplink): the keys come out in the
 * same order, the input message is not touched.
 */
export function uplinkMessage(msg: PipelineMessage, parts: UplinkParts, config: EnvelopeConfig): PipelineMessage {
  const best = parts.best ?? bestGateway(parts.gateways);
  const metadata: Record<string, unknown> = extensibleCopy(msg.metadata);
  metadata.provider = parts.provider;
  metadata.event = 'uplink';
  const extra = parts.metadata;
  for (const k in extra) if (extra[k] !== undefined) metadata[k] = extra[k];
  const gateways = parts.gateways;
  if (gateways.length > 0) {
    const list: Record<string, unknown>[] = new Array(gateways.length);
    for (let i = 0; i < gateways.length; i++) list[i] = compact(gateways[i] as Record<string, unknown>);
    metadata.gateways = list;
  }
  if (parts.decoded !== undefined && parts.decoded !== null) metadata.decoded = parts.decoded;
  const device = devEuiRef(parts.devEui, msg.device);
  const observedAt = parts.observedAt ?? msg.observedAt;
  const out = extensibleCopy(msg);
  out.payload = parts.payload;
  if (device) out.device = device;
  if (observedAt !== undefined) out.observedAt = observedAt;
  out.metadata = withWarnings(metadata, parts.warnings);
  const radio = radioMeasurements(best, config);
  const more = parts.measurements;
  out.measurements =
    radio.length === 0 && (more === undefined || more.length === 0)
      ? msg.measurements.slice()
      : msg.measurements.concat(radio, more ?? []);
  return out;
}

/** A recognised message that is not an uplink: no payload to decode, flagged in metadata. */
export function skippedMessage(
  msg: PipelineMessage,
  provider: string,
  event: string,
  extra: {
    devEui?: string | undefined;
    observedAt?: number | undefined;
    measurements?: MeasurementDraft[];
    warnings?: string[];
  } = {},
): PipelineMessage {
  const device = devEuiRef(extra.devEui, msg.device);
  const observedAt = extra.observedAt ?? msg.observedAt;
  const out = extensibleCopy(msg);
  out.payload = new Uint8Array(0);
  if (device) out.device = device;
  if (observedAt !== undefined) out.observedAt = observedAt;
  const metadata: Record<string, unknown> = extensibleCopy(msg.metadata);
  metadata.provider = provider;
  metadata.event = event;
  metadata.skip = `${provider} ${event} event: not an uplink`;
  out.metadata = withWarnings(metadata, extra.warnings ?? []);
  out.measurements = [...msg.measurements, ...(extra.measurements ?? [])];
  return out;
}
