import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

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

/** Query parameters that may carry a credential (ingest tokens, keys). */
const SECRET_QUERY = /([?&](?:token|key|password|access_token|api_key)=)[^&]*/gi;
export const redactUrl = (url: string) => url.replace(SECRET_QUERY, '$1***');

export function createLogger(opts: { level: string; format: 'auto' | 'json' | 'pretty' }): Logger {
  const options = {
    level: opts.level,
    redact: { paths: REDACT, censor: '***' },
    serializers: {
      req: (req: { method?: string; url?: string; ip?: string }) => ({
        method: req.method,
        url: req.url && redactUrl(req.url),
        remoteAddress: req.ip,
      }),
    },
  };
  const usePretty = opts.format === 'pretty' || (opts.format === 'auto' && process.stdout.isTTY === true);
  if (!usePretty) return pino(options);
  return pino(options, pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', sync: true }));
}
