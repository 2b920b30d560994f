import { and, asc, count, desc, eq, gt, inArray, lt, lte, or, sql } from 'drizzle-orm';
import type { Db, Executor, Tx } from '../../platform/db/connection.ts';
import { inTransaction } from '../../platform/db/tx.ts';
import { requireCustomer, type Principal } from '../../platform/auth.ts';
import { DomainError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { emit } from '../../platform/subscribers.ts';
import { getLocation } from '../locations/service.ts';
import { personIds } from '../customers/service.ts';
import { HOLDING, freeSlots, pickStaff, readDay, withinHorizon } from './availability.ts';
import { LEAD_MINUTES, SLOT_STEP_MINUTES, atJapan, japanClock, japanDate, slotStarts } from './calendar.ts';
import { CANCEL_CUTOFF_HOURS, MAX_UPCOMING } from './rules.ts';
import { appointments } from './schema.ts';
import { serviceRow } from './setup.ts';
import { STATUS_JA, appointmentViews, type AppointmentView } from './views.ts';
import './problems.ts';

type Row = typeof appointments.$inferSelect;

/** An active service, else 404 (a retired one takes no bookings). */
async function activeService(db: Executor, id: string) {
  const s = await serviceRow(db, id);
  if (!s.active) throw new DomainError('appointments.service_not_found', { serviceId: id });
  return s;
}

/** The free slots of a service on a Japan date (anyone may look; booking needs a member). */
export async function slotsOf(db: Executor, serviceId: string, date: string, now = new Date()) {
  const service = await activeService(db, serviceId);
  const day = await readDay(db, service, date);
  return {
    serviceId,
    date,
    slots: freeSlots(day, service, now).map((s) => ({
      startsAt: s.startsAt.toISOString(),
      endsAt: s.endsAt.toISOString(),
      time: japanClock(s.startsAt),
      remaining: s.remaining,
    })),
  };
}

/**
 * A store's bookings are taken one at a time (a transaction-scoped lock per store): the places left are read
 * and the booking written under it, so racing bookings for the last place give exactly the capacity. Her own
 * lock follows (always in this order), so one member never holds two visits at once across stores.
 */
async function lockBooking(tx: Tx, locationId: string, customerId: string) {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`appointments:store:${locationId}`}))`);
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`appointments:member:${customerId}`}))`);
}

export interface BookingInput {
  serviceId: string;
  startsAt: Date;
  note: string;
}

/** Book inside a transaction that holds the locks; `replacing` is her appointment being moved (rebook). */
async function bookLocked(tx: Tx, customerId: string, input: BookingInput, now: Date): Promise<Row> {
  const service = await activeService(tx, input.serviceId);
  const date = japanDate(input.startsAt);
  const minute = Math.round((input.startsAt.getTime() - atJapan(date, 0).getTime()) / 60_000);
  if (!withinHorizon(date, now) || minute % SLOT_STEP_MINUTES !== 0)
    throw new DomainError('appointments.slot_unavailable', { startsAt: input.startsAt.toISOString() });
  const endsAt = new Date(input.startsAt.getTime() + service.durationMinutes * 60_000);
  const persons = await personIds(tx, customerId);
  const [clash] = await tx
    .select({ id: appointments.id })
    .from(appointments)
    .where(
      and(
        inArray(appointments.customerId, persons),
        inArray(appointments.status, ['booked', 'checked_in']),
        lt(appointments.startsAt, endsAt),
        gt(appointments.endsAt, input.startsAt),
      ),
    );
  if (clash) throw new DomainError('appointments.overlapping', { appointmentId: clash.id });
  const [upcoming] = await tx
    .select({ n: count() })
    .from(appointments)
    .where(
      and(inArray(appointments.customerId, persons), eq(appointments.status, 'booked'), gt(appointments.startsAt, now)),
    );
  if ((upcoming?.n ?? 0) >= MAX_UPCOMING) throw new DomainError('appointments.too_many', { max: MAX_UPCOMING });
  const day = await readDay(tx, service, date);
  const slot = freeSlots(day, service, now).find((s) => s.minute === minute);
  if (!slot) {
    // A slot of the day that the store offers but has no place left is full (someone was first); any other
    // time is not a slot at all.
    const offered =
      slotStarts(day.opening, service.durationMinutes).includes(minute) &&
      input.startsAt.getTime() >= now.getTime() + LEAD_MINUTES * 60_000;
    throw new DomainError(offered ? 'appointments.slot_full' : 'appointments.slot_unavailable', {
      startsAt: input.startsAt.toISOString(),
    });
  }
  const staffId = pickStaff(day, service, minute)!;
  const [row] = await tx
    .insert(appointments)
    .values({
      id: newId('apt'),
      locationId: service.locationId,
      serviceId: service.id,
      staffId,
      customerId,
      startsAt: input.startsAt,
      endsAt,
      note: input.note,
    })
    .returning();
  return row!;
}

/** What an appointment event carries: enough for a notice without reading the appointment again. */
export async function eventPayload(db: Executor, row: Row, extra: Record<string, unknown> = {}) {
  const [view] = await appointmentViews(db, [row]);
  return {
    appointmentId: row.id,
    customerId: row.customerId,
    locationId: row.locationId,
    storeName: view!.store.name,
    serviceId: row.serviceId,
    serviceName: view!.service.nameJa,
    serviceNameEn: view!.service.nameEn,
    startsAt: row.startsAt.toISOString(),
    endsAt: row.endsAt.toISOString(),
    status: row.status,
    ...extra,
  };
}

/**
 * 来店予約: a member books a slot of a service. The slot must be one the store offers now (on the 30-minute
 * grid, within the hours and the booking window, from 30 minutes ahead); the last place of a slot goes to
 * exactly one of two members racing for it. `appointment.booked` is written with it (her confirmation).
 */
