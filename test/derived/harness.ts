import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { loadConfig } from '../../src/config.js';
import { createPolder, type Polder, type PolderOptions } from '../../src/main.js';
import { createLogger } from '../../src/shared/logger.js';
import { type DialectName, openTestDatabase, type TestDatabase } from '../support/databases.js';
import { ADMIN_TOKEN } from '../support/polder.js';

/** Polders started one after the other on one database (as restarts are), listening on free ports. */
export interface Restartable {
  boot(): Promise<Polder>;
  current(): Polder;
  call(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown): Promise<LightMyRequestResponse>;
  stop(): Promise<void>;
  close(): Promise<void>;
}

export async function restartable(
  dialect: DialectName,
  extraEnv: Record<string, string> = {},
  opts: PolderOptions = {},
): Promise<Restartable> {
  const tdb: TestDatabase = await openTestDatabase(dialect);
  await tdb.database.close();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'polder-stream-'));
  const env = {
    POLDER_DATABASE_URL: tdb.url,
    POLDER_DATA_DIR: dataDir,
    POLDER_ADMIN_TOKEN: ADMIN_TOKEN,
    POLDER_DEMO: '0',
    POLDER_LOG_LEVEL: 'silent',
    POLDER_HTTP_PORT: '0',
    POLDER_HTTP_HOST: '127.0.0.1',
    POLDER_MQTT_PORT: '0',
    ...extraEnv,
  };
  let p: Polder | undefined;
  const self: Restartable = {
    async boot() {
      p = await createPolder(loadConfig(env, undefined), { logger: createLogger({ level: 'silent', format: 'json' }), ...opts });
      await p.start();
      return p;
    },
    current() {
      if (!p) throw new Error('not booted');
      return p;
    },
    call(method, url, payload) {
      return self.current().app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        ...(payload !== undefined && { payload: payload as Record<string, unknown> }),
      });
    },
    async stop() {
      await p?.stop();
      p = undefined;
    },
    async close() {
      await p?.stop().catch(() => {});
      rmSync(dataDir, { recursive: true, force: true });
      await tdb.drop().catch(() => {});
    },
  };
  return self;
}
