/**
 * Issue 9 items 12, 13 and 10 as a new user meets them, through the `polder` command:
 * - the generated admin password is printed even when the first start fails (MQTT port taken),
 *   and works on the next start;
 * - `polder admin reset-password` and `polder keys create` work on the local data (SQLite and
 *   PostgreSQL), printing the secret once;
 * - the start banner masks a database password given as `?password=`.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { availableDialects, postgresDatabase } from '../support/databases.js';
import { ADMIN_TOKEN, startTestPolder } from '../support/polder.js';
import { freePort, servePolder } from '../support/serve.js';

const CLI = path.join(import.meta.dirname, '..', 'support', 'polder-cli.ts');
const dialects = await availableDialects();
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const tempDir = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'polder-first-'));
  dirs.push(d);
  return d;
};

/** Runs `polder <args>` to its end: exit code, stdout, stderr. */
function polder(args: string[], env: Record<string, string>, timeoutMs = 60_000) {
  return new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', CLI, ...args],
      {
        env: { ...process.env, POLDER_LOG_LEVEL: 'warn', POLDER_LOG_FORMAT: 'json', POLDER_DEMO: '0', ...env },
        timeout: timeoutMs,
      },
      (error, out, err) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, out, err }),
    );
  });
}

async function login(url: string, username: string, password: string) {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  await res.text();
  return res.status;
}

describe('the first start', () => {
  it('prints the admin password even when the start fails, and that password works next time', async () => {
    const dataDir = tempDir();
    const blocker = net.createServer();
    const mqttPort = await freePort();
    await new Promise<void>((r) => blocker.listen(mqttPort, '127.0.0.1', () => r()));
    try {
      const env = {
        POLDER_DATA_DIR: dataDir,
        POLDER_HTTP_HOST: '127.0.0.1',
        POLDER_HTTP_PORT: String(await freePort()),
        POLDER_MQTT_PORT: String(mqttPort),
        POLDER_ADMIN_TOKEN: '',
      };
      const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'serve'], {
        env: { ...process.env, POLDER_LOG_LEVEL: 'warn', POLDER_DEMO: '0', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d) => {
        out += String(d);
      });
      child.stderr.on('data', (d) => {
        out += String(d);
      });
      const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
      expect(code, out).toBe(1);
      expect(out).toMatch(/cannot start/);
      const password = /password "([^"]+)"/.exec(out)?.[1];
      expect(password, out).toBeDefined();

      blocker.close();
      const served = await servePolder({ POLDER_DATA_DIR: dataDir, POLDER_ADMIN_TOKEN: '' });
      try {
        expect(served.output()).not.toMatch(/password "/); // shown once
        expect(await login(served.url, 'admin', password as string)).toBe(200);
      } finally {
        await served.stop();
      }
      // Lost anyway: the operator resets it on the local data.
      const reset = await polder(['admin', 'reset-password'], { POLDER_DATA_DIR: dataDir });
      expect(reset.code, reset.err).toBe(0);
      const fresh = reset.out.trim();
      expect(fresh.length).toBeGreaterThanOrEqual(12);
      const again = await servePolder({ POLDER_DATA_DIR: dataDir, POLDER_ADMIN_TOKEN: '' });
      try {
        expect(await login(again.url, 'admin', password as string)).toBe(401);
        expect(await login(again.url, 'admin', fresh)).toBe(200);
      } finally {
        await again.stop();
      }
    } finally {
      blocker.close();
    }
  }, 180_000);
});

describe.each(dialects)('polder admin reset-password and polder keys create on %s', (dialect) => {
  it('reset a member password and create a key on the configured database, printing each secret once', async () => {
    const t = await startTestPolder(dialect);
    try {
      const env = { POLDER_DATABASE_URL: t.polder.config.databaseUrl as string, POLDER_DATA_DIR: t.polder.config.dataDir };
      const add = await t.call(ADMIN_TOKEN, {
        method: 'POST',
        url: '/api/organisations/default/users',
        payload: { username: 'olga', password: 'olga-password-1', role: 'admin' },
      });
      expect(add.statusCode).toBe(201);
      const reset = await polder(['admin', 'reset-password', '--user', 'olga', '--org', 'default'], env);
      expect(reset.code, reset.err).toBe(0);
      expect(reset.err).toMatch(/shown once/);
      const pw = reset.out.trim();
      const signIn = (password: string) =>
        t.call(undefined, { method: 'POST', url: '/api/auth/login', payload: { username: 'olga', password } });
      expect((await signIn('olga-password-1')).statusCode).toBe(401);
      expect((await signIn(pw)).statusCode).toBe(200);
      const nobody = await polder(['admin', 'reset-password', '--user', 'nobody'], env);
      expect(nobody.code).toBe(1);
      expect(nobody.err).toMatch(/no user nobody in organisation default/);

      const created = await polder(['keys', 'create', '--scopes', 'devices:read,measurements:read', '--name', 'reader'], env);
      expect(created.code, created.err).toBe(0);
      const secret = created.out.trim();
      expect(secret).toMatch(/^pk_/);
      const me = await t.call(secret, { url: '/api/auth/me' });
      expect(me.statusCode).toBe(200);
      expect(me.json()).toMatchObject({ name: 'reader', scopes: ['devices:read', 'measurements:read'] });
      const listed = await t.call(ADMIN_TOKEN, { url: '/api/organisations/default/api-keys' });
      expect(listed.body).not.toContain(secret);
      const bad = await polder(['keys', 'create', '--scopes', 'devices:read,root'], env);
      expect(bad.code).toBe(1);
      expect(bad.err).toMatch(/unknown scope root.*devices:read/);
      const dup = await polder(['keys', 'create', '--scopes', 'devices:read', '--name', 'reader'], env);
      expect(dup.code).toBe(1);
      expect(dup.err).toMatch(/reader/);
    } finally {
      await t.close();
    }
  }, 120_000);
});

describe.skipIf(!dialects.includes('postgres'))('the start banner', () => {
  it('masks a database password given as ?password=', async () => {
    const db = await postgresDatabase();
    await db.database.close();
    const url = new URL(db.url);
    url.searchParams.set('password', 'banner-secret-9f2');
    const served = await servePolder({ POLDER_DATABASE_URL: url.toString(), POLDER_DATA_DIR: tempDir() });
    try {
      expect(served.output()).toMatch(/Database +postgres .*password=\*\*\*/);
      expect(served.output()).not.toContain('banner-secret-9f2');
      const config = await polder(['config'], { POLDER_DATABASE_URL: url.toString() });
      expect(config.out).toMatch(/POLDER_DATABASE_URL +postgres:.*password=\*\*\*/);
      expect(config.out).not.toContain('banner-secret-9f2');
    } finally {
      await served.stop();
      await db.drop().catch(() => {});
    }
  }, 120_000);
});