export async function bookAppointment(
  db: Db,
  actor: Principal,
  input: BookingInput,
  now = new Date(),
): Promise<AppointmentView> {
  const { customerId } = requireCustomer(actor);
  const service = await activeService(db, input.serviceId);
  const row = await inTransaction(db, async (tx) => {
    await lockBooking(tx, service.locationId, customerId);
    const booked = await bookLocked(tx, customerId, input, now);
    await emit(tx, 'appointment.booked', booked.id, await eventPayload(tx, booked));
    return booked;
  });
  return (await appointmentViews(db, [row]))[0]!;
}

/** Her appointment (or a merged record's), else 404 — another member's is never found. */
async function hers(tx: Executor, customerId: string, id: string, lock = false): Promise<Row> {
  const persons = await personIds(tx, customerId);
  const q = tx
    .select()
    .from(appointments)
    .where(and(eq(appointments.id, id), inArray(appointments.customerId, persons)));
  const [row] = lock ? await q.for('update') : await q;
  if (!row) throw new DomainError('appointments.not_found', { appointmentId: id });
  return row;
}

function assertChangeable(row: Row, now: Date) {
  if (row.status !== 'booked')
    throw new DomainError('appointments.wrong_status', { status: row.status, statusJa: STATUS_JA[row.status] });
  if (now.getTime() > row.startsAt.getTime() - CANCEL_CUTOFF_HOURS * 3600_000)
    throw new DomainError('appointments.cancel_too_late', { hours: CANCEL_CUTOFF_HOURS });
}

/** She cancels her appointment, up to CANCEL_CUTOFF_HOURS before it (after that she calls the store). */
export async function cancelMine(db: Db, actor: Principal, id: string, now = new Date()): Promise<AppointmentView> {
  const { customerId } = requireCustomer(actor);
  const row = await inTransaction(db, async (tx) => {
    const current = await hers(tx, customerId, id, true);
    assertChangeable(current, now);
    const [done] = await tx
      .update(appointments)
      .set({
        status: 'cancelled',
        cancelledBy: 'customer',
        statusChangedAt: now,
        statusChangedBy: `customer:${customerId}`,
      })
      .where(eq(appointments.id, id))
      .returning();
    await emit(tx, 'appointment.cancelled', id, await eventPayload(tx, done!, { by: 'customer' }));
    return done!;
  });
  return (await appointmentViews(db, [row]))[0]!;
}

/**
 * 予約の変更: her appointment moves to another slot (same store; same or another service) in one
 * transaction — the old place is freed and the new one taken together, so a full new slot leaves the old
 * booking as it was. Up to the same cut-off as a cancellation.
 */
export async function rebookMine(
  db: Db,
  actor: Principal,
  id: string,
  input: BookingInput,
  now = new Date(),
): Promise<AppointmentView> {
  const { customerId } = requireCustomer(actor);
  const current = await hers(db, customerId, id);
  const service = await activeService(db, input.serviceId);
  if (service.locationId !== current.locationId)
    throw new DomainError('appointments.service_not_found', { serviceId: input.serviceId });
  const row = await inTransaction(db, async (tx) => {
    await lockBooking(tx, current.locationId, customerId);
    const old = await hers(tx, customerId, id, true);
    assertChangeable(old, now);
    const [cancelled] = await tx
      .update(appointments)
      .set({
        status: 'cancelled',
        cancelledBy: 'rebooked',
        statusChangedAt: now,
        statusChangedBy: `customer:${customerId}`,
      })
      .where(eq(appointments.id, id))
      .returning();
    const booked = await bookLocked(tx, customerId, input, now);
    await emit(
      tx,
      'appointment.cancelled',
      id,
      await eventPayload(tx, cancelled!, { by: 'customer', rebookedAs: booked.id }),
    );
    await emit(tx, 'appointment.booked', booked.id, await eventPayload(tx, booked, { rebookedFrom: id }));
    return booked;
  });
  return (await appointmentViews(db, [row]))[0]!;
}

/** Her visits still to come (or under way): booked or checked in, not yet over — hers under any merged record. */
export const upcomingOf = (persons: string[], now: Date) =>
  and(
    inArray(appointments.customerId, persons),
    inArray(appointments.status, ['booked', 'checked_in']),
    gt(appointments.endsAt, now),
  );

/** Her appointments: upcoming first (soonest first), then the past and cancelled ones (latest 20). */
export async function myAppointments(db: Executor, actor: Principal, now = new Date()) {
  const { customerId } = requireCustomer(actor);
  const persons = await personIds(db, customerId);
  const upcoming = await db
    .select()
    .from(appointments)
    .where(upcomingOf(persons, now))
    .orderBy(asc(appointments.startsAt));
  const past = await db
    .select()
    .from(appointments)
    .where(
      and(
        inArray(appointments.customerId, persons),
        or(inArray(appointments.status, ['cancelled', 'completed', 'no_show']), lte(appointments.endsAt, now)),
      ),
    )
    .orderBy(desc(appointments.startsAt))
    .limit(20);
  return { upcoming: await appointmentViews(db, upcoming), past: await appointmentViews(db, past) };
}

/** One of hers. */
export async function myAppointment(db: Executor, actor: Principal, id: string): Promise<AppointmentView> {
  const { customerId } = requireCustomer(actor);
  return (await appointmentViews(db, [await hers(db, customerId, id)]))[0]!;
}

/** The store of a service (the booking screen's heading) — anyone. */
export async function storeOf(db: Executor, locationId: string) {
  const l = await getLocation(db, locationId);
  return { id: l.id, name: l.name, openingHours: l.openingHours };
}

export { HOLDING };
