import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createPolder, type Polder, type PolderOptions } from '../../src/main.js';
import { createLogger } from '../../src/shared/logger.js';
import { type DialectName, openTestDatabase, type TestDatabase } from '../support/databases.js';
import { eventually } from '../support/mqtt.js';
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

/**
 * Sends one simulated minute of a 12 Hz power meter as uplinks over HTTP (5-second chunks in
 * flight, as a gateway with several in flight); `factor` scales the load (an anomaly) and
 * `totals` collects L1+L2+L3 of each sample by minute. Polder's clock (`advance`) follows the
 * samples; once `stored()` names a datastream, waits until the minute's last sample is stored.
 */
export async function sendPowerMinute(
  h: Restartable,
  opts: {
    uplinkUrl: string;
    meter: { next(at: number): { body: Buffer } };
    t0: number;
    hz: number;
    totals: Map<number, number[]>;
    advance: (time: number) => void;
    stored: () => number | undefined;
  },
  minute: number,
  factor = 1,
): Promise<void> {
  const { hz, totals } = opts;
  const samples = Array.from({ length: 60 * hz }, (_, i) => {
    const sample = JSON.parse(opts.meter.next(opts.t0 + minute * 60_000 + Math.round((i * 1000) / hz)).body.toString());
    let sum = 0;
    for (const ph of Object.values(sample.phases) as { power: number }[]) {
      ph.power = Math.round(ph.power * factor * 10) / 10;
      sum += ph.power;
    }
    sample.total.power = Math.round(sum * 10) / 10;
    totals.set(minute, [...(totals.get(minute) ?? []), sum]);
    return sample;
  });
  for (let i = 0; i < samples.length; i += 5 * hz) {
    const chunk = samples.slice(i, i + 5 * hz);
    opts.advance(Date.parse(chunk[0].ts));
    const res = await Promise.all(chunk.map((sample) => h.call('POST', opts.uplinkUrl, sample)));
    for (const r of res) expect(r.statusCode).toBe(202);
  }
  const last = Date.parse(samples[samples.length - 1].ts);
  const ds = opts.stored();
  if (ds !== undefined) {
    const iso = (t: number) => new Date(t).toISOString();
    await eventually(
      `minute ${minute} stored`,
      async () =>
        (await h.call('GET', `/api/measurements?datastream=${ds}&start=${iso(last)}&end=${iso(last + 1)}`)).json().data[0],
      60_000,
    );
  }
  opts.advance(last);
}
