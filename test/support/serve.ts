/**
 * `polder serve` as a child process, from sources, for suites that talk to Polder only as a
 * client would, and that kill it (SIGKILL) and start it again on the same data.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ADMIN_TOKEN } from './polder.js';

const CLI = path.join(import.meta.dirname, 'polder-cli.ts');

export interface ServedPolder {
  url: string;
  mqttPort: number;
  child: ChildProcess;
  /** What it printed (stdout and stderr), for failure messages. */
  output(): string;
  /** SIGKILL: no shutdown, no flush. Resolves once the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM and wait for a clean exit. */
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** How Polder's own entry points start Node (bin/polder.js, npm start, the Dockerfile). */
export const NODE_FLAGS = ['--no-node-snapshot', '--max-semi-space-size=16', '--heap-growing-percent=30'];

/**
 * Starts `polder serve` with `env` (database, data dir …) and waits until it says it is running and
 * /healthz answers. `command` replaces the default `node --import tsx <cli> serve` (e.g. the
 * Dockerfile's entry point). A port found free may be taken before the child listens on it (by
 * another test's process, or as the local port of a connection): then the child stops with
 * EADDRINUSE, and it is started again on other ports.
 */
export async function servePolder(
  env: Record<string, string>,
  timeoutMs = 60_000,
  command: string[] = [process.execPath, ...NODE_FLAGS, '--import', 'tsx', CLI, 'serve'],
): Promise<ServedPolder> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await serveOnce(env, timeoutMs, command);
    } catch (err) {
      if (attempt >= 3 || !(err instanceof Error && err.message.includes('EADDRINUSE'))) throw err;
    }
  }
}

async function serveOnce(env: Record<string, string>, timeoutMs: number, command: string[]): Promise<ServedPolder> {
  const httpPort = await freePort();
  const mqttPort = await freePort();
  const [program, ...args] = command as [string, ...string[]];
  const child = spawn(program, args, {
    env: {
      ...process.env,
      POLDER_HTTP_HOST: '127.0.0.1',
      POLDER_HTTP_PORT: String(httpPort),
      POLDER_MQTT_PORT: String(mqttPort),
      POLDER_ADMIN_TOKEN: ADMIN_TOKEN,
      POLDER_DEMO: '0',
      POLDER_LOG_LEVEL: 'warn',
      POLDER_LOG_FORMAT: 'json',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  // POLDER_SERVE_OUTPUT=<file>: also append what it prints there (e.g. a benchmark's --trace-gc-nvp).
  const tee = process.env.POLDER_SERVE_OUTPUT;
  const take = (d: Buffer) => {
    out += String(d);
    if (tee) appendFileSync(tee, d);
  };
  child.stdout?.on('data', take);
  child.stderr?.on('data', take);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${httpPort}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`polder serve exited early:\n${out}`);
    // Its banner comes after it listens: until then, whatever answers on the port is not this child.
    const ok =
      /Polder \S+ is running/.test(out) &&
      (await fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      ));
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`polder serve did not answer /healthz within ${timeoutMs} ms:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    mqttPort,
    child,
    output: () => out,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
