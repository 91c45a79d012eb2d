/**
 * Decoding cost per uplink on one core: the TTN v3 envelope + Cayenne LPP (the benchmark
 * shape), and a decodeUplink codec in the isolated-vm sandbox. Prints messages/s and data points/s.
 * Run: npx tsx bench/workers-decode.ts [messages]
 */
import { readFileSync } from 'node:fs';
import { prepareStep, runStep } from '../src/workers/catalog.js';
import type { PipelineMessage } from '../src/workers/message.js';
import { defineScriptWorker } from '../src/workers/sandbox/script.worker.js';
import { ScriptRunner } from '../src/workers/sandbox/script-runner.js';

const N = Number(process.argv[2] ?? 100_000);

// The Things Stack webhook body of the Cayenne LPP docs (three values: barometer and temperature
// on channel 0, plus a humidity record), with realistic metadata around it.
const body = JSON.stringify({
  end_device_ids: {
    device_id: 'dev1',
    application_ids: { application_id: 'app1' },
    dev_eui: '0004A30B001C0530',
    dev_addr: '00BCB929',
  },
  received_at: '2020-02-12T15:15:46.014773143Z',
  uplink_message: {
    f_port: 8,
    f_cnt: 113,
    frm_payload: Buffer.from('0073 27BF 0067 00DE 0168 64'.replace(/ /g, ''), 'hex').toString('base64'),
    rx_metadata: [
      { gateway_ids: { gateway_id: 'gtw1' }, rssi: -35, channel_rssi: -35, snr: 5, time: '2020-02-12T15:15:45.787Z' },
    ],
    settings: { data_rate: { lora: { bandwidth: 125000, spreading_factor: 7 } }, frequency: '868300000' },
    received_at: '2020-02-12T15:15:45.789585559Z',
  },
});
const payload = new Uint8Array(Buffer.from(body));
// Ids come from the transport; a counter keeps their cost out of the decoding figures.
let seq = 0;
const message = (): PipelineMessage => ({
  id: String(++seq),
  orgId: 'org',
  pipelineId: 'p',
  receivedAt: Date.now(),
  transport: { kind: 'http' },
  payload,
  metadata: {},
  measurements: [],
});

const ttn = prepareStep('ttn-v3');
const lpp = prepareStep('cayenne-lpp');

async function measure(label: string, n: number, one: () => Promise<number>): Promise<void> {
  for (let i = 0; i < Math.min(20_000, n); i++) await one(); // warm up (JIT)
  const t0 = process.hrtime.bigint();
  let points = 0;
  for (let i = 0; i < n; i++) points += await one();
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(
    `${label.padEnd(44)} ${Math.round(n / s)
      .toLocaleString('en')
      .padStart(9)} msg/s ${Math.round(points / s)
      .toLocaleString('en')
      .padStart(10)} points/s  (${((s * 1e6) / n).toFixed(1)} µs/msg)`,
  );
}

await measure('ttn-v3 + cayenne-lpp (3 values + rssi/snr)', N, async () => {
  const m = await runStep(lpp, await runStep(ttn, message()));
  return m.measurements.length;
});

const scripts = new ScriptRunner();
const codec = defineScriptWorker({
  id: 'bench',
  revision: 1,
  language: 'javascript',
  source: readFileSync(new URL('../test/fixtures/codecs/decentlab-v2-style.js', import.meta.url), 'utf8'),
});
const step = prepareStep(codec);
const dl5tm = {
  ...message(),
  payload: Uint8Array.from([0x02, 0x02, 0x3b, 0x00, 0x03, 0x00, 0x37, 0x02, 0x71, 0x0c, 0x60]),
  metadata: { fPort: 1 },
};
await measure('decodeUplink codec in the sandbox (sequential)', Math.min(N, 20_000), async () => {
  const m = await runStep(step, dl5tm, { scripts });
  return m.measurements.length;
});
{
  const n = Math.min(N, 20_000);
  const t0 = process.hrtime.bigint();
  const batch = 64;
  for (let i = 0; i < n; i += batch) {
    await Promise.all(Array.from({ length: batch }, () => runStep(step, dl5tm, { scripts })));
  }
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(
    `${'decodeUplink codec in the sandbox (64 at once)'.padEnd(44)} ${Math.round(n / s)
      .toLocaleString('en')
      .padStart(9)} msg/s`,
  );
}
await scripts.dispose();
console.log(`rss ${Math.round(process.memoryUsage().rss / 1048576)} MiB`);
