/**
 * A URL fit to print: credentials removed wherever a URL may carry them, the userinfo
 * (`postgres://user:pw@host`) and query parameters (`?password=…`, `?sslpassword=…`,
 * `?token=…`). libpq and node-postgres accept a password in either place, so both are masked.
 */
const USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)[^@/?#]*@/i;
const SECRET_PARAM = /([?&;](?:[a-z_]*password|passwd|pass|pwd|secret|token|key|access_token|api_key|apikey)=)[^&;#]*/gi;

export function maskUrl(url: string): string {
  return url.replace(USERINFO, '$1***@').replace(SECRET_PARAM, '$1***');
}
