import { useQuery } from '@tanstack/react-query';
import { api, call } from '../shared/api/client';
import type { Session } from '../shared/staff-session';

/** GET /api/me for this session: who she is, and where she stands with two-factor sign-in. */
export function useMe(session: Session) {
  return useQuery({
    queryKey: ['me', session.staff.id],
    queryFn: () => call(api.GET('/api/me')),
    staleTime: 60_000,
  });
}
