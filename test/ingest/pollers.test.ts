import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { FtpSrv } from 'ftp-srv';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FtpPoller } from '../../src/ingest/ftp-poller.js';
import { HttpPoller } from '../../src/ingest/http-poller.js';
import { IngestService } from '../../src/ingest/ingest.service.js';
import { createIngestMetrics, type IngestMetrics } from '../../src/ingest/ingest-metrics.js';
import { KyselyPolledFileStore } from '../../src/ingest/poller-files.store.js';
import { Pollers } from '../../src/ingest/pollers.js';
import { uuidv7 } from '../../src/shared/ids.js';
import { createLogger } from '../../src/shared/logger.js';
import { availableDialects, openTestDatabase, type TestDatabase } from '../support/databases.js';
import { MapCatalog, RecordingInbox } from '../support/ingest-doubles.js';
import { eventually } from '../support/poll.js';
import { senmlCsv, ttnV3Body } from '../support/uplink-fixtures.js';

const logger = createLogger({ level: 'silent', format: 'json' });

function ingest() {
  const catalog = new MapCatalog();
  const inbox = new RecordingInbox();
  const registry = new Registry();
  const metrics = createIngestMetrics(registry);
  const service = new IngestService({ catalog, inbox, clock: Date.now, newId: uuidv7, logger, metrics, maxBytes: 64 * 1024 });
  catalog.save({ id: 'p-poll', orgId: 'org-a' });
  return { catalog, inbox, registry, metrics, service };
}

const text = (m: { payload: Uint8Array }) => Buffer.from(m.payload).toString();

