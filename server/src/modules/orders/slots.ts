import { and, asc, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import type { Db, Executor, Tx } from '../../platform/db/connection.ts';
import { DomainError } from '../../platform/errors.ts';
import { recordAudit } from '../../platform/audit.ts';
import { inTransaction } from '../../platform/db/tx.ts';
import { assertCanActAt, requireRole, type Principal } from '../../platform/auth.ts';
import { getLocation, type Location, type OpeningHours } from '../locations/service.ts';
import { memberCards } from '../customers/service.ts';
import { fulfilments, orderLines, orders, orderSlots, slotSettings, type SlotKind } from './schema.ts';
import './problems.ts';
import type { PrepBoard } from './schemas.ts';

/**
 * Time slots per kind. Order-ahead (モバイルオーダー): 10-minute pickup slots at the café counter, offered
 * from 5 minutes ahead. Local delivery (Hema-style): 30-minute delivery windows, the first starting at
 * least 30 minutes from now ("最短30分"), capacity = what the store's riders can carry per window.
 */
export const SLOT_RULES: Record<SlotKind, { minutes: number; leadMinutes: number; defaultCapacity: number }> = {
  order_ahead: { minutes: 10, leadMinutes: 5, defaultCapacity: 6 },
  delivery: { minutes: 30, leadMinutes: 30, defaultCapacity: 4 },
};
/** Order-ahead slot length, lead time and default capacity (the café's numbers). */
export const SLOT_MINUTES = SLOT_RULES.order_ahead.minutes;
export const SLOT_LEAD_MINUTES = SLOT_RULES.order_ahead.leadMinutes;
export const DEFAULT_SLOT_CAPACITY = SLOT_RULES.order_ahead.defaultCapacity;
/** Slots are offered this many days ahead at most. */
export const SLOT_MAX_DAYS = 7;
/** An order-ahead order waits this long after its slot ends before it is cancelled as uncollected. */
export const ORDER_AHEAD_GRACE_MINUTES = 30;

const TOKYO_OFFSET_MS = 9 * 3600_000; // Japan has no daylight saving time
const DAY_MS = 86400_000;
const slotMs = (kind: SlotKind) => SLOT_RULES[kind].minutes * 60_000;
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

const minutesOf = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
};

/** The Tokyo calendar date of an instant, as YYYY-MM-DD. */
export function tokyoDate(at: Date): string {
  return new Date(at.getTime() + TOKYO_OFFSET_MS).toISOString().slice(0, 10);
}

/** Midnight (Tokyo) of a YYYY-MM-DD date, as an instant; null for an invalid date. */
function tokyoMidnight(date: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return null;
  const utc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (new Date(utc).toISOString().slice(0, 10) !== date) return null;
  return utc - TOKYO_OFFSET_MS;
}

/**
 * The slot starts of a day's opening (Japan time) still offered at `now`: from opening time every slot
 * length of the kind, the last ending at closing time (a closing at or before the opening is past
 * midnight); not those starting within the kind's lead time of now (or before), nor more than
 * SLOT_MAX_DAYS ahead.
 */
export function slotStartsFor(
  hours: OpeningHours,
  date: string,
  now: Date = new Date(),
  kind: SlotKind = 'order_ahead',
): Date[] {
  const midnight = tokyoMidnight(date);
  if (midnight === null) throw new DomainError('platform.validation', {}, [{ field: 'date', message: 'invalid_date' }]);
  const day = hours[WEEKDAYS[new Date(midnight + TOKYO_OFFSET_MS).getUTCDay()]!];
  if (!day) return [];
  const { minutes, leadMinutes } = SLOT_RULES[kind];
  const open = minutesOf(day.open);
  const closeRaw = minutesOf(day.close);
  const close = closeRaw <= open ? closeRaw + 24 * 60 : closeRaw;
  const earliest = now.getTime() + leadMinutes * 60_000;
  const latest = now.getTime() + SLOT_MAX_DAYS * DAY_MS;
  const starts: Date[] = [];
  for (let t = open; t + minutes <= close; t += minutes) {
    const at = midnight + t * 60_000;
    if (at >= earliest && at <= latest) starts.push(new Date(at));
  }
  return starts;
}

/** Whether `start` is a slot start the store offers now (its own day's opening, or the previous day's past midnight). */
export function isOfferedSlot(
  hours: OpeningHours,
  start: Date,
  now: Date = new Date(),
  kind: SlotKind = 'order_ahead',
): boolean {
  const date = tokyoDate(start);
  const previous = tokyoDate(new Date(start.getTime() - DAY_MS));
  return [date, previous].some((d) => slotStartsFor(hours, d, now, kind).some((s) => s.getTime() === start.getTime()));
}

/** Order-ahead needs an active store with services.orderAhead; delivery one with a delivery radius. */
export function assertOffers(loc: Location, kind: SlotKind): void {
  const offers =
    kind === 'order_ahead'
      ? loc.services.orderAhead
      : loc.services.deliveryRadiusKm !== null && loc.services.deliveryRadiusKm > 0;
  if (loc.kind !== 'store' || !loc.active || !offers)
    throw new DomainError(kind === 'delivery' ? 'delivery.not_offered' : 'slot.not_offered', {
      locationId: loc.id,
      name: loc.name,
    });
}

