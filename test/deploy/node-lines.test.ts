/**
 * The Node.js lines Polder supports are the ones its tests ran on, and every file that names them
 * agrees: package.json `engines`, the image's base, the CI jobs, README, CONTRIBUTING and
 * docs/deploy.md ("Node.js lines", with the exact versions tested).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { deployDir, parseDockerfile, root } from './deploy-files.js';

const read = (f: string) => readFileSync(path.join(root, f), 'utf8');
const pkg = JSON.parse(read('package.json')) as { engines: { node: string } };
/** `^20.19 || ^22 || ^24` → [20, 22, 24] */
const majors = pkg.engines.node.split('||').map((r) => Number(/^\s*\^(\d+)/.exec(r)?.[1]));
const newest = Math.max(...majors);

type Job = { container?: string; strategy?: { matrix?: { node?: string[] } } };
const ci = parseYaml(read('.github/workflows/ci.yml')) as { jobs: Record<string, Job> };

describe('Node.js lines', () => {
  it('engines names each tested LTS line as a caret range, Node 20 from 20.19', () => {
    expect(pkg.engines.node).toBe('^20.19 || ^22 || ^24');
    expect(majors).toEqual([20, 22, 24]);
  });

  it('the image is built on the newest line in engines', () => {
    const { args } = parseDockerfile(readFileSync(path.join(deployDir, 'Dockerfile'), 'utf8'));
    const arg = args.find((a: { keyword: string; args: string }) => a.keyword === 'ARG' && a.args.startsWith('NODE_IMAGE='));
    expect(arg?.args).toBe(`NODE_IMAGE=node:${newest}-bookworm-slim`);
  });

  it('CI runs the suite on every line in engines: Node 20 in the test job, the others in node-lts', () => {
    expect(ci.jobs.test?.container).toBe('node:20-bookworm');
    const others = ci.jobs['node-lts']?.strategy?.matrix?.node ?? [];
    expect([20, ...others.map(Number)]).toEqual(majors);
  });

  it('README, CONTRIBUTING and docs/deploy.md say which lines were tested, and with which versions', () => {
    const lines = `Node.js ${majors.slice(0, -1).join(', ')} and ${newest}`;
    expect(read('README.md')).toContain(lines);
    expect(read('CONTRIBUTING.md')).toContain(lines);
    const deploy = read('docs/deploy.md');
    const section = deploy.slice(deploy.indexOf('## Node.js lines'));
    expect(section.length).toBeLessThan(deploy.length);
    for (const m of majors) expect(section, `Node ${m}`).toMatch(new RegExp(`\\| ${m}\\.\\d+\\.\\d+ \\|`));
  });
});
