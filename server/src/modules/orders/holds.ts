import type { OpeningHours } from '../locations/service.ts';

/** A hold (取り置き) never waits longer than this, whatever the store's hours. */
export const HOLD_MAX_DAYS = 3;

const TOKYO_OFFSET_MS = 9 * 3600_000; // Japan has no daylight saving time
const DAY_MS = 86400_000;
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

const minutesOf = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
};

/**
 * Until when a hold keeps the goods aside: the store's closing time today (Japan time), or — when it has
 * already closed or does not open today — the closing time of the next day it opens; never more than
 * HOLD_MAX_DAYS from now. A closing time at or before the opening time is past midnight (18:00–02:00).
 */
export function holdDeadline(hours: OpeningHours, now: Date = new Date()): Date {
  const cap = now.getTime() + HOLD_MAX_DAYS * DAY_MS;
  const tokyo = new Date(now.getTime() + TOKYO_OFFSET_MS); // read with getUTC*: the wall clock in Tokyo
  const midnight = Date.UTC(tokyo.getUTCFullYear(), tokyo.getUTCMonth(), tokyo.getUTCDate()) - TOKYO_OFFSET_MS;
  for (let d = 0; d <= HOLD_MAX_DAYS; d++) {
    const day = hours[WEEKDAYS[(tokyo.getUTCDay() + d) % 7]!];
    if (!day) continue;
    const open = minutesOf(day.open);
    const close = minutesOf(day.close);
    const closesAt = midnight + d * DAY_MS + (close <= open ? close + 24 * 60 : close) * 60_000;
    if (closesAt > now.getTime()) return new Date(Math.min(closesAt, cap));
  }
  return new Date(cap);
}
