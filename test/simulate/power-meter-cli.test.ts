import { describe, expect, it } from 'vitest';
import { runPolderCli } from '../support/run-cli.js';

/** `polder simulate power-meter --hz 12` (the smart-grid walk-through's command) as a user runs it. */
const polder = (args: string[]) => runPolderCli(args);

describe('polder simulate power-meter', () => {
  // Each case starts the CLI through tsx (seconds on a loaded machine).
  it('--help lists --hz and --meters', { timeout: 120_000 }, async () => {
    const help = await polder(['simulate', 'power-meter', '--help']);
    expect(help.status).toBe(0);
    for (const option of ['--hz', '--meters', '--url', '--token', '--duration', '--transport'])
      expect(help.stdout).toContain(option);
  });

  it('a bad --hz exits 2 naming it', { timeout: 120_000 }, async () => {
    const bad = await polder(['simulate', 'power-meter', '--hz', 'fast', '--token', 'x'.repeat(20)]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("'--hz <n>' argument 'fast' is invalid");
  });

  it('exits 1 with the reason when Polder cannot be reached', { timeout: 120_000 }, async () => {
    const away = await polder([
      'simulate',
      'power-meter',
      '--url',
      'http://127.0.0.1:9',
      '--duration',
      '1',
      '--token',
      'x'.repeat(20),
    ]);
    expect(away.status).toBe(1);
    expect(away.stderr).toContain('polder simulate power-meter: cannot start');
  });
});
