/**
 * Save-time checks of a pipeline's steps and sources: a bad step or source is a 400 naming the
 * field (`steps.1.config.fields`, `sources.0.topic`), never a failed trace later.
 */
import { isValidTopicFilter } from '../broker/broker.js';
import { DomainError, invalid } from '../shared/errors.js';
import { MASK } from '../shared/url.js';
import { isBuiltinWorker, prepareStep, type WorkerDefinition } from '../workers/workers.js';
import type { PipelineSource, PipelineStatus, PipelineStep, TraceMessages } from './pipelines.js';

/** Finds the worker a step names (ScriptService.resolve): a built-in, or a script of the org. */
export type WorkerResolver = (orgId: string, worker: string, revision?: number) => Promise<WorkerDefinition>;

/** A source as the API accepts it: every field optional, checked per kind below. */
/** A pipeline as a client sends it (create, update, the defaults every organisation starts with). */
export interface PipelineInput {
  name: string;
  description?: string | undefined;
  status?: PipelineStatus | undefined;
  steps: PipelineStep[];
  sources?: SourceInput[] | undefined;
  autoRegister?: boolean | undefined;
  deviceType?: string | null | undefined;
  traceMessages?: TraceMessages | undefined;
}

export interface SourceInput {
  kind: PipelineSource['kind'];
  topic?: string | undefined;
  exclude?: string[] | undefined;
  devicesOnly?: boolean | undefined;
  queue?: string | undefined;
  url?: string | undefined;
  intervalSeconds?: number | undefined;
  headers?: Record<string, string> | undefined;
  pattern?: string | undefined;
}

const FIELDS_BY_KIND: Record<PipelineSource['kind'], readonly string[]> = {
  mqtt: ['kind', 'topic', 'exclude', 'devicesOnly'],
  amqp: ['kind', 'queue', 'url'],
  'http-poll': ['kind', 'url', 'intervalSeconds', 'headers'],
  'ftp-poll': ['kind', 'url', 'intervalSeconds', 'pattern'],
};

export async function validateSteps(orgId: string, steps: readonly PipelineStep[], resolve: WorkerResolver) {
  const out: PipelineStep[] = [];
  for (const [i, step] of steps.entries()) {
    const at = `steps.${i}`;
    if (step.revision !== undefined && isBuiltinWorker(step.worker))
      throw invalid(`${at}.revision`, `${at}.revision: ${step.worker} is a built-in worker and has no revisions`);
    let def: WorkerDefinition;
    try {
      def = await resolve(orgId, step.worker, step.revision);
    } catch (err) {
      if (err instanceof DomainError && err.code === 'WORKER_NOT_FOUND') {
        const what = step.revision === undefined ? step.worker : `${step.worker}@${step.revision}`;
        throw invalid(`${at}.worker`, `${at}.worker: no built-in worker or script ${what}`);
      }
      throw err;
    }
    try {
      prepareStep(def, step.config ?? {});
    } catch (err) {
      if (err instanceof DomainError && err.code === 'VALIDATION_FAILED') {
        const field = `${at}.${String(err.details?.field ?? 'config')}`;
        throw invalid(field, `${at}: ${err.message}`, { worker: step.worker });
      }
      throw err;
    }
    out.push({
      worker: step.worker,
      ...(step.revision !== undefined && { revision: step.revision }),
      ...(step.config !== undefined && { config: step.config }),
    });
  }
  return out;
}

/** Checks each source and keeps only the fields of its kind. */
export function validateSources(sources: readonly SourceInput[]): PipelineSource[] {
  return sources.map((s, i) => {
    const at = `sources.${i}`;
    for (const [k, v] of Object.entries(s))
      if (v !== undefined && !FIELDS_BY_KIND[s.kind].includes(k))
        throw invalid(`${at}.${k}`, `${at}.${k}: not a field of a ${s.kind} source`);
    switch (s.kind) {
      case 'mqtt': {
        const topic = required(s.topic, `${at}.topic`);
        if (!isValidTopicFilter(topic)) throw invalid(`${at}.topic`, `${at}.topic: ${topic} is not a valid MQTT topic filter`);
        for (const [j, f] of (s.exclude ?? []).entries())
          if (!isValidTopicFilter(f))
            throw invalid(`${at}.exclude.${j}`, `${at}.exclude.${j}: ${f} is not a valid MQTT topic filter`);
        return { kind: 'mqtt', topic, ...(s.exclude && { exclude: s.exclude }), ...(s.devicesOnly && { devicesOnly: true }) };
      }
      case 'amqp': {
        const queue = required(s.queue?.trim(), `${at}.queue`);
        if (s.url !== undefined) checkUrl(s.url, `${at}.url`, ['amqp:', 'amqps:']);
        return { kind: 'amqp', queue, ...(s.url !== undefined && { url: s.url }) };
      }
      case 'http-poll': {
        const url = checkUrl(required(s.url, `${at}.url`), `${at}.url`, ['http:', 'https:']);
        const intervalSeconds = interval(s.intervalSeconds, `${at}.intervalSeconds`);
        for (const [k, v] of Object.entries(s.headers ?? {}))
          if (v === MASK)
            throw invalid(`${at}.headers.${k}`, `${at}.headers.${k}: ${MASK} keeps a stored value, and there is none`);
        return { kind: 'http-poll', url, intervalSeconds, ...(s.headers && { headers: s.headers }) };
      }
      case 'ftp-poll': {
        const url = checkUrl(required(s.url, `${at}.url`), `${at}.url`, ['ftp:', 'ftps:']);
        const intervalSeconds = interval(s.intervalSeconds, `${at}.intervalSeconds`);
        return { kind: 'ftp-poll', url, intervalSeconds, ...(s.pattern !== undefined && { pattern: s.pattern }) };
      }
    }
    throw invalid(`${at}.kind`, `${at}.kind: unknown source kind`);
  });
}

function required<T>(value: T | undefined, field: string): T {
  if (value === undefined || value === '') throw invalid(field, `${field} is required`);
  return value;
}

function interval(value: number | undefined, field: string): number {
  const v = required(value, field);
  if (!Number.isInteger(v) || v < 1) throw invalid(field, `${field} must be a whole number of seconds, at least 1`);
  return v;
}

function checkUrl(url: string, field: string, schemes: string[]): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw invalid(field, `${field} is not a URL`);
  }
  if (!schemes.includes(u.protocol))
    throw invalid(field, `${field}: the scheme must be ${schemes.map((s) => s.slice(0, -1)).join(' or ')}`);
  if (!u.hostname) throw invalid(field, `${field}: the URL has no host`);
  if (u.password && decodeURIComponent(u.password) === MASK)
    throw invalid(field, `${field}: ${MASK} keeps a stored password only for the same user and host`);
  return url;
}
