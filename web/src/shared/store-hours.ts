import type { Location } from './api/types';

/** The week as a store's opening hours list it, Monday first (as a Japanese shop's notice reads). */
export const WEEK = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEK)[number];
const BY_INDEX = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

type Hours = Location['openingHours'];
const minutes = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};
const tokyo = (now: Date) => new Date(now.getTime() + 9 * 3600_000);

/** Today's weekday in Japan (every store's time zone). */
export function tokyoWeekday(now: Date = new Date()): Weekday {
  return BY_INDEX[tokyo(now).getUTCDay()]!;
}

/** Today's hours in Japan, or null on a closed day (定休日). */
export function hoursOn(hours: Hours, day: Weekday): { open: string; close: string } | null {
  return hours[day] ?? null;
}

/**
 * Open at `now` by its hours, in Japan time — the same rule as the server's locations.isOpenAt: a day
 * without hours is closed; a close before the open runs past midnight.
 */
export function isOpenNow(hours: Hours, now: Date = new Date()): boolean {
  const t = tokyo(now);
  const minute = t.getUTCHours() * 60 + t.getUTCMinutes();
  const today = hours[BY_INDEX[t.getUTCDay()]!];
  const yesterday = hours[BY_INDEX[(t.getUTCDay() + 6) % 7]!];
  if (today) {
    const [open, close] = [minutes(today.open), minutes(today.close)];
    if (close > open ? minute >= open && minute < close : minute >= open) return true;
  }
  return !!yesterday && minutes(yesterday.close) <= minutes(yesterday.open) && minute < minutes(yesterday.close);
}

/** A plain map link for a store (no embedded map: nothing is loaded from another site until she taps it). */
export function mapHref(l: Pick<Location, 'lat' | 'lng' | 'name'>): string {
  return `https://www.google.com/maps/search/?api=1&query=${l.lat},${l.lng}`;
}
