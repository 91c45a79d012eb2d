import { PolderClient, PolderError } from '../../clients/typescript/src/index.js';

export type { components } from '../../clients/typescript/src/index.js';
export { PolderError };

/** The double-submit token the server sets for a signed-in session (src/http/auth.ts). */
export function csrfToken(cookies: string = document.cookie): string | undefined {
  for (const part of cookies.split(/;\s*/)) {
    const [name, ...rest] = part.split('=');
    if (name === 'polder_csrf') return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

const sameOriginFetch: typeof fetch = (input, init) => {
  const headers = new Headers(init?.headers);
  const token = csrfToken();
  if (token) headers.set('x-csrf-token', token);
  return fetch(input, { ...init, headers, credentials: 'same-origin' });
};

/** The typed client of the API on this origin; the session cookie authenticates. */
export const api = new PolderClient({ baseUrl: window.location.origin, fetch: sameOriginFetch });

/** Untyped calls for routes the generated client does not know yet. */
export async function raw<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await sameOriginFetch(path, {
    method,
    headers: body === undefined ? { accept: 'application/json' } : { 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw await PolderError.fromResponse(res);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

/** What to show for a failed call: Polder's message and, when it named one, the field at fault. */
export function describeError(err: unknown): { message: string; field?: string; code?: string } {
  if (err instanceof PolderError) {
    const field = err.field ?? (typeof err.details.path === 'string' ? err.details.path : undefined);
    return { message: err.message, code: err.code, ...(field && { field }) };
  }
  return { message: err instanceof Error ? err.message : String(err) };
}
