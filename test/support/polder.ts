import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { loadConfig } from '../../src/config.js';
import { createPolder, type Polder, type PolderOptions } from '../../src/main.js';
import { createLogger } from '../../src/shared/logger.js';
import { type DialectName, openTestDatabase, type TestDatabase } from './databases.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export interface TestPolder {
  polder: Polder;
  /** app.inject with `Authorization: Bearer <token>` when a token is given. */
  call(token: string | undefined, opts: InjectOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** A whole Polder (not listening) on a fresh database of the given dialect. */
export async function startTestPolder(
  dialect: DialectName,
  env: Record<string, string> = {},
  opts: PolderOptions = {},
): Promise<TestPolder> {
  const db: TestDatabase = await openTestDatabase(dialect);
  // The test database is migrated already; createPolder opens its own connection to it.
  await db.database.close();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'polder-data-'));
  const config = loadConfig(
    {
      POLDER_DATABASE_URL: db.url,
      POLDER_DATA_DIR: dataDir,
      POLDER_ADMIN_TOKEN: ADMIN_TOKEN,
      POLDER_DEMO: '0',
      POLDER_LOG_LEVEL: 'silent',
      POLDER_HTTP_PORT: '0',
      POLDER_MQTT_PORT: '0',
      ...env,
    },
    undefined,
  );
  const polder = await createPolder(config, { logger: createLogger({ level: config.logLevel, format: 'json' }), ...opts });
  return {
    polder,
    call(token, opts) {
      const headers = { ...(opts.headers ?? {}), ...(token ? { authorization: `Bearer ${token}` } : {}) };
      return polder.app.inject({ ...opts, headers });
    },
    async close() {
      await polder.stop();
      rmSync(dataDir, { recursive: true, force: true });
      // Reopen only to drop: drop() closes the (already closed) handle again harmlessly.
      await db.drop().catch(() => {});
    },
  };
}

export interface ListeningPolder extends TestPolder {
  /** Where it answers HTTP, e.g. http://127.0.0.1:40123 */
  url: string;
}

/**
 * A whole Polder that listens, as `polder serve` does (HTTP and the embedded MQTT broker on
 * free ports of 127.0.0.1), for clients that talk to it over the network only.
 */
export async function startListeningPolder(dialect: DialectName, env: Record<string, string> = {}): Promise<ListeningPolder> {
  const t = await startTestPolder(dialect, { POLDER_HTTP_HOST: '127.0.0.1', ...env });
  try {
    const { httpUrl } = await t.polder.start();
    return { ...t, url: httpUrl };
  } catch (err) {
    await t.close();
    throw err;
  }
}
