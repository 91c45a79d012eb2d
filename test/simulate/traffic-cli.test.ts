import { describe, expect, it } from 'vitest';
import { runPolderCli } from '../support/run-cli.js';

/** `polder simulate traffic` as a user runs it: help, and usage errors (exit 2 naming the option). */
const polder = (args: string[], env: Record<string, string | undefined> = {}) => runPolderCli(args, env);

describe('polder simulate traffic', () => {
  it('--help lists every option, the kinds and the defaults, and exits 0', async () => {
    const r = await polder(['simulate', 'traffic', '--help']);
    expect(r.status).toBe(0);
    for (const option of [
      '--url',
      '--token',
      '--rate',
      '--devices',
      '--duration',
      '--transport',
      '--mqtt-url',
      '--kinds',
      '--concurrency',
      '--seed',
      '--prefix',
    ])
      expect(r.stdout).toContain(option);
    expect(r.stdout).toContain('POLDER_ADMIN_TOKEN');
    expect(r.stdout).toContain('http://localhost:8080');
    expect(r.stdout).toMatch(/ttn, chirpstack, power,\s+weather/);
  });

  it('is the default subcommand of `polder simulate`, which still has neocampus', async () => {
    const r = await polder(['simulate', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('traffic');
    expect(r.stdout).toContain('neocampus');
    const bad = await polder(['simulate', '--rate', '-3']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("option '--rate <n>' argument '-3' is invalid");
  });

  it.each([
    [['--rate', 'abc'], "'--rate <n>' argument 'abc' is invalid"],
    [['--devices', '2.5'], "'--devices <n>' argument '2.5' is invalid"],
    [['--transport', 'carrier-pigeon'], "'--transport <t>' argument 'carrier-pigeon' is invalid"],
    [['--kinds', 'ttn,zigbee'], 'unknown kind zigbee'],
    [['--mqtt-url', 'localhost'], "'--mqtt-url <url>' argument 'localhost' is invalid"],
  ])('%j exits 2 naming the option', async (args, message) => {
    const r = await polder(['simulate', 'traffic', ...args, '--token', 'x'.repeat(20)]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(message);
  });

  it('without an API key exits 2 saying how to give one', async () => {
    const r = await polder(['simulate', 'traffic', '--duration', '1']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--token or POLDER_ADMIN_TOKEN');
  });

  it('exits 1 with the reason when Polder cannot be reached', async () => {
    const r = await polder(['simulate', 'traffic', '--url', 'http://127.0.0.1:9', '--duration', '1', '--token', 'x'.repeat(20)]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('cannot start');
  });
});
