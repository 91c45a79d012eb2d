import { type DomainError, invalid } from '../shared/errors.js';
import { describeValue, valueKindOf } from '../shared/values.js';
import { draftTime, type MeasurementDraft, type PipelineMessage } from '../workers/message.js';

/** A draft a worker got wrong fails its message (VALIDATION_FAILED naming the draft), not the batch. */
export function checkDraft(msg: PipelineMessage, d: MeasurementDraft, i: number, values: boolean): DomainError | undefined {
  const field = `measurements.${i}`;
  for (const f of ['sensor', 'observedProperty'] as const) {
    if (typeof d[f] !== 'string' || d[f] === '') return invalid(`${field}.${f}`, `${field}.${f} must be a non-empty string`);
  }
  if (typeof d.unit !== 'string') return invalid(`${field}.unit`, `${field}.unit must be a string ("" for no unit)`);
  const kind = valueKindOf(d.value);
  if (kind === undefined || (kind !== 'number' && !values)) {
    const what = values ? 'a finite number, text, a boolean or JSON' : 'a finite number';
    return invalid(`${field}.value`, `${field}.value must be ${what}; received ${describeValue(d.value)}`);
  }
  const t = draftTime(msg, d);
  if (!Number.isFinite(t) || Math.round(t) < 0 || !Number.isSafeInteger(Math.round(t)))
    return invalid(`${field}.time`, `${field}.time ${String(t)} is not a Unix time in ms from 1970 on`);
  return undefined;
}
