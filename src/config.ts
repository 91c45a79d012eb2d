import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { redactUrlCredentials } from './shared/url.js';

/**
 * The one place that reads process.env and the config file. Each setting is declared once
 * below: its variable, its schema, its default, whether it is secret and what it does. The
 * table drives parsing, `polder config`, and docs/configuration.md (a test keeps them equal).
 */
interface Setting<S extends z.ZodType = z.ZodType> {
  env: string;
  schema: S;
  default: z.output<S> | undefined;
  secret?: boolean;
  describe: string;
}

const port = z.coerce.number().int().min(0).max(65535);
const bool = z
  .union([z.boolean(), z.enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'])])
  .transform((v) => v === true || v === '1' || v === 'true' || v === 'yes' || v === 'on');

const days = z.coerce.number().int().min(0);

/** Fastify's trustProxy: false, true, a hop count, or proxy addresses and CIDRs (checked here, not at start-up). */
const trustProxy = z.union([z.boolean(), z.number(), z.string()]).transform((v, ctx): boolean | number | string[] => {
  if (typeof v === 'boolean') return v;
  const s = String(v).trim().toLowerCase();
  if (['', 'false', 'off', 'no'].includes(s)) return false;
  if (['true', 'on', 'yes'].includes(s)) return true;
  if (/^\d+$/.test(s)) return Number(s) === 0 ? false : Number(s);
  const list = s
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const bad = list.filter((p) => !isAddressOrCidr(p));
  if (bad.length > 0 || list.length === 0) {
    ctx.addIssue({
      code: 'custom',
      message: `true, false, a hop count, or a comma list of IP addresses/CIDRs (not ${bad.join(', ') || 'empty'})`,
    });
    return z.NEVER;
  }
  return list;
});

function isAddressOrCidr(p: string): boolean {
  const [ip, bits, ...rest] = p.split('/');
  const family = isIP(ip ?? '');
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  return /^\d+$/.test(bits) && n <= (family === 4 ? 32 : 128);
}

const setting = <S extends z.ZodType>(s: Setting<S>): Setting<S> => s;

export const SETTINGS = {
  httpPort: setting({ env: 'POLDER_HTTP_PORT', schema: port, default: 8080, describe: 'HTTP port (REST API, docs, /metrics).' }),
  httpHost: setting({
    env: 'POLDER_HTTP_HOST',
    schema: z.string().min(1),
    default: '0.0.0.0',
    describe: 'Address the HTTP server binds to.',
  }),
  mqttPort: setting({ env: 'POLDER_MQTT_PORT', schema: port, default: 1883, describe: 'TCP port of the embedded MQTT broker.' }),
  mqttUrl: setting({
    env: 'POLDER_MQTT_URL',
    schema: z.string().regex(/^(mqtts?|wss?|tcp):\/\//, 'an mqtt://, mqtts://, ws:// or wss:// URL'),
    default: undefined,
    secret: true,
    describe: 'Use this external broker instead of the embedded one (e.g. mqtt://user:pass@host:1883).',
  }),
  mqttDynsec: setting({
    env: 'POLDER_MQTT_DYNSEC',
    schema: bool,
    default: false,
    describe:
      "With POLDER_MQTT_URL: keep the broker's device accounts in step through Mosquitto's dynamic-security plugin " +
      '(the URL names a dynsec admin).',
  }),
  instanceId: setting({
    env: 'POLDER_INSTANCE_ID',
    schema: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, . _ - (at most 64)'),
    default: undefined,
    describe:
      'This process in a deployment of several: its MQTT client id on an external broker is polder-<id>, stable ' +
      'across restarts so its persistent session survives. Unset: <hostname>-<8 hex of the data directory path>.',
  }),
  mqttShareGroup: setting({
    env: 'POLDER_MQTT_SHARE_GROUP',
    schema: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, . _ - (at most 64)'),
    default: 'polder',
    describe:
      'With POLDER_MQTT_URL: Polder subscribes as $share/<group>/<filter>, so each message is taken by one process ' +
      'of the deployment. Deployments sharing a broker need different groups.',
  }),
  mqttAuthRoutes: setting({
    env: 'POLDER_MQTT_AUTH_ROUTES',
    schema: z.enum(['off', 'go-auth', 'emqx']),
    default: 'off',
    describe: 'HTTP auth routes an external broker calls: go-auth (/mqtt/go-auth/*), emqx (/mqtt/emqx/*) or off.',
  }),
  mqttAuthAllow: setting({
    env: 'POLDER_MQTT_AUTH_ALLOW',
    schema: z
      .union([z.string(), z.array(z.string())])
      .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((x) => x.trim()).filter((x) => x !== ''))
      .refine((l) => l.every((x) => /^[0-9a-fA-F.:]+(\/\d{1,3})?$/.test(x)), 'a comma-separated list of addresses or CIDRs'),
    default: [],
    describe: 'Addresses or CIDRs allowed to call the broker auth routes (comma-separated); empty: any.',
  }),
  mqttMaxPacketBytes: setting({
    env: 'POLDER_MQTT_MAX_PACKET_BYTES',
    schema: z.coerce
      .number()
      .int()
      .min(1024)
      .max(256 * 1024 * 1024),
    default: undefined,
    describe: 'Largest MQTT packet the embedded broker accepts. Unset: POLDER_UPLINK_MAX_BYTES + 64 KiB.',
  }),
  mqttRetainedMax: setting({
    env: 'POLDER_MQTT_RETAINED_MAX',
    schema: z.coerce.number().int().min(0),
    default: 1000,
    describe: 'Retained messages one organisation may keep on the embedded broker.',
  }),
  mqttRetainedMaxBytes: setting({
    env: 'POLDER_MQTT_RETAINED_MAX_BYTES',
    schema: z.coerce.number().int().min(0),
    default: 10 * 1024 * 1024,
    describe: 'Payload bytes of retained messages one organisation may keep on the embedded broker.',
  }),
  mqttPublicHost: setting({
    env: 'POLDER_MQTT_PUBLIC_HOST',
    schema: z.string().min(1),
    default: undefined,
    describe: 'MQTT broker host that /device/credentials gives devices. Unset: the host name the device called.',
  }),
  mqttPublicPort: setting({
    env: 'POLDER_MQTT_PUBLIC_PORT',
    schema: port,
    default: undefined,
    describe: 'MQTT broker port that /device/credentials gives devices. Unset: POLDER_MQTT_PORT.',
  }),
  trustProxy: setting({
    env: 'POLDER_TRUST_PROXY',
    schema: trustProxy,
    default: false,
    describe:
      'Whose X-Forwarded-For/-Host/-Proto to believe (client address for rate limits, host of links): off (default), ' +
      'true (any sender), a hop count (e.g. 1: the nearest proxy), or a comma list of proxy addresses/CIDRs.',
  }),
  provisioningRateLimit: setting({
    env: 'POLDER_PROVISIONING_RATE_LIMIT',
    schema: z.coerce.number().int().min(1),
    default: 30,
    describe: 'Requests per minute per client address on /device/credentials and /device/config.',
  }),
  dataDir: setting({
    env: 'POLDER_DATA_DIR',
    schema: z.string().min(1),
    default: './data',
    describe: 'Directory for the SQLite database and other local state.',
  }),
  databaseUrl: setting({
    env: 'POLDER_DATABASE_URL',
    schema: z.string().regex(/^(postgres|postgresql|sqlite):/, 'postgres://… or sqlite:<file>'),
    default: undefined,
    secret: true,
    describe: 'Unset: SQLite in the data directory. postgres://user@host/db: PostgreSQL 15+.',
  }),
  adminToken: setting({
    env: 'POLDER_ADMIN_TOKEN',
    schema: z.string().min(16, 'at least 16 characters'),
    default: undefined,
    secret: true,
    describe: 'Becomes an admin API key of the default organisation. Unset: an admin password is generated and printed once.',
  }),
  demo: setting({
    env: 'POLDER_DEMO',
    schema: bool,
    default: true,
    describe: 'Run a small simulated fleet so there is data to see (set 0 in production).',
  }),
  mapTiles: setting({
    env: 'POLDER_MAP_TILES',
    schema: z.string().regex(/^(off|https?:\/\/.+)$/, 'an http(s) tile URL template or off'),
    default: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png',
    describe: "Map tiles of the dashboard's map ({z}/{x}/{y} URL template); off: markers on a plain background.",
  }),
  fleetSweepSeconds: setting({
    env: 'POLDER_FLEET_SWEEP_SECONDS',
    schema: z.coerce.number().positive().max(86400),
    default: 30,
    describe: 'How often devices silent for longer than their offlineAfter are marked offline (seconds).',
  }),
  scriptTimeoutMs: setting({
    env: 'POLDER_SCRIPT_TIMEOUT_MS',
    schema: z.coerce.number().int().min(1).max(60_000),
    default: 100,
    describe: 'Time limit of one user-script call (decodeUplink or process), in milliseconds.',
  }),
  scriptMemoryMb: setting({
    env: 'POLDER_SCRIPT_MEMORY_MB',
    schema: z.coerce.number().int().min(8).max(4096),
    default: 32,
    describe: 'Memory limit of each user-script sandbox (isolate), in MB.',
  }),
  amqpUrl: setting({
    env: 'POLDER_AMQP_URL',
    schema: z.string().regex(/^amqps?:\/\//, 'an amqp:// or amqps:// URL'),
    secret: true,
    default: undefined,
    describe:
      'RabbitMQ URL (amqp://…). Set: the inbox is a RabbitMQ quorum queue with publisher confirms. Unset: an inbox table in the database.',
  }),
  amqpQueue: setting({
    env: 'POLDER_AMQP_QUEUE',
    schema: z.string().min(1).max(200),
    default: 'polder.inbox',
    describe: 'With POLDER_AMQP_URL: the quorum queue of the inbox (its retry queue is <name>.retry).',
  }),
  uplinkMaxBytes: setting({
    env: 'POLDER_UPLINK_MAX_BYTES',
    schema: z.coerce
      .number()
      .int()
      .min(1024)
      .max(64 * 1024 * 1024),
    default: 1024 * 1024,
    describe: 'Largest uplink accepted (HTTP body, MQTT payload, polled file); larger ones get 413.',
  }),
  inboxBatchSize: setting({
    env: 'POLDER_INBOX_BATCH_SIZE',
    schema: z.coerce.number().int().min(1).max(10_000),
    default: 500,
    describe: 'Messages the pipeline takes from the inbox at once (one database transaction per batch).',
  }),
  inboxMaxAttempts: setting({
    env: 'POLDER_INBOX_MAX_ATTEMPTS',
    schema: z.coerce.number().int().min(1).max(100),
    default: 5,
    describe: 'Deliveries of a message whose failure may pass (timeouts, database errors) before it becomes a dead letter.',
  }),
  traceRetentionDays: setting({
    env: 'POLDER_TRACE_RETENTION_DAYS',
    schema: days,
    default: 7,
    describe: 'Days traces and their raw payloads are kept (0: forever). Dead letters are kept until replayed or this long.',
  }),
  smtpUrl: setting({
    env: 'POLDER_SMTP_URL',
    schema: z.string().regex(/^smtps?:\/\//, 'an smtp:// or smtps:// URL'),
    default: undefined,
    secret: true,
    describe: "SMTP server for rules' e-mail actions (smtp://user:pass@host:587). Unset: e-mail actions fail (logged).",
  }),
  smtpFrom: setting({
    env: 'POLDER_SMTP_FROM',
    schema: z.string().min(3),
    default: 'polder@localhost',
    describe: 'Sender address of alert e-mails.',
  }),
  logLevel: setting({
    env: 'POLDER_LOG_LEVEL',
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    default: 'info',
    describe: 'Log level.',
  }),
  logFormat: setting({
    env: 'POLDER_LOG_FORMAT',
    schema: z.enum(['auto', 'json', 'pretty']),
    default: 'auto',
    describe: 'json, pretty, or auto (pretty in a terminal, JSON otherwise).',
  }),
  retentionIntervalSeconds: setting({
    env: 'POLDER_RETENTION_INTERVAL_SECONDS',
    schema: z.coerce.number().int().min(1),
    default: 3600,
    describe: 'How often expired measurements and rollups are removed.',
  }),
  rollupRetention1mDays: setting({
    env: 'POLDER_ROLLUP_RETENTION_1M_DAYS',
    schema: days,
    default: 90,
    describe: 'Days 1-minute rollups are kept (0: forever).',
  }),
  rollupRetention1hDays: setting({
    env: 'POLDER_ROLLUP_RETENTION_1H_DAYS',
    schema: days,
    default: 1095,
    describe: 'Days 1-hour rollups are kept (0: forever).',
  }),
  rollupRetention1dDays: setting({
    env: 'POLDER_ROLLUP_RETENTION_1D_DAYS',
    schema: days,
    default: 0,
    describe: 'Days 1-day rollups are kept (0: forever).',
  }),
} as const;

type Settings = typeof SETTINGS;
type Defined<K extends keyof Settings> = Settings[K]['default'] extends undefined
  ? z.output<Settings[K]['schema']> | undefined
  : z.output<Settings[K]['schema']>;
export type Config = { -readonly [K in keyof Settings]: Defined<K> };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads an optional JSON config file whose keys are the setting names (httpPort …) or variables (POLDER_HTTP_PORT …). */
function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([`config file ${file}: ${(err as Error).message}`]);
  }
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new ConfigError([`config file ${file} is not valid JSON: ${(err as Error).message}`]);
  }
}

/**
 * Builds the config from the environment (which wins) and an optional file named by
 * `POLDER_CONFIG` or `configFile`. Every problem is reported at once, naming the variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, configFile = env.POLDER_CONFIG): Config {
  const file = configFile ? readConfigFile(configFile) : {};
  const known = new Set(Object.entries(SETTINGS).flatMap(([k, s]) => [k, s.env]));
  const problems: string[] = Object.keys(file)
    .filter((k) => !known.has(k))
    .map((k) => `${configFile}: unknown setting "${k}"`);
  const out: Record<string, unknown> = {};
  for (const [key, s] of Object.entries(SETTINGS) as [string, Setting][]) {
    const fromEnv = env[s.env];
    const raw = fromEnv !== undefined && fromEnv !== '' ? fromEnv : (file[key] ?? file[s.env]);
    if (raw === undefined) {
      out[key] = s.default;
      continue;
    }
    const parsed = s.schema.safeParse(raw);
    if (parsed.success) out[key] = parsed.data;
    else {
      const shown = s.secret ? '(hidden)' : JSON.stringify(raw);
      problems.push(`${s.env}=${shown}: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
    }
  }
  if (out.mqttDynsec === true && out.mqttUrl === undefined)
    problems.push('POLDER_MQTT_DYNSEC=1 needs POLDER_MQTT_URL: the external broker whose accounts Polder keeps in step');
  if (problems.length > 0) throw new ConfigError(problems);
  const config = out as Config;
  config.dataDir = path.resolve(config.dataDir);
  config.instanceId ??= `${os.hostname()}-${createHash('sha256').update(config.dataDir).digest('hex').slice(0, 8)}`;
  return config;
}

/** The effective config for display, secrets masked (userinfo of URLs included). */
export function describeConfig(config: Config): { env: string; value: string; describe: string }[] {
  return (Object.entries(SETTINGS) as [keyof Config, Setting][]).map(([key, s]) => {
    const v = config[key];
    let value = v === undefined ? '(unset)' : String(v);
    if (s.secret && v !== undefined) value = maskSecret(String(v));
    return { env: s.env, value, describe: s.describe };
  });
}

/** A URL keeps its host and path (credentials masked, see redactUrlCredentials); any other secret is hidden whole. */
function maskSecret(v: string): string {
  if (/^(postgres|postgresql|sqlite|mqtts?|wss?|tcp|amqps?):/i.test(v)) return redactUrlCredentials(v);
  return '********';
}
