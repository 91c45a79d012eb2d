/**
 * Polder roles as child processes (`polder api | ingest | worker | scheduler` from sources), each
 * with its own instance id and data directory, restartable on the same settings after a kill -9.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Role } from '../../src/roles/roles.js';
import { NODE_FLAGS, type ServedPolder, servePolder } from '../support/serve.js';

const CLI = path.join(import.meta.dirname, '..', 'support', 'polder-cli.ts');

/** A start may be slow: several processes load the sources through tsx at once, on 2 shared cores. */
const STARTUP_MS = 180_000;

export interface RoleProcess {
  name: string;
  role: Role;
  /** The running process (replaced by restart). */
  served: ServedPolder;
  /** What every life of this process printed, oldest first. */
  lives: ServedPolder[];
  kill(): Promise<void>;
  /** Starts it again with the same instance id, data directory and settings. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startRole(name: string, role: Role, env: Record<string, string>): Promise<RoleProcess> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `polder-${name}-`));
  const settings = { ...env, POLDER_DATA_DIR: dataDir, POLDER_INSTANCE_ID: name };
  const launch = () => servePolder(settings, STARTUP_MS, [process.execPath, ...NODE_FLAGS, '--import', 'tsx', CLI, role]);
  const p: RoleProcess = {
    name,
    role,
    served: await launch(),
    lives: [],
    async kill() {
      await p.served.kill();
    },
    async restart() {
      p.served = await launch();
      p.lives.push(p.served);
    },
    async stop() {
      await p.served.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  p.lives.push(p.served);
  return p;
}

/** A counter of a process's /metrics (summed over its labels matching `labels`), 0 when absent. */
export async function metric(url: string, name: string, labels = ''): Promise<number> {
  const text = await fetch(`${url}/metrics`).then((r) => r.text());
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || !line.includes(labels)) continue;
    const [series, value] = line.split(' ');
    if (series === name || series?.startsWith(`${name}{`)) sum += Number(value);
  }
  return sum;
}

/** The pino lines of a process's output with this message (JSON log format). */
export function logLines(out: string, msg: string): { time: number; [k: string]: unknown }[] {
  return out
    .split('\n')
    .filter((l) => l.startsWith('{') && l.includes(`"msg":"${msg}"`))
    .map((l) => JSON.parse(l) as { time: number });
}
