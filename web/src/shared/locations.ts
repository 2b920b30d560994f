import { useQuery } from '@tanstack/react-query';
import { api, call } from './api/client';
import type { Location } from './api/types';
import type { Lang } from './i18n';
import { isChainWide, type Session } from './staff-session';

type LocationPage = { items: Location[] };
const KEPT = 'musubi.locations';

/** The list as last read, so a screen loaded offline (the till) still names its store. */
function kept(): LocationPage | undefined {
  try {
    return (JSON.parse(localStorage.getItem(KEPT) ?? 'null') as LocationPage | null) ?? undefined;
  } catch {
    return undefined;
  }
}

/** Every store and warehouse (public list; it changes rarely). */
export function useLocations() {
  return useQuery({
    queryKey: ['locations'],
    queryFn: async () => {
      const page = await call(api.GET('/api/locations', { params: { query: {} } }));
      try {
        localStorage.setItem(KEPT, JSON.stringify(page));
      } catch {
        // Storage full or refused: the list is simply not kept.
      }
      return page;
    },
    staleTime: 5 * 60_000,
    // Shown at once (and offline), read again right away.
    placeholderData: kept,
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
