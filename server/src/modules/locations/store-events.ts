import { and, asc, eq, gt, lt } from 'drizzle-orm';
import { assertCanActAt, requireRole, type Principal } from '../../platform/auth.ts';
import type { Db, Executor } from '../../platform/db/connection.ts';
import { inTransaction } from '../../platform/db/tx.ts';
import { changesBetween, recordAudit } from '../../platform/audit.ts';
import { DomainError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { locations, storeEvents } from './schema.ts';
import './problems.ts';

/** 店舗イベント as shoppers and staff see it. */
export interface StoreEvent {
  id: string;
  locationId: string;
  title: string;
  description: string;
  startsAt: string;
  endsAt: string;
}

export interface StoreEventInput {
  title: string;
  description?: string | undefined;
  startsAt: Date;
  endsAt: Date;
}

/** How far ahead the store page looks: events further out are announced nearer the day. */
export const EVENT_HORIZON_DAYS = 60;
const MAX_EVENTS = 50;

function present(row: typeof storeEvents.$inferSelect): StoreEvent {
  return {
    id: row.id,
    locationId: row.locationId,
    title: row.title,
    description: row.description,
    startsAt: row.startsAt.toISOString(),
    endsAt: row.endsAt.toISOString(),
  };
}

async function assertStore(db: Executor, locationId: string): Promise<void> {
  const [row] = await db.select({ id: locations.id }).from(locations).where(eq(locations.id, locationId));
  if (!row) throw new DomainError('locations.not_found', { locationId });
}

function assertTimes(startsAt: Date, endsAt: Date): void {
  if (endsAt.getTime() <= startsAt.getTime())
    throw new DomainError('platform.validation', {}, [{ field: 'endsAt', message: 'ends_before_start' }]);
}

/**
 * The store's events that are on now or still to come (ending after `now`, starting within the horizon),
 * soonest first. Public: the store page shows them to anyone.
 */
export async function listStoreEvents(db: Executor, locationId: string, now = new Date()): Promise<StoreEvent[]> {
  await assertStore(db, locationId);
  const horizon = new Date(now.getTime() + EVENT_HORIZON_DAYS * 86_400_000);
  const rows = await db
    .select()
    .from(storeEvents)
    .where(and(eq(storeEvents.locationId, locationId), gt(storeEvents.endsAt, now), lt(storeEvents.startsAt, horizon)))
    .orderBy(asc(storeEvents.startsAt), asc(storeEvents.id))
    .limit(MAX_EVENTS);
  return rows.map(present);
}

/** Announce an event at a store (its manager, head office). Audited. */
export async function createStoreEvent(
  db: Db,
  actor: Principal,
  locationId: string,
  input: StoreEventInput,
): Promise<StoreEvent> {
  assertCanActAt(requireRole(actor, 'owner', 'hq', 'store_manager'), locationId);
  assertTimes(input.startsAt, input.endsAt);
  await assertStore(db, locationId);
  const id = newId('sev');
  return inTransaction(db, async (tx) => {
    const [row] = await tx
      .insert(storeEvents)
      .values({
        id,
        locationId,
        title: input.title,
        description: input.description ?? '',
        startsAt: input.startsAt,
        endsAt: input.endsAt,
        createdBy: actor.kind === 'staff' ? actor.staffId : null,
      })
      .returning();
    await recordAudit(tx, actor, {
      action: 'store_event.created',
      subjectType: 'location',
      subjectId: locationId,
      locationId,
      detail: { eventId: id, title: input.title, startsAt: input.startsAt.toISOString() },
    });
    return present(row!);
  });
}

async function lockEvent(tx: Executor, locationId: string, eventId: string) {
  const [row] = await tx
    .select()
    .from(storeEvents)
    .where(and(eq(storeEvents.id, eventId), eq(storeEvents.locationId, locationId)))
    .for('update');
  if (!row) throw new DomainError('locations.event_not_found', { eventId });
  return row;
}

/** Change an event's title, times or description (the store's manager, head office). Audited with before → after. */
export async function updateStoreEvent(
  db: Db,
  actor: Principal,
  locationId: string,
  eventId: string,
  change: Partial<StoreEventInput>,
): Promise<StoreEvent> {
  assertCanActAt(requireRole(actor, 'owner', 'hq', 'store_manager'), locationId);
  return inTransaction(db, async (tx) => {
    const before = await lockEvent(tx, locationId, eventId);
    const set = Object.fromEntries(
      Object.entries(change).filter(([, v]) => v !== undefined),
    ) as Partial<StoreEventInput>;
    assertTimes(set.startsAt ?? before.startsAt, set.endsAt ?? before.endsAt);
    if (!Object.keys(set).length) return present(before);
    const [after] = await tx
      .update(storeEvents)
      .set({ ...set, updatedAt: new Date() })
      .where(eq(storeEvents.id, eventId))
      .returning();
    const iso = (d: Date | undefined) => d?.toISOString();
    const changes = changesBetween(
      { ...before, startsAt: iso(before.startsAt), endsAt: iso(before.endsAt) },
      { ...set, ...(set.startsAt && { startsAt: iso(set.startsAt) }), ...(set.endsAt && { endsAt: iso(set.endsAt) }) },
    );
    if (Object.keys(changes).length)
      await recordAudit(tx, actor, {
        action: 'store_event.updated',
        subjectType: 'location',
        subjectId: locationId,
        locationId,
        detail: { eventId, changes },
      });
    return present(after!);
  });
}

/** Take an event off the store page (the store's manager, head office). Audited. */
export async function deleteStoreEvent(db: Db, actor: Principal, locationId: string, eventId: string): Promise<void> {
  assertCanActAt(requireRole(actor, 'owner', 'hq', 'store_manager'), locationId);
  await inTransaction(db, async (tx) => {
    const before = await lockEvent(tx, locationId, eventId);
    await tx.delete(storeEvents).where(eq(storeEvents.id, eventId));
    await recordAudit(tx, actor, {
      action: 'store_event.deleted',
      subjectType: 'location',
      subjectId: locationId,
      locationId,
      detail: { eventId, title: before.title, startsAt: before.startsAt.toISOString() },
    });
  });
}
