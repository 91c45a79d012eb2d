import { spawn } from 'node:child_process';
import path from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { DatabaseInbox } from '../../src/queue/database-inbox.js';
import type { Delivery } from '../../src/queue/inbox.js';
import { sqliteDatabase } from '../support/databases.js';

const WRITER = path.resolve(import.meta.dirname, '../support/inbox-writer.ts');
const KILL_AFTER = 400;

/** Runs the writer until it has printed `n` ids, kills it with SIGKILL, returns the ids printed. */
function writeThenKill(url: string, n: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    // node --import tsx, not `npx tsx`: npx would be a parent process, and SIGKILL must hit the writer itself.
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, url], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let killed = false;
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      if (!killed && out.split('\n').length > n + 2) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') return reject(new Error(`writer exited (${code}) before the kill: ${err}`));
      // The last line may be cut by the kill: only whole lines count.
      const lines = out.split('\n').slice(0, -1);
      resolve(lines.filter((l) => l !== 'ready'));
    });
  });
}

describe('database inbox on SQLite, kill -9', () => {
  it('keeps every message whose enqueue resolved, and a restart delivers them all', async () => {
    const tdb = await sqliteDatabase();
    try {
      const printed = await writeThenKill(tdb.url, KILL_AFTER);
      expect(printed.length).toBeGreaterThanOrEqual(KILL_AFTER);
      if (tdb.database.dialect !== 'sqlite') throw new Error('sqlite expected');
      const stored = new Set((tdb.database.sqlite.prepare('select id from inbox').all() as { id: string }[]).map((r) => r.id));
      expect(printed.filter((id) => !stored.has(id))).toEqual([]);
      // The writer's consumer held leases when it died; a new inbox must not wait for them to run out.
      const leased = tdb.database.sqlite.prepare('select count(*) as n from inbox where lease_until is not null').get() as {
        n: number;
      };
      expect(leased.n).toBeGreaterThan(0);

      const inbox = new DatabaseInbox({ database: tdb.database, logger: pino({ level: 'silent' }) });
      const delivered = new Set<string>();
      inbox.start(
        async (batch: Delivery[]) => {
          for (const d of batch) delivered.add(d.message.id);
          return { done: batch.map((d) => d.message.id), retry: [] };
        },
        { batchSize: 200 },
      );
      const end = Date.now() + 15_000;
      while (delivered.size < stored.size && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
      await inbox.close();
      expect(delivered).toEqual(stored);
      expect(await inbox.depth()).toBe(0);
    } finally {
      await tdb.drop();
    }
  });
});
