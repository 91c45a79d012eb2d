import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { prepareStep, runBuiltin, runStep } from '../../src/workers/catalog.js';
import { defineScriptWorker } from '../../src/workers/sandbox/script.worker.js';
import { ScriptRunner, type ScriptSource } from '../../src/workers/sandbox/script-runner.js';
import { testWorker } from '../../src/workers/test-worker.js';
import type { ScriptLog } from '../../src/workers/worker.js';
import { drafts, fixture, messageOf } from './fixtures.js';

const scripts = new ScriptRunner();
afterAll(() => scripts.dispose());
const ctx = { scripts };
let n = 0;
const script = (source: string, language: ScriptSource['language'] = 'javascript'): ScriptSource => ({
  id: `s${++n}`,
  revision: 1,
  language,
  source,
});
const run = (s: ScriptSource, msg = messageOf(''), config: unknown = {}) =>
  runStep(prepareStep(defineScriptWorker(s), config), msg, ctx);

const vendorCodec = script(readFileSync(new URL('../fixtures/codecs/decentlab-v2-style.js', import.meta.url), 'utf8'));
const v3 = fixture('ttn-v3-uplink.json').samples;
const v4 = fixture('chirpstack-v4-uplink.json').samples;

describe('decodeUplink codecs', () => {
  // The documented examples of the DL-5TM codec (lorawan-devices vendor/decentlab/dl-5tm-codec.yaml).
  it('decodes example 1 to the documented output', async () => {
    const bytes = [0x02, 0x02, 0x3b, 0x00, 0x03, 0x00, 0x37, 0x02, 0x71, 0x0c, 0x60];
    const { value } = await scripts.call(vendorCodec, 'decodeUplink', [{ bytes, fPort: 1 }]);
    const data = (value as { data: Record<string, { value: number }> }).data;
    expect(data).toMatchObject({
      battery_voltage: { displayName: 'Battery voltage', unit: 'V', value: 3.168 },
      device_id: 571,
      dielectric_permittivity: { displayName: 'Dielectric permittivity', value: 1.1 },
      protocol_version: 2,
      soil_temperature: { displayName: 'Soil temperature', unit: '°C', value: 22.5 },
      volumetric_water_content: { displayName: 'Volumetric water content', unit: 'm³⋅m⁻³' },
    });
    expect(data.volumetric_water_content?.value).toBeCloseTo(-0.0215397767, 10);
  });

  it('decodes example 2 (battery only) to the documented output', async () => {
    const bytes = [0x02, 0x02, 0x3b, 0x00, 0x02, 0x0c, 0x60];
    const { value } = await scripts.call(vendorCodec, 'decodeUplink', [{ bytes, fPort: 1 }]);
    expect(value).toEqual({
      data: { battery_voltage: { displayName: 'Battery voltage', unit: 'V', value: 3.168 }, device_id: 571, protocol_version: 2 },
    });
  });

  it.each([
    ['ttn-v3', v3.decentlab_dl5tm_captured_2020_tts_old_settings_layout],
    ['chirpstack-v4', v4.chirpstack_v4_captured_decentlab_2024],
  ])('decodes the real %s capture of that sensor into measurements', async (envelope, body) => {
    const enveloped = await runBuiltin(envelope, messageOf(body));
    const out = await run(vendorCodec, enveloped, {
      mapping: {
        defaults: true,
        fields: { 'dielectric_permittivity.value': { observedProperty: 'dielectric_permittivity', unit: '1' } },
      },
    });
    expect(drafts(out).slice(2)).toEqual([
      { sensor: '0', observedProperty: 'dielectric_permittivity', unit: '1', value: 1.1 },
      { sensor: '0', observedProperty: 'volumetric_water_content', unit: 'm3/m3', value: expect.closeTo(-0.0215397767, 10) },
      { sensor: '0', observedProperty: 'soil_temperature', unit: 'Cel', value: 22.5 },
      { sensor: '0', observedProperty: 'battery_voltage', unit: 'V', value: 3.168 },
    ]);
    expect(out.metadata.decoded).toMatchObject({ device_id: 571, protocol_version: 2 });
    expect(out.metadata.unmapped).toEqual(['protocol_version', 'device_id']);
  });

  it('a non-empty errors array fails the step with those errors', async () => {
    const msg = { ...messageOf(''), payload: Uint8Array.from([0x03, 0x02, 0x3b]) };
    await expect(run(vendorCodec, msg)).rejects.toMatchObject({
      code: 'SCRIPT_FAILED',
      message: "decodeUplink reported: protocol version 3 doesn't match v2",
      details: { errors: ["protocol version 3 doesn't match v2"] },
    });
  });

  it('passes fPort, variables and recvTime as a Date; warnings go to metadata', async () => {
    const s = script(`function decodeUplink(input) {
      return { data: { port: input.fPort, isDate: input.recvTime instanceof Date, at: input.recvTime.toISOString(), k: input.variables.k },
               warnings: ['low battery'] };
    }`);
    const msg = { ...messageOf(''), observedAt: Date.UTC(2024, 10, 12, 12, 51, 50), metadata: { fPort: 7 } };
    const out = await run(s, msg, { variables: { k: 'v' } });
    expect(out.metadata.decoded).toEqual({ port: 7, isDate: true, at: '2024-11-12T12:51:50.000Z', k: 'v' });
    expect(out.metadata.warnings).toEqual(['low battery', expect.stringContaining('not stored, no unit known: port')]);
  });

  it('runs the TTN v2 Decoder(bytes, port) and ChirpStack v3 Decode(fPort, bytes, variables) forms', async () => {
    const lpp = { ...messageOf(''), payload: Uint8Array.from([0x03, 0x67, 0x01, 0x10]), metadata: { fPort: 8 } };
    const v2 = script('function Decoder(bytes, port) { return { temperature: ((bytes[2] << 8) | bytes[3]) / 10, port: port }; }');
    expect(drafts(await run(v2, lpp))).toEqual([{ sensor: '0', observedProperty: 'temperature', unit: 'Cel', value: 27.2 }]);
    const cs = script(
      'function Decode(fPort, bytes, variables) { return { temperature_3: ((bytes[2] << 8) | bytes[3]) / 10, scale: variables.s }; }',
    );
    const out = await run(cs, lpp, { variables: { s: 'x' } });
    expect(drafts(out)).toEqual([{ sensor: '3', observedProperty: 'temperature', unit: 'Cel', value: 27.2 }]);
    expect(out.metadata.decoded).toEqual({ temperature_3: 27.2, scale: 'x' });
  });
});

