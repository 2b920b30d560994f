import { and, asc, eq, gt, inArray } from 'drizzle-orm';
import type { Db, Executor } from '../../platform/db/connection.ts';
import { inTransaction } from '../../platform/db/tx.ts';
import { assertCanActAt, requireRole, type Principal } from '../../platform/auth.ts';
import { changesBetween, recordAudit, type AuditAction } from '../../platform/audit.ts';
import { DomainError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { getLocation } from '../locations/service.ts';
import { staffAtLocation } from '../staff/service.ts';
import { appointmentServiceStaff, appointmentServices, staffShifts, staffTimeBlocks } from './schema.ts';
import './problems.ts';

/**
 * 予約の設定: a store's services, who does them, the staff's weekly shifts and blocked time. Managed by the
 * store's manager (and head office); read by the store's staff; the active services are public.
 */

export interface ServiceInput {
  nameJa: string;
  nameEn: string;
  descriptionJa: string;
  durationMinutes: number;
  capacityPerStaff: number;
  active: boolean;
  sortOrder: number;
  staffIds: string[];
}

export interface ServiceView extends ServiceInput {
  id: string;
  locationId: string;
}

type ServiceRow = typeof appointmentServices.$inferSelect;

function manager(actor: Principal, locationId: string) {
  requireRole(actor, 'owner', 'hq', 'store_manager');
  return assertCanActAt(actor, locationId);
}

async function assertStaffAt(db: Executor, locationId: string, staffIds: readonly string[]) {
  const here = new Set((await staffAtLocation(db, locationId)).map((s) => s.id));
  const stranger = staffIds.find((id) => !here.has(id));
  if (stranger) throw new DomainError('appointments.staff_not_at_store', { staffId: stranger });
}

async function views(db: Executor, rows: ServiceRow[]): Promise<ServiceView[]> {
  const links = rows.length
    ? await db
        .select()
        .from(appointmentServiceStaff)
        .where(
          inArray(
            appointmentServiceStaff.serviceId,
            rows.map((r) => r.id),
          ),
        )
    : [];
  return rows.map((r) => ({
    id: r.id,
    locationId: r.locationId,
    nameJa: r.nameJa,
    nameEn: r.nameEn,
    descriptionJa: r.descriptionJa,
    durationMinutes: r.durationMinutes,
    capacityPerStaff: r.capacityPerStaff,
    active: r.active,
    sortOrder: r.sortOrder,
    staffIds: links
      .filter((l) => l.serviceId === r.id)
      .map((l) => l.staffId)
      .sort(),
  }));
}

const serviceOrder = [
  asc(appointmentServices.sortOrder),
  asc(appointmentServices.createdAt),
  asc(appointmentServices.id),
];

/** A service by id (any state), or 404. */
export async function serviceRow(db: Executor, id: string): Promise<ServiceRow> {
  const [row] = await db.select().from(appointmentServices).where(eq(appointmentServices.id, id));
  if (!row) throw new DomainError('appointments.service_not_found', { serviceId: id });
  return row;
}

/** The services a store offers now (anyone: the shop's 来店予約). An unknown store is 404. */
export async function offeredServices(db: Executor, locationId: string): Promise<ServiceRow[]> {
  await getLocation(db, locationId);
  return db
    .select()
    .from(appointmentServices)
    .where(and(eq(appointmentServices.locationId, locationId), eq(appointmentServices.active, true)))
    .orderBy(...serviceOrder);
}

/** Every service of a store with its staff (the store's staff and head office). */
export async function storeServices(db: Executor, actor: Principal, locationId: string): Promise<ServiceView[]> {
  assertCanActAt(actor, locationId);
  const rows = await db
    .select()
    .from(appointmentServices)
    .where(eq(appointmentServices.locationId, locationId))
    .orderBy(...serviceOrder);
  return views(db, rows);
}

/** Add a service to a store (its manager, head office).  */
export async function createService(
  db: Db,
  actor: Principal,
  locationId: string,
  input: ServiceInput,
): Promise<ServiceView> {
  manager(actor, locationId);
  await getLocation(db, locationId);
  await assertStaffAt(db, locationId, input.staffIds);
  return inTransaction(db, async (tx) => {
    const { staffIds, ...fields } = input;
    const [row] = await tx
      .insert(appointmentServices)
      .values({ id: newId('aps'), locationId, ...fields })
      .returning();
    if (staffIds.length)
      await tx
        .insert(appointmentServiceStaff)
        .values([...new Set(staffIds)].map((staffId) => ({ serviceId: row!.id, staffId })));
    const view = (await views(tx, [row!]))[0]!;
    await audit(tx, actor, 'appointment_service.created', locationId, {
      serviceId: view.id,
      name: view.nameJa,
      durationMinutes: view.durationMinutes,
    });
    return view;
  });
}

/** Change a service (its store's manager, head office); `staffIds` replaces who does it.  */
export async function updateService(
  db: Db,
  actor: Principal,
  id: string,
  change: Partial<ServiceInput>,
): Promise<ServiceView> {
  const current = await serviceRow(db, id);
  manager(actor, current.locationId);
  if (change.staffIds) await assertStaffAt(db, current.locationId, change.staffIds);
  return inTransaction(db, async (tx) => {
    const { staffIds, ...fields } = change;
    const [before] = await views(tx, [current]);
    const [row] = await tx
      .update(appointmentServices)
      .set({ ...fields, updatedAt: new Date() })
      .where(eq(appointmentServices.id, id))
      .returning();
    if (staffIds) {
      await tx.delete(appointmentServiceStaff).where(eq(appointmentServiceStaff.serviceId, id));
      if (staffIds.length)
        await tx
          .insert(appointmentServiceStaff)
          .values([...new Set(staffIds)].map((staffId) => ({ serviceId: id, staffId })));
    }
    const after = (await views(tx, [row!]))[0]!;
    const changes = changesBetween(auditedService(before!), auditedService(after));
    if (Object.keys(changes).length)
      await audit(tx, actor, 'appointment_service.updated', current.locationId, {
        serviceId: id,
        name: after.nameJa,
        changes,
      });
    return after;
  });
}

/** A service as the audit trail compares it: 受付 (offered) rather than the column's `active`, staff by count. */
function auditedService(v: ServiceView): Record<string, unknown> {
  return {
    nameJa: v.nameJa,
    nameEn: v.nameEn,
    descriptionJa: v.descriptionJa,
    durationMinutes: v.durationMinutes,
    capacityPerStaff: v.capacityPerStaff,
    offered: v.active,
    sortOrder: v.sortOrder,
    staffIds: v.staffIds,
  };
}

/** One row of the trail about a store's appointment setup (its 店舗設定: who changed the menu, shifts, blocks). */
function audit(
  tx: Executor,
  actor: Principal,
  action: AuditAction,
  locationId: string,
  detail: Record<string, unknown>,
) {
  return recordAudit(tx, actor, { action, subjectType: 'location', subjectId: locationId, locationId, detail });
}

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/**
 * Her week as the trail compares it, one entry per weekday: the hours of her shift, 'off' on a day without
 * one, 'all' on every day when she has no shifts (she works all opening hours).
 */
function auditedWeek(shifts: readonly ShiftInput[]): Record<string, unknown> {
  return Object.fromEntries(
    WEEKDAYS.map((day, weekday) => {
      const s = shifts.find((x) => x.weekday === weekday);
      return [day, shifts.length === 0 ? 'all' : s ? { open: s.startTime, close: s.endTime } : 'off'];
    }),
  );
}

export interface ShiftInput {
  weekday: number;
  startTime: string;
  endTime: string;
}

export interface StaffSchedule {
  staffId: string;
  name: string;
  role: string;
  /** Empty: she works all opening hours. */
  shifts: ShiftInput[];
  blocks: Array<{ id: string; startsAt: string; endsAt: string; reason: string }>;
}

/** The store's staff with their weekly shifts and their blocks still to come (the store's staff, head office). */
export async function staffSchedules(
  db: Executor,
  actor: Principal,
  locationId: string,
  now = new Date(),
): Promise<StaffSchedule[]> {
  assertCanActAt(actor, locationId);
  const people = await staffAtLocation(db, locationId);
  const ids = people.map((p) => p.id);
  if (!ids.length) return [];
  const shifts = await db
    .select()
    .from(staffShifts)
    .where(and(eq(staffShifts.locationId, locationId), inArray(staffShifts.staffId, ids)))
    .orderBy(asc(staffShifts.weekday));
  const blocks = await db
    .select()
    .from(staffTimeBlocks)
    .where(and(eq(staffTimeBlocks.locationId, locationId), gt(staffTimeBlocks.endsAt, now)))
    .orderBy(asc(staffTimeBlocks.startsAt));
  return people.map((p) => ({
    staffId: p.id,
    name: p.name,
    role: p.role,
    shifts: shifts
      .filter((s) => s.staffId === p.id)
      .map((s) => ({ weekday: s.weekday, startTime: s.startTime, endTime: s.endTime })),
    blocks: blocks
      .filter((b) => b.staffId === p.id)
      .map((b) => ({ id: b.id, startsAt: b.startsAt.toISOString(), endsAt: b.endsAt.toISOString(), reason: b.reason })),
  }));
}

/** Replace a staff member's weekly shifts at a store (none: all opening hours). Her manager, head office. */
export async function setShifts(
  db: Db,
  actor: Principal,
  locationId: string,
  staffId: string,
  shifts: ShiftInput[],
): Promise<ShiftInput[]> {
  manager(actor, locationId);
  await assertStaffAt(db, locationId, [staffId]);
  const days = new Set(shifts.map((s) => s.weekday));
  if (days.size !== shifts.length)
    throw new DomainError('platform.validation', {}, [{ field: 'shifts', message: 'one_shift_per_day' }]);
  if (shifts.some((s) => s.startTime >= s.endTime))
    throw new DomainError('platform.validation', {}, [{ field: 'shifts', message: 'start_before_end' }]);
  await inTransaction(db, async (tx) => {
    const before = await tx
      .delete(staffShifts)
      .where(and(eq(staffShifts.locationId, locationId), eq(staffShifts.staffId, staffId)))
      .returning();
    if (shifts.length) await tx.insert(staffShifts).values(shifts.map((s) => ({ ...s, locationId, staffId })));
    const changes = changesBetween({ shifts: auditedWeek(before) }, { shifts: auditedWeek(shifts) }, ['shifts']);
    if (Object.keys(changes).length)
      await audit(tx, actor, 'appointment_shifts.updated', locationId, {
        staffId,
        staffName: await staffName(tx, locationId, staffId),
        changes,
      });
  });
  return [...shifts].sort((a, b) => a.weekday - b.weekday);
}

/** Block a staff member's time (no appointment offered with her then). Her manager, head office. */
export async function blockTime(
  db: Db,
  actor: Principal,
  input: { locationId: string; staffId: string; startsAt: Date; endsAt: Date; reason: string },
) {
  const me = manager(actor, input.locationId);
  await assertStaffAt(db, input.locationId, [input.staffId]);
  if (input.startsAt >= input.endsAt)
    throw new DomainError('platform.validation', {}, [{ field: 'endsAt', message: 'start_before_end' }]);
  const row = await inTransaction(db, async (tx) => {
    const [made] = await tx
      .insert(staffTimeBlocks)
      .values({ id: newId('stb'), ...input, createdBy: me.staffId })
      .returning();
    await audit(tx, actor, 'staff_block.created', input.locationId, await blockDetail(tx, made!));
    return made;
  });
  return {
    id: row!.id,
    staffId: row!.staffId,
    startsAt: row!.startsAt.toISOString(),
    endsAt: row!.endsAt.toISOString(),
    reason: row!.reason,
  };
}

/** Lift a block (its store's manager, head office). */
export async function unblockTime(db: Db, actor: Principal, id: string): Promise<void> {
  requireRole(actor, 'owner', 'hq', 'store_manager');
  const [row] = await db.select().from(staffTimeBlocks).where(eq(staffTimeBlocks.id, id));
  if (!row) throw new DomainError('platform.not_found', { what: 'block', id });
  manager(actor, row.locationId);
  await inTransaction(db, async (tx) => {
    const [gone] = await tx.delete(staffTimeBlocks).where(eq(staffTimeBlocks.id, id)).returning();
    // Two managers lifting it at once: one of them lifted it, and only that one is on the trail.
    if (gone) await audit(tx, actor, 'staff_block.deleted', gone.locationId, await blockDetail(tx, gone));
  });
}

async function blockDetail(tx: Executor, b: typeof staffTimeBlocks.$inferSelect): Promise<Record<string, unknown>> {
  return {
    blockId: b.id,
    staffId: b.staffId,
    staffName: await staffName(tx, b.locationId, b.staffId),
    startsAt: b.startsAt.toISOString(),
    endsAt: b.endsAt.toISOString(),
    reason: b.reason,
  };
}

/** Her name for the trail (the screen shows names, never ids). */
async function staffName(tx: Executor, locationId: string, staffId: string): Promise<string | null> {
  return (await staffAtLocation(tx, locationId)).find((s) => s.id === staffId)?.name ?? null;
}
