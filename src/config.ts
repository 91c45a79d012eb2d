import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { type StaticDecode, type TLiteral, type TSchema, type TUnion, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { redactUrlCredentials } from './shared/url.js';

/**
 * The one place that reads process.env and the config file. Each setting is declared once
 * below: its variable, its TypeBox schema, its default, whether it is secret and what it does.
 * The table drives parsing, `polder config`, and docs/configuration.md (a test keeps them equal).
 * A schema's `errorMessage` says what is allowed when a value breaks it; without one the
 * message is made from the schema (`one of …`, `an integer from 0 to 65535`).
 */
interface AnySetting {
  env: string;
  schema: TSchema;
  default: unknown;
  secret?: boolean;
  describe: string;
}
interface Setting<S extends TSchema> extends AnySetting {
  schema: S;
  default: StaticDecode<S> | undefined;
}

const port = Type.Integer({ minimum: 0, maximum: 65535 });
const int = (minimum: number, maximum?: number) => Type.Integer({ minimum, ...(maximum !== undefined && { maximum }) });
const days = int(0);
const text = (minLength: number, maxLength?: number) => Type.String({ minLength, ...(maxLength !== undefined && { maxLength }) });
const matching = (re: RegExp, errorMessage: string) => Type.String({ pattern: re.source, errorMessage });
const oneOf = <const T extends string[]>(...values: T) =>
  Type.Union(values.map((v) => Type.Literal(v))) as unknown as TUnion<{ [K in keyof T]: TLiteral<T[K]> }>;

const TRUE_WORDS = ['1', 'true', 'yes', 'on'];
const bool = Type.Transform(
  Type.Union([Type.Boolean(), ...[...TRUE_WORDS, '0', 'false', 'no', 'off'].map((w) => Type.Literal(w))], {
    errorMessage: 'true or false (1/0, yes/no, on/off)',
  }),
)
  .Decode((v): boolean => v === true || (typeof v === 'string' && TRUE_WORDS.includes(v)))
  .Encode((v) => v);

/** Fastify's trustProxy: false, true, a hop count, or proxy addresses and CIDRs (checked here, not at start-up). */
const trustProxy = Type.Transform(Type.Union([Type.Boolean(), Type.Number(), Type.String()]))
  .Decode((v): boolean | number | string[] => {
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
    if (bad.length > 0 || list.length === 0)
      throw new Error(`true, false, a hop count, or a comma list of IP addresses/CIDRs (not ${bad.join(', ') || 'empty'})`);
    return list;
  })
  .Encode((v) => (Array.isArray(v) ? v.join(',') : v));

/** A comma-separated string (from the environment) or a list (from the file) of addresses or CIDRs. */
const addressList = Type.Transform(Type.Union([Type.String(), Type.Array(Type.String())]))
  .Decode((v): string[] => {
    const list = (Array.isArray(v) ? v : v.split(',')).map((x) => x.trim()).filter((x) => x !== '');
    if (!list.every((x) => /^[0-9a-fA-F.:]+(\/\d{1,3})?$/.test(x)))
      throw new Error('a comma-separated list of addresses or CIDRs');
    return list;
  })
  .Encode((v) => v);

/**
 * A raw value (a string from the environment, any JSON value from the file) checked and
 * decoded by its schema. Numbers are read from strings as `Number()` does; anything else is
 * left to the schema.
 */
function parseSetting(schema: TSchema, raw: unknown): { value: unknown } | { problem: string } {
  const numeric = schema.type === 'integer' || schema.type === 'number';
  const value = numeric && typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (!Value.Check(schema, value)) return { problem: expectation(schema) };
  try {
    return { value: Value.Decode(schema, value) };
  } catch (err) {
    return { problem: (err as Error).message };
  }
}

/** What a schema allows, in words: its `errorMessage`, or `one of a, b`, `an integer from 0 to 65535` … */
function expectation(schema: TSchema): string {
  if (typeof schema.errorMessage === 'string') return schema.errorMessage;
  const options = (schema.anyOf ?? []) as TSchema[];
  if (options.length > 0 && options.every((o) => o.const !== undefined))
    return `one of ${options.map((o) => String(o.const)).join(', ')}`;
  if (schema.type === 'integer' || schema.type === 'number') {
    const what = schema.type === 'integer' ? 'an integer' : 'a number';
    const { minimum: min, maximum: max, exclusiveMinimum: above } = schema as Record<string, number | undefined>;
    if (min !== undefined && max !== undefined) return `${what} from ${min} to ${max}`;
    const bounds = [above !== undefined && `> ${above}`, min !== undefined && `>= ${min}`, max !== undefined && `<= ${max}`];
    return [what, bounds.filter(Boolean).join(' and ')].filter(Boolean).join(' ');
  }
  if (schema.type === 'string') {
    const { minLength: min, maxLength: max } = schema as Record<string, number | undefined>;
    if (max !== undefined) return `a string of ${min ?? 0} to ${max} characters`;
    if (min !== undefined) return `a string of at least ${min} character${min === 1 ? '' : 's'}`;
    return 'a string';
  }
  return 'a valid value';
}

function isAddressOrCidr(p: string): boolean {
  const [ip, bits, ...rest] = p.split('/');
  const family = isIP(ip ?? '');
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  return /^\d+$/.test(bits) && n <= (family === 4 ? 32 : 128);
}

const setting = <S extends TSchema>(s: Setting<S>): Setting<S> => s;

export const SETTINGS = {
  httpPort: setting({ env: 'POLDER_HTTP_PORT', schema: port, default: 8080, describe: 'HTTP port (REST API, docs, /metrics).' }),
  httpHost: setting({
    env: 'POLDER_HTTP_HOST',
    schema: text(1),
    default: '0.0.0.0',
    describe: 'Address the HTTP server binds to.',
  }),
  mqttPort: setting({ env: 'POLDER_MQTT_PORT', schema: port, default: 1883, describe: 'TCP port of the embedded MQTT broker.' }),
  mqttUrl: setting({
    env: 'POLDER_MQTT_URL',
    schema: matching(/^(mqtts?|wss?|tcp):\/\//, 'an mqtt://, mqtts://, ws:// or wss:// URL'),
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
    schema: matching(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, . _ - (at most 64)'),
    default: undefined,
    describe:
      'This process in a deployment of several: its MQTT client id on an external broker is polder-<id>, stable ' +
      'across restarts so its persistent session survives. Unset: <hostname>-<8 hex of the data directory path>.',
  }),
  mqttShareGroup: setting({
    env: 'POLDER_MQTT_SHARE_GROUP',
    schema: matching(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, . _ - (at most 64)'),
    default: 'polder',
    describe:
      'With POLDER_MQTT_URL: Polder subscribes as $share/<group>/<filter>, so each message is taken by one process ' +
      'of the deployment. Deployments sharing a broker need different groups.',
  }),
  mqttAuthRoutes: setting({
    env: 'POLDER_MQTT_AUTH_ROUTES',
    schema: oneOf('off', 'go-auth', 'emqx'),
    default: 'off',
    describe: 'HTTP auth routes an external broker calls: go-auth (/mqtt/go-auth/*), emqx (/mqtt/emqx/*) or off.',
  }),
  mqttAuthAllow: setting({
    env: 'POLDER_MQTT_AUTH_ALLOW',
    schema: addressList,
    default: [],
    describe: 'Addresses or CIDRs allowed to call the broker auth routes (comma-separated); empty: any.',
  }),
  mqttMaxPacketBytes: setting({
    env: 'POLDER_MQTT_MAX_PACKET_BYTES',
    schema: int(1024, 256 * 1024 * 1024),
    default: undefined,
    describe: 'Largest MQTT packet the embedded broker accepts. Unset: POLDER_UPLINK_MAX_BYTES + 64 KiB.',
  }),
  mqttRetainedMax: setting({
    env: 'POLDER_MQTT_RETAINED_MAX',
    schema: int(0),
    default: 1000,
    describe: 'Retained messages one organisation may keep on the embedded broker.',
  }),
  mqttRetainedMaxBytes: setting({
    env: 'POLDER_MQTT_RETAINED_MAX_BYTES',
    schema: int(0),
    default: 10 * 1024 * 1024,
    describe: 'Payload bytes of retained messages one organisation may keep on the embedded broker.',
  }),
  mqttPublicHost: setting({
    env: 'POLDER_MQTT_PUBLIC_HOST',
    schema: text(1),
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
    schema: int(1),
    default: 30,
    describe: 'Requests per minute per client address on /device/credentials and /device/config.',
  }),
  dataDir: setting({
    env: 'POLDER_DATA_DIR',
    schema: text(1),
    default: './data',
    describe: 'Directory for the SQLite database and other local state.',
  }),
  databaseUrl: setting({
    env: 'POLDER_DATABASE_URL',
    schema: matching(/^(postgres|postgresql|sqlite):/, 'postgres://… or sqlite:<file>'),
    default: undefined,
    secret: true,
    describe: 'Unset: SQLite in the data directory. postgres://user@host/db: PostgreSQL 15+.',
  }),
  adminToken: setting({
    env: 'POLDER_ADMIN_TOKEN',
    schema: text(16),
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
    schema: matching(/^(off|https?:\/\/.+)$/, 'an http(s) tile URL template or off'),
    default: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png',
    describe: "Map tiles of the dashboard's map ({z}/{x}/{y} URL template); off: markers on a plain background.",
  }),
  fleetSweepSeconds: setting({
    env: 'POLDER_FLEET_SWEEP_SECONDS',
    schema: Type.Number({ exclusiveMinimum: 0, maximum: 86400 }),
    default: 30,
    describe: 'How often devices silent for longer than their offlineAfter are marked offline (seconds).',
  }),
  scriptTimeoutMs: setting({
    env: 'POLDER_SCRIPT_TIMEOUT_MS',
    schema: int(1, 60_000),
    default: 100,
    describe: 'Time limit of one user-script call (decodeUplink or process), in milliseconds.',
  }),
  scriptMemoryMb: setting({
    env: 'POLDER_SCRIPT_MEMORY_MB',
    schema: int(8, 4096),
    default: 32,
    describe: 'Memory limit of each user-script sandbox (isolate), in MB.',
  }),
  amqpUrl: setting({
    env: 'POLDER_AMQP_URL',
    schema: matching(/^amqps?:\/\//, 'an amqp:// or amqps:// URL'),
    secret: true,
    default: undefined,
    describe:
      'RabbitMQ URL (amqp://…). Set: the inbox is a RabbitMQ quorum queue with publisher confirms. Unset: an inbox table in the database.',
  }),
  amqpQueue: setting({
    env: 'POLDER_AMQP_QUEUE',
    schema: text(1, 200),
    default: 'polder.inbox',
    describe: 'With POLDER_AMQP_URL: the quorum queue of the inbox (its retry queue is <name>.retry).',
  }),
  uplinkMaxBytes: setting({
    env: 'POLDER_UPLINK_MAX_BYTES',
    schema: int(1024, 64 * 1024 * 1024),
    default: 1024 * 1024,
    describe: 'Largest uplink accepted (HTTP body, MQTT payload, polled file); larger ones get 413.',
  }),
  inboxBatchSize: setting({
    env: 'POLDER_INBOX_BATCH_SIZE',
    schema: int(1, 10_000),
    default: 500,
    describe: 'Messages the pipeline takes from the inbox at once (one database transaction per batch).',
  }),
  inboxMaxAttempts: setting({
    env: 'POLDER_INBOX_MAX_ATTEMPTS',
    schema: int(1, 100),
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
    schema: matching(/^smtps?:\/\//, 'an smtp:// or smtps:// URL'),
    default: undefined,
    secret: true,
    describe: "SMTP server for rules' e-mail actions (smtp://user:pass@host:587). Unset: e-mail actions fail (logged).",
  }),
  smtpFrom: setting({
    env: 'POLDER_SMTP_FROM',
    schema: text(3),
    default: 'polder@localhost',
    describe: 'Sender address of alert e-mails.',
  }),
  logLevel: setting({
    env: 'POLDER_LOG_LEVEL',
    schema: oneOf('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'),
    default: 'info',
    describe: 'Log level.',
  }),
  logFormat: setting({
    env: 'POLDER_LOG_FORMAT',
    schema: oneOf('auto', 'json', 'pretty'),
    default: 'auto',
    describe: 'json, pretty, or auto (pretty in a terminal, JSON otherwise).',
  }),
  retentionIntervalSeconds: setting({
    env: 'POLDER_RETENTION_INTERVAL_SECONDS',
    schema: int(1),
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
  ? StaticDecode<Settings[K]['schema']> | undefined
  : StaticDecode<Settings[K]['schema']>;
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
  for (const [key, s] of Object.entries(SETTINGS) as [string, AnySetting][]) {
    const fromEnv = env[s.env];
    const raw = fromEnv !== undefined && fromEnv !== '' ? fromEnv : (file[key] ?? file[s.env]);
    if (raw === undefined) {
      out[key] = s.default;
      continue;
    }
    const parsed = parseSetting(s.schema, raw);
    if ('value' in parsed) out[key] = parsed.value;
    else {
      const shown = s.secret ? '(hidden)' : JSON.stringify(raw);
      problems.push(`${s.env}=${shown}: ${parsed.problem}`);
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
  return (Object.entries(SETTINGS) as [keyof Config, AnySetting][]).map(([key, s]) => {
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
