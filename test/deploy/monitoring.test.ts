/**
 * What Prometheus and Grafana are given, against a running Polder: its /metrics passes
 * `promtool check metrics`; the rules pass `promtool check rules` and their unit tests; every
 * Grafana panel's query names metrics Polder exports (or rules record from them), and every
 * panel that reads Polder's API names a GET route of its OpenAPI document with its parameters.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ADMIN_TOKEN } from '../support/polder.js';
import { type ServedPolder, servePolder } from '../support/serve.js';
import { deployDir } from './deploy-files.js';
import { exportedNames, metricNamesIn } from './promql-names.js';

const hasPromtool = spawnSync('promtool', ['--version']).status === 0;
if (!hasPromtool) console.warn('promtool not found (Debian package prometheus; .ci/run installs it): promtool checks skipped');
const promDir = path.join(deployDir, 'prometheus');
const promtool = (...args: string[]) => spawnSync('promtool', args, { cwd: promDir, encoding: 'utf8' });

type Target = {
  expr?: string;
  url?: string;
  url_options?: { params?: { key: string; value: string }[] };
  root_selector?: string;
  columns?: { selector: string }[];
  datasource: { uid: string };
};
type Panel = { title: string; targets: Target[]; datasource: { uid: string } };
type Dashboard = {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: { name: string; query?: Target | string; datasource?: { uid: string } }[] };
};
const dashboards: [string, Dashboard][] = readdirSync(path.join(deployDir, 'grafana/dashboards'))
  .filter((f) => f.endsWith('.json'))
  .map((f) => [f, JSON.parse(readFileSync(path.join(deployDir, 'grafana/dashboards', f), 'utf8')) as Dashboard]);
const rules = parseYaml(readFileSync(path.join(promDir, 'polder.rules.yml'), 'utf8')) as {
  groups: { rules: { record?: string; alert?: string; expr: string }[] }[];
};
const allRules = rules.groups.flatMap((g) => g.rules);
const recorded = new Set(allRules.flatMap((r) => (r.record ? [r.record] : [])));
/** Series Prometheus makes itself for every target. */
const PROMETHEUS_SERIES = new Set(['up']);

describe('reading metric names out of PromQL', () => {
  it('finds the selected series, not functions, labels, grouping, ranges or offsets', () => {
    expect(metricNamesIn('sum by (role) (rate(polder_x_total{status=~"5..", a="up"}[5m] offset 1h)) > 0.5 * up')).toEqual([
      'polder_x_total',
      'up',
    ]);
    expect(metricNamesIn('histogram_quantile(0.99, sum by (le) (rate(polder_y_bucket[15m]))) and polder:z:rate5m')).toEqual([
      'polder_y_bucket',
      'polder:z:rate5m',
    ]);
  });
});

