import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { eventually } from './poll.js';
import { reachable } from './services.js';

export const DYNSEC_PLUGIN = '/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so';

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/**
 * A private Mosquitto 2 with the dynamic-security plugin, on its own port with its own config
 * and dynsec file (the system's Mosquitto is left alone). Admin: `admin` / `adminpw`.
 */
export async function startDynsecMosquitto(): Promise<{
  url: (user: string, pw: string) => string;
  port: number;
  stop(): Promise<void>;
}> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'polder-mosquitto-'));
  const port = await freePort();
  const dynsec = path.join(dir, 'dynamic-security.json');
  execFileSync('mosquitto_ctrl', ['dynsec', 'init', dynsec, 'admin', 'adminpw'], { stdio: 'ignore' });
  const conf = path.join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [
      // Started as root, Mosquitto would switch to the mosquitto user, who cannot write our temp dir.
      ...(process.getuid?.() === 0 ? ['user root'] : []),
      'per_listener_settings false',
      `listener ${port} 127.0.0.1`,
      'allow_anonymous false',
      `plugin ${DYNSEC_PLUGIN}`,
      `plugin_opt_config_file ${dynsec}`,
      'persistence false',
      'log_dest stderr',
      'log_type error',
    ].join('\n'),
  );
  const child: ChildProcess = spawn('mosquitto', ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  // Listening, or a clear error here (not a refused connection later).
  try {
    await eventually(`mosquitto listening on ${port}`, () => {
      if (exited) throw new Error(`mosquitto -c ${conf} exited before listening on ${port}`);
      return reachable(`mqtt://127.0.0.1:${port}`);
    });
  } catch (err) {
    child.kill();
    throw err;
  }
  return {
    port,
    url: (user, pw) => `mqtt://${encodeURIComponent(user)}:${encodeURIComponent(pw)}@127.0.0.1:${port}`,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
