/**
 * `{kind:'ftp-poll'}`: list a directory; each matching file not taken before (or changed since:
 * size or time) is downloaded and accepted, and remembered only once the inbox stored it, so a
 * file is taken once, across restarts.
 */
import { Writable } from 'node:stream';
import { Client, type FileInfo } from 'basic-ftp';
import type { Clock } from '../shared/clock.js';
import { DomainError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { IngestService } from './ingest.service.js';
import type { IngestMetrics } from './ingest-metrics.js';
import { globToRegExp, sourceKey, withoutCredentials } from './poll-url.js';

export interface PolledFile {
  name: string;
  size: number;
  /** Unix ms; 0 when the server gives no time. */
  mtime: number;
}

/** The pollers' memory (port); src/ingest/poller-files.store.ts implements it. */
export interface PolledFileStore {
  taken(pipelineId: string, sourceKey: string): Promise<Map<string, PolledFile>>;
  remember(pipelineId: string, sourceKey: string, files: readonly PolledFile[], now: number): Promise<void>;
  forget(pipelineId: string): Promise<void>;
}

export interface FtpPollSpec {
  url: string;
  pattern?: string | undefined;
}

export interface FtpPollerDeps {
  service: IngestService;
  metrics: IngestMetrics;
  store: PolledFileStore;
  clock: Clock;
  logger: Logger;
  timeoutMs?: number;
}

/** A writable that keeps what it is given, and fails past `limit` bytes. */
function collect(limit: number): { sink: Writable; bytes: () => Buffer } {
  const chunks: Buffer[] = [];
  let size = 0;
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (size > limit) return done(new Error(`file over the size limit of ${limit} bytes`));
      chunks.push(chunk);
      done();
    },
  });
  return { sink, bytes: () => Buffer.concat(chunks) };
}

export class FtpPoller {
  private readonly key: string;
  private readonly shown: string;
  private readonly match: RegExp;

  constructor(
    private readonly deps: FtpPollerDeps,
    private readonly pipelineId: string,
    private readonly spec: FtpPollSpec,
  ) {
    this.key = sourceKey(spec.url);
    this.shown = withoutCredentials(spec.url);
    this.match = globToRegExp(spec.pattern ?? '*');
  }

  /** One pass over the directory; never throws. Returns the number of files accepted. */
  async run(): Promise<number> {
    const log = this.deps.logger.child({ pipelineId: this.pipelineId, url: this.shown });
    const u = new URL(this.spec.url);
    const dir = decodeURIComponent(u.pathname) || '/';
    const client = new Client(this.deps.timeoutMs ?? 30_000);
    let accepted = 0;
    try {
      await client.access({
        host: u.hostname,
        port: u.port ? Number(u.port) : 21,
        user: u.username ? decodeURIComponent(u.username) : 'anonymous',
        password: u.password ? decodeURIComponent(u.password) : 'anonymous@',
        secure: u.protocol === 'ftps:',
      });
      const listing = await client.list(dir);
      const taken = await this.deps.store.taken(this.pipelineId, this.key);
      const fresh = listing
        .filter((f) => f.isFile && this.match.test(f.name))
        .map(toPolled)
        .filter((f) => isNew(f, taken.get(f.name)));
      for (const file of fresh) {
        const path = `${dir.replace(/\/$/, '')}/${file.name}`;
        if (file.size > this.deps.service.maxBytes) {
          // Refused for good: remembered, so it is reported once and not downloaded on every tick.
          this.deps.metrics.rejected('ftp-poll', 'PAYLOAD_TOO_LARGE');
          log.warn({ file: path, bytes: file.size }, 'polled file over the size limit; skipped');
          await this.deps.store.remember(this.pipelineId, this.key, [file], this.deps.clock());
          continue;
        }
        const { sink, bytes } = collect(this.deps.service.maxBytes);
        await client.downloadTo(sink, path);
        const url = new URL(this.shown);
        url.pathname = path;
        await this.deps.service.accept({
          pipelineId: this.pipelineId,
          transport: { kind: 'ftp-poll', path: url.toString() },
          payload: new Uint8Array(bytes()),
        });
        // Only now: a crash before this line takes the file again (at least once, never lost).
        await this.deps.store.remember(this.pipelineId, this.key, [file], this.deps.clock());
        accepted++;
      }
    } catch (err) {
      if (!(err instanceof DomainError)) this.deps.metrics.rejected('ftp-poll', 'FTP_FAILED');
      log.warn({ err }, 'ftp poll failed; next tick tries again');
    } finally {
      client.close();
    }
    return accepted;
  }
}

const toPolled = (f: FileInfo): PolledFile => ({ name: f.name, size: f.size, mtime: f.modifiedAt?.getTime() ?? 0 });
const isNew = (f: PolledFile, before: PolledFile | undefined) => !before || before.size !== f.size || before.mtime !== f.mtime;
