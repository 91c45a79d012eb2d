/**
 * What the allocation cuts of the decoding hot path must keep: the same message (keys in the
 * same order, the input untouched), and the same errors from runStepNow as from runStep.
 */
import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src/shared/errors.js';
import { prepareStep, runStep, runStepNow } from '../../src/workers/catalog.js';
import { extensibleCopy, type PipelineMessage } from '../../src/workers/message.js';
import { defineWorker } from '../../src/workers/worker.js';
import { fixture, messageOf } from './fixtures.js';

const v3 = fixture('ttn-v3-uplink.json').samples;

const worker = (run: (msg: PipelineMessage) => PipelineMessage | Promise<PipelineMessage>) =>
  prepareStep(defineWorker({ name: 'w', kind: 'decoder', description: '', configSchema: Type.Object({}), run }));

describe('decoding hot path', () => {
  it('ttn-v3 returns a new message with the keys in spread order and leaves its input alone', async () => {
    const msg = { ...messageOf(v3.tts_docs_uplink_example), metadata: { x: 1, warnings: ['earlier'] } };
    const before = structuredClone(msg);
    const out = await runStep(prepareStep('ttn-v3'), msg);
    expect(msg).toEqual(before);
    expect(Object.keys(out)).toEqual([
      'id',
      'orgId',
      'pipelineId',
      'receivedAt',
      'transport',
      'payload',
      'metadata',
      'measurements',
      'device',
      'observedAt',
    ]);
    expect(Object.keys(out.metadata).slice(0, 4)).toEqual(['x', 'warnings', 'provider', 'event']);
    expect(out.metadata.gateways).toEqual([{ id: 'gtw1', rssi: -35, snr: 5, time: '2020-02-12T15:15:45.787Z' }]);
    expect(out.measurements).not.toBe(msg.measurements);
  });

  it('extensibleCopy keeps keys and order, and an own __proto__ key as data', () => {
    const o = JSON.parse('{"b":1,"a":2,"__proto__":{"polluted":true}}') as Record<string, unknown>;
    const copy = extensibleCopy(o);
    expect(Object.keys(copy)).toEqual(['b', 'a', '__proto__']);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect((copy as { polluted?: boolean }).polluted).toBeUndefined();
    expect(extensibleCopy({ y: 1, x: 2 })).toEqual({ y: 1, x: 2 });
  });

  it('runStepNow answers a synchronous worker without a promise, and fails as runStep does', async () => {
    const msg = messageOf('{}');
    const out = runStepNow(prepareStep('cayenne-lpp'), { ...msg, payload: Uint8Array.from([3, 0x67, 1, 16]) });
    expect(out).not.toBeInstanceOf(Promise);
    expect((out as PipelineMessage).measurements).toEqual([
      { sensor: '3', observedProperty: 'temperature', unit: 'Cel', value: 27.2 },
    ]);
    const skipped = { ...msg, metadata: { skip: 'not an uplink' } };
    expect(runStepNow(prepareStep('cayenne-lpp'), skipped)).toBe(skipped);

    const throws = worker(() => {
      throw new TypeError('boom');
    });
    const rejects = worker(async () => {
      throw new TypeError('boom');
    });
    const domain = worker(() => {
      throw new DomainError('VALIDATION_FAILED', 'bad');
    });
    for (const step of [throws, rejects]) {
      const expected = { code: 'WORKER_FAILED', message: 'w: boom', details: { worker: 'w' } };
      await expect(runStep(step, msg)).rejects.toMatchObject(expected);
      await expect(Promise.resolve().then(() => runStepNow(step, msg))).rejects.toMatchObject(expected);
    }
    expect(() => runStepNow(domain, msg)).toThrow(DomainError);
    await expect(runStep(domain, msg)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(
      runStepNow(
        worker(async (m) => m),
        msg,
      ),
    ).resolves.toBe(msg);
  });
});