describe('process(message) scripts', () => {
  const lppMsg = () => ({
    ...messageOf(''),
    payload: Uint8Array.from([0x03, 0x67, 0x01, 0x10]),
    metadata: { fPort: 8 },
    measurements: [{ sensor: 'radio', observedProperty: 'rssi', unit: 'dB[mW]', value: -40 }],
  });

  it('TypeScript: receives the payload as bytes and adds measurements', async () => {
    const s = script(
      `interface Msg { payload: number[]; metadata: { fPort?: number } }
       export function process(m: Msg): { measurements: unknown[] } {
         const raw: number = (m.payload[2] << 8) | m.payload[3];
         console.log('port', m.metadata.fPort, 'raw', raw);
         return { measurements: [{ sensor: String(m.payload[0]), observedProperty: 'temperature', unit: 'Cel', value: raw / 10, time: '2024-01-01T00:00:00Z' }] };
       }`,
      'typescript',
    );
    const logs: ScriptLog[] = [];
    const out = await runStep(prepareStep(defineScriptWorker(s)), lppMsg(), { scripts, log: (l) => logs.push(l) });
    expect(drafts(out)).toEqual([
      { sensor: 'radio', observedProperty: 'rssi', unit: 'dB[mW]', value: -40 },
      { sensor: '3', observedProperty: 'temperature', unit: 'Cel', value: 27.2, time: Date.UTC(2024, 0, 1) },
    ]);
    expect(logs).toEqual([{ level: 'log', message: 'port 8 raw 272' }]);
  });

  it('returning the message itself replaces its measurements and metadata', async () => {
    const s = script(`function process(m) {
      m.measurements = m.measurements.filter(function (x) { return x.observedProperty !== 'rssi'; });
      m.metadata.checked = true;
      m.device = { code: 'meter-7' };
      return m;
    }`);
    const out = await run(s, lppMsg());
    expect(out.measurements).toEqual([]);
    expect(out.metadata).toEqual({ fPort: 8, checked: true });
    expect(out.device).toEqual({ code: 'meter-7' });
    expect(out.payload).toEqual(Uint8Array.from([0x03, 0x67, 0x01, 0x10]));
  });

  it('returning null skips the message', async () => {
    const out = await run(script('function process(m) { return null; }'), lppMsg());
    expect(out.metadata.skip).toBe('process returned null');
  });

  it('validates what comes back, naming the field', async () => {
    const s = script(
      "function process(m) { return { measurements: [{ sensor: '1', observedProperty: 'temperature', unit: 'Cel', value: 'hot' }] }; }",
    );
    await expect(run(s, lppMsg())).rejects.toMatchObject({
      code: 'SCRIPT_FAILED',
      message: expect.stringMatching(/^process result measurements\.0\.value: /),
      details: { field: 'measurements.0.value' },
    });
    const bytes = script('function process(m) { return { payload: [1, 256] }; }');
    await expect(run(bytes, lppMsg())).rejects.toMatchObject({ details: { field: 'payload.1' } });
  });
});

