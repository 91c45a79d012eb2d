/**
 * The per-uplink histograms (`polder_uplink_ack_duration_seconds`, `polder_pipeline_step_seconds`:
 * three observations per uplink of the TTN + LPP pipeline): prom-client's `Histogram.observe`
 * with a labels object against `OneLabelHistogram.observe` (src/shared/histogram.ts), same
 * buckets, same values, in the same run.
 *   npm run bench histogram
 */
import { Histogram, Registry } from 'prom-client';
import { OneLabelHistogram } from '../src/shared/histogram.js';

const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const N = 2_000_000;
const theirs = new Histogram({
  name: 'a_seconds',
  help: 'a',
  labelNames: ['transport'],
  buckets: BUCKETS,
  registers: [new Registry()],
});
const ours = new OneLabelHistogram(new Registry(), 'b_seconds', 'b', 'transport', BUCKETS);

const time = (observe: (v: number) => void) => {
  const t0 = performance.now();
  for (let i = 0; i < N; i++) observe((i % 1000) / 10_000);
  return ((performance.now() - t0) * 1e6) / N;
};

console.log(`histogram: ${N.toLocaleString('en')} observations per round, label transport="mqtt"`);
for (let round = 1; round <= 3; round++) {
  const a = time((v) => theirs.observe({ transport: 'mqtt' }, v));
  const b = time((v) => ours.observe('mqtt', v));
  console.log(
    `round ${round}: prom-client Histogram ${a.toFixed(0)} ns, OneLabelHistogram ${b.toFixed(0)} ns per observation ` +
      `(${((3 * (a - b)) / 1000).toFixed(2)} µs less per uplink at 3 observations)`,
  );
}
