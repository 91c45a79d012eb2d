import { createHash } from 'node:crypto';

/** The URL as it may be shown and stored (traces, logs, keys): without user and password. */
export function withoutCredentials(url: string): string {
  const u = new URL(url);
  u.username = '';
  u.password = '';
  return u.toString();
}

/** The stable key of a polled source: a source edited to another place starts afresh. */
export const sourceKey = (url: string) => createHash('sha256').update(withoutCredentials(url)).digest('hex').slice(0, 32);

/** `*.csv`, `data-??.json`: `*` any run of characters, `?` one; the rest literal. */
export function globToRegExp(glob: string): RegExp {
  const body = glob
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`);
}
