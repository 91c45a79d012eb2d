/**
 * Child process of the kill -9 test (test/queue/inbox-kill.test.ts): enqueues single messages
 * into the database inbox from 16 concurrent callers, forever, and prints each id on its own
 * line once its enqueue has resolved (stdout is a pipe: synchronous on Linux). It also consumes,
 * with a handler that never answers, so rows are leased when the process is killed.
 *   node --import tsx test/support/inbox-writer.ts sqlite:/tmp/…/polder.db
 */
import pino from 'pino';
import { openDatabase } from '../../src/db/database.js';
import { DatabaseInbox } from '../../src/queue/database-inbox.js';
import { manyMessages } from './inbox-messages.js';

const url = process.argv[2];
if (!url) throw new Error('usage: inbox-writer.ts <database url>');
const database = openDatabase({ url, dataDir: '.' });
const inbox = new DatabaseInbox({ database, logger: pino({ level: 'silent' }) });
inbox.start(() => new Promise(() => {}), { batchSize: 50 });

async function writer(): Promise<never> {
  for (;;) {
    const [message] = manyMessages(1);
    if (!message) throw new Error('no message');
    await inbox.enqueue([message]);
    process.stdout.write(`${message.id}\n`);
  }
}
process.stdout.write('ready\n');
await Promise.all(Array.from({ length: 16 }, writer));
