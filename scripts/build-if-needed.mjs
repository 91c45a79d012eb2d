// Runs `tsc` (and `vite build` for the dashboard) only when a source file is newer than the last
// build, so `npm start` is quick.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const stamp = path.join(root, 'dist', 'cli.js');

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return latest;
}

const sources = Math.max(newest(path.join(root, 'src')), statSync(path.join(root, 'package.json')).mtimeMs);
if (!existsSync(stamp) || statSync(stamp).mtimeMs < sources) {
  process.stdout.write('building Polder (tsc)…\n');
  execFileSync(
    process.execPath,
    [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(root, 'tsconfig.build.json')],
    {
      stdio: 'inherit',
    },
  );
}

// The dashboard (web/): rebuilt when its sources or the generated API client changed.
const webStamp = path.join(root, 'web', 'dist', 'index.html');
const webSources = Math.max(
  newest(path.join(root, 'web', 'src')),
  newest(path.join(root, 'clients', 'typescript', 'src')),
  statSync(path.join(root, 'web', 'index.html')).mtimeMs,
);
if (!existsSync(webStamp) || statSync(webStamp).mtimeMs < webSources) {
  process.stdout.write('building the dashboard (vite)…\n');
  execFileSync(
    process.execPath,
    [path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', path.join(root, 'web', 'vite.config.ts')],
    { stdio: 'inherit', cwd: root },
  );
}