export async function slotCapacity(db: Executor, locationId: string, kind: SlotKind = 'order_ahead'): Promise<number> {
  const [row] = await db
    .select({ capacity: slotSettings.capacity })
    .from(slotSettings)
    .where(and(eq(slotSettings.locationId, locationId), eq(slotSettings.kind, kind)));
  return row?.capacity ?? SLOT_RULES[kind].defaultCapacity;
}

/** A store's orders per slot of a kind (staff of the store). */
export async function getSlotSettings(db: Db, actor: Principal, locationId: string, kind: SlotKind) {
  assertCanActAt(actor, locationId);
  await getLocation(db, locationId);
  return {
    locationId,
    kind,
    capacity: await slotCapacity(db, locationId, kind),
    slotMinutes: SLOT_RULES[kind].minutes,
  };
}

/** Set a store's orders per slot (owner/hq, or the store's manager); the change is in the audit trail. */
export async function setSlotCapacity(db: Db, actor: Principal, locationId: string, kind: SlotKind, capacity: number) {
  assertCanActAt(requireRole(actor, 'owner', 'hq', 'store_manager'), locationId);
  await getLocation(db, locationId);
  await inTransaction(db, async (tx) => {
    const before = await slotCapacity(tx, locationId, kind);
    await tx
      .insert(slotSettings)
      .values({ locationId, kind, capacity })
      .onConflictDoUpdate({
        target: [slotSettings.locationId, slotSettings.kind],
        set: { capacity, updatedAt: sql`now()` },
      });
    if (before !== capacity)
      await recordAudit(tx, actor, {
        action: 'slots.updated',
        subjectType: 'location',
        subjectId: locationId,
        locationId,
        detail: { kind, changes: { capacity: { from: before, to: capacity } } },
      });
  });
  return { locationId, kind, capacity, slotMinutes: SLOT_RULES[kind].minutes };
}

export interface SlotView {
  start: string;
  end: string;
  capacity: number;
  booked: number;
  remaining: number;
}

/** A store's slots on a day (Japan date), with what is booked; times in UTC. */
export async function listSlots(db: Db, locationId: string, kind: SlotKind, date: string, now: Date = new Date()) {
  const loc = await getLocation(db, locationId);
  assertOffers(loc, kind);
  const starts = slotStartsFor(loc.openingHours, date, now, kind);
  const capacity = await slotCapacity(db, locationId, kind);
  const booked = new Map<number, number>();
  if (starts.length) {
    const rows = await db
      .select({ slotStart: orderSlots.slotStart, booked: orderSlots.booked })
      .from(orderSlots)
      .where(
        and(
          eq(orderSlots.locationId, locationId),
          eq(orderSlots.kind, kind),
          gte(orderSlots.slotStart, starts[0]!),
          lt(orderSlots.slotStart, new Date(starts.at(-1)!.getTime() + slotMs(kind))),
        ),
      );
    for (const r of rows) booked.set(r.slotStart.getTime(), r.booked);
  }
  const slots: SlotView[] = starts.map((s) => {
    const b = booked.get(s.getTime()) ?? 0;
    return {
      start: s.toISOString(),
      end: new Date(s.getTime() + slotMs(kind)).toISOString(),
      capacity,
      booked: b,
      remaining: Math.max(0, capacity - b),
    };
  });
  return {
    locationId,
    kind,
    date,
    slotMinutes: SLOT_RULES[kind].minutes,
    leadMinutes: SLOT_RULES[kind].leadMinutes,
    timezone: 'Asia/Tokyo',
    slots,
  };
}

/**
 * Check a slot choice: the store offers the kind and `slotStart` is one of its slots now (409
 * slot.invalid), and the slot is not already full (409 slot.full; only a hint — checkout books for real).
 */
export async function checkSlot(
  db: Executor,
  locationId: string,
  kind: SlotKind,
  slotStart: string,
  now: Date = new Date(),
): Promise<{ location: Location; start: Date; capacity: number; kind: SlotKind }> {
  const location = await getLocation(db, locationId);
  assertOffers(location, kind);
  const start = new Date(slotStart);
  if (Number.isNaN(start.getTime()) || !isOfferedSlot(location.openingHours, start, now, kind))
    throw new DomainError('slot.invalid', { locationId, slotStart });
  const capacity = await slotCapacity(db, locationId, kind);
  const [row] = await db
    .select({ booked: orderSlots.booked })
    .from(orderSlots)
    .where(and(eq(orderSlots.locationId, locationId), eq(orderSlots.kind, kind), eq(orderSlots.slotStart, start)));
  if ((row?.booked ?? 0) >= capacity)
    throw new DomainError('slot.full', { locationId, slotStart: start.toISOString() });
  return { location, start, capacity, kind };
}

