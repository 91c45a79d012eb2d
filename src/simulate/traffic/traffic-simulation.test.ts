import { describe, expect, it } from 'vitest';
import { fakeTime } from '../../../test/support/fake-time.js';
import type { PipelineAdmin } from './pipeline-admin.js';
import type { SendResult, UplinkSender } from './senders.js';
import { startTrafficSimulation } from './traffic-simulation.js';
import type { Uplink } from './uplink.js';

const admin = (): PipelineAdmin & { specs: string[] } => {
  const specs: string[] = [];
  return {
    specs,
    async ensurePipeline(spec) {
      specs.push(spec.name);
      return { id: `id-${spec.name}`, name: spec.name };
    },
  };
};

function recorder(answer: (u: Uplink, n: number) => SendResult | Promise<SendResult> = () => ({ ok: true })) {
  const sent: { pipelineId: string; uplink: Uplink }[] = [];
  const sender: UplinkSender = {
    async send(pipelineId, uplink) {
      sent.push({ pipelineId, uplink });
      return answer(uplink, sent.length);
    },
    async close() {},
  };
  return { sent, sender };
}

describe('startTrafficSimulation', () => {
  it('ensures one pipeline per kind, then sends rate × duration uplinks spread over the devices', async () => {
    const t = fakeTime();
    const a = admin();
    const r = recorder();
    const sim = await startTrafficSimulation({
      baseUrl: 'http://polder.test',
      rate: 5,
      devices: 8,
      durationS: 10,
      admin: a,
      sender: r.sender,
      clock: t.clock,
      sleep: t.sleep,
    });
    await sim.done;
    expect(a.specs).toEqual(['sim-ttn', 'sim-chirpstack', 'sim-power', 'sim-weather']);
    expect(r.sent).toHaveLength(50);
    expect(sim.stats()).toMatchObject({ devices: 8, sent: 50, accepted: 50, rejected: 0, inFlight: 0, skipped: 0 });
    const perDevice = new Map<string, number>();
    for (const s of r.sent) perDevice.set(s.uplink.device.value, (perDevice.get(s.uplink.device.value) ?? 0) + 1);
    expect([...perDevice.values()].sort()).toEqual([6, 6, 6, 6, 6, 6, 7, 7]);
    for (const s of r.sent) expect(s.pipelineId).toBe(`id-sim-${s.uplink.pipeline}`);
  });

  it('counts rejections by reason and tells each result to onResult', async () => {
    const t = fakeTime();
    const r = recorder((_u, n) => (n % 4 === 0 ? { ok: false, reason: 'HTTP 503 INBOX_UNAVAILABLE' } : { ok: true }));
    const results: boolean[] = [];
    const sim = await startTrafficSimulation({
      baseUrl: 'http://polder.test',
      rate: 2,
      kinds: ['ttn'],
      durationS: 10,
      admin: admin(),
      sender: r.sender,
      clock: t.clock,
      sleep: t.sleep,
      onResult: (_u, res) => results.push(res.ok),
    });
    await sim.done;
    expect(sim.stats()).toMatchObject({ sent: 20, accepted: 15, rejected: 5, reasons: { 'HTTP 503 INBOX_UNAVAILABLE': 5 } });
    expect(results.filter((ok) => !ok)).toHaveLength(5);
  });

  it('keeps at most `concurrency` uplinks in flight and skips what a slow target cannot take', async () => {
    const t = fakeTime();
    let inFlight = 0;
    let most = 0;
    const r = recorder(async () => {
      inFlight++;
      most = Math.max(most, inFlight);
      await t.sleep(1000); // each answer takes a second of (fake) time
      inFlight--;
      return { ok: true };
    });
    const sim = await startTrafficSimulation({
      baseUrl: 'http://polder.test',
      rate: 10,
      kinds: ['power'],
      devices: 2,
      durationS: 5,
      concurrency: 2,
      admin: admin(),
      sender: r.sender,
      clock: t.clock,
      sleep: t.sleep,
    });
    await sim.done;
    expect(most).toBe(2);
    const s = sim.stats();
    expect(s.sent).toBeLessThan(50);
    expect(s.skipped).toBeGreaterThan(0);
    expect(s.accepted).toBe(s.sent);
  });

  it('is the same traffic for the same seed and clock', async () => {
    const run = async () => {
      const t = fakeTime();
      const r = recorder();
      const sim = await startTrafficSimulation({
        baseUrl: 'http://polder.test',
        rate: 3,
        durationS: 4,
        seed: 42,
        admin: admin(),
        sender: r.sender,
        clock: t.clock,
        sleep: t.sleep,
      });
      await sim.done;
      return r.sent.map((s) => s.uplink.body.toString('base64'));
    };
    expect(await run()).toEqual(await run());
  });

  it('stops when asked, with every uplink in flight answered', async () => {
    const t = fakeTime();
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const r = recorder(async () => {
      await gate;
      return { ok: true };
    });
    const sim = await startTrafficSimulation({
      baseUrl: 'http://polder.test',
      rate: 100,
      concurrency: 3,
      admin: admin(),
      sender: r.sender,
      clock: t.clock,
      sleep: t.sleep,
    });
    await new Promise((res) => setImmediate(res));
    const stopping = sim.stop();
    release();
    await stopping;
    const s = sim.stats();
    expect(s.inFlight).toBe(0);
    expect(s.accepted).toBe(s.sent);
    expect(s.sent).toBeGreaterThan(0);
  });
});

describe('progressLine', () => {
  it('says sent, accepted, rejected with reasons, the accepted rate since the last line, and skips', async () => {
    const { progressLine } = await import('./traffic.cli.js');
    const stats = {
      devices: 4,
      sent: 130,
      accepted: 120,
      rejected: 3,
      inFlight: 7,
      skipped: 0,
      reasons: { 'HTTP 503 INBOX_UNAVAILABLE': 3 },
      startedAt: 0,
    };
    expect(progressLine(stats, { accepted: 20, at: 1000 }, 6000)).toBe(
      'sent 130, accepted 120, rejected 3 (HTTP 503 INBOX_UNAVAILABLE ×3), 20.0 uplinks/s',
    );
    expect(progressLine({ ...stats, rejected: 0, reasons: {}, skipped: 12 }, { accepted: 0, at: 0 }, 10_000)).toBe(
      'sent 130, accepted 120, rejected 0, 12.0 uplinks/s, 12 skipped (target too slow)',
    );
  });
});
