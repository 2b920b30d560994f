/** The catalogue's categories (the promotion and segment editors pick from them), kept five minutes. */
import { useQuery } from '@tanstack/react-query';
import { api, call } from './api/client';

export function useCategories() {
  return useQuery({
    queryKey: ['categories'],
    queryFn: () => call(api.GET('/api/categories')),
    staleTime: 5 * 60_000,
    select: (d) => d.items,
  });
}
