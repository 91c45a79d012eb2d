/**
 * SenML (RFC 8428) JSON resolution: base fields apply to their record and every following one
 * until overridden (§4.5); names, times, values and sums are resolved per §4.6.
 */
import { decodeFailed } from '../worker.js';
import { isObject, num } from './lorawan.js';

export interface ResolvedRecord {
  /** Position in the pack, for error messages. */
  index: number;
  /** The base name in force (may be ''), and the record's own name (may be ''). */
  baseName: string;
  localName: string;
  name: string;
  unit?: string | undefined;
  value?: number | undefined;
  stringValue?: string | undefined;
  boolValue?: boolean | undefined;
  dataValue?: string | undefined;
  sum?: number | undefined;
  /** Absolute Unix seconds, or undefined when the record has no time (= now). */
  time?: number | undefined;
}

/** RFC 8428 §4.5.1: the version this reader understands. */
const SUPPORTED_VERSION = 10;
/** RFC 8428 §4.5.3: times below 2**28 are relative to now. */
const RELATIVE_LIMIT = 2 ** 28;
/** RFC 8428 §4.5.1: the characters a resolved name may contain. */
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9\-:./_]*$/;
const BASE_LABELS = new Set(['bn', 'bt', 'bu', 'bv', 'bs', 'bver']);
const VALUE_LABELS = ['v', 'vs', 'vb', 'vd'] as const;

export function resolveSenml(worker: string, pack: unknown, nowSeconds: number): ResolvedRecord[] {
  if (!Array.isArray(pack)) throw decodeFailed(worker, 'a SenML pack is a JSON array of records');
  let bn = '';
  let bt = 0;
  let bu: string | undefined;
  let bv = 0;
  let bs = 0;
  let version: number | undefined;
  const out: ResolvedRecord[] = [];
  pack.forEach((record, index) => {
    const at = `record ${index}`;
    if (!isObject(record)) throw decodeFailed(worker, `${at} is not an object`);
    for (const label of Object.keys(record)) {
      // §4.4: a label ending in "_" must be understood; this reader knows none.
      if (label.endsWith('_')) throw decodeFailed(worker, `${at}: label ${label} must be understood and is not`, { label });
    }
    if (record.bver !== undefined) {
      const v = num(record.bver);
      if (v === undefined || v > SUPPORTED_VERSION)
        throw decodeFailed(worker, `${at}: SenML version ${String(record.bver)} is not supported`);
      if (version !== undefined && v !== version) throw decodeFailed(worker, `${at}: records of one pack must share one version`);
      version = v;
    }
    if (record.bn !== undefined) bn = String(record.bn);
    if (record.bt !== undefined) bt = numberOf(worker, at, 'bt', record.bt);
    if (record.bu !== undefined) bu = String(record.bu);
    if (record.bv !== undefined) bv = numberOf(worker, at, 'bv', record.bv);
    if (record.bs !== undefined) bs = numberOf(worker, at, 'bs', record.bs);

    const present = VALUE_LABELS.filter((l) => record[l] !== undefined);
    const hasSum = record.s !== undefined;
    if (present.length === 0 && !hasSum) {
      // A record of base fields only (KPN before Dec 2022, RFC §5.1.7) carries no value.
      if (Object.keys(record).every((l) => BASE_LABELS.has(l))) return;
      throw decodeFailed(worker, `${at} has no value (v, vs, vb, vd or s)`);
    }
    if (present.length > 1) throw decodeFailed(worker, `${at} has more than one value field (${present.join(', ')})`);

    const localName = record.n === undefined ? '' : String(record.n);
    const name = bn + localName;
    if (!NAME_RE.test(name)) throw decodeFailed(worker, `${at}: name ${JSON.stringify(name)} is not a valid SenML name`);
    const t = record.t === undefined ? 0 : numberOf(worker, at, 't', record.t);
    const time = bt + t;
    const hasTime = record.t !== undefined || bt !== 0;
    const resolved: ResolvedRecord = {
      index,
      baseName: bn,
      localName,
      name,
      unit: record.u !== undefined ? String(record.u) : bu,
      time: !hasTime ? undefined : time < RELATIVE_LIMIT ? nowSeconds + time : time,
    };
    if (record.v !== undefined) resolved.value = bv + numberOf(worker, at, 'v', record.v);
    if (record.vs !== undefined) resolved.stringValue = String(record.vs);
    if (record.vb !== undefined) {
      if (typeof record.vb !== 'boolean') throw decodeFailed(worker, `${at}: vb must be true or false`);
      resolved.boolValue = record.vb;
    }
    if (record.vd !== undefined) resolved.dataValue = String(record.vd);
    if (hasSum) resolved.sum = bs + numberOf(worker, at, 's', record.s);
    out.push(resolved);
  });
  return out;
}

function numberOf(worker: string, at: string, label: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw decodeFailed(worker, `${at}: ${label} must be a number`, { label });
  return v;
}

/** Seconds (with fractions) → Unix ms. */
export const secondsToMs = (s: number): number => Math.round(s * 1000);
