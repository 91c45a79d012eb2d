/**
 * Browser end-to-end support: the dashboard built (vite) when its sources are newer than
 * web/dist, Debian's Chromium through playwright-core, and a `polder serve` with the demo on.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import AxeBuilder from '@axe-core/playwright';
import { type Browser, chromium, type Page } from 'playwright-core';
import { type ServedPolder, servePolder } from '../support/serve.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
export const CHROMIUM = process.env.POLDER_CHROMIUM ?? '/usr/bin/chromium';

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return latest;
}

/**
 * Runs `vite build` unless web/dist is newer than web/src and the API client. The browser test files
 * run in parallel: one builds (a lock directory, taken atomically) while the others wait for it, and
 * the build runs asynchronously so the test worker's event loop stays free.
 */
export async function ensureDashboardBuilt(): Promise<void> {
  const stamp = path.join(ROOT, 'web', 'dist', 'index.html');
  const fresh = () => {
    const sources = Math.max(newest(path.join(ROOT, 'web', 'src')), newest(path.join(ROOT, 'clients', 'typescript', 'src')));
    return existsSync(stamp) && statSync(stamp).mtimeMs >= sources;
  };
  const lock = path.join(ROOT, 'web', '.build-lock');
  for (;;) {
    if (fresh()) return;
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another file builds; a lock older than 10 minutes is left from a killed run.
      if (Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 600_000)
        rmSync(lock, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  try {
    if (fresh()) return;
    await promisify(execFile)(
      process.execPath,
      [
        path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'),
        'build',
        '--config',
        'web/vite.config.ts',
        '--logLevel',
        'warn',
      ],
      // vitest sets NODE_ENV=test, which would give the development build of React: build what users get.
      { cwd: ROOT, env: { ...process.env, NODE_ENV: 'production' }, maxBuffer: 16 * 1024 * 1024 },
    );
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export interface DemoPolder extends ServedPolder {
  password: string;
  dataDir: string;
}

/** `polder serve` on a fresh data dir, demo on, no admin token: the admin password is printed. */
export async function serveDemo(env: Record<string, string> = {}): Promise<DemoPolder> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'polder-web-'));
  const served = await servePolder({
    POLDER_DATA_DIR: dataDir,
    POLDER_DEMO: '1',
    POLDER_ADMIN_TOKEN: '',
    POLDER_MAP_TILES: 'off',
    ...env,
  });
  const password = await until(() => /password "([^"]+)"/.exec(served.output())?.[1], 20_000, 'the printed admin password');
  const stop = served.stop.bind(served);
  return {
    ...served,
    password,
    dataDir,
    async stop() {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls `check` until it returns a value (not undefined/false), or fails naming `what`. */
export async function until<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

export async function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--headless'] });
}

/** Collects console errors and uncaught page errors, to assert none happened in normal use. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    // A 401 is how the app learns nobody is signed in (and how a wrong password answers): not an error.
    if (m.type() === 'error' && !/status of 401/.test(m.text())) errors.push(`console: ${m.text()}`);
  });
  return errors;
}

const SCREENSHOTS = mkdtempSync(path.join(os.tmpdir(), 'polder-screenshots-'));

/**
 * Where a test's screenshot goes: `docs/img/` when `POLDER_SCREENSHOTS=docs` (to refresh the docs' pictures),
 * else a temporary folder, so that running the tests never changes tracked files.
 */
export const screenshotPath = (name: string) =>
  process.env.POLDER_SCREENSHOTS === 'docs'
    ? path.join(ROOT, 'docs', 'img', `${name}.png`)
    : path.join(SCREENSHOTS, `${name}.png`);

/** A JSON call from inside the page, as the dashboard makes it (session cookie + CSRF header). */
export async function pageApi<T = Record<string, unknown>>(page: Page, method: string, url: string, body?: unknown) {
  return page.evaluate(
    async ({ method, url, body }) => {
      const doc = (globalThis as unknown as { document: { cookie: string } }).document;
      const token = /polder_csrf=([^;]+)/.exec(doc.cookie)?.[1];
      const headers: Record<string, string> = { accept: 'application/json' };
      if (token) headers['x-csrf-token'] = decodeURIComponent(token);
      if (body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(url, { method, headers, ...(body !== undefined && { body: JSON.stringify(body) }) });
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : undefined) as unknown };
    },
    { method, url, body },
  ) as Promise<{ status: number; body: T }>;
}

/** Signs in through the login form and waits for the fleet view. */
export async function signIn(page: Page, polder: DemoPolder, username = 'admin', password = polder.password) {
  await page.goto(`${polder.url}/login`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.waitForURL(/\/fleet/);
}

/** axe-core's serious and critical violations on the page, one line each (`where: rule help targets`). */
export async function seriousViolations(page: Page, where: string): Promise<string[]> {
  // A dialog still fading in has its colours half blended: contrast is measured once transitions end.
  await page.waitForFunction(
    () => (globalThis as unknown as { document: { getAnimations(): unknown[] } }).document.getAnimations().length === 0,
  );
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${where}: ${v.id} ${v.help} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}
