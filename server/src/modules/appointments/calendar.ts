import type { OpeningHours } from '../locations/service.ts';

/**
 * Japan time for appointments: stores keep Japan time (+09:00, no daylight saving), the database UTC. A
 * day is a Japan calendar date ('2026-12-07'); a time of day is 'HH:MM' on it.
 */
const JST_MS = 9 * 3600_000;
const DAY_KEYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/** Slots start every 30 minutes from opening time. */
export const SLOT_STEP_MINUTES = 30;
/** A slot is offered until this long before it starts (the store needs to see it coming). */
export const LEAD_MINUTES = 30;
/** How far ahead a member may book. */
export const HORIZON_DAYS = 30;

/** The Japan calendar date of an instant. */
export function japanDate(at: Date): string {
  return new Date(at.getTime() + JST_MS).toISOString().slice(0, 10);
}

/** 'HH:MM' in Japan time of an instant. */
export function japanClock(at: Date): string {
  return new Date(at.getTime() + JST_MS).toISOString().slice(11, 16);
}

/** Minutes since midnight of 'HH:MM'. */
export function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** The instant of a Japan date plus minutes since its midnight. */
export function atJapan(date: string, minutes: number): Date {
  return new Date(Date.parse(`${date}T00:00:00Z`) - JST_MS + minutes * 60_000);
}

/** 0 = Sunday … 6 of a Japan date. */
export function weekdayOf(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

/** A Japan date `days` after another. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * The store's hours on a date, as minutes [open, close). Hours that run past midnight end at midnight for
 * appointments (a visit is booked within one day); a closed day is null.
 */
export function openingOn(hours: OpeningHours, date: string): [number, number] | null {
  const day = hours[DAY_KEYS[weekdayOf(date)]!];
  if (!day) return null;
  const open = minutesOf(day.open);
  const close = minutesOf(day.close);
  return [open, close > open ? close : 24 * 60];
}

export interface Shift {
  weekday: number;
  startTime: string;
  endTime: string;
}

/**
 * When a staff member works on a date, in minutes: her shift of that weekday within the opening hours; with
 * no shifts at all at the store, every opening hour ("all opening hours", the default).
 */
export function workingOn(
  opening: [number, number] | null,
  shifts: readonly Shift[],
  date: string,
): [number, number] | null {
  if (!opening) return null;
  if (!shifts.length) return opening;
  const shift = shifts.find((s) => s.weekday === weekdayOf(date));
  if (!shift) return null;
  const from = Math.max(opening[0], minutesOf(shift.startTime));
  const to = Math.min(opening[1], minutesOf(shift.endTime));
  return from < to ? [from, to] : null;
}

/** The slot starts of a day for a visit of `duration` minutes: every step from opening, ending by closing. */
export function slotStarts(opening: [number, number] | null, duration: number): number[] {
  if (!opening) return [];
  const starts: number[] = [];
  for (let m = opening[0]; m + duration <= opening[1]; m += SLOT_STEP_MINUTES) starts.push(m);
  return starts;
}

/** Whether [a, b) and [c, d) overlap. */
export function overlaps(a: number, b: number, c: number, d: number): boolean {
  return a < d && c < b;
}
