import type { Writable } from 'node:stream';
import type { Config } from '../config.js';
import { type Database, migrateToLatest, openDatabase } from '../db/database.js';
import { systemClock } from '../shared/clock.js';
import { DomainError, invalid } from '../shared/errors.js';
import { uuidv7 } from '../shared/ids.js';
import { ALL_SCOPES, type Scope } from './tenancy.js';
import { TenancyService } from './tenancy.service.js';
import { KyselyTenancyStore } from './tenancy.store.js';

/**
 * `polder admin reset-password` and `polder keys create`: the operator's commands on the local
 * data (the database the config names), for when nobody can sign in yet or any more. Secrets go
 * to stdout once, alone on their line (scriptable); what they are goes to stderr.
 */
export interface CliStreams {
  out: Writable;
  err: Writable;
}

const defaultStreams = (): CliStreams => ({ out: process.stdout, err: process.stderr });

async function withTenancy<T>(config: Config, work: (tenancy: TenancyService) => Promise<T>): Promise<T> {
  const database: Database = openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrateToLatest(database);
    return await work(new TenancyService(new KyselyTenancyStore(database.db), systemClock, uuidv7));
  } catch (err) {
    // A fresh data directory has no organisation yet: the first `polder serve` creates `default`.
    if (err instanceof DomainError && err.code === 'ORGANISATION_NOT_FOUND')
      throw new DomainError(err.code, `${err.message} (a fresh install: run polder serve once first)`, err.details);
    throw err;
  } finally {
    await database.close();
  }
}

/** Parses `--scopes devices:read,measurements:read` (also space separated), naming any unknown scope. */
export function parseScopes(text: string): Scope[] {
  const scopes = text
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = scopes.filter((s) => !(ALL_SCOPES as string[]).includes(s));
  if (scopes.length === 0 || unknown.length > 0)
    throw invalid(
      'scopes',
      `${unknown.length > 0 ? `unknown scope ${unknown.join(', ')}` : 'no scope given'}; scopes are ${ALL_SCOPES.join(', ')}`,
    );
  return [...new Set(scopes)] as Scope[];
}

export async function resetPasswordCommand(
  config: Config,
  opts: { user: string; org: string },
  io: CliStreams = defaultStreams(),
): Promise<void> {
  const password = await withTenancy(config, (t) => t.resetPassword(opts.user, opts.org));
  io.err.write(`New password of user "${opts.user}" in organisation "${opts.org}" (shown once; sessions ended):\n`);
  io.out.write(`${password}\n`);
}

export async function createKeyCommand(
  config: Config,
  opts: { org: string; name?: string | undefined; scopes: string },
  io: CliStreams = defaultStreams(),
): Promise<void> {
  const scopes = parseScopes(opts.scopes);
  const name = opts.name ?? `cli-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  const { key, secret } = await withTenancy(config, (t) => t.createLocalApiKey(opts.org, { name, scopes }));
  io.err.write(
    `API key "${key.name}" (${key.id}) in organisation "${opts.org}", scopes ${key.scopes.join(',')}. ` +
      'Shown once; use it as Authorization: Bearer <key>:\n',
  );
  io.out.write(`${secret}\n`);
}
