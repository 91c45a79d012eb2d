/**
 * How ingest benchmarks see a point become queryable: the device's registry id (auto-registered
 * by the pipeline) and a poll of GET /api/measurements until the uplink's value is there.
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const api = async (base: string, token: string, pathAndQuery: string) => {
  const res = await fetch(new URL(pathAndQuery, base), { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`GET ${pathAndQuery}: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
  return res.json() as Promise<unknown>;
};

/** Every {time, value} row anywhere in a measurements answer (tolerant of the page layout). */
export function rowsOf(json: unknown, out: { time: number; value: number }[] = []): { time: number; value: number }[] {
  if (Array.isArray(json)) for (const x of json) rowsOf(x, out);
  else if (json && typeof json === 'object') {
    const o = json as Record<string, unknown>;
    if ('time' in o && typeof o.value === 'number')
      out.push({ time: typeof o.time === 'number' ? o.time : Date.parse(String(o.time)), value: o.value });
    else for (const v of Object.values(o)) rowsOf(v, out);
  }
  return out;
}

/** The registry id of the auto-registered device with this DevEUI (its code or identity holds it). */
export async function deviceIdOf(base: string, token: string, devEui: string): Promise<string | undefined> {
  for (const q of [devEui, devEui.toLowerCase()]) {
    const page = (await api(base, token, `/api/devices?q=${encodeURIComponent(q)}&limit=5`)) as {
      data?: { id: string; identity?: { value?: string } }[];
    };
    const hit = page.data?.find((d) => d.identity?.value === devEui) ?? page.data?.[0];
    if (hit) return hit.id;
  }
  return undefined;
}

/** Polls (every `everyMs`) until the device's temperature at `at` reads `value`; false after `timeoutMs`. */
export async function pollUntilQueryable(
  base: string,
  token: string,
  deviceId: string,
  at: number,
  value: number,
  everyMs = 5,
  timeoutMs = 60_000,
): Promise<boolean> {
  const query = `/api/measurements?device=${deviceId}&observedProperty=temperature&start=${new Date(at).toISOString()}&end=${new Date(at + 1).toISOString()}`;
  const start = performance.now();
  while (performance.now() - start < timeoutMs) {
    const rows = rowsOf(await api(base, token, query).catch(() => []));
    if (rows.some((r) => r.time === at && Math.abs(r.value - value) <= 0.05)) return true;
    await sleep(everyMs);
  }
  return false;
}