describe('the sandbox', () => {
  it('has no require, process, network or timers', async () => {
    const s = script(
      'function decodeUplink(input) { return { data: { t: [typeof require, typeof process, typeof fetch, typeof setTimeout, typeof XMLHttpRequest, typeof WebSocket, typeof Buffer].join() } }; }',
    );
    const out = await run(s);
    expect((out.metadata.decoded as { t: string }).t).toBe(
      'undefined,undefined,undefined,undefined,undefined,undefined,undefined',
    );
    await expect(
      run(script('import fs from "node:fs"; export function process(m) { return fs; }', 'typescript')),
    ).rejects.toMatchObject({
      code: 'SCRIPT_INVALID',
      message: expect.stringMatching(/require is not defined/),
    });
  });

  it('stops while(true){} with a clear timeout, keeps its logs, and serves the next call on a fresh isolate', async () => {
    const s = script(
      'var calls = 0; function process(m) { calls++; console.log("call", calls); if (m.metadata.loop) { while (true) {} } return { metadata: { calls: calls } }; }',
    );
    expect((await run(s)).metadata.calls).toBe(1);
    const looping = { ...messageOf(''), metadata: { loop: true } };
    const r = await testWorker(defineScriptWorker(s), { payload: '', metadata: { loop: true } }, {}, ctx);
    expect(r.output).toBeNull();
    expect(r.errors).toEqual([
      { code: 'SCRIPT_TIMEOUT', message: 'process ran longer than 100 ms and was stopped', details: { limitMs: 100 } },
    ]);
    expect(r.logs).toEqual([{ level: 'log', message: 'call 2' }]);
    await expect(run(s, looping)).rejects.toMatchObject({ code: 'SCRIPT_TIMEOUT', retryable: true });
    // A fresh isolate: the counter starts again.
    expect((await run(s)).metadata.calls).toBe(1);
  });

  it('stops an allocation bomb with a clear memory error; the process keeps serving', async () => {
    // A generous time limit, so the memory limit is what stops it even on a slow machine.
    const roomy = new ScriptRunner({ timeoutMs: 10_000 });
    const bomb = script('function process(m) { var a = []; for (;;) a.push(new Array(1e6).fill(1.5)); }');
    const runRoomy = (s: ScriptSource) => runStep(prepareStep(defineScriptWorker(s)), messageOf(''), { scripts: roomy });
    await expect(runRoomy(bomb)).rejects.toMatchObject({
      code: 'SCRIPT_MEMORY_LIMIT',
      message: 'process exceeded the memory limit of 32 MB and was stopped',
      retryable: false,
    });
    await expect(runRoomy(bomb)).rejects.toMatchObject({ code: 'SCRIPT_MEMORY_LIMIT' });
    await roomy.dispose();
    expect(
      drafts(await run(vendorCodec, { ...messageOf(''), payload: Uint8Array.from([2, 2, 0x3b, 0, 2, 0x0c, 0x60]) })),
    ).toEqual([{ sensor: '0', observedProperty: 'battery_voltage', unit: 'V', value: 3.168 }]);
  });

  it('stops a loop hidden in a promise callback, and refuses async entry points', async () => {
    const hidden = script('function process(m) { Promise.resolve().then(function () { for (;;) {} }); return null; }');
    await expect(run(hidden)).rejects.toMatchObject({ code: 'SCRIPT_TIMEOUT' });
    await expect(run(script('async function process(m) { return null; }'))).rejects.toMatchObject({
      code: 'SCRIPT_FAILED',
      message: expect.stringMatching(/returned a Promise/),
    });
  });

  it('reports compile errors, top-level errors and missing entry points as SCRIPT_INVALID', async () => {
    await expect(scripts.entries(script('function decodeUplink(input) {'))).rejects.toMatchObject({
      code: 'SCRIPT_INVALID',
      message: expect.stringMatching(/does not compile/),
    });
    await expect(scripts.entries(script('const x: number = ;', 'typescript'))).rejects.toMatchObject({ code: 'SCRIPT_INVALID' });
    await expect(scripts.entries(script('throw new Error("boom")'))).rejects.toMatchObject({
      message: "the script's top-level code threw: boom",
    });
    await expect(scripts.entries(script('while (true) {}'))).rejects.toMatchObject({
      message: "the script's top-level code ran longer than 100 ms",
    });
    await expect(scripts.entries(script('var decode = 1;'))).rejects.toMatchObject({
      message: 'the script defines none of decodeUplink, Decoder, Decode or process',
    });
  });

  it('reports a thrown error with the script frames only', async () => {
    const s = script('function decodeUplink(input) {\n  return { data: { x: input.bytes[0].toFixed(1) + nope } };\n}');
    const r = await testWorker(defineScriptWorker(s), { payload: '01', encoding: 'hex' }, {}, ctx);
    expect(r.errors[0]).toMatchObject({ code: 'SCRIPT_FAILED', message: 'decodeUplink threw: nope is not defined' });
    const stack = r.errors[0]?.details?.stack as string[];
    expect(stack.length).toBeGreaterThan(0);
    expect(stack.every((l) => l.includes('script-'))).toBe(true);
  });

  it('bounds console output', async () => {
    const s = script('function process(m) { for (var i = 0; i < 2000; i++) console.log("line", i); return null; }');
    const r = await testWorker(defineScriptWorker(s), { payload: '' }, {}, ctx);
    expect(r.errors).toEqual([]);
    expect(r.logs.length).toBe(201);
    expect(r.logs.at(-1)?.message).toMatch(/1800 more log lines dropped/);
  });

  it('runs fast scripts on the calling thread and moves slow ones to the pool', async () => {
    // The budget is measured in wall time: with other test files on the same cores (the suite runs
    // files in parallel), a call of microseconds can wait a few ms for a core, three times running.
    // So this runner's budget is 25 ms and the slow script takes twice that: the same rule, with a
    // margin no scheduler hiccup crosses.
    const runner = new ScriptRunner({ syncBudgetMs: 25 });
    const runOn = (s: ScriptSource, msg = messageOf('')) =>
      runStep(prepareStep(defineScriptWorker(s), {}), msg, { scripts: runner });
    try {
      const fast = script('function process(m) { return null; }');
      const slow = script('function process(m) { var end = Date.now() + 50; while (Date.now() < end) {} return null; }');
      for (let i = 0; i < 12; i++) {
        await runOn(fast);
        await runOn(slow);
      }
      expect(runner.runsOnPool(fast)).toBe(false);
      expect(runner.runsOnPool(slow)).toBe(true);
      // A timed-out script goes to the pool at once, also after its isolate is rebuilt.
      const looping = script('function process(m) { if (m.metadata.loop) { for (;;) {} } return null; }');
      await expect(runOn(looping, { ...messageOf(''), metadata: { loop: true } })).rejects.toMatchObject({
        code: 'SCRIPT_TIMEOUT',
      });
      expect(runner.runsOnPool(looping)).toBe(true);
      await expect(runOn(looping, { ...messageOf(''), metadata: { loop: true } })).rejects.toMatchObject({
        code: 'SCRIPT_TIMEOUT',
      });
      expect((await runOn(looping)).metadata.skip).toBe('process returned null');
    } finally {
      await runner.dispose();
    }
  });

  it('a call queued behind one that times out fails as retryable, not as a memory error', async () => {
    const pool = new ScriptRunner({ syncBudgetMs: 0 });
    try {
      const s = script('function process(m) { if (m.loop) { for (;;) {} } return { metadata: { ok: true } }; }');
      const results = await Promise.allSettled([pool.call(s, 'process', [{ loop: true }]), pool.call(s, 'process', [{}])]);
      expect(results[0]).toMatchObject({ status: 'rejected', reason: { code: 'SCRIPT_TIMEOUT' } });
      const second = results[1];
      if (second?.status === 'rejected') expect(second.reason).toMatchObject({ code: 'SCRIPT_TIMEOUT', retryable: true });
      else expect(second?.value.value).toEqual({ metadata: { ok: true } });
      expect((await pool.call(s, 'process', [{}])).value).toEqual({ metadata: { ok: true } });
    } finally {
      await pool.dispose();
    }
  });

  it('compiles once per revision and honours its limits', async () => {
    const small = new ScriptRunner({ memoryLimitMb: 8, timeoutMs: 1000, maxCached: 2 });
    try {
      const base = { id: 'w', language: 'javascript' as const };
      const r1 = { ...base, revision: 1, source: 'var n = 0; function process(m) { return { metadata: { rev: 1, n: ++n } }; }' };
      const r2 = { ...base, revision: 2, source: 'var n = 0; function process(m) { return { metadata: { rev: 2, n: ++n } }; }' };
      expect((await small.call(r1, 'process', [{}])).value).toEqual({ metadata: { rev: 1, n: 1 } });
      expect((await small.call(r1, 'process', [{}])).value).toEqual({ metadata: { rev: 1, n: 2 } }); // same isolate
      expect((await small.call(r2, 'process', [{}])).value).toEqual({ metadata: { rev: 2, n: 1 } });
      await small.call({ ...base, revision: 3, source: r1.source }, 'process', [{}]);
      expect(small.size).toBe(2); // least recently used revision disposed
      await expect(
        small.call({ ...r1, id: 'loop', source: 'function process() { for (;;) {} }' }, 'process', [{}]),
      ).rejects.toMatchObject({
        message: 'process ran longer than 1000 ms and was stopped',
      });
    } finally {
      await small.dispose();
    }
  });
});

