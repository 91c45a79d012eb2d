import { spawn } from 'node:child_process';
import path from 'node:path';

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `polder <args>` through tsx, as a user runs it, without blocking the test worker's event loop
 * (a synchronous spawn of a minute would starve vitest's own messages and fail the run).
 */
export function runPolderCli(args: string[], env: Record<string, string | undefined> = {}, timeoutMs = 60_000) {
  const cli = path.join(import.meta.dirname, 'polder-cli.ts');
  return new Promise<CliResult>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', cli, ...args], {
      env: { ...process.env, POLDER_LOG_LEVEL: 'silent', POLDER_ADMIN_TOKEN: '', ...env },
      timeout: timeoutMs,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
