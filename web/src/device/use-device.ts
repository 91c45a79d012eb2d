import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api.js';

export function useDevice(id: string) {
  return useQuery({
    queryKey: ['device', id],
    queryFn: () => api.get('/api/devices/{id}', { path: { id } }),
    refetchInterval: 5_000,
  });
}

type Patch = NonNullable<Parameters<typeof api.patch<'/api/devices/{id}'>>[1]>['body'];

/** PATCH /api/devices/{id}; refreshes the device and the fleet list on success. */
export function usePatchDevice(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: Patch) => api.patch('/api/devices/{id}', { path: { id }, body }),
    onSuccess: (device) => {
      client.setQueryData(['device', id], device);
      void client.invalidateQueries({ queryKey: ['devices'] });
    },
  });
}
