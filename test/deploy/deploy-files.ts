/** Readers for the files under deploy/ that the deploy tests check (no Docker engine, no cluster here). */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments, parse as parseYaml } from 'yaml';

export const root = path.resolve(import.meta.dirname, '../..');
export const deployDir = path.join(root, 'deploy');

/** The Dockerfile reader of scripts/image-layout.mjs: the layout script and the tests read it one way. */
export { execForm, parseDockerfile } from '../../scripts/image-layout.mjs';

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
