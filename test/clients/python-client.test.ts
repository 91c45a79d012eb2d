import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects } from '../support/databases.js';
import { ADMIN_TOKEN } from '../support/polder.js';
import { IN_CI } from '../support/services.js';
import { type ClientWorld, startClientWorld } from './client-world.js';

const PYTHON_DIR = new URL('../../clients/python/', import.meta.url).pathname;
const python = spawnSync('python3', ['--version'], { encoding: 'utf8' });
const hasPython = python.status === 0;
if (!hasPython) {
  const msg = 'python3 is not installed: the Python client suite cannot run (apt-get install python3)';
  if (IN_CI) throw new Error(msg);
  console.warn(`\n!!! SKIPPED: ${msg}\n`);
}
const dialects = hasPython ? await availableDialects() : [];

/** Runs the Python client's unittest suite; asynchronously, since the Polder it calls lives in this process. */
function runPythonTests(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-m', 'unittest', 'discover', '-s', 'tests', '-v'], {
      cwd: PYTHON_DIR,
      env: { ...process.env, ...env, PYTHONDONTWRITEBYTECODE: '1' },
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

const LIVE_TESTS = [
  'test_day_into_lists',
  'test_pages_follow_links_next_without_gaps_or_repeats',
  'test_sensorbucket_style_loop',
  'test_filters_and_aggregates',
  'test_latest',
  'test_errors_carry_status_code_and_field',
];

describe.each(dialects)('Python client against a running Polder on %s', (dialect) => {
  let w: ClientWorld;
  let dir: string;
  beforeAll(async () => {
    w = await startClientWorld(dialect);
    dir = mkdtempSync(path.join(os.tmpdir(), 'polder-python-'));
  });
  afterAll(async () => {
    await w?.polder.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('fetches a day of data into lists (and a DataFrame where pandas exists)', { timeout: 120_000 }, async () => {
    const rowsFile = path.join(dir, 'expected.json');
    writeFileSync(rowsFile, JSON.stringify(w.rows.map((r) => [r.time, r.value])));
    const first = w.rows[0]!;
    const last = w.rows.at(-1)!;
    const { code, output } = await runPythonTests({
      POLDER_URL: w.polder.url,
      POLDER_TOKEN: ADMIN_TOKEN,
      POLDER_DATASTREAM: String(w.datastream),
      POLDER_DEVICE: w.deviceCode,
      POLDER_START: w.start,
      POLDER_END: w.end,
      POLDER_EXPECTED_COUNT: String(w.rows.length),
      POLDER_EXPECTED_FIRST: JSON.stringify({ time: first.time, value: first.value }),
      POLDER_EXPECTED_LAST: JSON.stringify({ time: last.time, value: last.value }),
      POLDER_EXPECTED_ROWS: rowsFile,
    });
    expect(code, output).toBe(0);
    expect(output).toMatch(/^Ran \d+ tests in /m);
    expect(output).toMatch(/^OK\b/m);
    // Every test against Polder ran (none skipped for want of POLDER_URL) and passed.
    for (const name of LIVE_TESTS) expect(output, name).toMatch(new RegExp(`^${name} \\(.*\\) \\.\\.\\. ok$`, 'm'));
    const dataframe = /^test_day_into_dataframe \(.*\) \.\.\. (ok|skipped '(.*)')$/m.exec(output);
    expect(dataframe, output).not.toBeNull();
    if (dataframe?.[1] !== 'ok') {
      expect(dataframe?.[2]).toMatch(/^pandas is not installed/);
      console.warn(`\n!!! Python client on ${dialect}: the DataFrame test was SKIPPED: ${dataframe?.[2]}\n`);
    }
  });
});