describe('testWorker', () => {
  it('runs a built-in worker on a sample and returns the message as JSON', async () => {
    const r = await testWorker('cayenne-lpp', { payload: 'A2cBEAVnAP8=', encoding: 'base64', fPort: 8 }, {});
    expect(r.errors).toEqual([]);
    expect(r.output?.payload).toBe('A2cBEAVnAP8=');
    expect(r.output?.metadata).toEqual({ fPort: 8 });
    expect(r.output?.measurements).toEqual([
      { sensor: '3', observedProperty: 'temperature', unit: 'Cel', value: 27.2 },
      { sensor: '5', observedProperty: 'temperature', unit: 'Cel', value: 25.5 },
    ]);
  });

  it('returns config and decode errors instead of throwing', async () => {
    expect((await testWorker('cayenne-lpp', { payload: '0367', encoding: 'hex' }, {})).errors).toEqual([
      {
        code: 'DECODE_FAILED',
        message: 'cayenne-lpp: channel 3 type 0x67 needs 2 bytes, 0 left',
        details: { worker: 'cayenne-lpp', byte: 2 },
      },
    ]);
    expect((await testWorker('csv', { payload: 'a' }, { columns: 'x' })).errors[0]).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { field: 'config.columns' },
    });
    expect((await testWorker('nope', { payload: 'a' }, {})).errors[0]?.code).toBe('WORKER_NOT_FOUND');
    expect((await testWorker('cayenne-lpp', { payload: 'zz', encoding: 'hex' }, {})).errors[0]).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { field: 'payload' },
    });
  });

  it('passes the topic to workers that read it', async () => {
    const r = await testWorker(
      'neocampus',
      { payload: '{"value":"15.00","value_units":"celsius","subID":"ouest"}', topic: 'u4/302/temperature' },
      {},
    );
    expect(r.output?.transport).toEqual({ kind: 'mqtt', topic: 'u4/302/temperature' });
    expect(r.output?.measurements).toEqual([{ sensor: 'ouest', observedProperty: 'temperature', unit: 'Cel', value: 15 }]);
  });
});
