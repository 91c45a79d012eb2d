/**
 * `{kind:'http-poll'}`: GET a URL; a 2xx body becomes one uplink (legacy systems that only
 * answer requests). A failure is logged and counted; the next tick tries again.
 */
import { DomainError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { IngestService } from './ingest.service.js';
import type { IngestMetrics } from './ingest-metrics.js';
import { withoutCredentials } from './poll-url.js';

export interface HttpPollSpec {
  url: string;
  headers?: Record<string, string> | undefined;
}

export interface HttpPollerDeps {
  service: IngestService;
  metrics: IngestMetrics;
  logger: Logger;
  /** Per request (default 30 s). */
  timeoutMs?: number;
}

export class HttpPoller {
  private readonly path: string;
  private readonly request: { url: string; headers: Record<string, string> };

  constructor(
    private readonly deps: HttpPollerDeps,
    private readonly pipelineId: string,
    spec: HttpPollSpec,
  ) {
    this.path = withoutCredentials(spec.url);
    // fetch refuses URLs with credentials: user:password@ becomes Basic auth.
    const u = new URL(spec.url);
    const headers: Record<string, string> = { ...(spec.headers ?? {}) };
    if (u.username && !Object.keys(headers).some((h) => h.toLowerCase() === 'authorization')) {
      const basic = `${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`;
      headers.authorization = `Basic ${Buffer.from(basic).toString('base64')}`;
    }
    this.request = { url: this.path, headers };
  }

  /** One poll; never throws (the scheduler just waits for the next tick). Returns the trace id, if any. */
  async run(): Promise<string | undefined> {
    const log = this.deps.logger.child({ pipelineId: this.pipelineId, url: this.path });
    try {
      const res = await fetch(this.request.url, {
        headers: this.request.headers,
        signal: AbortSignal.timeout(this.deps.timeoutMs ?? 30_000),
      });
      if (!res.ok) {
        await res.body?.cancel();
        this.deps.metrics.rejected('http-poll', `HTTP_${res.status}`);
        log.warn({ status: res.status }, 'http poll answered an error');
        return undefined;
      }
      const length = Number(res.headers.get('content-length') ?? '0');
      if (length > this.deps.service.maxBytes) {
        await res.body?.cancel();
        this.deps.metrics.rejected('http-poll', 'PAYLOAD_TOO_LARGE');
        log.warn({ bytes: length }, 'http poll body over the size limit');
        return undefined;
      }
      const body = new Uint8Array(await res.arrayBuffer());
      const contentType = res.headers.get('content-type') ?? undefined;
      return await this.deps.service.accept({
        pipelineId: this.pipelineId,
        transport: { kind: 'http-poll', path: this.path, ...(contentType && { contentType }) },
        payload: body,
      });
    } catch (err) {
      // The service counts its own refusals; count network failures here.
      if (!(err instanceof DomainError)) this.deps.metrics.rejected('http-poll', 'FETCH_FAILED');
      log.warn({ err }, 'http poll failed; next tick tries again');
      return undefined;
    }
  }
}
