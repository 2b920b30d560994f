import { useQuery } from '@tanstack/react-query';
import { api, call } from './api/client';
import type { Location } from './api/types';
import type { Lang } from './i18n';
import { isChainWide, type Session } from './staff-session';

/** Every store and warehouse (public list; it changes rarely). */
export function useLocations() {
  return useQuery({
    queryKey: ['locations'],
    queryFn: () => call(api.GET('/api/locations', { params: { query: {} } })),
    staleTime: 5 * 60_000,
    select: (d) => d.items,
  });
}

/** The locations this staff member may work in. */
export function myLocations(session: Session, all: Location[]): Location[] {
  return isChainWide(session) ? all : all.filter((l) => session.staff.locationIds.includes(l.id));
}

/** The location's name in the screen language (English when it has one). */
export function locationName(l: Pick<Location, 'name' | 'nameEn'>, lang: Lang): string {
  return lang === 'en' && l.nameEn ? l.nameEn : l.name;
}
