import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts the worker thread whose entry is `name` (without extension) beside the caller's module
 * (`from`: its `import.meta.url`). Built, that is the .js file. From sources (tsx, vitest) it is
 * TypeScript: the thread registers tsx first, as a worker does not inherit its parent's loader
 * hooks.
 */
export function startWorkerThread(from: string, name: string, options: WorkerOptions): Worker {
  if (!from.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, from), options);
  // tsx's ESM API, as its package's exports name it (`require.resolve` would give the CommonJS one).
  const pkg = createRequire(from).resolve('tsx/package.json');
  const api = (JSON.parse(readFileSync(pkg, 'utf8')) as { exports: Record<string, { import: { default: string } }> }).exports[
    './esm/api'
  ]?.import.default;
  const tsx = pathToFileURL(path.join(path.dirname(pkg), api ?? 'dist/esm/api/index.mjs')).href;
  const file = new URL(`./${name}.ts`, from).href;
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(file)}); })`;
  return new Worker(boot, { eval: true, ...options });
}
