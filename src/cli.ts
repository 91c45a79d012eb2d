import { Command, InvalidArgumentError, Option } from 'commander';
import { type Config, ConfigError, describeConfig, loadConfig } from './config.js';
import { migrateToLatest, openDatabase } from './db/database.js';
import { createPolder } from './main.js';
import { EXPORT_COLUMNS, EXPORT_FORMATS, type ExportColumns, type ExportFormat } from './measurements/measurement-export.js';
import { AGGS, type Agg, INTERVAL_NAMES, type IntervalName } from './measurements/measurement-query.js';
import { exportCommand, retentionCommand } from './measurements/measurements.cli.js';
import { ROLE_NAMES, ROLES, type Role } from './roles/roles.js';
import { DomainError } from './shared/errors.js';
import { HeapGrowth, heapGrowingPercentOf, pretenuringOff } from './shared/heap-growth.js';
import { httpFleetAdmin } from './simulate/neocampus/fleet-admin.js';
import { runNeocampusSimulation } from './simulate/neocampus/simulator.js';
import { addTrafficCommand } from './simulate/traffic/traffic.cli.js';
import { createKeyCommand, resetPasswordCommand } from './tenancy/tenancy.cli.js';
import { ALL_SCOPES } from './tenancy/tenancy.js';
import { version } from './version.js';

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a whole number of at least 1');
  return n;
}

