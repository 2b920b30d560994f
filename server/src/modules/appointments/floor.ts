import { and, asc, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import type { Db, Executor } from '../../platform/db/connection.ts';
import { readOne, readPart, readTogether, type ReadPart } from '../../platform/db/read-parts.ts';
import { inTransaction } from '../../platform/db/tx.ts';
import { assertCanActAt, requireStaff, type Principal } from '../../platform/auth.ts';
import { DomainError } from '../../platform/errors.ts';
import { emit } from '../../platform/subscribers.ts';
import { memberCards, ofPerson } from '../customers/service.ts';
import { atJapan, japanDate } from './calendar.ts';
import { eventPayload } from './booking.ts';
import { appointments, type AppointmentStatus } from './schema.ts';
import { STATUS_JA, appointmentViews, type AppointmentView, type ViewedRow } from './views.ts';
import './problems.ts';

type Row = typeof appointments.$inferSelect;

/** An appointment as the store's staff see it: who she is and how often she did not come. */
export interface FloorView extends AppointmentView {
  customer: { id: string; name: string; memberNumber: string; noShowCount: number };
}

/** 無断キャンセル per member (over her merged records too): what staff see beside her name. */
export async function noShowCounts(db: Executor, customerIds: readonly string[]): Promise<Map<string, number>> {
  const unique = [...new Set(customerIds)];
  const out = new Map<string, number>();
  for (const id of unique) out.set(id, await readOne(db, noShowCountPart(id)));
  return out;
}

async function floorViews(db: Executor, rows: readonly Row[]): Promise<FloorView[]> {
  const ids = rows.map((r) => r.customerId);
  const views = await appointmentViews(db, rows);
  const cards = await memberCards(db, ids);
  const noShows = await noShowCounts(db, ids);
  return views.map((v, i) => {
    const id = rows[i]!.customerId;
    const card = cards.get(id);
    return {
      ...v,
      customer: {
        id,
        name: card?.name ?? '',
        memberNumber: card?.memberNumber ?? '',
        noShowCount: noShows.get(id) ?? 0,
      },
    };
  });
}

/** The store's appointments of a Japan date, by time (every status): the day list and the board. */
export async function storeDay(db: Executor, actor: Principal, locationId: string, date: string): Promise<FloorView[]> {
  assertCanActAt(actor, locationId);
  const rows = await db
    .select()
    .from(appointments)
    .where(
      and(
        eq(appointments.locationId, locationId),
        gte(appointments.startsAt, atJapan(date, 0)),
        lt(appointments.startsAt, atJapan(date, 24 * 60)),
      ),
    )
    .orderBy(asc(appointments.startsAt), asc(appointments.id));
  return floorViews(db, rows);
}

export type FloorAction = 'check_in' | 'complete' | 'no_show' | 'cancel';

/** Which status each action leaves, and from which statuses it may be taken. */
const MOVES: Record<FloorAction, { to: AppointmentStatus; from: readonly AppointmentStatus[]; event: string }> = {
  check_in: { to: 'checked_in', from: ['booked'], event: 'appointment.checked_in' },
  complete: { to: 'completed', from: ['booked', 'checked_in'], event: 'appointment.completed' },
  no_show: { to: 'no_show', from: ['booked'], event: 'appointment.no_show' },
  cancel: { to: 'cancelled', from: ['booked'], event: 'appointment.cancelled' },
};

/**
 * The store moves an appointment on: 来店 (check in), 完了, 無断キャンセル (only once it has started; it stays
 * on her record and is counted), or キャンセル on her behalf. Only the store's own staff (and head office).
 * A guarded update: two clerks tapping at once move it once, the second is told its state.
 */
export async function moveAppointment(
  db: Db,
  actor: Principal,
  id: string,
  action: FloorAction,
  now = new Date(),
): Promise<FloorView> {
  const staff = requireStaff(actor);
  const [current] = await db.select().from(appointments).where(eq(appointments.id, id));
  if (!current) throw new DomainError('appointments.not_found', { appointmentId: id });
  assertCanActAt(staff, current.locationId);
  const move = MOVES[action];
  if (action === 'no_show' && now < current.startsAt) throw new DomainError('appointments.not_started');
  const row = await inTransaction(db, async (tx) => {
    const [moved] = await tx
      .update(appointments)
      .set({
        status: move.to,
        statusChangedAt: now,
        statusChangedBy: staff.staffId,
        ...(action === 'cancel' ? { cancelledBy: 'store' } : {}),
      })
      .where(and(eq(appointments.id, id), inArray(appointments.status, [...move.from])))
      .returning();
    if (!moved) {
      const [again] = await tx.select().from(appointments).where(eq(appointments.id, id));
      throw new DomainError('appointments.wrong_status', { status: again!.status, statusJa: STATUS_JA[again!.status] });
    }
    await emit(tx, move.event, id, await eventPayload(tx, moved, { by: 'store' }));
    return moved;
  });
  return (await floorViews(db, [row]))[0]!;
}

/**
 * Her next appointment at any store (booked or checked in, not over), for the clienteling card — no
 * authorization here: the card's caller has checked who may see her.
 */
export async function nextAppointmentOf(
  db: Executor,
  customerId: string,
  now = new Date(),
): Promise<(AppointmentView & { noShowCount: number }) | null> {
  const { next, noShows } = await readTogether(db, {
    next: nextAppointmentPart(db, customerId, now),
    noShows: noShowCountPart(customerId),
  });
  return next ? { ...next, noShowCount: noShows } : null;
}

/** nextAppointmentOf's appointment as a part of a larger read (platform/db/read-parts.ts). */
export function nextAppointmentPart(
  db: Executor,
  customerId: string,
  now = new Date(),
): ReadPart<AppointmentView | null> {
  type Json<T> = { [K in keyof T]: T[K] extends Date ? string : T[K] };
  return readPart<Json<ViewedRow>, AppointmentView | null>(
    sql`SELECT id, status, starts_at AS "startsAt", ends_at AS "endsAt", note, location_id AS "locationId",
               service_id AS "serviceId", staff_id AS "staffId", created_at AS "createdAt"
          FROM appointments
         WHERE ${ofPerson(sql`customer_id`, customerId)} AND status IN ('booked', 'checked_in') AND ends_at > ${now}
         ORDER BY starts_at LIMIT 1`,
    async ([row]) => {
      if (!row) return null;
      const at = { startsAt: new Date(row.startsAt), endsAt: new Date(row.endsAt), createdAt: new Date(row.createdAt) };
      return (await appointmentViews(db, [{ ...row, ...at }]))[0]!;
    },
  );
}

/** Her count of 無断キャンセル (the clienteling card shows it even with nothing booked). */
export async function noShowCountOf(db: Executor, customerId: string): Promise<number> {
  return readOne(db, noShowCountPart(customerId));
}

/** noShowCountOf as a part of a larger read (platform/db/read-parts.ts). */
export function noShowCountPart(customerId: string): ReadPart<number> {
  return readPart<{ n: number }, number>(
    sql`SELECT count(*)::int AS n FROM appointments WHERE ${ofPerson(sql`customer_id`, customerId)} AND status = 'no_show'`,
    ([row]) => row?.n ?? 0,
  );
}

/** Today's date in Japan (the board's day). */
export const today = (now = new Date()) => japanDate(now);