describe('Prometheus and Grafana files against a running Polder', () => {
  let polder: ServedPolder;
  let dataDir: string;
  let metricsText: string;
  let exported: Set<string>;
  let openapi: {
    paths: Record<
      string,
      Record<string, { parameters?: { name: string; in: string; schema: object }[]; responses: Record<string, unknown> }>
    >;
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'polder-monitoring-'));
    polder = await servePolder({ POLDER_DATA_DIR: dataDir });
    // One request of each kind so that labelled series exist too; one device for polder_devices.
    await fetch(`${polder.url}/api/devices`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    const device = await fetch(`${polder.url}/api/devices`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ code: 'monitored', type: 'esp32' }),
    });
    expect(device.status, await device.text()).toBe(201);
    metricsText = await (await fetch(`${polder.url}/metrics`)).text();
    exported = exportedNames(metricsText);
    const doc = await fetch(`${polder.url}/api/openapi.json`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    openapi = (await doc.json()) as typeof openapi;
  }, 120_000);

  afterAll(async () => {
    await polder?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it.skipIf(!hasPromtool)('/metrics passes promtool check metrics (names, units, help texts)', () => {
    const r = spawnSync('promtool', ['check', 'metrics'], { input: metricsText, encoding: 'utf8' });
    expect(`${r.stdout}${r.stderr}`).toBe('');
    expect(r.status).toBe(0);
  });

  it('exports the series the rules and dashboards are built on', () => {
    for (const name of [
      'polder_inbox_depth',
      'polder_database_up',
      'polder_uplink_ack_duration_seconds_bucket',
      'polder_pipeline_messages_total',
      'polder_devices',
    ])
      expect(exported, name).toContain(name);
    expect(metricsText).toMatch(/^polder_database_up 1$/m);
    expect(metricsText).toMatch(/^polder_devices\{state="never_seen",site="[\w-]+"\} 1$/m);
    expect(metricsText).toMatch(/^polder_inbox_depth 0$/m);
  });

  it('every rule names only metrics Polder exports (or Prometheus makes)', () => {
    for (const rule of allRules) {
      const unknown = metricNamesIn(rule.expr).filter((n) => !exported.has(n) && !recorded.has(n) && !PROMETHEUS_SERIES.has(n));
      expect(unknown, `${rule.record ?? rule.alert}: ${rule.expr}`).toEqual([]);
    }
  });

  it('every Prometheus panel query names metrics Polder exports or the rules record', () => {
    let queries = 0;
    for (const [file, d] of dashboards)
      for (const p of d.panels)
        for (const t of p.targets.filter((x) => x.datasource.uid === 'prometheus')) {
          queries++;
          const names = metricNamesIn(t.expr ?? '');
          expect(names.length, `${file} "${p.title}": ${t.expr}`).toBeGreaterThan(0);
          const unknown = names.filter((n) => !exported.has(n) && !recorded.has(n) && !PROMETHEUS_SERIES.has(n));
          expect(unknown, `${file} "${p.title}": ${t.expr}`).toEqual([]);
        }
    expect(queries).toBeGreaterThan(20);
  });

  it('every API panel reads a GET route of the OpenAPI document, with its parameters and fields', () => {
    const ajv = new Ajv({ strict: false });
    const routes = Object.keys(openapi.paths).map((p) => ({ p, re: new RegExp(`^${p.replace(/\{[^}]+\}/g, '[^/]+')}$`) }));
    const targets = dashboards.flatMap(([file, d]) => [
      ...d.panels.flatMap((p) =>
        p.targets.filter((t) => t.datasource.uid === 'polder-api').map((t) => ({ where: `${file} "${p.title}"`, t })),
      ),
      ...d.templating.list
        .filter((v) => typeof v.query === 'object')
        .map((v) => ({ where: `${file} $${v.name}`, t: v.query as Target })),
    ]);
    expect(targets.length).toBeGreaterThanOrEqual(6);
    for (const { where, t } of targets) {
      // Grafana variables ($site, ${__from:date:iso}) stand for one path segment or value.
      const concrete = (t.url ?? '').replace(/\$\{[^}]+\}|\$[a-z_]+/gi, 'x');
      const route = routes.find((r) => r.re.test(concrete));
      expect(route, `${where}: ${t.url}`).toBeDefined();
      const op = openapi.paths[route?.p ?? '']?.get;
      expect(op, `${where}: GET ${route?.p}`).toBeDefined();
      for (const { key, value } of t.url_options?.params ?? []) {
        const param = op?.parameters?.find((x) => x.name === key && x.in === 'query');
        expect(param, `${where}: query parameter ${key}`).toBeDefined();
        if (!value.includes('$') && param) {
          const coerced = /^-?\d+$/.test(value) ? Number(value) : value;
          expect(ajv.validate(param.schema, coerced), `${where}: ${key}=${value}`).toBe(true);
        }
      }
      // The fields the panel reads are in the answer's schema.
      const ok = op?.responses['200'] as { content: { 'application/json': { schema: object } } } | undefined;
      expect(ok, `${where}: a 200 answer`).toBeDefined();
      let schema = resolve(openapi, ok?.content['application/json'].schema ?? {});
      for (const step of t.root_selector ? t.root_selector.split('.') : [])
        schema = itemOf(openapi, resolve(openapi, propertyOf(schema, step, where)));
      for (const c of t.columns ?? []) {
        let s = schema;
        for (const step of c.selector.split('.')) s = resolve(openapi, propertyOf(s, step, `${where} column ${c.selector}`));
      }
    }
  });

  it('panels use the provisioned data sources, which the compose file mounts', () => {
    const provisioned = parseYaml(readFileSync(path.join(deployDir, 'grafana/provisioning/datasources/polder.yml'), 'utf8')) as {
      datasources: { uid: string; url: string }[];
    };
    const uids = new Set(provisioned.datasources.map((d) => d.uid));
    for (const [file, d] of dashboards) {
      for (const p of d.panels)
        for (const t of [p, ...p.targets]) expect(uids, `${file} "${p.title}"`).toContain(t.datasource.uid);
      expect(d.uid).toBe(file.replace(/\.json$/, ''));
    }
    expect(dashboards.map(([f]) => f).sort()).toEqual([
      'polder-data.json',
      'polder-fleet.json',
      'polder-ingest.json',
      'polder-service.json',
    ]);
  });

  describe.skipIf(!hasPromtool)('promtool on deploy/prometheus', () => {
    it('check config and check rules', () => {
      const config = promtool('check', 'config', 'prometheus.yml');
      expect(config.status, config.stdout + config.stderr).toBe(0);
      const r = promtool('check', 'rules', 'polder.rules.yml');
      expect(r.status, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toContain(`${allRules.length} rules found`);
    });

    it('test rules: each alert fires on its series and not on a near miss', () => {
      const r = promtool('test', 'rules', 'polder.rules.test.yml');
      expect(r.status, r.stdout + r.stderr).toBe(0);
      const tested = parseYaml(readFileSync(path.join(promDir, 'polder.rules.test.yml'), 'utf8')) as {
        tests: { alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[];
      };
      const fired = new Set(
        tested.tests.flatMap((t) => (t.alert_rule_test ?? []).filter((a) => a.exp_alerts.length > 0).map((a) => a.alertname)),
      );
      for (const rule of allRules.filter((x) => x.alert))
        expect(fired, `${rule.alert} has a test where it fires`).toContain(rule.alert);
    });
  });
});

type Schema = { $ref?: string; properties?: Record<string, Schema>; items?: Schema; anyOf?: Schema[] };
function resolve(doc: object, s: Schema): Schema {
  if (!s.$ref) return s;
  const target = s.$ref
    .replace(/^#\//, '')
    .split('/')
    .reduce<Record<string, unknown>>((o, k) => o[k] as Record<string, unknown>, doc as Record<string, unknown>);
  return resolve(doc, target as Schema);
}
function propertyOf(s: Schema, name: string, where: string): Schema {
  const p = s.properties?.[name] ?? s.anyOf?.map((x) => x.properties?.[name]).find(Boolean);
  if (!p) throw new Error(`${where}: no field "${name}" in the answer's schema`);
  return p;
}
function itemOf(doc: object, s: Schema): Schema {
  return s.items ? resolve(doc, s.items) : s;
}
