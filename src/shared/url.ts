/**
 * URLs fit to print or to show. Three meanings, three names:
 * - `redactUrlCredentials`: for logs and banners; removes every credential a URL may carry,
 *   the userinfo (`postgres://user:pw@host`, user included) and secret query parameters
 *   (`?password=…`, `?token=…`). libpq and node-postgres accept a password in either place.
 * - `redactQuerySecrets`: for request paths in logs (`/ingest?token=…`), which have no userinfo.
 * - `maskUrlPassword`: for the API; keeps the user and replaces only the password with `***`,
 *   so a client that saves back what it read can be recognised (see pipelines/source-secrets.ts).
 */
const USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)[^@/?#]*@/i;
const SECRET_PARAM = /([?&;](?:[a-z_]*password|passwd|pass|pwd|secret|token|key|access_token|api_key|apikey)=)[^&;#]*/gi;

export const MASK = '***';

/** The URL without userinfo and without secret query parameters. */
export function redactUrlCredentials(url: string): string {
  return redactQuerySecrets(url.replace(USERINFO, `$1${MASK}@`));
}

/** The URL (or path) with the values of secret query parameters masked. */
export function redactQuerySecrets(url: string): string {
  return url.replace(SECRET_PARAM, `$1${MASK}`);
}

/** `ftp://user:***@host/path`: the URL with its password masked; anything else as given. */
export function maskUrlPassword(url: string): string {
  try {
    const u = new URL(url);
    if (!u.password) return url;
    u.password = MASK;
    // URL escapes `*` in a password: write the mask as is.
    return u.toString().replace(`:${encodeURIComponent(MASK)}@`, `:${MASK}@`);
  } catch {
    return url;
  }
}
