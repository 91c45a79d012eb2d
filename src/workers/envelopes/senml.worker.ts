/**
 * Generic SenML (RFC 8428, JSON). The base name names the device, the record name the sensor
 * and property ("<sensor>/<property>" or just "<property>"), the unit (UCUM-like in SenML) the unit.
 */
import { type Static, Type } from '@sinclair/typebox';
import type { DeviceRef, MeasurementDraft, PipelineMessage } from '../message.js';
import { payloadText } from '../message.js';
import { guessFromName, propertyForUnit, snakeCase } from '../names.js';
import { toUcum } from '../units.js';
import { decodeFailed, defineWorker } from '../worker.js';
import { normaliseDevEui } from './lorawan.js';
import { type ResolvedRecord, resolveSenml, secondsToMs } from './senml-resolve.js';

export const SenmlConfig = Type.Object(
  {
    sensor: Type.Optional(
      Type.String({ minLength: 1, default: '0', description: 'Sensor externalId for record names without a "<sensor>/" part.' }),
    ),
  },
  { additionalProperties: false },
);
export type SenmlConfig = Static<typeof SenmlConfig>;

export function parsePack(worker: string, msg: PipelineMessage): ResolvedRecord[] {
  let pack: unknown;
  try {
    pack = JSON.parse(payloadText(msg));
  } catch (err) {
    throw decodeFailed(worker, `body is not JSON (${(err as Error).message})`);
  }
  return resolveSenml(worker, pack, msg.receivedAt / 1000);
}

/**
 * A SenML device name → a device reference: `urn:dev:DEVEUI:<eui>` (KPN), `urn:dev:mac:<hex>`,
 * `urn:dev:ow:<id>` (1-Wire serial), `urn:dev:DVNUUID:<uuid>` / `urn:uuid:<uuid>`; else a registry code.
 */
export function deviceFromName(name: string): DeviceRef | undefined {
  const trimmed = name.replace(/[:/]+$/, '');
  if (trimmed === '') return undefined;
  const m = /^urn:(?:dev:([A-Za-z]+):|(uuid):)(.+)$/i.exec(trimmed);
  const scheme = (m?.[1] ?? m?.[2])?.toLowerCase();
  const id = m?.[3] ?? '';
  if (scheme === 'deveui') {
    const eui = normaliseDevEui(id);
    if (eui) return { identity: { kind: 'deveui', value: eui } };
  }
  if (scheme === 'mac' && /^[0-9a-fA-F]{12}$/.test(id)) {
    return { identity: { kind: 'mac', value: id.toLowerCase().match(/../g)?.join(':') ?? id } };
  }
  if (scheme === 'mac' && /^[0-9a-fA-F]{16}$/.test(id)) return { identity: { kind: 'deveui', value: id.toUpperCase() } };
  if (scheme === 'ow') return { identity: { kind: 'serial', value: id.toLowerCase() } };
  if ((scheme === 'dvnuuid' || scheme === 'uuid') && /^[0-9a-f-]{36}$/i.test(id))
    return { identity: { kind: 'uuid', value: id.toLowerCase() } };
  return { code: trimmed };
}

interface Split {
  deviceName: string;
  local: string;
}

/** Which part of a resolved name is the device and which the sensor/property. */
function split(r: ResolvedRecord): Split {
  if (r.baseName !== '') return { deviceName: r.baseName, local: r.localName };
  // Without a base name, a name that is itself an identifier (a URN, an address) names the device.
  if (r.localName.includes(':')) return { deviceName: r.localName, local: '' };
  return { deviceName: '', local: r.localName };
}

/** A numeric SenML record → a draft; undefined for string and data values. */
export function recordDraft(r: ResolvedRecord, config: SenmlConfig): { draft: MeasurementDraft; deviceName: string } | undefined {
  const value = r.value ?? (r.boolValue === undefined ? undefined : r.boolValue ? 1 : 0) ?? r.sum;
  if (value === undefined) return undefined;
  const { deviceName, local } = split(r);
  const slash = local.lastIndexOf('/');
  const sensor = slash > 0 ? local.slice(0, slash) : (config.sensor ?? '0');
  const leaf = slash >= 0 ? local.slice(slash + 1) : local;
  const guess = leaf === '' ? undefined : guessFromName(leaf);
  const unit = r.unit !== undefined ? toUcum(r.unit) : (guess?.unit ?? '1');
  const fromUnit = r.unit === undefined ? undefined : (propertyForUnit(r.unit) ?? propertyForUnit(unit));
  const observedProperty = leaf === '' ? (fromUnit ?? 'value') : (guess?.observedProperty ?? snakeCase(leaf));
  const draft: MeasurementDraft = {
    sensor,
    observedProperty: r.value === undefined && r.sum !== undefined ? `${observedProperty}_sum` : observedProperty,
    unit,
    value,
  };
  if (r.time !== undefined) draft.time = secondsToMs(r.time);
  return { draft, deviceName };
}

/**
 * Drafts for a pack. When every record names the same device, that device becomes the message's
 * (and drafts carry none); when a pack mixes devices (RFC 8428 §5.1.6), each draft carries its own.
 */
export function packMessage(
  msg: PipelineMessage,
  records: ResolvedRecord[],
  config: SenmlConfig,
  provider: string,
): PipelineMessage {
  const drafts: { draft: MeasurementDraft; deviceName: string }[] = [];
  const text: Record<string, string> = {};
  for (const r of records) {
    const d = recordDraft(r, config);
    if (d) drafts.push(d);
    else text[r.name] = r.stringValue ?? r.dataValue ?? '';
  }
  const names = new Set(drafts.map((d) => d.deviceName));
  const single = names.size <= 1 ? deviceFromName([...names][0] ?? records[0]?.baseName ?? '') : undefined;
  const measurements =
    names.size <= 1 ? drafts.map((d) => d.draft) : drafts.map((d) => withDevice(d.draft, deviceFromName(d.deviceName)));
  const firstTime = records.find((r) => r.time !== undefined)?.time;
  const device = single ? { ...msg.device, ...single } : msg.device;
  return {
    ...msg,
    ...(device && { device }),
    ...(firstTime !== undefined && msg.observedAt === undefined && { observedAt: secondsToMs(firstTime) }),
    metadata: { ...msg.metadata, provider, event: 'uplink', ...(Object.keys(text).length > 0 && { text }) },
    measurements: [...msg.measurements, ...measurements],
  };
}

const withDevice = (d: MeasurementDraft, device: DeviceRef | undefined): MeasurementDraft => (device ? { ...d, device } : d);

export const senmlWorker = defineWorker<SenmlConfig>({
  name: 'senml',
  kind: 'envelope',
  description:
    'SenML pack (RFC 8428, application/senml+json): resolves bn/bt/bu/bv/bs/bver; each numeric record (v, vb as 0/1, s) → a measurement; the base name → the device (urn:dev:DEVEUI/mac/ow/uuid or a registry code); "<sensor>/<property>" names; vs/vd values → metadata.text.',
  configSchema: SenmlConfig,
  run: (msg, config) => packMessage(msg, parsePack('senml', msg), config, 'senml'),
});
