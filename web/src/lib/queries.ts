import { useQuery } from '@tanstack/react-query';
import { api } from '../api.js';
import type { FleetDevice } from './fleet.js';

async function all<T>(it: AsyncGenerator<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** Every device of the organisation, refreshed every few seconds (the fleet is live). */
export function useDevices(refetchMs = 5_000) {
  return useQuery({
    queryKey: ['devices'],
    queryFn: async (): Promise<FleetDevice[]> => all(api.devices({ limit: 1000 })),
    refetchInterval: refetchMs,
  });
}

export function useSites() {
  return useQuery({ queryKey: ['sites'], queryFn: () => all(api.items('/api/sites', { query: { limit: 1000 } })) });
}

export function useOpenAlerts() {
  return useQuery({
    queryKey: ['alerts', 'open'],
    queryFn: () => all(api.items('/api/alerts', { query: { status: 'open', limit: 1000 } })),
    refetchInterval: 10_000,
  });
}

export { all };
