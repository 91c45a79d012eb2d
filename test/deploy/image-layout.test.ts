/**
 * The image's file layout, reproduced without a Docker engine by scripts/image-layout.mjs (the
 * Dockerfile's stages played into temporary folders: npm ci, the build, npm prune, the COPYs),
 * and every role started from it as the ENTRYPOINT starts it, healthy by the HEALTHCHECK command,
 * its /metrics clean for promtool.
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLayout, type ImageLayout, startRole } from '../../scripts/image-layout.mjs';

const run = promisify(execFile);
const hasPromtool = spawnSync('promtool', ['--version']).status === 0;

describe('the image layout (scripts/image-layout.mjs)', () => {
  let image: ImageLayout;

  beforeAll(async () => {
    image = await buildLayout();
  }, 600_000);

  afterAll(() => {
    if (image) rmSync(path.dirname(image.dir), { recursive: true, force: true });
  });

  it('holds the server build, the dashboard build and only the production packages', async () => {
    for (const f of [
      'bin/polder.js',
      'dist/cli.js',
      'web/dist/index.html',
      'package.json',
      'node_modules/better-sqlite3',
      // The isolated-vm build for this Node (src/workers/sandbox/isolated-vm.ts).
      `node_modules/${Number(process.versions.node.split('.')[0]) >= 22 ? 'isolated-vm-v6' : 'isolated-vm-v5'}`,
    ])
      expect(existsSync(path.join(image.dir, f)), f).toBe(true);
    for (const f of [
      'src',
      'test',
      'web/src',
      'node_modules/typescript',
      'node_modules/vitest',
      'node_modules/vite',
      'node_modules/better-sqlite3/deps',
    ])
      expect(existsSync(path.join(image.dir, f)), f).toBe(false);
    // Every production dependency is installed and nothing is missing from the tree.
    await run('npm', ['ls', '--omit=dev', '--all'], { cwd: image.dir });
    expect(image.user).toBe('node');
    expect(image.env.POLDER_DATA_DIR).toBe('/data');
    expect(image.sizes.total).toBeLessThan(120 * 1024 * 1024);
    console.info(
      `image layout: ${JSON.stringify(Object.fromEntries(Object.entries(image.sizes).map(([k, v]) => [k, `${(v / 1048576).toFixed(1)} MiB`])))}`,
    );
  });

  for (const role of ['serve', 'api', 'ingest', 'worker', 'scheduler'])
    it(`starts ${role} as the ENTRYPOINT does; the HEALTHCHECK passes and /metrics is clean`, async () => {
      const started = await startRole(image, role);
      try {
        const metrics = await (await fetch(`${started.url}/metrics`)).text();
        expect(metrics).toMatch(/^polder_database_up 1$/m);
        if (hasPromtool) {
          const r = spawnSync('promtool', ['check', 'metrics'], { input: metrics, encoding: 'utf8' });
          expect(`${r.stdout}${r.stderr}`, role).toBe('');
        }
        const ready = await fetch(`${started.url}/readyz`);
        expect(ready.status).toBe(200);
      } finally {
        await started.stop();
      }
    }, 120_000);

  it('answers --help for every role from the layout', async () => {
    for (const role of ['serve', 'api', 'ingest', 'worker', 'scheduler']) {
      const [, ...flags] = image.entrypoint;
      const { stdout: out } = await run(process.execPath, [...flags, role, '--help'], { cwd: image.dir });
      expect(out, role).toContain(`Usage: polder ${role}`);
    }
  });
});
