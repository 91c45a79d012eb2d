import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/** `polder simulate power-meter --hz 12` (the smart-grid walk-through's command) as a user runs it. */
function polder(args: string[]) {
  const cli = path.join(import.meta.dirname, '../support/polder-cli.ts');
  return spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], {
    encoding: 'utf8',
    env: { ...process.env, POLDER_LOG_LEVEL: 'silent', POLDER_ADMIN_TOKEN: '' },
    timeout: 60_000,
  });
}

describe('polder simulate power-meter', () => {
  // Each case starts the CLI through tsx (seconds on a loaded machine).
  it('--help lists --hz and --meters', { timeout: 120_000 }, () => {
    const help = polder(['simulate', 'power-meter', '--help']);
    expect(help.status).toBe(0);
    for (const option of ['--hz', '--meters', '--url', '--token', '--duration', '--transport'])
      expect(help.stdout).toContain(option);
  });

  it('a bad --hz exits 2 naming it', { timeout: 120_000 }, () => {
    const bad = polder(['simulate', 'power-meter', '--hz', 'fast', '--token', 'x'.repeat(20)]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("'--hz <n>' argument 'fast' is invalid");
  });

  it('exits 1 with the reason when Polder cannot be reached', { timeout: 120_000 }, () => {
    const away = polder(['simulate', 'power-meter', '--url', 'http://127.0.0.1:9', '--duration', '1', '--token', 'x'.repeat(20)]);
    expect(away.status).toBe(1);
    expect(away.stderr).toContain('polder simulate power-meter: cannot start');
  });
});
