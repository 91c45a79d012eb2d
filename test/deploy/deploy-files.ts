/** Readers for the files under deploy/ that the deploy tests check (no Docker engine, no cluster here). */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments, parse as parseYaml } from 'yaml';

export const root = path.resolve(import.meta.dirname, '../..');
export const deployDir = path.join(root, 'deploy');

export interface Instruction {
  /** Upper-case keyword (FROM, RUN, COPY …). */
  keyword: string;
  /** The rest of the instruction, continuation lines joined. */
  args: string;
  /** Index of the stage (FROM) it belongs to; -1 before the first FROM (ARG). */
  stage: number;
}

export interface Stage {
  name: string | undefined;
  from: string;
  instructions: Instruction[];
}

/** The Dockerfile's instructions by stage: comments dropped, `\` continuations joined. */
export function parseDockerfile(text: string): { args: Instruction[]; stages: Stage[] } {
  const logical: string[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (current === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.startsWith('#')) continue; // a comment inside a continued instruction
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1)} `;
      continue;
    }
    logical.push(current + line);
    current = '';
  }
  const args: Instruction[] = [];
  const stages: Stage[] = [];
  for (const line of logical) {
    const match = /^(\S+)\s*(.*)$/.exec(line);
    if (!match) continue;
    const keyword = (match[1] as string).toUpperCase();
    const rest = (match[2] as string).trim();
    if (keyword === 'FROM') {
      const [from, as, name] = rest.split(/\s+/);
      stages.push({ from: from as string, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
      continue;
    }
    const stage = stages.length - 1;
    const instruction = { keyword, args: rest, stage };
    if (stage < 0) args.push(instruction);
    else stages[stage]?.instructions.push(instruction);
  }
  return { args, stages };
}

/** `["a", "b"]` (exec form) as an array; the shell form as `['/bin/sh', '-c', text]`. */
export function execForm(args: string): string[] {
  return args.startsWith('[') ? (JSON.parse(args) as string[]) : ['/bin/sh', '-c', args];
}

/** `${VAR:-default}`, `${VAR:?message}` and `${VAR}` replaced as Compose does, from `env`. */
export function interpolate(text: string, env: Record<string, string | undefined>): string {
  return text.replace(/\$\{([A-Z0-9_]+)(?:(:?[-?])([^}]*))?\}/g, (_m, name: string, op: string | undefined, word = '') => {
    const value = env[name];
    if (op?.endsWith('?') && (value === undefined || value === '')) throw new Error(`${name}: ${word}`);
    if (value !== undefined && value !== '') return value;
    return op?.endsWith('-') ? word : '';
  });
}

/** A compose file, interpolated with no variable set (what `docker compose config` reads by default). */
export function readCompose(file: string): Record<string, unknown> {
  const text = interpolate(readFileSync(path.join(deployDir, file), 'utf8'), {});
  return parseYaml(text.replaceAll('$$', '$'), { merge: true }) as Record<string, unknown>;
}

/** Every document of `kubectl kustomize <dir>`. */
export function kustomize(dir: string): Record<string, unknown>[] {
  const out = execFileSync('kubectl', ['kustomize', path.join(deployDir, 'kubernetes', dir)], { encoding: 'utf8' });
  return parseAllDocuments(out).map((d) => d.toJSON() as Record<string, unknown>);
}
