import { createRequire } from 'node:module';
import pino, { type Logger } from 'pino';
import { redactQuerySecrets } from './url.js';

export type { Logger };

/** Secrets never reach a log line: these paths are censored wherever they appear. */
const REDACT = [
  'password',
  '*.password',
  'secret',
  '*.secret',
  'token',
  '*.token',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
  'config.adminToken',
  'config.databaseUrl',
  'config.mqttUrl',
];

export function createLogger(opts: { level: string; format: 'auto' | 'json' | 'pretty' }): Logger {
  const options = {
    level: opts.level,
    redact: { paths: REDACT, censor: '***' },
    serializers: {
      req: (req: { method?: string; url?: string; ip?: string }) => ({
        method: req.method,
        url: req.url && redactQuerySecrets(req.url),
        remoteAddress: req.ip,
      }),
    },
  };
  const usePretty = opts.format === 'pretty' || (opts.format === 'auto' && process.stdout.isTTY === true);
  if (!usePretty || !prettyInstalled()) return pino(options);
  // A transport: pino-pretty formats on its own thread, and an image without it logs JSON.
  return pino({
    ...options,
    transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } },
  });
}

/** pino-pretty is an optional dependency (`npm ci --omit=optional` or a slim image may lack it). */
function prettyInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}
