import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, PolderError } from './api.js';

/** The signed-in caller, or null when there is none (401). */
export function useMe() {
  return useQuery({
    queryKey: ['me'],
    queryFn: async () => {
      try {
        return await api.get('/api/auth/me');
      } catch (err) {
        if (err instanceof PolderError && err.status === 401) return null;
        throw err;
      }
    },
    staleTime: 60_000,
  });
}

export function useSession() {
  const client = useQueryClient();
  return {
    async login(username: string, password: string, organisation?: string) {
      const me = await api.post('/api/auth/login', { body: { username, password, ...(organisation && { organisation }) } });
      client.clear();
      // A GET after login sets the CSRF cookie the unsafe calls echo (src/http/auth.ts).
      client.setQueryData(['me'], await api.get('/api/auth/me'));
      return me;
    },
    async logout() {
      await api.post('/api/auth/logout');
      client.clear();
      client.setQueryData(['me'], null);
    },
  };
}
