#!/usr/bin/env node
// Reproduces the file layout of Polder's image without a Docker engine: reads deploy/Dockerfile and
// plays its stages into a temporary folder per stage (WORKDIR /app = that folder), COPY as the
// stages do, RUN for the steps that make files (npm ci, npm run build, npm prune). Then, with
// --check, starts every role from the last stage's folder as its ENTRYPOINT would, and runs the
// HEALTHCHECK command against it.
//
//   node scripts/image-layout.mjs [--out DIR] [--npm-ci] [--check] [--keep]
//
// `npm ci` is played by a hard-linked copy of this checkout's node_modules (installed from the same
// package-lock.json) unless --npm-ci asks for the real one (network, native modules compiled: slow).
// apt-get (the compilers) and chown (the image's user) have no effect here and are skipped.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const root = path.resolve(import.meta.dirname, '..');
export const ROLES = ['serve', 'api', 'ingest', 'worker', 'scheduler'];

/** The Dockerfile's instructions by stage: comments dropped, `\` continuations joined. */
export function parseDockerfile(text) {
  const logical = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#') || (current === '' && line === '')) continue;
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1)} `;
      continue;
    }
    logical.push(current + line);
    current = '';
  }
  const args = [];
  const stages = [];
  for (const line of logical) {
    const [, word = '', rest = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const keyword = word.toUpperCase();
    if (keyword === 'FROM') {
      const [from, as, name] = rest.trim().split(/\s+/);
      stages.push({ from, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
      continue;
    }
    const instruction = { keyword, args: rest.trim(), stage: stages.length - 1 };
    if (stages.length === 0) args.push(instruction);
    else stages.at(-1).instructions.push(instruction);
  }
  return { args, stages };
}

/** `["a", "b"]` (exec form) as an array; the shell form as `['/bin/sh', '-c', text]`. */
export function execForm(args) {
  return args.startsWith('[') ? JSON.parse(args) : ['/bin/sh', '-c', args];
}

function du(p) {
  if (!existsSync(p)) return 0;
  return Number(execFileSync('du', ['-sb', p], { encoding: 'utf8' }).split('\t')[0]);
}

function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    env: { ...process.env, CI: 'true' },
  });
  if (r.status !== 0) throw new Error(`${[cmd, ...args].join(' ')} (in ${cwd}) failed:\n${r.stdout}\n${r.stderr}`);
}

/** Plays one RUN instruction in `dir` (the stage's /app). */
function playRun(command, dir, opts) {
  for (const step of command.split('&&').map((s) => s.trim())) {
    const words = step.split(/\s+/);
    if (/^apt-get\b|^rm -rf \/var\/lib\/apt/.test(step) || words[0] === 'chown') continue;
    if (words[0] === 'mkdir') {
      for (const p of words.slice(1).filter((w) => !w.startsWith('-'))) mkdirSync(path.join(dir, p), { recursive: true });
    } else if (words[0] === 'npm' && words[1] === 'ci') {
      if (opts.npmCi) run('npm', words.slice(1), dir);
      else {
        // Hard links: nothing copied; npm prune below only unlinks. npm rewrites its own lock, so that one is a copy.
        execFileSync('cp', ['-al', path.join(root, 'node_modules'), path.join(dir, 'node_modules')]);
        const lock = path.join(dir, 'node_modules', '.package-lock.json');
        if (existsSync(lock)) {
          rmSync(lock);
          cpSync(path.join(root, 'node_modules', '.package-lock.json'), lock);
        }
      }
    } else if (words[0] === 'npm' && (words[1] === 'run' || words[1] === 'prune')) run('npm', words.slice(1), dir);
    else throw new Error(`image-layout: no way to play RUN ${step} (teach scripts/image-layout.mjs)`);
  }
}

/** Copies `COPY [--from=stage] src... dest` into the stage's folder. */
function playCopy(args, dir, stageDirs) {
  const words = args.split(/\s+/);
  const from = words[0]?.startsWith('--from=') ? words.shift().slice('--from='.length) : undefined;
  const dest = words.pop();
  for (const src of words) {
    const source = from ? path.join(stageDirs.get(from) ?? '', src.replace(/^\/app\/?/, '')) : path.join(root, src);
    if (!existsSync(source)) throw new Error(`image-layout: COPY ${args}: ${source} does not exist`);
    const target = path.join(dir, dest.endsWith('/') && words.length > 1 ? path.join(dest, path.basename(src)) : dest);
    mkdirSync(path.dirname(target), { recursive: true });
    // node_modules from the build stage: hard links again (the image copies the files).
    if (from && statSync(source).isDirectory() && path.basename(source) === 'node_modules')
      execFileSync('cp', ['-al', source, target]);
    else cpSync(source, target, { recursive: true });
  }
}

/**
 * Builds the layout of every stage under `out` (a new temporary folder by default). Returns the last
 * stage's folder, its environment, user, entry point, command, health check and sizes.
 */
export function buildLayout({ out = mkdtempSync(path.join(os.tmpdir(), 'polder-image-')), npmCi = false } = {}) {
  const { stages } = parseDockerfile(readFileSync(path.join(root, 'deploy', 'Dockerfile'), 'utf8'));
  const stageDirs = new Map();
  const image = { dir: '', env: {}, user: 'root', entrypoint: [], cmd: [], healthcheck: [], stages: stages.map((s) => s.name) };
  stages.forEach((stage, i) => {
    const dir = path.join(out, stage.name ?? `stage-${i}`);
    mkdirSync(dir, { recursive: true });
    stageDirs.set(stage.name ?? String(i), dir);
    const last = i === stages.length - 1;
    for (const { keyword, args } of stage.instructions) {
      if (keyword === 'COPY') playCopy(args, dir, stageDirs);
      else if (keyword === 'RUN') playRun(args, dir, { npmCi });
      else if (!last) continue;
      else if (keyword === 'ENV') for (const m of args.matchAll(/(\w+)=(\S+)/g)) image.env[m[1]] = m[2];
      else if (keyword === 'USER') image.user = args;
      else if (keyword === 'ENTRYPOINT') image.entrypoint = execForm(args);
      else if (keyword === 'CMD') image.cmd = execForm(args);
      else if (keyword === 'HEALTHCHECK') image.healthcheck = execForm(args.slice(args.indexOf('CMD ') + 4));
    }
    if (last) image.dir = dir;
  });
  image.sizes = {
    node_modules: du(path.join(image.dir, 'node_modules')),
    dist: du(path.join(image.dir, 'dist')),
    'web/dist': du(path.join(image.dir, 'web', 'dist')),
    total: du(image.dir),
  };
  return image;
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * Starts `role` from the layout as the image's ENTRYPOINT does (`node` is this Node), with the
 * image's environment plus `env`; resolves once the image's HEALTHCHECK command passes.
 */
export async function startRole(image, role, env = {}, timeoutMs = 90_000) {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `polder-image-${role}-`));
  const fullEnv = {
    ...process.env,
    ...image.env,
    POLDER_DATA_DIR: dataDir,
    POLDER_HTTP_PORT: String(port),
    POLDER_HTTP_HOST: '127.0.0.1',
    POLDER_MQTT_PORT: String(await freePort()),
    POLDER_LOG_LEVEL: 'warn',
    ...env,
  };
  const [node, ...args] = image.entrypoint;
  if (node !== 'node') throw new Error(`ENTRYPOINT starts ${node}, not node`);
  const child = spawn(process.execPath, [...args, role], { cwd: image.dir, env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const [hcNode, ...hcArgs] = image.healthcheck;
  const healthy = () =>
    new Promise((resolve) => {
      const c = spawn(hcNode === 'node' ? process.execPath : hcNode, hcArgs, { env: fullEnv, stdio: 'ignore' });
      c.once('exit', (code) => resolve(code === 0));
    });
  const deadline = Date.now() + timeoutMs;
  while (!(await healthy())) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
      throw new Error(`${role} from the image layout did not pass its health check:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  const argv = process.argv.slice(2);
  const outAt = argv.indexOf('--out');
  const out = outAt >= 0 ? path.resolve(argv[outAt + 1]) : undefined;
  const image = buildLayout({ out, npmCi: argv.includes('--npm-ci') });
  const mib = (n) => `${(n / 1048576).toFixed(1)} MiB`;
  process.stdout.write(
    `image layout in ${image.dir} (stages: ${image.stages.join(', ')}; user ${image.user})\n` +
      Object.entries(image.sizes)
        .map(([k, v]) => `  ${k.padEnd(13)} ${mib(v)}\n`)
        .join(''),
  );
  let failed = false;
  if (argv.includes('--check'))
    for (const role of ROLES) {
      try {
        const r = await startRole(image, role);
        process.stdout.write(`  ${role.padEnd(10)} healthy at ${r.url}\n`);
        await r.stop();
      } catch (err) {
        failed = true;
        process.stdout.write(`  ${role.padEnd(10)} FAILED: ${err.message}\n`);
      }
    }
  if (!argv.includes('--keep') && outAt < 0) rmSync(path.dirname(image.dir), { recursive: true, force: true });
  process.exit(failed ? 1 : 0);
}
