/**
 * What the simulator needs of Polder's pipelines: the ones its uplinks go to, created if
 * missing and reused by name (so a second run, or the demo after a restart, sends to the same
 * pipelines). Through the REST API with an API key (pipelines:write).
 */
import { HttpError } from '../neocampus/sim-http.js';
import type { PipelineSpec } from './uplink.js';

export interface PipelineRef {
  id: string;
  name: string;
}

export interface PipelineAdmin {
  ensurePipeline(spec: PipelineSpec): Promise<PipelineRef>;
}

interface ListPage {
  data: PipelineRef[];
  links?: { next: string | null };
}

/** `GET /api/pipelines` (every page) to find it by name, else `POST /api/pipelines`. */
export function httpPipelineAdmin(baseUrl: string, token: string): PipelineAdmin {
  const call = async (method: string, url: string, body?: unknown) => {
    const res = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    return { status: res.status, text, json: () => JSON.parse(text) as unknown };
  };
  const find = async (name: string): Promise<PipelineRef | undefined> => {
    let url: string | null = new URL('/api/pipelines?limit=1000', baseUrl).toString();
    while (url) {
      const res = await call('GET', url);
      if (res.status !== 200) throw new HttpError(res.status, res.text, `GET ${url}`);
      const page = res.json() as ListPage;
      const hit = page.data.find((p) => p.name === name);
      if (hit) return { id: hit.id, name: hit.name };
      url = page.links?.next ?? null;
    }
    return undefined;
  };
  return {
    async ensurePipeline(spec) {
      const existing = await find(spec.name);
      if (existing) return existing;
      const url = new URL('/api/pipelines', baseUrl).toString();
      const res = await call('POST', url, spec);
      if (res.status === 201 || res.status === 200) {
        const p = res.json() as PipelineRef;
        return { id: p.id, name: p.name };
      }
      // Another simulator created it meanwhile.
      if (res.status === 409) {
        const now = await find(spec.name);
        if (now) return now;
      }
      throw new HttpError(res.status, res.text, `POST ${url}`);
    },
  };
}