/** Loads the config or stops with a message naming each bad variable (exit code 2). */
function configFrom(opts: { config?: string }): Config {
  try {
    return loadConfig(process.env, opts.config ?? process.env.POLDER_CONFIG);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`polder: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}

async function runRole(role: Role, opts: { config?: string }) {
  const config = configFrom(opts);
  // Before the composition allocates (src/shared/heap-growth.ts).
  const turnedOff = pretenuringOff(process.execArgv);
  // Printed the moment the admin user is stored: if the start fails later (a port taken …), it is not lost.
  const polder = await createPolder(config, {
    role,
    onAdminPassword: (password) =>
      process.stdout.write(
        `\nAdmin user "admin" created, password "${password}"\n` +
          '(shown once: it is stored hashed; sign in with POST /api/auth/login; lost: polder admin reset-password)\n',
      ),
  });
  if (turnedOff) polder.logger.debug('V8 allocation-site pretenuring off');
  let httpUrl: string;
  try {
    ({ httpUrl } = await polder.start());
  } catch (err) {
    process.stderr.write(`polder: cannot start: ${(err as Error).message}\n`);
    await polder.stop().catch(() => {});
    process.exit(1);
  }
  const host = new URL(httpUrl).hostname;
  const parts = ROLES[role].parts;
  const mqttLine = config.mqttUrl
    ? `  MQTT       external broker ${new URL(config.mqttUrl).host}`
    : parts.includes('ingest')
      ? `  MQTT       mqtt://${host}:${config.mqttPort}  (WebSocket: ${httpUrl.replace(/^http/, 'ws')}/mqtt)`
      : '  MQTT       none (the embedded broker runs in the ingest role)';
  const lines = [
    '',
    role === 'serve' ? `Polder ${version} is running.` : `Polder ${version} is running as ${role}.`,
    ...(parts.includes('api')
      ? [`  API        ${httpUrl}/api  (docs: ${httpUrl}/api/docs, OpenAPI: ${httpUrl}/api/openapi.json)`]
      : [`  HTTP       ${httpUrl}: ${ROLES[role].http}`]),
    `  Health     ${httpUrl}/healthz   Metrics ${httpUrl}/metrics`,
    mqttLine,
    `  Database   ${polder.database.dialect} ${polder.database.location}`,
  ];
  if (config.adminToken) lines.push('  Admin      use POLDER_ADMIN_TOKEN as: Authorization: Bearer <token>');
  if (polder.bootstrap.adminPassword) lines.push('  Admin      user "admin", password printed above (shown once)');
  process.stdout.write(`${lines.join('\n')}\n\n`);
  // The old generation may grow further while uplinks stream in (src/shared/heap-growth.ts).
  const heapGrowth = new HeapGrowth({
    uplinks: () => polder.ingest.received(),
    restPercent: heapGrowingPercentOf(process.execArgv),
    onChange: (change) => polder.logger.info(change, 'heap growing percent set'),
  });
  heapGrowth.start();
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    polder.logger.info({ signal }, 'shutting down');
    heapGrowth.stop();
    await polder.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

/** A command that failed on bad input: its message, no stack, exit code 1. */
function fail(err: unknown): never {
  if (!(err instanceof DomainError)) throw err;
  const field = typeof err.details?.field === 'string' ? ` (${err.details.field})` : '';
  process.stderr.write(`polder: ${err.message}${field}\n`);
  process.exit(1);
}

export function buildCli(): Command {
  const program = new Command('polder')
    .description('Polder: receive, process, store and publish sensor data, and manage the devices that produce it.')
    .option('-c, --config <file>', 'JSON config file (environment variables win over it)')
    .version(version, '-V, --version', 'print the version')
    .showHelpAfterError();

  for (const role of ROLE_NAMES) {
    const spec = ROLES[role];
    program
      .command(role)
      .description(spec.summary)
      .addHelpText(
        'after',
        `\nHTTP (POLDER_HTTP_PORT): ${spec.http}.\n` +
          (role === 'serve'
            ? ''
            : 'Roles apart share one PostgreSQL database (POLDER_DATABASE_URL) and, for MQTT, one external broker\n' +
              '(POLDER_MQTT_URL); give each process its own POLDER_INSTANCE_ID. See docs/architecture.md, "Roles".\n'),
      )
      .action(() => runRole(role, program.opts()));
  }

  program
    .command('migrate')
    .description('bring the database schema to the latest version, then exit')
    .action(async () => {
      const config = configFrom(program.opts());
      const database = openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
      const applied = await migrateToLatest(database);
      await database.close();
      process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n');
    });

  program
    .command('config')
    .description('print the effective configuration (secrets masked) and exit')
    .action(() => {
      const rows = describeConfig(configFrom(program.opts()));
      const width = Math.max(...rows.map((r) => r.env.length));
      for (const r of rows) process.stdout.write(`${r.env.padEnd(width)}  ${r.value}\n`);
    });

  const simulate = program
    .command('simulate')
    .description('run simulated devices against a Polder: uplink traffic (the default) or a neOCampus fleet');
  addTrafficCommand(simulate);
  simulate
    .command('neocampus')
    .description(
      'N neOCampus boards: created through the API if missing, each provisions itself over HTTP like the firmware, ' +
        'connects over MQTT, publishes data and status, and obeys orders',
    )
    .option('-n, --devices <n>', 'how many boards', positiveInt, 10)
    .option('--url <url>', 'Polder HTTP base URL', 'http://localhost:8080')
    .addOption(
      new Option('--token <key>', 'API key with devices:write and admin:write (creates devices, resets credentials)').env(
        'POLDER_ADMIN_TOKEN',
      ),
    )
    .option('--interval <s>', 'seconds between data publications', positiveInt, 60)
    .option('--status-every <s>', 'seconds between status publications on <base>/device', positiveInt, 300)
    .option('--qos <0|1>', 'QoS of publications', (v) => (v === '1' ? 1 : 0), 0)
    .option('--prefix <p>', 'device codes <p>00001…, buildings <p>b1…', 'sim-')
    .option('--offline-after <s>', "devices' offlineAfter in seconds", positiveInt)
    .option('--mqtt-url <url>', 'connect here instead of the broker /device/credentials names')
    .action(async (o) => {
      if (!o.token) {
        process.stderr.write('polder simulate: give an API key with --token or POLDER_ADMIN_TOKEN\n');
        process.exit(2);
      }
      const started = Date.now();
      const sim = await runNeocampusSimulation({
        devices: o.devices,
        baseUrl: o.url,
        admin: httpFleetAdmin(o.url, o.token),
        intervalS: o.interval,
        statusEveryS: o.statusEvery,
        qos: o.qos,
        prefix: o.prefix,
        offlineAfter: o.offlineAfter,
        mqttUrl: o.mqttUrl,
      });
      const line = () => {
        const s = sim.stats();
        return `${s.connected}/${s.devices} connected, ${s.published} messages, ${s.orders} orders, ${s.errors} errors${s.lastError ? ` (last: ${s.lastError})` : ''}`;
      };
      process.stdout.write(`booted in ${((Date.now() - started) / 1000).toFixed(1)} s: ${line()}\n`);
      const timer = setInterval(() => process.stdout.write(`${line()}\n`), 10_000);
      const stop = async () => {
        clearInterval(timer);
        await sim.stop();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
    });

  program
    .command('export')
    .description('stream measurements as CSV or NDJSON (the filters of GET /api/measurements), with progress on stderr')
    .option('--org <org>', 'organisation slug or id', 'default')
    .option('--datastream <ids...>', 'datastream ids (several, or comma-separated)')
    .option('--device <device>', 'device id or code')
    .option('--sensor <id>', 'sensor id')
    .option('--observed-property <name>', 'only datastreams of this observed property')
    .option('--start <time>', 'RFC 3339, inclusive')
    .option('--end <time>', 'RFC 3339, exclusive')
    .addOption(new Option('--order <order>', 'time order').choices(['asc', 'desc']).default('asc'))
    .addOption(new Option('--interval <interval>', 'aggregate into buckets').choices([...INTERVAL_NAMES, 'auto']))
    .addOption(new Option('--agg <agg>', 'aggregation of each bucket').choices([...AGGS]))
    .addOption(new Option('--format <format>', 'output format').choices([...EXPORT_FORMATS]).default('csv'))
    .addOption(
      new Option('--columns <columns>', 'full: device, sensor, property, unit per row; minimal: datastream id only')
        .choices([...EXPORT_COLUMNS])
        .default('full'),
    )
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .action(async (o: Record<string, string | string[] | undefined>) => {
      const config = configFrom(program.opts());
      await exportCommand(config, {
        org: o.org as string,
        datastream: o.datastream as string[] | undefined,
        device: o.device as string | undefined,
        sensor: o.sensor as string | undefined,
        observedProperty: o.observedProperty as string | undefined,
        start: o.start as string | undefined,
        end: o.end as string | undefined,
        order: o.order as 'asc' | 'desc',
        interval: o.interval as IntervalName | 'auto' | undefined,
        agg: o.agg as Agg | undefined,
        format: o.format as ExportFormat,
        columns: o.columns as ExportColumns,
        output: o.output as string | undefined,
      }).catch(fail);
    });

  program
    .command('retention')
    .description('remove expired measurements and rollups now (the scheduler does it every POLDER_RETENTION_INTERVAL_SECONDS)')
    .option('--dry-run', 'only count and print what would be removed')
    .action(async (o: { dryRun?: boolean }) => {
      await retentionCommand(configFrom(program.opts()), { dryRun: o.dryRun === true }).catch(fail);
    });

  const admin = program.command('admin').description('operator commands on the local data (the configured database)');
  admin
    .command('reset-password')
    .description('give a user a new generated password, printed once (e.g. the admin password was lost)')
    .option('--user <name>', 'username', 'admin')
    .option('--org <org>', 'organisation slug or id the user belongs to', 'default')
    .action(async (o: { user: string; org: string }) => {
      await resetPasswordCommand(configFrom(program.opts()), o).catch(fail);
    });

  const keys = program.command('keys').description('API keys, on the local data (the configured database)');
  keys
    .command('create')
    .description('create an API key and print its secret once (stdout, alone: KEY=$(polder keys create …))')
    .requiredOption('--scopes <scopes>', `comma-separated scopes: ${ALL_SCOPES.join(', ')}`)
    .option('--org <org>', 'organisation slug or id', 'default')
    .option('--name <name>', 'a name to recognise the key by (unique in the organisation)')
    .action(async (o: { scopes: string; org: string; name?: string }) => {
      await createKeyCommand(configFrom(program.opts()), o).catch(fail);
    });

  program
    .command('version')
    .description('print the version and exit')
    .action(() => {
      process.stdout.write(`${version}\n`);
    });

  return program;
}

export async function run(argv: string[]): Promise<void> {
  await buildCli().parseAsync(argv);
}
