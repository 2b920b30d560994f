import { and, eq, gt, inArray, lt } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connection.ts';
import { getLocation } from '../locations/service.ts';
import { staffAtLocation } from '../staff/service.ts';
import {
  HORIZON_DAYS,
  LEAD_MINUTES,
  addDays,
  atJapan,
  japanDate,
  openingOn,
  overlaps,
  slotStarts,
  workingOn,
  type Shift,
} from './calendar.ts';
import {
  appointmentServiceStaff,
  appointments,
  staffShifts,
  staffTimeBlocks,
  type appointmentServices,
} from './schema.ts';

type Service = typeof appointmentServices.$inferSelect;

/** Statuses that take a place (a cancelled visit frees it; a no-show is in the past). */
export const HOLDING = ['booked', 'checked_in', 'completed'] as const;

/** One staff member's day for a service: when she works, her blocks and her appointments, in minutes. */
interface StaffDay {
  staffId: string;
  working: [number, number] | null;
  blocks: Array<[number, number]>;
  busy: Array<{ serviceId: string; from: number; to: number }>;
}

/** What the slots of a service on a day are computed from (read in one go, inside the booking's lock too). */
export interface Day {
  date: string;
  opening: [number, number] | null;
  staff: StaffDay[];
}

const minutesFrom = (date: string) => {
  const midnight = atJapan(date, 0).getTime();
  return (at: Date) => Math.round((at.getTime() - midnight) / 60_000);
};

/** Read the day: the store's hours, the service's staff (active, still at the store), shifts, blocks, bookings. */
export async function readDay(db: Executor, service: Service, date: string): Promise<Day> {
  const location = await getLocation(db, service.locationId);
  const opening = openingOn(location.openingHours, date);
  const atStore = new Set((await staffAtLocation(db, service.locationId)).map((s) => s.id));
  const assigned = (
    await db
      .select({ staffId: appointmentServiceStaff.staffId })
      .from(appointmentServiceStaff)
      .where(eq(appointmentServiceStaff.serviceId, service.id))
  )
    .map((r) => r.staffId)
    .filter((id) => atStore.has(id))
    .sort();
  if (!opening || !assigned.length) return { date, opening, staff: [] };
  const [from, to] = [atJapan(date, 0), atJapan(date, 24 * 60)];
  // One after another: inside the booking's transaction these share one connection.
  const shifts = await db
    .select()
    .from(staffShifts)
    .where(and(eq(staffShifts.locationId, service.locationId), inArray(staffShifts.staffId, assigned)));
  const blocks = await db
    .select()
    .from(staffTimeBlocks)
    .where(
      and(
        inArray(staffTimeBlocks.staffId, assigned),
        lt(staffTimeBlocks.startsAt, to),
        gt(staffTimeBlocks.endsAt, from),
      ),
    );
  const booked = await db
    .select({
      staffId: appointments.staffId,
      serviceId: appointments.serviceId,
      startsAt: appointments.startsAt,
      endsAt: appointments.endsAt,
    })
    .from(appointments)
    .where(
      and(
        inArray(appointments.staffId, assigned),
        inArray(appointments.status, [...HOLDING]),
        lt(appointments.startsAt, to),
        gt(appointments.endsAt, from),
      ),
    );
  const m = minutesFrom(date);
  return {
    date,
    opening,
    staff: assigned.map((staffId) => ({
      staffId,
      working: workingOn(
        opening,
        shifts.filter((s): s is typeof s & Shift => s.staffId === staffId),
        date,
      ),
      blocks: blocks.filter((b) => b.staffId === staffId).map((b) => [m(b.startsAt), m(b.endsAt)] as [number, number]),
      busy: booked
        .filter((b) => b.staffId === staffId)
        .map((b) => ({ serviceId: b.serviceId, from: m(b.startsAt), to: m(b.endsAt) })),
    })),
  };
}

/**
 * Places a staff member has left for the service at [from, to): none unless she works the whole time, has no
 * block in it and no other service's visit overlapping; else her capacity less the same service's visits
 * overlapping it.
 */
export function placesLeft(s: StaffDay, service: Service, from: number, to: number): number {
  if (!s.working || from < s.working[0] || to > s.working[1]) return 0;
  if (s.blocks.some(([a, b]) => overlaps(from, to, a, b))) return 0;
  const overlapping = s.busy.filter((b) => overlaps(from, to, b.from, b.to));
  if (overlapping.some((b) => b.serviceId !== service.id)) return 0;
  return Math.max(0, service.capacityPerStaff - overlapping.length);
}

export interface Slot {
  startsAt: Date;
  endsAt: Date;
  /** Minutes since the day's midnight (Japan time). */
  minute: number;
  /** Places left over every staff member who does the service. */
  remaining: number;
}

/** Whether a member may book on this date at all (today … HORIZON_DAYS ahead). */
export function withinHorizon(date: string, now: Date): boolean {
  const today = japanDate(now);
  return date >= today && date <= addDays(today, HORIZON_DAYS);
}

/** The day's slots with places left, from `now + LEAD_MINUTES` on (empty outside the booking window). */
export function freeSlots(day: Day, service: Service, now: Date): Slot[] {
  if (!withinHorizon(day.date, now)) return [];
  const earliest = now.getTime() + LEAD_MINUTES * 60_000;
  return slotStarts(day.opening, service.durationMinutes)
    .map((minute) => {
      const to = minute + service.durationMinutes;
      const remaining = day.staff.reduce((sum, s) => sum + placesLeft(s, service, minute, to), 0);
      return { startsAt: atJapan(day.date, minute), endsAt: atJapan(day.date, to), minute, remaining };
    })
    .filter((slot) => slot.remaining > 0 && slot.startsAt.getTime() >= earliest);
}

/** The staff member a booking at `minute` goes to: the one with the most places left (then by id), or none. */
export function pickStaff(day: Day, service: Service, minute: number): string | null {
  let best: { staffId: string; places: number } | null = null;
  for (const s of day.staff) {
    const places = placesLeft(s, service, minute, minute + service.durationMinutes);
    if (places > 0 && (!best || places > best.places)) best = { staffId: s.staffId, places };
  }
  return best?.staffId ?? null;
}