describe('HTTP poller', () => {
  let server: http.Server;
  let base: string;
  const seenAuth: (string | undefined)[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seenAuth.push(req.headers.authorization ?? (req.headers['x-api-key'] as string | undefined));
      if (req.url === '/export.json') res.writeHead(200, { 'content-type': 'application/json' }).end(ttnV3Body());
      else if (req.url === '/export.csv') res.writeHead(200, { 'content-type': 'text/csv' }).end(senmlCsv());
      else res.writeHead(500).end('broken');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  it('turns a 2xx body (JSON or CSV) into one uplink with its content type and URL', async () => {
    const { inbox, metrics, service } = ingest();
    const json = new HttpPoller({ service, metrics, logger }, 'p-poll', {
      url: `${base}/export.json`,
      headers: { 'x-api-key': 'k1' },
    });
    const csv = new HttpPoller({ service, metrics, logger }, 'p-poll', {
      url: `${base.replace('//', '//legacy:s3cret@')}/export.csv`,
    });
    expect(await json.run()).toBeTypeOf('string');
    expect(await csv.run()).toBeTypeOf('string');
    expect(inbox.messages.map((m) => m.transport)).toEqual([
      { kind: 'http-poll', path: `${base}/export.json`, contentType: 'application/json' },
      { kind: 'http-poll', path: `${base}/export.csv`, contentType: 'text/csv' },
    ]);
    expect(Buffer.from(inbox.messages[0]?.payload ?? []).equals(ttnV3Body())).toBe(true);
    expect(text(inbox.messages[1] ?? { payload: new Uint8Array() })).toBe(senmlCsv());
    // Headers are sent; credentials in the URL become Basic auth and never reach the trace.
    expect(seenAuth.slice(-2)).toEqual(['k1', `Basic ${Buffer.from('legacy:s3cret').toString('base64')}`]);
  });

  it('logs and counts an error answer or an unreachable server, and enqueues nothing', async () => {
    const { inbox, metrics, service, registry } = ingest();
    expect(await new HttpPoller({ service, metrics, logger }, 'p-poll', { url: `${base}/missing` }).run()).toBeUndefined();
    expect(await new HttpPoller({ service, metrics, logger }, 'p-poll', { url: 'http://127.0.0.1:9/' }).run()).toBeUndefined();
    expect(inbox.calls).toBe(0);
    const text = await registry.metrics();
    expect(text).toContain('polder_uplinks_rejected_total{transport="http-poll",reason="HTTP_500"} 1');
    expect(text).toContain('polder_uplinks_rejected_total{transport="http-poll",reason="FETCH_FAILED"} 1');
  });

  it('is scheduled every intervalSeconds without overlapping runs, and stopped with its pipeline', async () => {
    const { inbox, metrics, service, catalog } = ingest();
    let running = 0;
    let overlapped = false;
    // Another pipeline's poller, on the same interval, that only counts its runs: the time a test
    // waits for something not to happen is "this one ran N times", not a fixed sleep.
    let ticks = 0;
    const ticked = async (n: number) => {
      const from = ticks;
      await eventually(`${n} runs of the other poller`, () => ticks >= from + n);
    };
    const pollers = new Pollers({
      catalog,
      logger,
      create: (p, i) => {
        const s = p.sources[i];
        if (s?.kind !== 'http-poll') return undefined;
        if (p.id === 'p-clock') return { task: { run: async () => void ticks++ }, intervalMs: s.intervalSeconds * 1000 };
        const poller = new HttpPoller({ service, metrics, logger }, p.id, s);
        const task = {
          run: async () => {
            running++;
            if (running > 1) overlapped = true;
            try {
              return await poller.run();
            } finally {
              running--;
            }
          },
        };
        return { task, intervalMs: s.intervalSeconds * 1000 };
      },
    });
    await pollers.start();
    inbox.hold();
    catalog.save({
      id: 'p-poll',
      orgId: 'org-a',
      sources: [{ kind: 'http-poll', url: `${base}/export.csv`, intervalSeconds: 0.01 }],
    });
    catalog.save({
      id: 'p-clock',
      orgId: 'org-a',
      sources: [{ kind: 'http-poll', url: `${base}/unused`, intervalSeconds: 0.01 }],
    });
    await eventually('both pollers started', () => pollers.size === 2);
    await inbox.started(1);
    // The run is held in the inbox for longer than many intervals: no second run may start.
    await ticked(10);
    expect(inbox.calls).toBe(1);
    inbox.open();
    await eventually('three polls', () => inbox.messages.length >= 3);
    catalog.remove('p-poll');
    await eventually('the poller gone', () => pollers.size === 1);
    const after = inbox.messages.length;
    await ticked(10);
    expect(inbox.messages.length).toBe(after);
    expect(overlapped).toBe(false);
    await pollers.stop();
  });
});

const dialects = await availableDialects();

describe.each(dialects)('FTP poller on %s', (dialect) => {
  let db: TestDatabase;
  let dir: string;
  let ftp: FtpSrv;
  let url: string;

  beforeAll(async () => {
    db = await openTestDatabase(dialect);
    dir = mkdtempSync(path.join(os.tmpdir(), 'polder-ftp-'));
    ftp = new FtpSrv({ url: 'ftp://127.0.0.1:0', pasv_url: '127.0.0.1', anonymous: false, log: silentBunyan() });
    ftp.on('login', ({ username, password }, resolve, reject) =>
      username === 'legacy' && password === 'exp0rt' ? resolve({ root: dir }) : reject(new Error('bad login')),
    );
    await ftp.listen();
    const { port } = (ftp as unknown as { server: { address(): AddressInfo } }).server.address();
    url = `ftp://legacy:exp0rt@127.0.0.1:${port}/exports`;
  });
  afterAll(async () => {
    await ftp?.close();
    rmSync(dir, { recursive: true, force: true });
    await db?.drop();
  });

  const poller = (service: IngestService, metrics: IngestMetrics) =>
    new FtpPoller({ service, metrics, logger, store: new KyselyPolledFileStore(db.database.db), clock: Date.now }, 'p-poll', {
      url,
      pattern: '*.csv',
    });

  it('takes each matching file once, a new file later, none again after a restart, a changed file again', async () => {
    const exports = path.join(dir, 'exports');
    const csv = senmlCsv();
    mkdirSync(exports, { recursive: true });
    writeFileSync(path.join(exports, 'site-1.csv'), csv);
    writeFileSync(path.join(exports, 'site-2.csv'), csv.split('\r\n').slice(0, 4).join('\r\n'));
    writeFileSync(path.join(exports, 'readme.txt'), 'not data');

    const { inbox, metrics, service } = ingest();
    const first = poller(service, metrics);
    expect(await first.run()).toBe(2);
    expect(inbox.messages.map((m) => m.transport.path).sort()).toEqual([
      `ftp://127.0.0.1:${new URL(url).port}/exports/site-1.csv`,
      `ftp://127.0.0.1:${new URL(url).port}/exports/site-2.csv`,
    ]);
    expect(inbox.messages.every((m) => m.transport.kind === 'ftp-poll')).toBe(true);
    expect(inbox.messages.map(text).sort()).toEqual([csv, csv.split('\r\n').slice(0, 4).join('\r\n')].sort());
    expect(await first.run()).toBe(0);

    writeFileSync(path.join(exports, 'site-3.csv'), csv.split('\r\n').slice(0, 2).join('\r\n'));
    expect(await first.run()).toBe(1);
    expect(inbox.messages.at(-1)?.transport.path).toMatch(/site-3\.csv$/);

    // A restart: a new poller over the same database takes nothing old.
    const restarted = poller(service, metrics);
    expect(await restarted.run()).toBe(0);

    appendFileSync(path.join(exports, 'site-2.csv'), '\r\nurn:dev:ow:10e2073a01080063,%RH,1320067524,20.3');
    expect(await restarted.run()).toBe(1);
    expect(text(inbox.messages.at(-1) ?? { payload: new Uint8Array() })).toMatch(/20\.3$/);
    expect(inbox.messages).toHaveLength(4);
  });

  it('remembers a file only once the inbox stored it', async () => {
    const exports = path.join(dir, 'exports');
    writeFileSync(path.join(exports, 'late.csv'), senmlCsv());
    const { inbox, metrics, service } = ingest();
    inbox.failing = true;
    const p = poller(service, metrics);
    expect(await p.run()).toBe(0);
    inbox.failing = false;
    expect(await p.run()).toBe(1);
    expect(inbox.messages.map((m) => m.transport.path)).toEqual([expect.stringMatching(/late\.csv$/)]);
  });
});

/** ftp-srv logs through bunyan; the tests want silence. */
function silentBunyan() {
  const noop = () => {};
  const log = { trace: noop, debug: noop, info: noop, warn: noop, error: noop, fatal: noop, child: () => log };
  // biome-ignore lint/suspicious/noExplicitAny: ftp-srv types its logger as a bunyan Logger
  return log as any;
}
