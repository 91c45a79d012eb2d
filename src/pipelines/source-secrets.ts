/**
 * Poller sources carry credentials (a password in an ftp:// or http:// URL, header values such
 * as `Authorization`). They are stored as given, because the poller needs them, and never
 * returned: the API shows `***` in their place, and a `***` sent back (a client saving what it
 * read) keeps the stored value.
 */
import { MASK, maskUrlPassword } from '../shared/url.js';
import type { PipelineSource } from './pipelines.js';

/** The source as the API shows it. */
export function maskSource(s: PipelineSource): PipelineSource {
  if (s.kind === 'ftp-poll') return { ...s, url: maskUrlPassword(s.url) };
  if (s.kind === 'amqp') return s.url === undefined ? s : { ...s, url: maskUrlPassword(s.url) };
  if (s.kind === 'http-poll') {
    const masked: PipelineSource = { ...s, url: maskUrlPassword(s.url) };
    if (s.headers) masked.headers = Object.fromEntries(Object.keys(s.headers).map((k) => [k, MASK]));
    return masked;
  }
  return s;
}

/** A source as sent by a client (not yet validated). */
interface SourceLike {
  kind: string;
  url?: string | undefined;
  headers?: Record<string, string> | undefined;
}

/** Where a new source says `***`, takes the secret of the stored source at the same place. */
export function restoreSecrets<T extends SourceLike>(next: readonly T[], previous: readonly PipelineSource[]): T[] {
  return next.map((s, i) => {
    const old = previous[i] as SourceLike | undefined;
    if (!old || old.kind !== s.kind) return s;
    const restored: T = { ...s };
    if (s.url !== undefined && old.url !== undefined) restored.url = restoreUrl(s.url, old.url);
    if (s.headers) {
      restored.headers = Object.fromEntries(
        Object.entries(s.headers).map(([k, v]) => [k, v === MASK ? (old.headers?.[k] ?? v) : v]),
      );
    }
    return restored;
  });
}

function restoreUrl(url: string, old: string): string {
  try {
    const u = new URL(url);
    const o = new URL(old);
    if (decodeURIComponent(u.password) !== MASK) return url;
    // Only for the same account on the same server: a masked password is not a password.
    if (u.username !== o.username || u.host !== o.host || u.protocol !== o.protocol) return url;
    u.password = o.password;
    return u.toString();
  } catch {
    return url;
  }
}
