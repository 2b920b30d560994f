/** A visit is booked at least this long ahead (the server's LEAD_MINUTES, appointments/calendar.ts). */
export const LEAD_MINUTES = 30;

/**
 * Whether today has no time left to book at a store closing at `close` ('HH:MM', Japan time): a visit starts
 * at least LEAD_MINUTES from now and ends by closing time. The day picker then marks today 受付終了 instead of
 * offering a day with an empty list of times.
 */
export function todayIsOver(close: string, minutes: number, now = new Date()): boolean {
  const clock = new Date(now.getTime() + 9 * 3600_000).toISOString().slice(11, 16);
  return minutesOf(clock) + LEAD_MINUTES + minutes > minutesOf(close);
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}
