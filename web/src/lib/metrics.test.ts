import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, parseMetrics, rate, total } from './metrics.js';

const TEXT = `# HELP polder_uplinks_received_total Uplinks
# TYPE polder_uplinks_received_total counter
polder_uplinks_received_total{transport="http"} 10
polder_uplinks_received_total{transport="mqtt"} 5
polder_pipeline_messages_total{status="failed"} 2
polder_pipeline_messages_total{status="stored"} 40
process_resident_memory_bytes 73400320
weird{a="x\\"y"} 1
`;

describe('operations metrics', () => {
  const samples = parseMetrics(TEXT);
  it('parses samples with labels, escapes included', () => {
    expect(samples).toHaveLength(6);
    expect(samples.at(-1)).toEqual({ name: 'weird', labels: { a: 'x"y' }, value: 1 });
  });
  it('sums series and filters by label', () => {
    expect(total(samples, 'polder_uplinks_received_total')).toBe(15);
    expect(total(samples, 'polder_pipeline_messages_total', { status: 'failed' })).toBe(2);
    expect(total(samples, 'absent')).toBe(0);
  });
  it('computes rates and formats', () => {
    expect(rate(10, 25, 5)).toBe(3);
    expect(rate(25, 3, 5)).toBe(0);
    expect(formatBytes(73400320)).toBe('70.0 MiB');
    expect(formatDuration(93784)).toBe('1 d 2 h');
    expect(formatDuration(125)).toBe('2 min 5 s');
  });
});
