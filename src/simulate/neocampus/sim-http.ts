/** Where simulated boards find Polder, and the randomness and sleep they use (injected for tests). */
export interface SimEnvironment {
  /** Polder's HTTP base URL (provisioning: /device/credentials, /device/config). */
  baseUrl: string;
  /** Overrides the broker the credentials name (e.g. when Polder sits behind NAT). */
  mqttUrl?: string | undefined;
  random: () => number;
  sleep: (ms: number) => Promise<void>;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    url: string,
  ) {
    super(`${url}: HTTP ${status} ${body.slice(0, 200)}`);
  }
}

/**
 * GET as the firmware does, with one kindness: a 429 (provisioning rate limit) is waited out as
 * its Retry-After says, a few times, so a fleet booting at once gets through.
 */
export async function getJson<T>(env: SimEnvironment, path: string, headers: Record<string, string> = {}): Promise<T> {
  const url = new URL(path, env.baseUrl).toString();
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(url, { headers, signal: AbortSignal.timeout(30_000) });
    const text = await res.text();
    if (res.ok) return JSON.parse(text) as T;
    if (res.status !== 429 || attempt >= 5) throw new HttpError(res.status, text, url);
    const wait = Number(res.headers.get('retry-after'));
    await env.sleep((Number.isFinite(wait) && wait > 0 ? wait * 1000 : 5000) * (1 + env.random()));
  }
}
