// `npm run bench [name …] [--full]`: runs every bench/*.ts (or the named ones) with tsx, one
// process each, and lets them print their figures. Benchmarks measure; tests assert.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const benchDir = path.join(root, 'bench');
const args = process.argv.slice(2);
const flags = args.filter((a) => a.startsWith('--'));
const names = args.filter((a) => !a.startsWith('--'));

const all = readdirSync(benchDir)
  .filter((f) => f.endsWith('.ts'))
  .sort();
// `ingest-ceiling` names bench/ingest-ceiling.bench.ts as well as bench/ingest-ceiling.ts.
const fileOf = (n) => {
  if (n.endsWith('.ts')) return path.basename(n);
  return existsSync(path.join(benchDir, `${n}.bench.ts`)) ? `${n}.bench.ts` : `${n}.ts`;
};
const chosen = names.length === 0 ? all : names.map(fileOf);
const unknown = chosen.filter((f) => !existsSync(path.join(benchDir, f)));
if (unknown.length > 0) {
  process.stderr.write(`unknown benchmark(s): ${unknown.join(', ')}; there are: ${all.join(', ')}\n`);
  process.exit(2);
}

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
process.stdout.write(
  `# Polder benchmarks ${new Date().toISOString()}\n` +
    `# ${cpu}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, ` +
    `${os.type()} ${os.release()}, Node ${process.version}${flags.length ? `, flags ${flags.join(' ')}` : ''}\n`,
);

// Other processes skew every figure: say how busy the machine was.
const load = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
process.stdout.write(`# load average at start: ${load()} (${os.cpus().length} cores)\n`);

let failed = 0;
for (const file of chosen) {
  process.stdout.write(`\n# ${file}\n`);
  const started = Date.now();
  // --expose-gc lets a benchmark tell live memory from garbage not yet collected.
  const run = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', path.join(benchDir, file), ...flags], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  if (run.status !== 0) {
    failed++;
    process.stdout.write(`# ${file} FAILED (exit ${run.status ?? run.signal}) after ${secs} s\n`);
  } else process.stdout.write(`# ${file} done in ${secs} s, load average ${load()}\n`);
}
process.exit(failed === 0 ? 0 : 1);
