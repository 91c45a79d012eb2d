/**
 * Polder started exactly as its entry points start it (the Dockerfile's ENTRYPOINT + CMD over the
 * built bin/polder.js) runs a user script in the isolated-vm sandbox, whose README asks Node >= 20
 * for `--no-node-snapshot`.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN } from '../support/polder.js';
import { NODE_FLAGS, type ServedPolder, servePolder } from '../support/serve.js';

const root = path.resolve(import.meta.dirname, '../..');
const dockerfile = readFileSync(path.join(root, 'deploy/Dockerfile'), 'utf8');
const jsonArray = (instruction: string): string[] => {
  const line = dockerfile.split('\n').find((l) => l.startsWith(`${instruction} `));
  if (!line) throw new Error(`no ${instruction} in deploy/Dockerfile`);
  return JSON.parse(line.slice(instruction.length + 1));
};

describe('entry points', () => {
  let polder: ServedPolder;
  let dataDir: string;

  beforeAll(async () => {
    // bin/polder.js runs the build (npm run build); CI has built it, a lone clone may not have.
    await promisify(execFile)(process.execPath, [path.join(root, 'scripts/build-if-needed.mjs')]);
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'polder-entry-'));
    const [node, ...rest] = [...jsonArray('ENTRYPOINT'), ...jsonArray('CMD')];
    expect(node).toBe('node');
    polder = await servePolder({ POLDER_DATA_DIR: dataDir }, 90_000, [process.execPath, ...rest]);
  }, 180_000);

  afterAll(async () => {
    await polder?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('pass the flags isolated-vm needs, in every way Polder is started', () => {
    expect(jsonArray('ENTRYPOINT')).toEqual(['node', ...NODE_FLAGS, 'bin/polder.js']);
    expect(readFileSync(path.join(root, 'bin/polder.js'), 'utf8').split('\n')[0]).toBe(
      `#!/usr/bin/env -S node ${NODE_FLAGS.join(' ')}`,
    );
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
    expect(pkg.scripts.start).toBe(`node ${NODE_FLAGS.join(' ')} scripts/start.mjs`);
  });

  it('runs a user script in the sandbox when started as the Dockerfile starts it', async () => {
    const call = (method: string, url: string, body?: unknown) =>
      fetch(`${polder.url}${url}`, {
        method,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const source = 'function decodeUplink(input) { return { data: { celsius: input.bytes[0] / 2 } }; }';
    const created = await call('POST', '/api/workers', { name: 'halve', source });
    expect(created.status, await created.clone().text()).toBe(201);
    const r = await call('POST', '/api/workers/halve/test', { payload: '2a', encoding: 'hex', fPort: 1 });
    expect(r.status).toBe(200);
    const body = (await r.json()) as { errors: unknown[]; output: { metadata: { decoded: unknown } } };
    expect(body.errors).toEqual([]);
    expect(body.output.metadata.decoded).toEqual({ celsius: 21 });
  });
});