/** The end of a slot of this kind. */
export const slotEnd = (start: Date, kind: SlotKind) => new Date(start.getTime() + slotMs(kind));

/** The deadline of an order-ahead fulfilment: the slot's end plus the grace period. */
export const orderAheadDeadline = (start: Date) =>
  new Date(slotEnd(start, 'order_ahead').getTime() + ORDER_AHEAD_GRACE_MINUTES * 60_000);

/**
 * Take one place in a slot inside the order's transaction. One guarded upsert: the row is created with
 * the first booking, later bookings add one only while booked < capacity, so concurrent checkouts queue
 * on the row lock and never overbook. No row back = full → 409 slot.full (the order rolls back).
 */
export async function bookSlot(
  tx: Tx,
  locationId: string,
  kind: SlotKind,
  start: Date,
  capacity: number,
): Promise<number> {
  if (capacity <= 0) throw new DomainError('slot.full', { locationId, slotStart: start.toISOString() });
  const rows = await tx
    .insert(orderSlots)
    .values({ locationId, kind, slotStart: start, capacity, booked: 1 })
    .onConflictDoUpdate({
      target: [orderSlots.locationId, orderSlots.kind, orderSlots.slotStart],
      set: { booked: sql`order_slots.booked + 1`, capacity: sql`excluded.capacity`, updatedAt: sql`now()` },
      setWhere: sql`order_slots.booked < excluded.capacity`,
    })
    .returning({ booked: orderSlots.booked });
  if (!rows.length) throw new DomainError('slot.full', { locationId, slotStart: start.toISOString() });
  return rows[0]!.booked;
}

/** Give a place back (the order was cancelled). */
export async function releaseSlot(tx: Tx, locationId: string, kind: SlotKind, start: Date): Promise<void> {
  await tx
    .update(orderSlots)
    .set({ booked: sql`${orderSlots.booked} - 1`, updatedAt: sql`now()` })
    .where(
      and(
        eq(orderSlots.locationId, locationId),
        eq(orderSlots.kind, kind),
        eq(orderSlots.slotStart, start),
        sql`${orderSlots.booked} > 0`,
      ),
    );
}

/**
 * The store's preparation board: today's (Japan time; or another `date`) order-ahead orders not yet picked up or
 * cancelled, grouped by slot, earliest first; each with its lines to make. Staff of the store.
 */
export async function prepBoard(
  db: Db,
  actor: Principal,
  locationId: string,
  opts: { date?: string | undefined; now?: Date } = {},
): Promise<PrepBoard> {
  assertCanActAt(actor, locationId);
  const date = opts.date ?? tokyoDate(opts.now ?? new Date());
  const midnight = tokyoMidnight(date);
  if (midnight === null) throw new DomainError('platform.validation', {}, [{ field: 'date', message: 'invalid_date' }]);
  const from = new Date(midnight);
  const to = new Date(from.getTime() + DAY_MS + 6 * 3600_000); // past-midnight openings belong to today
  const rows = await db
    .select({
      f: fulfilments,
      number: orders.number,
      guest: orders.guest,
      customerId: orders.customerId,
    })
    .from(fulfilments)
    .innerJoin(orders, eq(orders.id, fulfilments.orderId))
    .where(
      and(
        eq(fulfilments.locationId, locationId),
        eq(fulfilments.type, 'order_ahead'),
        inArray(fulfilments.status, ['placed', 'picking', 'ready']),
        gte(fulfilments.slotStart, from),
        lt(fulfilments.slotStart, to),
      ),
    )
    .orderBy(asc(fulfilments.slotStart), asc(orders.createdAt))
    .limit(500);
  const lines = rows.length
    ? await db
        .select({
          fulfilmentId: orderLines.fulfilmentId,
          name: orderLines.name,
          options: orderLines.options,
          quantity: orderLines.quantity,
        })
        .from(orderLines)
        .where(
          inArray(
            orderLines.fulfilmentId,
            rows.map((r) => r.f.id),
          ),
        )
        .orderBy(asc(orderLines.id))
    : [];
  const members = await memberCards(
    db,
    rows.flatMap((r) => (r.customerId ? [r.customerId] : [])),
  );
  const slots = new Map<number, PrepBoard['slots'][number]>();
  for (const r of rows) {
    const t = r.f.slotStart!.getTime();
    if (!slots.has(t))
      slots.set(t, {
        slotStart: r.f.slotStart!.toISOString(),
        slotEnd: slotEnd(r.f.slotStart!, 'order_ahead').toISOString(),
        orders: [],
      });
    slots.get(t)!.orders.push({
      orderId: r.f.orderId,
      number: r.number,
      fulfilmentId: r.f.id,
      status: r.f.status,
      pickupCode: r.f.pickupCode,
      name: (r.customerId ? members.get(r.customerId)?.name : null) ?? r.guest?.name ?? null,
      customerId: r.customerId,
      lines: lines.filter((l) => l.fulfilmentId === r.f.id).map(({ fulfilmentId: _f, ...l }) => l),
    });
  }
  return { locationId, date, slots: [...slots.values()] };
}
