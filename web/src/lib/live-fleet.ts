import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { type ActivityChange, applyActivity, type FleetDevice } from './fleet.js';

/**
 * Follows GET /api/fleet/activity (server-sent events) while mounted: states and last-seen
 * times are patched into the cached device list, without a reload or a refetch of the list.
 * A device the list does not know, or a state that moved, refetches what counts them (site
 * summaries, open alerts). Returns whether the stream is connected (EventSource reconnects on
 * its own; the list is refetched on every connect so nothing in between is missed).
 */
export function useLiveFleet(): boolean {
  const client = useQueryClient();
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    const source = new EventSource('/api/fleet/activity');
    source.onopen = () => {
      setConnected(true);
      void client.invalidateQueries({ queryKey: ['devices'] });
    };
    source.onerror = () => setConnected(false);
    source.addEventListener('activity', (e) => {
      const change = JSON.parse((e as MessageEvent<string>).data) as ActivityChange;
      const list = client.getQueryData<FleetDevice[]>(['devices']);
      if (!list) return;
      const next = applyActivity(list, change);
      client.setQueryData(['devices'], next.devices);
      if (next.incomplete) void client.invalidateQueries({ queryKey: ['devices'] });
      if (next.stateChanged) {
        void client.invalidateQueries({ queryKey: ['site-summary'] });
        void client.invalidateQueries({ queryKey: ['alerts'] });
      }
    });
    return () => source.close();
  }, [client]);
  return connected;
}
