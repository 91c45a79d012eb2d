import type { ImportDevice } from '../../devices/device-schemas.js';
import type { Registry } from '../../devices/registry.js';
import { DomainError } from '../../shared/errors.js';
import { HttpError } from './sim-http.js';

/** A room of the default site, by slugs. */
export interface SimPlace {
  building: string;
  room: string;
}

/**
 * What setting up a simulated fleet needs of Polder's registry: through the API (the CLI, an
 * API key with devices:write and admin:write) or in process (the demo, which has no key).
 */
export interface FleetAdmin {
  /** Creates the buildings and rooms that are missing. */
  ensurePlaces(places: SimPlace[]): Promise<void>;
  /** Creates or updates these devices (import: upsert by code). */
  importDevices(devices: ImportDevice[]): Promise<void>;
  /** Codes starting with `prefix` whose password went out already (a new simulator does not know it). */
  delivered(prefix: string): Promise<string[]>;
  resetCredentials(code: string): Promise<void>;
}

const IMPORT_CHUNK = 1000;
const CONCURRENCY = 16;

/** Runs `task` over `items`, `limit` at a time. */
export async function inParallel<T>(items: T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await task(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

const buildingsOf = (places: SimPlace[]) => [...new Set(places.map((p) => p.building))];

/** Through the REST API with an API key. */
export function httpFleetAdmin(baseUrl: string, token: string): FleetAdmin {
  const call = async (method: string, path: string, body?: unknown, okStatuses: number[] = []) => {
    const url = new URL(path, baseUrl).toString();
    const res = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok && !okStatuses.includes(res.status)) throw new HttpError(res.status, text, `${method} ${url}`);
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  };
  return {
    async ensurePlaces(places) {
      await inParallel(buildingsOf(places), CONCURRENCY, async (slug) => {
        await call('POST', '/api/buildings', { slug, name: `Simulated ${slug}` }, [409]);
      });
      await inParallel(places, CONCURRENCY, async (p) => {
        await call('POST', '/api/rooms', { building: p.building, slug: p.room, name: `Room ${p.room}` }, [409]);
      });
    },
    async importDevices(devices) {
      for (let i = 0; i < devices.length; i += IMPORT_CHUNK) {
        const report = await call('POST', '/api/devices/import', devices.slice(i, i + IMPORT_CHUNK));
        if (Array.isArray(report.errors) && report.errors.length > 0)
          throw new Error(`import refused: ${JSON.stringify(report.errors.slice(0, 3))}`);
      }
    },
    async delivered(prefix) {
      const out: string[] = [];
      let path: string | null = `/api/devices?q=${encodeURIComponent(prefix)}&limit=1000`;
      while (path) {
        const page = (await call('GET', path)) as {
          data: { code: string; mqtt: { passwordDelivered: boolean } | null }[];
          links: { next: string | null };
        };
        for (const d of page.data) if (d.code.startsWith(prefix) && d.mqtt?.passwordDelivered) out.push(d.code);
        path = page.links.next && new URL(page.links.next).pathname + new URL(page.links.next).search;
      }
      return out;
    },
    async resetCredentials(code) {
      await call('POST', `/api/devices/${encodeURIComponent(code)}/credentials/reset`);
    },
  };
}

const exists = (err: unknown) => err instanceof DomainError && err.code === 'CONFLICT';

/** Through the registry's services, in the Polder process itself (the demo). */
export function serviceFleetAdmin(registry: Registry, orgId: string): FleetAdmin {
  return {
    async ensurePlaces(places) {
      for (const slug of buildingsOf(places)) {
        await registry.locations.createBuilding(orgId, { slug, name: `Simulated ${slug}` }).catch((err: unknown) => {
          if (!exists(err)) throw err;
        });
      }
      for (const p of places) {
        await registry.locations
          .createRoom(orgId, { building: p.building, slug: p.room, name: `Room ${p.room}` })
          .catch((err: unknown) => {
            if (!exists(err)) throw err;
          });
      }
    },
    async importDevices(devices) {
      const report = await registry.importer.importJson(orgId, devices, false);
      if (report.errors.length > 0) throw new Error(`import refused: ${JSON.stringify(report.errors.slice(0, 3))}`);
    },
    async delivered(prefix) {
      const all = await registry.devices.all(orgId, { q: prefix });
      return all.filter((d) => d.code.startsWith(prefix) && d.mqttPasswordDelivered).map((d) => d.code);
    },
    async resetCredentials(code) {
      await registry.provisioning.resetCredentials(orgId, code);
    },
  };
}
